/* SPDX-License-Identifier: MIT */
/*
 * A test guest's own xenstore client on its ring page (HVM_PARAM_STORE_PFN/_EVTCHN):
 * raw bytes in, one request at a time, its reply out. Watch events that arrive in
 * between are counted and skipped. Waits nap (xen_nap), so VIRQ_TIMER must be bound.
 */
#ifndef KEEL_TEST_XS_CLIENT_H
#define KEEL_TEST_XS_CLIENT_H

#include "pv_abi.h"

#include <stdbool.h>
#include <stddef.h>

struct xs_client {
	struct xenstore_domain_interface *ring;
	uint32_t port;
	uint32_t next_id;
	uint32_t watch_events;
};

/* Finds the ring and port from the HVM params; 0 or the hypercall's error. */
long xs_client_init(struct xs_client *x);
/* Copies n bytes into the request ring and notifies; false if no room came within ms. */
bool xs_put(struct xs_client *x, const void *data, uint32_t n, uint64_t ms);
/*
 * Sends type with payload (len bytes) and waits up to ms for its reply: the reply's type
 * (XS_ERROR's payload is the errno name), its payload NUL-terminated in buf (truncated to
 * cap), or -1 if none came.
 */
long xs_call(struct xs_client *x, uint32_t type, const void *payload, uint32_t len, char *buf,
	     size_t cap, uint64_t ms);
/* XS_READ of path into buf: 0, or -1 with the error name (or "timeout") in buf. */
long xs_read(struct xs_client *x, const char *path, char *buf, size_t cap);
/* XS_WRITE of value at path: 0 or -1 (the reply in buf). */
long xs_write(struct xs_client *x, const char *path, const char *value, char *buf, size_t cap);

#endif

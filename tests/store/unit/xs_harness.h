/* SPDX-License-Identifier: MIT */
/*
 * Test harness (tests only): an in-process server on an in-memory database and client
 * connections whose replies are captured, so that tests speak the wire protocol to it.
 */
#ifndef KEEL_XS_HARNESS_H
#define KEEL_XS_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_db.h"
#include "xs_server.h"

struct h_msg {
	struct xs_hdr h;
	char payload[XS_PAYLOAD_MAX + 1]; /* NUL-guarded */
};

/* A test client: what the server sent it, decoded into messages. */
struct h_client {
	struct xs_conn *conn;
	struct h_msg *msgs;
	size_t n, cap;
	size_t taken; /* messages already consumed by the test */
	bool closed;
};

struct h_env {
	struct xs_server srv;
	struct xs_db *db;
};

void h_env_init(struct h_env *e, const char *dbfile);
void h_env_fini(struct h_env *e);
struct h_client *h_client_new(struct h_env *e, unsigned int domid, bool privileged);
void h_client_free(struct h_client *c);

/* Sends a request with a raw payload; returns the reply (not a watch event). */
const struct h_msg *h_req(struct h_client *c, uint32_t type, uint32_t tx, const void *payload,
			  size_t len);
/* Payload from NUL-separated arguments: h_args(buf, "a", "b", NULL) -> "a\0b\0". */
size_t h_args(char *buf, ...);
/* Request with string arguments, each NUL-terminated. */
const struct h_msg *h_call(struct h_client *c, uint32_t type, uint32_t tx, ...);
/* Shorthands returning 0 or the errno of an ERROR reply. */
int h_write(struct h_client *c, uint32_t tx, const char *path, const char *value);
int h_mkdir(struct h_client *c, uint32_t tx, const char *path);
int h_rm(struct h_client *c, uint32_t tx, const char *path);
/* Reads into a static buffer: NULL and *err set on error. */
const char *h_read(struct h_client *c, uint32_t tx, const char *path, int *err);
int h_setperms(struct h_client *c, uint32_t tx, const char *path, ...);
uint32_t h_txn_start(struct h_client *c);
int h_txn_end(struct h_client *c, uint32_t tx, bool commit);
int h_watch(struct h_client *c, const char *path, const char *token);
/* errno of an ERROR reply, 0 for anything else. */
int h_err(const struct h_msg *m);
/* Next unconsumed watch event: path and token, or false when there is none. */
bool h_event(struct h_client *c, const char **path, const char **token);
/* Drops the pending watch events. */
void h_drain_events(struct h_client *c);
size_t h_count_events(struct h_client *c);

/*
 * The other side of a shared ring page (a guest, or dom0's kernel): writes a request into
 * the request ring (aborts if it does not fit), takes one whole message from the response
 * ring (false when none is complete yet). payload holds XS_PAYLOAD_MAX + 1 bytes.
 */
struct xs_ring_page;
void h_ring_send(struct xs_ring_page *pg, uint32_t type, uint32_t req_id, const void *p,
		 uint32_t len);
bool h_ring_recv(struct xs_ring_page *pg, struct xs_hdr *h, char *payload);

#endif

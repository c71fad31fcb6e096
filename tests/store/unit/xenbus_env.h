/* SPDX-License-Identifier: MIT */
/*
 * What the tests of keel-xenstored's Xen transports share (tests only): an in-process
 * server with dom0's tools on a client, the device double (xen_double.h), a libuv loop
 * running uv_xenbus.c over it, and the server's log lines captured from stderr.
 */
#ifndef KEEL_XENBUS_ENV_H
#define KEEL_XENBUS_ENV_H

#include <stdbool.h>
#include <stdio.h>

#include <uv.h>

#include "uv_xenbus.h"
#include "xen_double.h"
#include "xs_harness.h"

struct env {
	struct h_env h;
	struct h_client *tools; /* dom0's tools on the socket */
	struct xen_double xd;
	uv_loop_t loop;
	struct xs_uv_xenbus xb;
	struct xs_guest_rings guests;
	bool started, serving_guests;
	FILE *log; /* the server's log lines (stderr) */
	int saved_stderr;
	char logtext[16384];
	char payload[XS_PAYLOAD_MAX + 1];
	struct xs_hdr hdr;
};

/* cmocka setup and teardown: *state is a struct env. */
int env_setup(void **state);
int env_teardown(void **state);
/* Starts serving dom0's kernel over the double: 0 or the start's negative errno. */
int env_start(struct env *e);
/* Starts serving dom0's kernel, then guests' rings: 0 or a negative errno. */
int env_start_guests(struct env *e);
/* Everything the server logged so far. */
const char *env_logged(struct env *e);
/* Lets the loop take what the double's event channel delivered. */
void env_run(struct env *e);

#endif

/* SPDX-License-Identifier: MIT */
/* The Unix-socket transport on libuv: each client is dom0, privileged. */
#ifndef KEEL_XS_UV_SOCKET_H
#define KEEL_XS_UV_SOCKET_H

#include <uv.h>

#include "xs_server.h"

struct sock_client;

struct xs_uv_listener {
	uv_pipe_t pipe;
	uv_check_t flusher; /* writes out what the loop iteration queued */
	struct xs_server *srv;
	struct sock_client *dirty, *dirty_tail; /* clients with output waiting, oldest first */
	unsigned int nclients;
};

/* Binds path (replacing a stale socket, creating its directory) and listens. */
int xs_uv_listen(uv_loop_t *loop, struct xs_uv_listener *l, struct xs_server *srv, const char *path,
		 char *err, size_t errsz);
/* Closes the listener and every client. */
void xs_uv_close_all(struct xs_uv_listener *l);

#endif

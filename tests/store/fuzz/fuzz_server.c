// SPDX-License-Identifier: MIT
/*
 * Fuzz target: a whole server (in-memory database) fed arbitrary request streams from a
 * privileged and an unprivileged connection. Must never crash, leak or read out of bounds.
 * Input: a sequence of chunks [selector byte][len byte][len bytes].
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xs_db.h"
#include "xs_server.h"

static void kick(struct xs_conn *c)
{
	/* Replies are checked for framing, then dropped. */
	while (c->out.len >= XS_HDR_SIZE) {
		struct xs_hdr h;

		xs_hdr_decode(xs_buf_head(&c->out), &h);
		if (h.len > XS_PAYLOAD_MAX || c->out.len < XS_HDR_SIZE + h.len)
			abort();
		xs_conn_sent(c, XS_HDR_SIZE + h.len);
	}
	if (c->out.len)
		abort();
}

static void closed(struct xs_conn *c)
{
	c->dead = true;
}

static const struct xs_transport tp = {.kick = kick, .close = closed};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xs_server srv;
	struct xs_conn *conns[2];
	struct xs_db *db;
	char err[256];
	size_t off = 0;

	if (xs_db_open(":memory:", XS_DB_SYNC_NORMAL, &db, err, sizeof(err)))
		abort();
	if (xs_server_init(&srv, db, NULL))
		abort();
	srv.quiet = true;
	conns[0] = xs_conn_new(&srv, &tp, NULL, 0, true);
	conns[1] = xs_conn_new(&srv, &tp, NULL, 5, false);
	while (off + 2 <= size) {
		struct xs_conn *c = conns[data[off] & 1];
		size_t len = data[off + 1];
		uint8_t *chunk;

		off += 2;
		if (len > size - off)
			len = size - off;
		chunk = malloc(len ? len : 1);
		if (!chunk)
			break;
		memcpy(chunk, data + off, len);
		if (!c->dead)
			xs_conn_input(c, chunk, len);
		free(chunk);
		off += len;
	}
	xs_server_fini(&srv);
	xs_db_close(db);
	return 0;
}

// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include <string.h>

#include "ring_rounds.h"
#include "xs_db.h"
#include "xs_ring.h"
#include "xs_server.h"

static void notify(void *arg)
{
	(void)arg;
}

static int introduce(struct xs_server *srv, unsigned int domid, uint64_t gfn, unsigned int port,
		     struct xs_conn **conn, void *arg)
{
	(void)srv;
	(void)domid;
	(void)gfn;
	(void)port;
	(void)conn;
	(void)arg;
	return 0;
}

void fuzz_ring_rounds(const uint8_t *data, size_t size, unsigned int domid, bool privileged)
{
	struct xs_ring_page *page = calloc(1, sizeof(*page));
	struct xs_server srv;
	struct xs_ring ring;
	struct xs_db *db;
	char err[256];
	size_t off = 0;

	if (!page)
		return;
	if (xs_db_open(":memory:", XS_DB_SYNC_NORMAL, &db, err, sizeof(err)) ||
	    xs_server_init(&srv, db, NULL))
		abort();
	srv.quiet = true;
	srv.dom_ops.introduce = introduce;
	if (xs_ring_attach(&srv, &ring, page, domid, privileged, notify, NULL))
		abort();
	while (off + 3 <= size) {
		size_t at = ((size_t)data[off] << 8 | data[off + 1]) % sizeof(*page);
		size_t len = data[off + 2];

		off += 3;
		if (len > size - off)
			len = size - off;
		if (len > sizeof(*page) - at)
			len = sizeof(*page) - at;
		memcpy((uint8_t *)page + at, data + off, len);
		off += len;
		xs_ring_event(&ring);
		/* A broken ring stays broken: no more requests are taken from it. */
		if (ring.broken && ring.conn && !ring.conn->dead)
			abort();
	}
	xs_ring_detach(&ring);
	xs_server_fini(&srv);
	xs_db_close(db);
	free(page);
}

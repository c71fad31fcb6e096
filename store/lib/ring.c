// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "xs_ring.h"

static uint32_t load(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static void ring_fail(struct xs_ring *ring, uint32_t err)
{
	ring->broken = true;
	store(&ring->page->error, err);
	if (ring->conn) {
		if (err == XS_RING_ERROR_RINGIDX)
			xs_log(ring->conn->srv,
			       "domain %u: ring indexes out of range: disconnecting",
			       ring->conn->domid);
		ring->conn->dead = true;
	}
}

/* Copies queued replies into the response ring; returns true if any were written. */
static bool flush(struct xs_ring *ring)
{
	struct xs_conn *c = ring->conn;
	struct xs_ring_page *pg = ring->page;
	uint32_t cons, prod, space, n = 0;

	if (ring->broken || !c)
		return false;
	while (c->out.len) {
		uint32_t off, chunk;

		cons = load(&pg->rsp_cons);
		prod = pg->rsp_prod; /* ours: the guest only reads it */
		if (prod - cons > XS_RING_SIZE) {
			ring_fail(ring, XS_RING_ERROR_RINGIDX);
			return false;
		}
		space = XS_RING_SIZE - (prod - cons);
		if (!space)
			break;
		off = prod & (XS_RING_SIZE - 1);
		chunk = XS_RING_SIZE - off; /* up to the wrap */
		if (chunk > space)
			chunk = space;
		if (chunk > c->out.len)
			chunk = (uint32_t)c->out.len;
		memcpy(pg->rsp + off, xs_buf_head(&c->out), chunk);
		xs_conn_sent(c, chunk);
		store(&pg->rsp_prod, prod + chunk);
		n += chunk;
	}
	return n > 0;
}

static void ring_kick(struct xs_conn *c)
{
	struct xs_ring *ring = c->tp_data;

	/* Within xs_ring_event the flush (and one notification) happens at its end. */
	if (!ring->in_event && flush(ring))
		ring->notify(ring->notify_arg);
}

static void ring_close(struct xs_conn *c)
{
	struct xs_ring *ring = c->tp_data;

	ring->closing = true;
	if (!ring->in_event)
		xs_ring_detach(ring);
}

static const struct xs_transport ring_transport = {
    .kick = ring_kick,
    .close = ring_close,
};

int xs_ring_attach(struct xs_server *srv, struct xs_ring *ring, struct xs_ring_page *page,
		   unsigned int domid, bool privileged, void (*notify)(void *arg), void *notify_arg)
{
	memset(ring, 0, sizeof(*ring));
	ring->page = page;
	ring->notify = notify;
	ring->notify_arg = notify_arg;
	ring->conn = xs_conn_new(srv, &ring_transport, ring, domid, privileged);
	if (!ring->conn)
		return -ENOMEM;
	store(&page->error, XS_RING_ERROR_NONE);
	store(&page->server_features, 0);
	return 0;
}

/* Feeds the requests waiting in the ring to the server; true if any were consumed. */
static bool take_requests(struct xs_ring *ring)
{
	struct xs_ring_page *pg = ring->page;
	bool any = false;

	while (!ring->broken && ring->conn && !ring->conn->dead) {
		uint32_t cons = pg->req_cons; /* ours: the guest only reads it */
		uint32_t prod = load(&pg->req_prod);
		uint32_t avail = prod - cons, off, chunk;
		char buf[XS_RING_SIZE];
		long used;

		if (avail > XS_RING_SIZE) {
			ring_fail(ring, XS_RING_ERROR_RINGIDX);
			break;
		}
		if (!avail)
			break;
		off = cons & (XS_RING_SIZE - 1);
		chunk = XS_RING_SIZE - off;
		if (chunk > avail)
			chunk = avail;
		/* A private copy: the guest may change the ring while we parse. */
		memcpy(buf, pg->req + off, chunk);
		used = xs_conn_input(ring->conn, buf, chunk);
		if (used < 0) {
			ring_fail(ring, XS_RING_ERROR_PROTO);
			break;
		}
		if (!used) {
			/* Throttled: replies must drain first. */
			if (!flush(ring))
				break;
			any = true;
			continue;
		}
		store(&pg->req_cons, cons + (uint32_t)used);
		any = true;
	}
	return any;
}

void xs_ring_event(struct xs_ring *ring)
{
	bool notify;

	if (!ring->conn || ring->broken)
		return;
	ring->in_event = true;
	notify = take_requests(ring);
	notify |= flush(ring);
	ring->in_event = false;
	if (notify || ring->broken)
		ring->notify(ring->notify_arg);
	if (ring->closing)
		xs_ring_detach(ring);
}

void xs_ring_detach(struct xs_ring *ring)
{
	if (ring->conn) {
		xs_conn_free(ring->conn);
		ring->conn = NULL;
	}
}

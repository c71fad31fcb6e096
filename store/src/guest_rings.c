// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guest_rings.h"

struct xs_guest {
	struct xs_guest *next;
	struct xs_guest_rings *gr;
	unsigned int domid;
	void *page; /* NULL once the ring is dropped */
	int port;   /* ours, bound to the guest's; -1 once dropped */
	struct xs_ring ring;
};

static struct xs_guest *by_domid(struct xs_guest_rings *gr, unsigned int domid)
{
	for (struct xs_guest *g = gr->list; g; g = g->next)
		if (g->domid == domid)
			return g;
	return NULL;
}

static void notify(void *arg)
{
	struct xs_guest *g = arg;
	int ret = g->gr->ops->notify(g->gr->h, (unsigned int)g->port);

	if (ret)
		xs_log(g->gr->srv, "cannot notify domain %u: %s", g->domid, strerror(-ret));
}

/* Connection, port and page go; the record stays until the domain is released. */
static void drop(struct xs_guest *g)
{
	struct xs_guest_rings *gr = g->gr;

	xs_ring_detach(&g->ring);
	if (g->port >= 0)
		gr->ops->unbind(gr->h, (unsigned int)g->port);
	if (g->page)
		gr->ops->guest_unmap(gr->h, g->page);
	g->port = -1;
	g->page = NULL;
}

static void serve(struct xs_guest *g)
{
	xs_ring_event(&g->ring);
	if (g->ring.broken || !g->ring.conn) {
		xs_log(g->gr->srv,
		       "domain %u broke its xenstore ring (ring error %u): no longer served",
		       g->domid, ((struct xs_ring_page *)g->page)->error);
		drop(g);
	}
}

/* As Xen's xenstored: the reserved grant first, the frame itself if that fails. */
static int map_page(struct xs_guest_rings *gr, unsigned int domid, uint64_t gfn, void **page)
{
	int ret = gr->ops->grant_map(gr->h, domid, XS_GRANT_XENSTORE, page);

	if (!ret)
		return 0;
	xs_log(gr->srv, "domain %u: cannot map its xenstore grant (%s): mapping gfn %#llx", domid,
	       strerror(-ret), (unsigned long long)gfn);
	return gr->ops->foreign_map(gr->h, domid, gfn, page);
}

static int introduce(struct xs_server *srv, unsigned int domid, uint64_t gfn, unsigned int port,
		     struct xs_conn **conn, void *arg)
{
	struct xs_guest_rings *gr = arg;
	struct xs_guest *g = calloc(1, sizeof(*g));
	int ret = -ENOMEM;

	if (!g)
		return ret;
	g->gr = gr;
	g->domid = domid;
	g->port = -1;
	ret = map_page(gr, domid, gfn, &g->page);
	if (ret) {
		xs_log(srv, "domain %u: cannot map its xenstore page: %s", domid, strerror(-ret));
		g->page = NULL;
		goto fail;
	}
	ret = gr->ops->bind_interdomain(gr->h, domid, port);
	if (ret < 0) {
		xs_log(srv, "domain %u: cannot bind its port %u: %s", domid, port, strerror(-ret));
		goto fail;
	}
	g->port = ret;
	ret = xs_ring_attach(srv, &g->ring, g->page, domid, false, notify, g);
	if (ret)
		goto fail;
	g->next = gr->list;
	gr->list = g;
	xs_log(srv, "domain %u: serving its xenstore ring (its port %u, ours %d)", domid, port,
	       g->port);
	/* What it queued before it was introduced, then a kick in case it waits. */
	serve(g);
	if (g->port >= 0)
		notify(g);
	*conn = g->ring.conn; /* NULL if that already broke it */
	return 0;
fail:
	drop(g);
	free(g);
	return ret;
}

static int rebind(struct xs_server *srv, struct xs_conn *conn, unsigned int port, void *arg)
{
	struct xs_guest_rings *gr = arg;
	struct xs_guest *g = by_domid(gr, conn->domid);
	int ret;

	if (!g || g->port < 0)
		return 0;
	ret = gr->ops->bind_interdomain(gr->h, g->domid, port);
	if (ret < 0) {
		xs_log(srv, "domain %u: cannot bind its new port %u: %s", g->domid, port,
		       strerror(-ret));
		return ret;
	}
	gr->ops->unbind(gr->h, (unsigned int)g->port);
	g->port = ret;
	notify(g);
	return 0;
}

static void release(struct xs_server *srv, unsigned int domid, void *arg)
{
	struct xs_guest_rings *gr = arg;

	(void)srv;
	for (struct xs_guest **pp = &gr->list; *pp; pp = &(*pp)->next) {
		struct xs_guest *g = *pp;

		if (g->domid == domid) {
			/* Never inside its own ring event: an unprivileged ring cannot RELEASE. */
			*pp = g->next;
			drop(g);
			free(g);
			return;
		}
	}
}

void xs_guest_rings_init(struct xs_guest_rings *gr, struct xs_server *srv,
			 const struct xs_xen_ops *ops, void *h)
{
	memset(gr, 0, sizeof(*gr));
	gr->srv = srv;
	gr->ops = ops;
	gr->h = h;
	srv->dom_ops.introduce = introduce;
	srv->dom_ops.rebind = rebind;
	srv->dom_ops.release = release;
	srv->dom_ops.arg = gr;
}

bool xs_guest_rings_event(struct xs_guest_rings *gr, int port)
{
	for (struct xs_guest *g = gr->list; g; g = g->next) {
		if (g->port == port) {
			serve(g);
			return true;
		}
	}
	return false;
}

void xs_guest_rings_fini(struct xs_guest_rings *gr)
{
	while (gr->list) {
		struct xs_guest *g = gr->list;

		gr->list = g->next;
		drop(g);
		free(g);
	}
	memset(&gr->srv->dom_ops, 0, sizeof(gr->srv->dom_ops));
}

// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "domain_exits.h"
#include "guest_rings.h"
#include "uv_xenbus.h"

/* Ports taken per poll callback: the loop's other work is not starved. */
#define PORTS_PER_WAKE 64

static void ring_notify(void *arg)
{
	struct xs_uv_xenbus *xb = arg;
	int ret = xb->ops->notify(xb->h, (unsigned int)xb->ring_port);

	if (ret)
		xs_log(xb->srv, "cannot notify dom0's kernel: %s", strerror(-ret));
}

/* The ring broke (the kernel's indexes or lengths were impossible): that connection ends. */
static void ring_drop(struct xs_uv_xenbus *xb)
{
	xs_log(xb->srv, "dom0's kernel broke the ring protocol (ring error %u): no longer served",
	       xb->page->error);
	xs_ring_detach(&xb->ring);
	xb->serving = false;
}

static void ring_event(struct xs_uv_xenbus *xb)
{
	if (!xb->serving)
		return;
	xs_ring_event(&xb->ring);
	if (xb->ring.broken || !xb->ring.conn)
		ring_drop(xb);
}

static void domain_event(struct xs_uv_xenbus *xb)
{
	int ret = xs_domain_exits(xb->srv, xb->ops, xb->h, &xb->seen);

	if (ret < 0)
		xs_log(xb->srv, "cannot ask the hypervisor which domains ended: %s",
		       strerror(-ret));
}

static void poll_stop(struct xs_uv_xenbus *xb)
{
	if (!xb->polling)
		return;
	xb->polling = false;
	uv_close((uv_handle_t *)&xb->poll, NULL);
}

/* The event channel fd failed: what may have fired is served, then polling ends. */
static void evtchn_failed(struct xs_uv_xenbus *xb, const char *what)
{
	xs_log(xb->srv,
	       "event channel failed (%s): dom0's kernel and domain exits are no "
	       "longer watched",
	       what);
	ring_event(xb);
	if (xb->virq_port >= 0)
		domain_event(xb);
	poll_stop(xb);
}

static void on_evtchn(uv_poll_t *p, int status, int events)
{
	struct xs_uv_xenbus *xb = p->data;

	(void)events;
	if (status < 0) {
		evtchn_failed(xb, uv_strerror(status));
		return;
	}
	for (int i = 0; i < PORTS_PER_WAKE && xb->polling; i++) {
		int port = xb->ops->pending(xb->h), ret;

		if (port == -EAGAIN)
			break;
		if (port < 0) {
			evtchn_failed(xb, strerror(-port));
			break;
		}
		/* Re-armed before serving: an event arriving meanwhile is not lost. */
		ret = xb->ops->unmask(xb->h, (unsigned int)port);
		if (ret)
			xs_log(xb->srv, "cannot unmask event channel port %d: %s", port,
			       strerror(-ret));
		if (port == xb->ring_port)
			ring_event(xb);
		else if (port == xb->virq_port)
			domain_event(xb);
		else if (!xb->guests || !xs_guest_rings_event(xb->guests, port))
			xs_log(xb->srv, "event on unknown port %d ignored", port);
	}
}

int xs_uv_xenbus_start(uv_loop_t *loop, struct xs_uv_xenbus *xb, struct xs_server *srv,
		       const struct xs_xen_ops *ops, void *h, char *err, size_t errsz)
{
	int ret, fd;

	memset(xb, 0, sizeof(*xb));
	xb->srv = srv;
	xb->ops = ops;
	xb->h = h;
	xb->ring_port = xb->virq_port = -1;
	ret = ops->ring_map(h, &xb->page, &xb->kernel_port);
	if (ret) {
		snprintf(err, errsz, "cannot map dom0's kernel ring: %s", strerror(-ret));
		return ret;
	}
	ret = ops->bind_interdomain(h, 0, xb->kernel_port);
	if (ret < 0) {
		snprintf(err, errsz, "cannot bind dom0's kernel port %u: %s", xb->kernel_port,
			 strerror(-ret));
		goto unmap;
	}
	xb->ring_port = ret;
	fd = ops->evtchn_fd(h);
	ret = fd < 0 ? fd : uv_poll_init(loop, &xb->poll, fd);
	if (ret) {
		snprintf(err, errsz, "cannot poll the event channel: %s",
			 fd < 0 ? strerror(-fd) : uv_strerror(ret));
		goto unbind;
	}
	xb->poll.data = xb;
	xb->polling = true;
	ret = uv_poll_start(&xb->poll, UV_READABLE, on_evtchn);
	if (ret) {
		snprintf(err, errsz, "cannot poll the event channel: %s", uv_strerror(ret));
		poll_stop(xb);
		goto unbind;
	}
	ret = xs_ring_attach(srv, &xb->ring, xb->page, 0, true, ring_notify, xb);
	if (ret) {
		snprintf(err, errsz, "cannot attach dom0's kernel ring: %s", strerror(-ret));
		poll_stop(xb);
		goto unbind;
	}
	xb->serving = true;
	ret = ops->bind_virq(h, XS_VIRQ_DOM_EXC);
	if (ret < 0)
		xs_log(srv, "cannot bind VIRQ_DOM_EXC: %s; domain exits go unnoticed",
		       strerror(-ret));
	else
		xb->virq_port = ret;
	/* Requests the kernel queued before we came, then the announcement it waits for. */
	ring_event(xb);
	ring_notify(xb);
	return 0;
unbind:
	ops->unbind(h, (unsigned int)xb->ring_port);
	xb->ring_port = -1;
unmap:
	ops->ring_unmap(h, xb->page);
	xb->page = NULL;
	return ret;
}

void xs_uv_xenbus_stop(struct xs_uv_xenbus *xb)
{
	poll_stop(xb);
	if (xb->serving)
		xs_ring_detach(&xb->ring);
	xb->serving = false;
	if (xb->virq_port >= 0)
		xb->ops->unbind(xb->h, (unsigned int)xb->virq_port);
	if (xb->ring_port >= 0)
		xb->ops->unbind(xb->h, (unsigned int)xb->ring_port);
	xb->virq_port = xb->ring_port = -1;
	if (xb->page)
		xb->ops->ring_unmap(xb->h, xb->page);
	xb->page = NULL;
}

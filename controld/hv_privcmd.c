// SPDX-License-Identifier: MIT
/*
 * The shipped hypervisor transport: Keel's domctl through /dev/xen/privcmd with Debian's
 * libxencall (the request in a hypercall buffer from xencall_alloc_buffer, which privcmd
 * can hand to the hypervisor), and VIRQ_DOM_EXC through libxenevtchn, its fd polled on the
 * libuv loop. The domctls themselves are hv_keel.c's.
 *
 * Without the virq (a hypervisor that does not raise it, or no evtchn device) controld
 * says so in its log and lists the domains every POLL_MS instead, so a domain that ends
 * by itself is still seen, later.
 */
#include "hv_backend.h"
#include "hv_keel.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xen/xen.h>
#include <xencall.h>
#include <xenevtchn.h>

#define POLL_MS 1000

struct privcmd {
	struct hv_transport base;
	xencall_handle *xc;
	struct keel_domctl *buf; /* a hypercall buffer */
	xenevtchn_handle *xce;
	evtchn_port_t port;
	uv_poll_t poll;
	uv_timer_t timer;
	bool polling, timing;
	unsigned open_handles; /* libuv handles still to close before freeing */
};

static int pc_domctl(struct hv_transport *t, struct keel_domctl *op)
{
	struct privcmd *p = (struct privcmd *)t;
	int rc;

	memcpy(p->buf, op, sizeof(*op));
	rc = xencall1(p->xc, __HYPERVISOR_keel_domctl, (uint64_t)(uintptr_t)p->buf);
	if (rc < 0)
		return errno ? -errno : -EIO;
	memcpy(op, p->buf, sizeof(*op));
	return 0;
}

static void changed(struct privcmd *p)
{
	if (p->base.domains_changed)
		p->base.domains_changed(p->base.hv);
}

static void on_virq(uv_poll_t *h, int status, int events)
{
	struct privcmd *p = h->data;
	xenevtchn_port_or_error_t port;

	(void)events;
	if (status < 0) {
		log_error("hypervisor: event channel fd: %s", uv_strerror(status));
		return;
	}
	port = xenevtchn_pending(p->xce);
	if (port < 0) {
		log_warn("hypervisor: xenevtchn_pending: %s", strerror(errno));
		return;
	}
	if (xenevtchn_unmask(p->xce, (evtchn_port_t)port))
		log_warn("hypervisor: xenevtchn_unmask(%d): %s", port, strerror(errno));
	changed(p);
}

static void on_timer(uv_timer_t *t)
{
	changed(t->data);
}

static void release(struct privcmd *p)
{
	if (p->xce)
		xenevtchn_close(p->xce);
	if (p->buf)
		xencall_free_buffer(p->xc, p->buf);
	if (p->xc)
		xencall_close(p->xc);
	free(p);
}

static void handle_closed(uv_handle_t *h)
{
	struct privcmd *p = h->data;

	if (--p->open_handles == 0)
		release(p);
}

static void pc_close(struct hv_transport *t)
{
	struct privcmd *p = (struct privcmd *)t;

	if (p->polling) {
		p->open_handles++;
		uv_close((uv_handle_t *)&p->poll, handle_closed);
	}
	if (p->timing) {
		p->open_handles++;
		uv_close((uv_handle_t *)&p->timer, handle_closed);
	}
	if (!p->open_handles)
		release(p);
}

static const struct hv_transport_ops privcmd_ops = {
    .domctl = pc_domctl,
    .close = pc_close,
};

/* VIRQ_DOM_EXC on the loop, or else a timer: 0, or why not in err. */
static int watch_domains(uv_loop_t *loop, struct privcmd *p, char *err, size_t errlen)
{
	xenevtchn_port_or_error_t port;

	p->xce = xenevtchn_open(NULL, 0);
	if (!p->xce) {
		int e = errno;
		snprintf(err, errlen, "xenevtchn_open: %s", strerror(e));
		return -e;
	}
	port = xenevtchn_bind_virq(p->xce, VIRQ_DOM_EXC);
	if (port < 0) {
		int e = errno;
		snprintf(err, errlen, "xenevtchn_bind_virq(VIRQ_DOM_EXC): %s", strerror(e));
		return -e;
	}
	p->port = (evtchn_port_t)port;
	if (uv_poll_init(loop, &p->poll, xenevtchn_fd(p->xce))) {
		snprintf(err, errlen, "polling the event channel fd failed");
		return -EIO;
	}
	p->poll.data = p;
	p->polling = true;
	uv_poll_start(&p->poll, UV_READABLE, on_virq);
	return 0;
}

static void poll_instead(uv_loop_t *loop, struct privcmd *p)
{
	uv_timer_init(loop, &p->timer);
	p->timer.data = p;
	p->timing = true;
	uv_timer_start(&p->timer, on_timer, POLL_MS, POLL_MS);
}

int hv_privcmd_open(uv_loop_t *loop, hv_event_fn fn, void *opaque, struct hv **out, char *err,
		    size_t errlen)
{
	struct privcmd *p;
	char why[160];
	int rc;

	if (access("/dev/xen/privcmd", R_OK | W_OK)) {
		snprintf(err, errlen,
			 "no hypervisor reachable: /dev/xen/privcmd: %s (controld runs in dom0 "
			 "on Keel, with Linux's xen_privcmd driver loaded)",
			 strerror(errno));
		return -ENODEV;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->base.ops = &privcmd_ops;
	p->xc = xencall_open(NULL, 0);
	if (!p->xc) {
		rc = errno ? -errno : -ENODEV;
		snprintf(err, errlen, "no hypervisor reachable: xencall_open: %s", strerror(-rc));
		release(p);
		return rc;
	}
	p->buf = xencall_alloc_buffer(p->xc, sizeof(*p->buf));
	if (!p->buf) {
		snprintf(err, errlen, "xencall_alloc_buffer: %s", strerror(errno));
		release(p);
		return -ENOMEM;
	}
	rc = watch_domains(loop, p, why, sizeof(why));
	if (rc) {
		log_error("hypervisor: no domain events (%s): listing domains every %d ms instead",
			  why, POLL_MS);
		poll_instead(loop, p);
	}
	return hv_keel_open(&p->base, fn, opaque, out, err, errlen);
}

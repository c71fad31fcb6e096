// SPDX-License-Identifier: MIT
/*
 * The shipped hypervisor transport: Keel's domctl through /dev/xen/privcmd with Debian's
 * libxencall (the request in a hypercall buffer from xencall_alloc_buffer, which privcmd
 * can hand to the hypervisor). The domctls themselves are hv_keel.c's.
 *
 * Domain events: VIRQ_DOM_EXC is keel-xenstored's (on Keel as on Xen one process in dom0
 * binds it), which fires @releaseDomain; controld watches that (backends.c). Until the
 * watch is set, or when it cannot be, the domains are listed every POLL_MS instead.
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

#define POLL_MS 1000

struct privcmd {
	struct hv_transport base;
	xencall_handle *xc;
	struct keel_domctl *buf; /* a hypercall buffer */
	uv_timer_t timer;
	bool timing;
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

static void on_timer(uv_timer_t *t)
{
	struct privcmd *p = t->data;

	if (p->base.domains_changed)
		p->base.domains_changed(p->base.hv);
}

static void release(struct privcmd *p)
{
	if (p->buf)
		xencall_free_buffer(p->xc, p->buf);
	if (p->xc)
		xencall_close(p->xc);
	free(p);
}

static void timer_closed(uv_handle_t *h)
{
	release(h->data);
}

static void pc_events_from_store(struct hv_transport *t)
{
	struct privcmd *p = (struct privcmd *)t;

	if (p->timing)
		uv_timer_stop(&p->timer);
}

static void pc_close(struct hv_transport *t)
{
	struct privcmd *p = (struct privcmd *)t;

	if (p->timing)
		uv_close((uv_handle_t *)&p->timer, timer_closed);
	else
		release(p);
}

static const struct hv_transport_ops privcmd_ops = {
    .domctl = pc_domctl,
    .events_from_store = pc_events_from_store,
    .close = pc_close,
};

int hv_privcmd_open(uv_loop_t *loop, hv_event_fn fn, void *opaque, struct hv **out, char *err,
		    size_t errlen)
{
	struct privcmd *p;
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
	/* Until the store's watch is set (backends.c stops it then). */
	uv_timer_init(loop, &p->timer);
	p->timer.data = p;
	p->timing = true;
	uv_timer_start(&p->timer, on_timer, POLL_MS, POLL_MS);
	return hv_keel_open(&p->base, fn, opaque, out, err, errlen);
}

/* SPDX-License-Identifier: MIT */
/*
 * Serving dom0's own kernel (Xen's XS_LOCAL, dom0/PVH-DOM0.md section 7): its xenstore ring
 * through /dev/xen/xenbus_backend as connection domid 0, privileged, its event channel and
 * VIRQ_DOM_EXC on one event-channel fd polled by libuv; guests' ports (guest_rings.c) too.
 */
#ifndef KEEL_XS_UV_XENBUS_H
#define KEEL_XS_UV_XENBUS_H

#include <stdbool.h>
#include <stddef.h>

#include <uv.h>

#include "domain_exits.h"
#include "guest_rings.h"
#include "xen_ops.h"
#include "xs_ring.h"
#include "xs_server.h"

/* Xen's VIRQ_DOM_EXC (public/xen.h): a domain shut down, crashed or died. */
#define XS_VIRQ_DOM_EXC 3u

struct xs_uv_xenbus {
	uv_poll_t poll;
	struct xs_server *srv;
	const struct xs_xen_ops *ops;
	void *h;
	struct xs_ring_page *page;
	struct xs_ring ring;
	unsigned int kernel_port;      /* the kernel's end (xen_store_evtchn) */
	int ring_port;		       /* ours, bound to it */
	int virq_port;		       /* VIRQ_DOM_EXC, or -1 */
	struct xs_guest_rings *guests; /* their ports' events go there (set after start) */
	bool serving;		       /* the ring is attached */
	bool polling;
	struct xs_domain_seen seen; /* boot-time domains, for @releaseDomain */
};

/*
 * Maps the kernel's ring, binds its port, attaches the ring, polls the event channel, binds
 * VIRQ_DOM_EXC (optional: without it domain deaths go unnoticed, which is logged) and
 * notifies the kernel once: that wakes its xenbus_probe thread. Returns 0 or a negative
 * errno with the reason in err; nothing is left bound or mapped then.
 */
int xs_uv_xenbus_start(uv_loop_t *loop, struct xs_uv_xenbus *xb, struct xs_server *srv,
		       const struct xs_xen_ops *ops, void *h, char *err, size_t errsz);
/* Stops serving; the poll handle closes with the loop's next run. */
void xs_uv_xenbus_stop(struct xs_uv_xenbus *xb);

#endif

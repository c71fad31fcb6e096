/* SPDX-License-Identifier: MIT */
/*
 * Guests' xenstore rings (Xen's xenstored: domain.c): on INTRODUCE(domid, gfn, port) the
 * guest's page is mapped (its reserved xenstore grant, else the frame mapped foreign), the
 * guest's port bound, and the ring served by lib/ring.c as that domid, unprivileged. On
 * RELEASE, or when the domain is gone (domain_exits.c), the ring is detached, the port
 * unbound and the page unmapped. A ring the guest breaks costs only its connection. The
 * ports share the event channel fd of uv_xenbus.c, which hands other ports to us.
 */
#ifndef KEEL_XS_GUEST_RINGS_H
#define KEEL_XS_GUEST_RINGS_H

#include <stdbool.h>

#include "xen_ops.h"
#include "xs_ring.h"
#include "xs_server.h"

/* Xen's GNTTAB_RESERVED_XENSTORE (public/grant_table.h). */
#define XS_GRANT_XENSTORE 1u

struct xs_guest;

struct xs_guest_rings {
	struct xs_server *srv;
	const struct xs_xen_ops *ops;
	void *h;
	struct xs_guest *list;
};

/* Installs the server's domain hooks: introduced domains get their rings from now on. */
void xs_guest_rings_init(struct xs_guest_rings *gr, struct xs_server *srv,
			 const struct xs_xen_ops *ops, void *h);
/* An event on port: true if it is a guest's (then served), false if it is no guest's. */
bool xs_guest_rings_event(struct xs_guest_rings *gr, int port);
/* Stops serving every guest (detached, unbound, unmapped); the domains stay introduced. */
void xs_guest_rings_fini(struct xs_guest_rings *gr);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Test double (tests only) for dom0's Xen devices behind struct xs_xen_ops: a shared page
 * stands for the kernel's ring (/dev/xen/xenbus_backend), a socketpair for /dev/xen/evtchn
 * (the kernel side writes a 4-byte port to signal it, as the evtchn driver hands ports to
 * read()), a table for the hypervisor's domains, and one page per guest domain standing
 * for its xenstore page (granted, or mapped foreign). Every call is logged in order.
 */
#ifndef KEEL_XEN_DOUBLE_H
#define KEEL_XEN_DOUBLE_H

#include <stdbool.h>
#include <stddef.h>

#include "public/keel/domctl.h"
#include "xen_ops.h"
#include "xs_ring.h"

#define XD_KERNEL_PORT 7u  /* the port the kernel allocated */
#define XD_RING_PORT   11u /* what binding it returns */
#define XD_VIRQ_PORT   12u /* what binding VIRQ_DOM_EXC returns */
#define XD_GUEST_PORT  20u /* binding a guest's port returns this + its domid */
#define XD_MAX_CALLS   256
#define XD_MAX_DOMS    8

struct xen_double {
	struct xs_ring_page *page; /* shared mapping, the kernel's side writes it */
	int fd[2];		   /* [0] the daemon's evtchn fd, [1] the kernel's end */
	char calls[XD_MAX_CALLS][40];
	size_t ncalls;
	/* Errors to inject (negative errno, 0 = none). */
	int ring_map_err, bind_err, virq_err, pending_err, domctl_err;
	bool domctl_backwards; /* answers an id below the one asked for */
	/* Guests' pages, by domid (a shared mapping each); a grant or foreign map error. */
	struct xs_ring_page *guest_page[XD_MAX_DOMS];
	int grant_err, foreign_err;
	struct keel_domain_info doms[XD_MAX_DOMS];
	size_t ndoms;
};

extern const struct xs_xen_ops xd_ops;

void xd_init(struct xen_double *xd);
void xd_fini(struct xen_double *xd);
/* The kernel signals port. */
void xd_signal(struct xen_double *xd, unsigned int port);
/* How many calls were logged as exactly call (e.g. "notify 11"). */
size_t xd_count(const struct xen_double *xd, const char *call);
/* Index of the first call logged as call, or -1. */
int xd_find(const struct xen_double *xd, const char *call);
void xd_set_domain(struct xen_double *xd, unsigned int domid, unsigned int state);
void xd_remove_domain(struct xen_double *xd, unsigned int domid);

#endif

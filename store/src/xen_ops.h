/* SPDX-License-Identifier: MIT */
/*
 * What keel-xenstored asks of Xen's devices in dom0: the ring of dom0's own kernel, guests'
 * ring pages, event channels and Keel's domctl. xen_linux.c implements it over Linux's /dev/xen
 * devices; tests stand in for them with a double (tests/store only).
 */
#ifndef KEEL_XS_XEN_OPS_H
#define KEEL_XS_XEN_OPS_H

#include <stdint.h>

struct keel_domain_info;
struct xs_ring_page;

/* Each returns 0 (or the port asked for) or a negative errno; h is the implementation's. */
struct xs_xen_ops {
	/* dom0's kernel ring (/dev/xen/xenbus_backend): map it, learn the kernel's port. */
	int (*ring_map)(void *h, struct xs_ring_page **page, unsigned int *port);
	void (*ring_unmap)(void *h, struct xs_ring_page *page);
	/* A guest's page: granted to dom0 (gntdev), or its frame mapped foreign (privcmd). */
	int (*grant_map)(void *h, unsigned int domid, uint32_t gref, void **page);
	int (*foreign_map)(void *h, unsigned int domid, uint64_t gfn, void **page);
	void (*guest_unmap)(void *h, void *page);
	/* Event channels (/dev/xen/evtchn): the fd the event loop polls, binding, signals. */
	int (*evtchn_fd)(void *h);
	int (*bind_interdomain)(void *h, unsigned int domid, unsigned int remote_port);
	int (*bind_virq)(void *h, unsigned int virq);
	int (*unbind)(void *h, unsigned int port);
	int (*notify)(void *h, unsigned int port);
	/* The next port that fired (-EAGAIN: none now); unmask re-arms it. */
	int (*pending)(void *h);
	int (*unmask)(void *h, unsigned int port);
	/* Keel's domctl KEEL_DOMCTL_next: the first domain with id >= domid (-ESRCH: none). */
	int (*domain_next)(void *h, unsigned int domid, struct keel_domain_info *info);
};

#endif

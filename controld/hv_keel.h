/* SPDX-License-Identifier: MIT */
/*
 * controld's hypervisor backend for Keel: hv.h's operations as Keel domctls
 * (public/keel/domctl.h, marshalled by hv_domctl.c), over a transport that issues them.
 * The shipped transport is /dev/xen/privcmd (hv_privcmd.c); tests use a double
 * (tests/api/doubles/domctl_double.c). Every failed domctl is logged with its name, the
 * domain and the errno, so a failure in dom0 is visible in controld's log.
 */
#ifndef KEEL_CONTROLD_HV_KEEL_H
#define KEEL_CONTROLD_HV_KEEL_H

#include "hv.h"

#include <stddef.h>

struct hv_transport;
struct hv_transport_ops {
	/* Issues one domctl; the hypervisor's results are written back into *op. */
	int (*domctl)(struct hv_transport *t, struct keel_domctl *op);
	/* Domain events now come from the store: the transport's own source (a poll) may stop. */
	void (*events_from_store)(struct hv_transport *t);
	void (*close)(struct hv_transport *t);
};

struct hv_transport {
	const struct hv_transport_ops *ops;
	/* Set by hv_keel_open: the transport calls it when a domain may have changed (its
	 * fallback poll). */
	void (*domains_changed)(struct hv *hv);
	struct hv *hv;
};

/*
 * The backend on transport t, which it owns from then on (closed by hv->ops->close, also
 * on failure). Asks the hypervisor for its host info first: without an answer there is
 * nothing to manage (-ENODEV, err says why).
 */
int hv_keel_open(struct hv_transport *t, hv_event_fn fn, void *opaque, struct hv **out, char *err,
		 size_t errlen);

/*
 * Domain events as Xen's toolstack gets them: keel-xenstored binds VIRQ_DOM_EXC (one
 * process in dom0 may) and fires @releaseDomain / @introduceDomain; controld watches those
 * and calls hv_keel_domains_changed on each, which lists the domains and reports the
 * difference. hv_keel_events_from_store says the watches are set (the poll may stop).
 */
void hv_keel_domains_changed(struct hv *hv);
void hv_keel_events_from_store(struct hv *hv);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * VIRQ_DOM_EXC: some domain shut down, crashed or was destroyed. As Xen's xenstored does,
 * ask the hypervisor about every domain and act on the introduced ones.
 */
#ifndef KEEL_XS_DOMAIN_EXITS_H
#define KEEL_XS_DOMAIN_EXITS_H

#include <stdint.h>

#include "xen_ops.h"
#include "xs_server.h"

/* What the last query saw of the domains nobody introduced (built at boot by Keel). */
struct xs_domain_seen {
	uint64_t live[(XS_DOMID_FIRST_RESERVED + 63) / 64];
	uint64_t ended[(XS_DOMID_FIRST_RESERVED + 63) / 64];
	bool valid;
};

/*
 * A domain that shut down or crashed fires @releaseDomain once (RESUME re-arms it); one the
 * hypervisor no longer has is released (connection, watches, transactions, the nodes it
 * owns) and fires @releaseDomain. Domains nobody introduced (Keel's boot-time guests, which
 * have no store ring) end too: each that ended or went away since the last query (seen)
 * fires @releaseDomain, so a toolstack watching it learns of every end. Returns how many
 * domains changed, or the domctl's negative errno: then nothing is released (a failed
 * query is no evidence of death).
 */
int xs_domain_exits(struct xs_server *srv, const struct xs_xen_ops *ops, void *h,
		    struct xs_domain_seen *seen);

#endif

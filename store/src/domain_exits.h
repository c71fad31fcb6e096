/* SPDX-License-Identifier: MIT */
/*
 * VIRQ_DOM_EXC: some domain shut down, crashed or was destroyed. As Xen's xenstored does,
 * ask the hypervisor about every domain and act on the introduced ones.
 */
#ifndef KEEL_XS_DOMAIN_EXITS_H
#define KEEL_XS_DOMAIN_EXITS_H

#include "xen_ops.h"
#include "xs_server.h"

/*
 * A domain that shut down or crashed fires @releaseDomain once (RESUME re-arms it); one the
 * hypervisor no longer has is released (connection, watches, transactions, the nodes it
 * owns) and fires @releaseDomain. Returns how many domains changed, or the domctl's
 * negative errno: then nothing is released (a failed query is no evidence of death).
 */
int xs_domain_exits(struct xs_server *srv, const struct xs_xen_ops *ops, void *h);

#endif

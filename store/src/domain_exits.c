// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "domain_exits.h"
#include "public/keel/domctl.h"

#define NDOMIDS XS_DOMID_FIRST_RESERVED

struct domid_set {
	uint64_t bits[(NDOMIDS + 63) / 64];
};

static void set_add(struct domid_set *s, unsigned int id)
{
	s->bits[id / 64] |= 1ull << (id % 64);
}

static bool set_has(const struct domid_set *s, unsigned int id)
{
	return s->bits[id / 64] >> (id % 64) & 1;
}

/* Walks the hypervisor's domains with KEEL_DOMCTL_next into live and ended. */
static int query(const struct xs_xen_ops *ops, void *h, struct domid_set *live,
		 struct domid_set *ended)
{
	unsigned int id = 0;

	while (id < NDOMIDS) {
		struct keel_domain_info info;
		int ret = ops->domain_next(h, id, &info);

		if (ret == -ESRCH)
			break;
		if (ret)
			return ret;
		/* The answer must move forward, or the walk would never end. */
		if (info.domid < id)
			return -EIO;
		if (info.domid >= NDOMIDS)
			break;
		set_add(live, info.domid);
		if (info.state == KEEL_DOMSTATE_shutdown || info.state == KEEL_DOMSTATE_crashed)
			set_add(ended, info.domid);
		id = info.domid + 1u;
	}
	return 0;
}

int xs_domain_exits(struct xs_server *srv, const struct xs_xen_ops *ops, void *h)
{
	struct domid_set *live, *ended;
	struct xs_domain *d, *next;
	int ret, changed = 0;

	if (!srv->domains)
		return 0; /* nothing introduced, nothing to ask */
	live = calloc(2, sizeof(*live));
	if (!live)
		return -ENOMEM;
	ended = live + 1;
	ret = query(ops, h, live, ended);
	if (ret) {
		free(live);
		return ret;
	}
	for (d = srv->domains; d; d = next) {
		unsigned int domid = d->domid;

		next = d->next; /* releasing unlinks d */
		if (!set_has(live, domid)) {
			xs_log(srv, "domain %u is gone: released", domid);
			xs_domain_release(srv, domid);
			xs_fire_special(srv, "@releaseDomain", domid);
			changed++;
		} else if (set_has(ended, domid) && !d->shutdown) {
			d->shutdown = true;
			xs_fire_special(srv, "@releaseDomain", domid);
			changed++;
		}
	}
	free(live);
	return changed;
}

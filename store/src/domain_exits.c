// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain_exits.h"
#include "public/keel/domctl.h"

#define NDOMIDS XS_DOMID_FIRST_RESERVED

struct domid_set {
	uint64_t bits[(NDOMIDS + 63) / 64];
};

_Static_assert(sizeof(struct domid_set) == sizeof(((struct xs_domain_seen *)0)->live),
	       "seen sets are domid sets");

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

static bool introduced(const struct xs_server *srv, unsigned int domid)
{
	for (const struct xs_domain *d = srv->domains; d; d = d->next)
		if (d->domid == domid)
			return true;
	return false;
}

/* Boot-time domains: an end or a disappearance since the last query fires @releaseDomain. */
static int others_ended(struct xs_server *srv, struct xs_domain_seen *seen,
			const struct domid_set *live, const struct domid_set *ended)
{
	/* The first query knows no past: every domain ended now counts as newly ended. */
	static const struct domid_set none;
	const struct domid_set *was_live = seen->valid ? (const void *)seen->live : live;
	const struct domid_set *was_ended = seen->valid ? (const void *)seen->ended : &none;
	int changed = 0;

	for (unsigned int id = 0; id < NDOMIDS; id++) {
		if (introduced(srv, id) || !set_has(was_live, id))
			continue;
		bool gone = !set_has(live, id);
		bool newly_ended = set_has(ended, id) && !set_has(was_ended, id);
		if (gone || newly_ended) {
			xs_fire_special(srv, "@releaseDomain", id);
			changed++;
		}
	}
	memcpy(seen->live, live->bits, sizeof(seen->live));
	memcpy(seen->ended, ended->bits, sizeof(seen->ended));
	seen->valid = true;
	return changed;
}

int xs_domain_exits(struct xs_server *srv, const struct xs_xen_ops *ops, void *h,
		    struct xs_domain_seen *seen)
{
	struct domid_set *live, *ended;
	struct xs_domain *d, *next;
	int ret, changed = 0;

	if (!srv->domains && !seen)
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
	if (seen)
		changed += others_ended(srv, seen, live, ended);
	free(live);
	return changed;
}

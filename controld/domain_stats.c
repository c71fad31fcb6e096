// SPDX-License-Identifier: MIT
/*
 * A domain's use of the host, read from the hypervisor at each call (GET .../stats and
 * /metrics): nothing is cached, a domain_info and a getstats are two short hypercalls.
 */
#include "model.h"
#include "util.h"

#include <errno.h>
#include <string.h>

int domain_stats(struct controld *cd, const struct domain *d, struct domain_stats *out)
{
	struct hv_domain_info info;
	int rc;

	if (d->domid < 0)
		return -EBUSY;
	memset(out, 0, sizeof(*out));
	rc = cd->hv->ops->domain_info(cd->hv, (hv_domid_t)d->domid, &info);
	if (!rc) {
		rc = cd->hv->ops->domain_counters(cd->hv, (hv_domid_t)d->domid, &out->counters);
		out->has_counters = !rc;
		/* An older Keel: the statistics it has, without the counters. */
		if (rc == -EOPNOTSUPP)
			rc = 0;
	}
	/* Gone between the model's last event and now: as good as stopped. */
	if (rc == -ESRCH)
		return -EBUSY;
	if (rc)
		return rc;
	out->device_model = d->spec.boot.type == BOOT_HVM;
	out->cpu_time_ns = info.cpu_time_ns;
	out->vcpus_online = info.vcpus_online;
	out->memory_kib = info.cur_memory_kib;
	out->sampled_wall_ms = now_wall_ms();
	return 0;
}

int domains_stats_each(struct controld *cd, domain_stats_fn fn, void *arg)
{
	for (unsigned i = 0; i < cd->doms.items.n; i++) {
		const struct domain *d = cd->doms.items.v[i];
		struct domain_stats s;
		int rc = domain_stats(cd, d, &s);

		if (rc == -EBUSY)
			continue;
		if (rc || (rc = fn(arg, d, &s)))
			return rc;
	}
	return 0;
}

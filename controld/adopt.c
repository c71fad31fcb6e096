// SPDX-License-Identifier: MIT
/*
 * Domains the hypervisor has and controld does not know become controld's at start:
 * Domain-0 and the guests Keel built from its boot modules. Each gets a record (boot type
 * boot_time: controld cannot build it again), its Xen-tool store paths, and its state as
 * the hypervisor reports it, so the API lists them and acts on them like any other.
 */
#include "hv_domctl.h"
#include "log.h"
#include "model_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned clamp(unsigned v, unsigned lo, unsigned hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The hypervisor's name as an API name ([A-Za-z0-9][A-Za-z0-9._-]*), free in controld. */
static int adopted_name(struct controld *cd, const struct hv_domain_info *info, char *out,
			size_t len)
{
	char base[sizeof(info->name) + 8];
	size_t i;

	/* As Xen's tools call the initial domain. */
	if (info->domid == 0)
		snprintf(base, sizeof(base), "Domain-0");
	else {
		for (i = 0; info->name[i] && i + 1 < sizeof(base); i++) {
			char c = info->name[i];
			base[i] = isalnum((unsigned char)c) || strchr("._-", c) ? c : '-';
		}
		base[i] = 0;
		if (!isalnum((unsigned char)base[0]))
			snprintf(base, sizeof(base), "domain-%u", info->domid);
	}
	snprintf(out, len, "%s", base);
	if (domain_find(cd, out))
		snprintf(out, len, "%s-%u", base, info->domid);
	return domain_find(cd, out) ? -EEXIST : 0;
}

static int adopt_one(struct controld *cd, const struct hv_domain_info *info)
{
	struct dom_spec *sp = calloc(1, sizeof(*sp));
	struct domain *d;
	int rc;

	if (!sp)
		return -ENOMEM;
	rc = adopted_name(cd, info, sp->name, sizeof(sp->name));
	if (rc)
		goto out;
	sp->max_vcpus = clamp(info->nr_vcpus, 1, DOM_MAX_VCPUS);
	sp->vcpus = clamp(info->vcpus_target, 1, sp->max_vcpus);
	sp->memory_mib = info->memory_kib >> 10;
	sp->memory_target_mib = info->max_memory_kib >> 10;
	if (sp->memory_target_mib > sp->memory_mib)
		sp->memory_target_mib = sp->memory_mib;
	sp->weight = info->weight;
	sp->cap = info->cap;
	sp->boot.type = BOOT_TIME;
	rc = domain_create(cd, sp, &d);
	if (rc)
		goto out;
	d->domid = info->domid;
	if (hv_domain_alive(info)) {
		domain_set_state(cd, d, info->state == HV_DOM_PAUSED ? DOM_PAUSED : DOM_RUNNING);
		rc = running_paths_write(cd, d, NULL);
	} else {
		/*
		 * Ended before controld saw it (a crash at boot, say): Keel keeps it for the
		 * toolstack. Recorded as it ended and released, as an end seen live is.
		 */
		int hrc = cd->hv->ops->domain_destroy(cd->hv, info->domid);
		if (hrc && hrc != -ESRCH)
			log_warn("releasing the hypervisor's ended domain %u failed: %s",
				 info->domid, strerror(-hrc));
		d->domid = -1;
		domain_set_state(cd, d, info->state == HV_DOM_CRASHED ? DOM_CRASHED : DOM_STOPPED);
	}
	rc = domain_commit(cd, d) ?: rc;
	log_info("adopted the hypervisor's domain %u (%s) as %s, %s", info->domid, info->name,
		 domain_name(d), dom_state_name(d->state));
out:
	free(sp);
	return rc;
}

void domains_adopt(struct controld *cd)
{
	struct hv_domain_info info;
	unsigned from = 0;
	int rc;

	while (from <= UINT16_MAX) {
		rc = cd->hv->ops->domain_next(cd->hv, (hv_domid_t)from, &info);
		if (rc || info.domid < from)
			break;
		from = info.domid + 1u;
		if (domain_by_domid(cd, info.domid))
			continue;
		rc = adopt_one(cd, &info);
		if (rc)
			log_error("adopting the hypervisor's domain %u (%s) failed: %s", info.domid,
				  info.name, strerror(-rc));
	}
}

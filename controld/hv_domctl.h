/* SPDX-License-Identifier: MIT */
/*
 * Keel's domctl (public/keel/domctl.h) <-> hv.h, pure: building requests, reading results,
 * naming commands for the log, and turning two listings of the hypervisor's domains into
 * the events between them. No I/O: unit-tested on its own (tests/api/unit/test_hv_domctl.c).
 */
#ifndef KEEL_CONTROLD_HV_DOMCTL_H
#define KEEL_CONTROLD_HV_DOMCTL_H

#include "hv.h"

/* A request for cmd on domid, everything else zero. */
struct keel_domctl hv_domctl_op(uint32_t cmd, hv_domid_t domid);
/* "pause", "setvcpuaffinity", ...; "unknown" for anything else. */
const char *hv_domctl_name(uint32_t cmd);
const char *hv_shutdown_reason_name(enum hv_shutdown_reason r);

void hv_domain_from_keel(const struct keel_domain_info *k, struct hv_domain_info *out);
void hv_counters_from_keel(const struct keel_domain_stats *k, struct hv_domain_counters *out);
void hv_host_from_keel(const struct keel_host_info *k, struct hv_host_info *out);

/* The pCPUs of a host with nr_cpus of them, as an affinity mask. */
uint64_t hv_online_mask(unsigned nr_cpus);
/* Pinning of vcpu to cpumask, clamped to the host's pCPUs: -EINVAL when none is left. */
int hv_domctl_affinity(hv_domid_t domid, unsigned vcpu, uint64_t cpumask, unsigned nr_cpus,
		       struct keel_domctl *op);
/* The memory limit for a balloon target of kib: whole 4 KiB pages, -EINVAL for 0. */
int hv_domctl_maxmem(hv_domid_t domid, uint64_t kib, struct keel_domctl *op);

/*
 * KEEL_DOMCTL_createdomain for cfg: the hypervisor's name is cfg->name when it fits in 31
 * characters, else its first 22, '-' and the first 8 of the uuid; memory rounded up to
 * the 2 MiB the hypervisor builds in; KEEL_CREATE_hvm for cfg->hvm. -EINVAL for an empty
 * name or no vCPUs.
 */
int hv_domctl_create(const struct hv_domain_config *cfg, struct keel_domctl *op);
/* KEEL_DOMCTL_loadkernel (with its command line) or _loadinitrd (cmdline NULL; for an HVM
 * domain's named module, its name: "firmware"). */
struct keel_domctl hv_domctl_load(uint32_t cmd, hv_domid_t domid, const void *image, size_t len,
				  const char *cmdline);
void hv_build_from_keel(const struct keel_build *k, struct hv_build *out);

/* A domain that had not ended. */
static inline bool hv_domain_alive(const struct hv_domain_info *d)
{
	return d->state == HV_DOM_RUNNING || d->state == HV_DOM_PAUSED;
}

/*
 * What happened between two listings (each sorted by domid, as KEEL_DOMCTL_next lists):
 * a domain that has ended since (or is new and ended) is HV_EV_DOMAIN_SHUTDOWN with its
 * reason (HV_SHUTDOWN_CRASH when crashed); one that is gone is HV_EV_DOMAIN_GONE. Writes
 * up to max events to out and returns how many there were (more than max: some lost).
 */
unsigned hv_domains_diff(const struct hv_domain_info *before, unsigned nbefore,
			 const struct hv_domain_info *after, unsigned nafter, struct hv_event *out,
			 unsigned max);

#endif

// SPDX-License-Identifier: MIT
/* Keel's domctl <-> hv.h: see hv_domctl.h. */
#include "hv_domctl.h"
#include "util.h"

#include <errno.h>
#include <string.h>
#include <xen/sched.h>

/* hv.h's values are the ABI's: checked here, once. */
_Static_assert(HV_SHUTDOWN_POWEROFF == SHUTDOWN_poweroff && HV_SHUTDOWN_REBOOT == SHUTDOWN_reboot &&
		   HV_SHUTDOWN_SUSPEND == SHUTDOWN_suspend && HV_SHUTDOWN_CRASH == SHUTDOWN_crash &&
		   HV_SHUTDOWN_WATCHDOG == SHUTDOWN_watchdog,
	       "hv.h's shutdown reasons are Xen's");
_Static_assert(sizeof(hv_domid_t) == sizeof(((struct keel_domctl *)0)->domid),
	       "hv.h's domid is domctl's");

#define PAGE_KIB 4u

struct keel_domctl hv_domctl_op(uint32_t cmd, hv_domid_t domid)
{
	struct keel_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.domid = domid;
	return op;
}

static const char *const cmd_names[] = {
    [KEEL_DOMCTL_getinfo] = "getinfo",	     [KEEL_DOMCTL_next] = "next",
    [KEEL_DOMCTL_pause] = "pause",	     [KEEL_DOMCTL_unpause] = "unpause",
    [KEEL_DOMCTL_destroy] = "destroy",	     [KEEL_DOMCTL_setsched] = "setsched",
    [KEEL_DOMCTL_setmaxmem] = "setmaxmem",   [KEEL_DOMCTL_hostinfo] = "hostinfo",
    [KEEL_DOMCTL_getvcpu] = "getvcpu",	     [KEEL_DOMCTL_setvcpuaffinity] = "setvcpuaffinity",
    [KEEL_DOMCTL_setvcpus] = "setvcpus",     [KEEL_DOMCTL_createdomain] = "createdomain",
    [KEEL_DOMCTL_loadkernel] = "loadkernel", [KEEL_DOMCTL_loadinitrd] = "loadinitrd",
    [KEEL_DOMCTL_getbuild] = "getbuild",     [KEEL_DOMCTL_getstats] = "getstats",
};

const char *hv_domctl_name(uint32_t cmd)
{
	return cmd < ARRAY_SIZE(cmd_names) && cmd_names[cmd] ? cmd_names[cmd] : "unknown";
}

const char *hv_shutdown_reason_name(enum hv_shutdown_reason r)
{
	switch (r) {
	case HV_SHUTDOWN_POWEROFF:
		return "poweroff";
	case HV_SHUTDOWN_REBOOT:
		return "reboot";
	case HV_SHUTDOWN_SUSPEND:
		return "suspend";
	case HV_SHUTDOWN_CRASH:
		return "crash";
	case HV_SHUTDOWN_WATCHDOG:
		return "watchdog";
	}
	return "unknown";
}

void hv_domain_from_keel(const struct keel_domain_info *k, struct hv_domain_info *out)
{
	memset(out, 0, sizeof(*out));
	out->domid = k->domid;
	out->state = (enum hv_dom_state)k->state;
	out->reason = k->state == KEEL_DOMSTATE_crashed
			  ? HV_SHUTDOWN_CRASH
			  : (enum hv_shutdown_reason)k->shutdown_reason;
	/* The hypervisor NUL-terminates; a short copy still ends in one. */
	memcpy(out->name, k->name, sizeof(out->name) - 1);
	out->privileged = k->flags & KEEL_DOMINFO_privileged;
	out->destroyed = k->flags & KEEL_DOMINFO_destroyed;
	out->nr_vcpus = k->nr_vcpus;
	out->vcpus_online = k->vcpus_online;
	out->vcpus_target = k->vcpus_target;
	out->memory_kib = k->mem_bytes >> 10;
	out->max_memory_kib = k->max_mem_bytes >> 10;
	out->cur_memory_kib = k->cur_mem_bytes >> 10;
	out->cpu_time_ns = k->cpu_ns;
	out->weight = k->weight;
	out->cap = k->cap;
}

void hv_counters_from_keel(const struct keel_domain_stats *k, struct hv_domain_counters *out)
{
	memset(out, 0, sizeof(*out));
	out->vm_exits = k->exits;
	out->dm_pio = k->dm_pio;
	out->dm_mmio = k->dm_mmio;
	out->dm_pci_config = k->dm_pci_config;
	out->dm_buffered = k->dm_buffered;
	out->dm_string_elements = k->dm_string_elements;
	out->now_ns = k->now_ns;
}

void hv_host_from_keel(const struct keel_host_info *k, struct hv_host_info *out)
{
	memset(out, 0, sizeof(*out));
	out->nr_cpus = k->nr_cpus;
	out->total_mib = k->total_bytes >> 20;
	out->free_mib = k->free_bytes >> 20;
	memcpy(out->version, k->version, sizeof(out->version) - 1);
}

uint64_t hv_online_mask(unsigned nr_cpus)
{
	return nr_cpus >= 64 ? ~0ull : (1ull << nr_cpus) - 1;
}

int hv_domctl_affinity(hv_domid_t domid, unsigned vcpu, uint64_t cpumask, unsigned nr_cpus,
		       struct keel_domctl *op)
{
	uint64_t mask = cpumask & hv_online_mask(nr_cpus);

	if (!mask)
		return -EINVAL;
	*op = hv_domctl_op(KEEL_DOMCTL_setvcpuaffinity, domid);
	op->u.vcpu.vcpu = vcpu;
	op->u.vcpu.affinity = mask;
	return 0;
}

int hv_domctl_maxmem(hv_domid_t domid, uint64_t kib, struct keel_domctl *op)
{
	if (!kib || kib > UINT64_MAX >> 10)
		return -EINVAL;
	*op = hv_domctl_op(KEEL_DOMCTL_setmaxmem, domid);
	op->u.max_bytes = (kib + PAGE_KIB - 1) / PAGE_KIB * PAGE_KIB * 1024;
	return 0;
}

#define BUILD_MIB 2u /* the hypervisor builds a domain in 2 MiB pages */
#define UUID_PART 8u

int hv_domctl_create(const struct hv_domain_config *cfg, struct keel_domctl *op)
{
	size_t max = sizeof(op->u.create.name) - 1, len;

	if (!cfg->name || !cfg->name[0] || !cfg->max_vcpus || !cfg->memory_mib)
		return -EINVAL;
	*op = hv_domctl_op(KEEL_DOMCTL_createdomain, 0);
	len = strlen(cfg->name);
	if (len <= max || !cfg->uuid || strlen(cfg->uuid) < UUID_PART) {
		memcpy(op->u.create.name, cfg->name, len < max ? len : max);
	} else {
		size_t head = max - 1 - UUID_PART;
		memcpy(op->u.create.name, cfg->name, head);
		op->u.create.name[head] = '-';
		memcpy(op->u.create.name + head + 1, cfg->uuid, UUID_PART);
	}
	op->u.create.mem_bytes = (cfg->memory_mib + BUILD_MIB - 1) / BUILD_MIB * BUILD_MIB << 20;
	op->u.create.vcpus = cfg->max_vcpus;
	op->u.create.flags = cfg->hvm ? KEEL_CREATE_hvm : 0;
	return 0;
}

struct keel_domctl hv_domctl_load(uint32_t cmd, hv_domid_t domid, const void *image, size_t len,
				  const char *cmdline)
{
	struct keel_domctl op = hv_domctl_op(cmd, domid);

	op.u.load.image = (uint64_t)(uintptr_t)image;
	op.u.load.image_len = len;
	if (cmdline) {
		op.u.load.cmdline = (uint64_t)(uintptr_t)cmdline;
		op.u.load.cmdline_len = (uint32_t)strlen(cmdline);
	}
	return op;
}

void hv_build_from_keel(const struct keel_build *k, struct hv_build *out)
{
	out->store_gfn = k->store_gfn;
	out->console_gfn = k->console_gfn;
	out->store_port = k->store_port;
	out->console_port = k->console_port;
}

static unsigned push(struct hv_event *out, unsigned n, unsigned max, struct hv_event ev)
{
	if (n < max)
		out[n] = ev;
	return n + 1;
}

unsigned hv_domains_diff(const struct hv_domain_info *before, unsigned nbefore,
			 const struct hv_domain_info *after, unsigned nafter, struct hv_event *out,
			 unsigned max)
{
	unsigned i = 0, j = 0, n = 0;

	while (i < nbefore || j < nafter) {
		const struct hv_domain_info *b = i < nbefore ? &before[i] : NULL;
		const struct hv_domain_info *a = j < nafter ? &after[j] : NULL;
		if (b && (!a || b->domid < a->domid)) {
			n = push(out, n, max,
				 (struct hv_event){.type = HV_EV_DOMAIN_GONE, .domid = b->domid});
			i++;
			continue;
		}
		/* Seen for the first time, or seen before: it ended since if not alive now. */
		if (!hv_domain_alive(a) && (!b || b->domid != a->domid || hv_domain_alive(b)))
			n = push(out, n, max,
				 (struct hv_event){.type = HV_EV_DOMAIN_SHUTDOWN,
						   .domid = a->domid,
						   .reason = a->reason});
		if (b && b->domid == a->domid)
			i++;
		j++;
	}
	return n;
}

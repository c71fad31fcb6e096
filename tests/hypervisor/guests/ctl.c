// SPDX-License-Identifier: MIT
/*
 * A privileged guest uses Keel's domctl on another domain ("victim", a long
 * CPU-bound spin): lists domains, reads the host's info, pauses it (its CPU
 * time stops growing), unpauses it (it grows again), sets its scheduler,
 * memory, vCPU and affinity settings, then destroys it. Checks every error.
 * The same image plays two other parts, chosen by role= on its command line:
 * role=1 (unprivileged): every domctl is refused with -EPERM;
 * role=2 (a second privileged domain, "warden"): the first may not pause or
 * destroy it; it waits until the victim is gone.
 */
#include "guest.h"

#include <public/keel/domctl.h>

const char test_name[] = "ctl";

static long domctl(struct keel_domctl *op)
{
	return HYPERCALL1(__HYPERVISOR_keel_domctl, op);
}

static long info(uint16_t domid, struct keel_domain_info *out)
{
	struct keel_domctl op = {.cmd = KEEL_DOMCTL_getinfo, .domid = domid};
	long r = domctl(&op);

	*out = op.u.info;
	return r;
}

static void spin_ticks(uint64_t n)
{
	uint64_t end = rdtsc() + n;

	while (rdtsc() < end)
		HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
}

static long vcpu_op(uint32_t cmd, uint16_t domid, uint32_t vcpu, uint64_t affinity,
		    struct keel_vcpu_info *out)
{
	struct keel_domctl op = {.cmd = cmd, .domid = domid};
	long r;

	op.u.vcpu.vcpu = vcpu;
	op.u.vcpu.affinity = affinity;
	r = domctl(&op);
	if (out)
		*out = op.u.vcpu;
	return r;
}

static long simple_op(uint32_t cmd, uint16_t domid)
{
	struct keel_domctl op = {.cmd = cmd, .domid = domid};

	return domctl(&op);
}

static uint16_t find(const char *name)
{
	struct keel_domctl op = {.cmd = KEEL_DOMCTL_next, .domid = 0};

	while (domctl(&op) == 0) {
		if (!strcmp(op.u.info.name, name))
			return op.u.info.domid;
		op.domid = op.u.info.domid + 1;
	}
	return 0;
}

/* role=1: not privileged, so every command is refused before it is looked at. */
static bool unprivileged(void)
{
	struct keel_domctl op = {.domid = 2};

	for (uint32_t cmd = KEEL_DOMCTL_getinfo; cmd <= KEEL_DOMCTL_setvcpus + 1; cmd++) {
		op.cmd = cmd;
		CHECK_EQ(domctl(&op), -1);
	}
	CHECK_EQ(HYPERCALL1(__HYPERVISOR_keel_domctl, 0xdead00000000ULL), -1);
	return true;
}

/* role=2: another privileged domain; runs until the victim is gone. */
static bool warden(void)
{
	struct keel_domain_info v;
	uint16_t victim = find("victim");

	CHECK(victim != 0);
	while (info(victim, &v) == 0)
		spin_ticks(200000);
	gprintf("victim gone\n");
	return true;
}

/* Host info: Keel's own version and the host as its frame pool sees it. */
static bool check_host(struct keel_host_info *h)
{
	struct keel_domctl op = {.cmd = KEEL_DOMCTL_hostinfo, .domid = 12345};

	CHECK_EQ(domctl(&op), 0); /* domid is ignored */
	*h = op.u.host;
	gprintf("host %s cpus %u total %lu MiB free %lu MiB\n", h->version, h->nr_cpus,
		h->total_bytes >> 20, h->free_bytes >> 20);
	CHECK(!strncmp(h->version, "Keel ", 5));
	CHECK(h->nr_cpus >= 1);
	CHECK(h->free_bytes > 0);
	CHECK(h->total_bytes > h->free_bytes);
	return true;
}

static long stats(uint16_t domid, struct keel_domain_stats *out)
{
	struct keel_domctl op = {.cmd = KEEL_DOMCTL_getstats, .domid = domid};
	long r = domctl(&op);

	*out = op.u.stats;
	return r;
}

/* Counters: each domctl of ours is a VM exit of ours; the clock moves; a PVH domain sends
 * nothing to a device model; no such domain is -ESRCH. */
static bool check_stats(uint16_t self, uint16_t victim)
{
	struct keel_domain_stats a, b, v;

	CHECK_EQ(stats(self, &a), 0);
	CHECK_EQ(stats(self, &b), 0);
	CHECK(b.exits > a.exits);
	CHECK(b.now_ns > a.now_ns);
	CHECK(b.cpu_ns >= a.cpu_ns);
	CHECK_EQ(stats(victim, &v), 0);
	gprintf("stats: self %lu exits, victim %lu exits, device model %lu\n", b.exits, v.exits,
		v.dm_pio + v.dm_mmio + v.dm_pci_config + v.dm_buffered);
	CHECK(v.exits > 0);
	CHECK_EQ(v.dm_pio + v.dm_mmio + v.dm_pci_config + v.dm_buffered + v.dm_string_elements, 0);
	CHECK_EQ(v.pad[0] | v.pad[1] | v.pad[2], 0);
	CHECK_EQ(stats(4000, &v), -3);
	return true;
}

/* vCPU count, pinning and the per-vCPU info: each bound. */
static bool check_vcpus(uint16_t victim, const struct keel_host_info *h)
{
	struct keel_domain_info v;
	struct keel_vcpu_info vi;
	struct keel_domctl op = {.cmd = KEEL_DOMCTL_setvcpus, .domid = victim};

	CHECK_EQ(info(victim, &v), 0);
	CHECK_EQ(v.vcpus_online, 1);
	CHECK_EQ(v.vcpus_target, 1);
	op.u.vcpus = 0;
	CHECK_EQ(domctl(&op), -22);
	op.u.vcpus = 2; /* more than its one vCPU */
	CHECK_EQ(domctl(&op), -22);
	op.u.vcpus = 1;
	CHECK_EQ(domctl(&op), 0);

	CHECK_EQ(vcpu_op(KEEL_DOMCTL_getvcpu, victim, 0, 0, &vi), 0);
	CHECK(vi.pcpu < h->nr_cpus);
	CHECK(vi.affinity & (1ULL << vi.pcpu));
	CHECK(vi.state != KEEL_VCPU_offline);
	CHECK(vi.cpu_ns > 0);
	CHECK_EQ(vcpu_op(KEEL_DOMCTL_getvcpu, victim, 1, 0, NULL), -22);
	uint64_t all = (1ULL << h->nr_cpus) - 1, here = 1ULL << vi.pcpu;
	CHECK_EQ(vcpu_op(KEEL_DOMCTL_setvcpuaffinity, victim, 1, here, NULL), -22);
	CHECK_EQ(vcpu_op(KEEL_DOMCTL_setvcpuaffinity, victim, 0, 0, NULL), -22);
	CHECK_EQ(vcpu_op(KEEL_DOMCTL_setvcpuaffinity, victim, 0, all + 1, NULL), -22);
	if (h->nr_cpus > 1) /* no migration yet */
		CHECK_EQ(vcpu_op(KEEL_DOMCTL_setvcpuaffinity, victim, 0, all & ~here, NULL), -18);
	CHECK_EQ(vcpu_op(KEEL_DOMCTL_setvcpuaffinity, victim, 0, all, NULL), 0);
	CHECK_EQ(vcpu_op(KEEL_DOMCTL_getvcpu, victim, 0, 0, &vi), 0);
	CHECK_EQ(vi.affinity, all);
	CHECK_EQ(vcpu_op(KEEL_DOMCTL_setvcpuaffinity, victim, 0, here, NULL), 0);
	CHECK_EQ(vcpu_op(KEEL_DOMCTL_getvcpu, victim, 0, 0, &vi), 0);
	CHECK_EQ(vi.affinity, here);
	return true;
}

bool test_main(const struct hvm_start_info *si)
{
	uint64_t role = guest_option(si, "role", 0);
	if (role == 1)
		return unprivileged();
	if (role == 2)
		return warden();

	struct keel_host_info host;
	struct keel_domctl op = {.cmd = KEEL_DOMCTL_next, .domid = 0};
	struct keel_domain_info me, v, v2;
	uint16_t victim = 0;
	int listed = 0;

	/* List every domain; find ourselves (privileged) and the victim. */
	while (domctl(&op) == 0) {
		gprintf("domain %u %s state %u vcpus %u mem %lu MiB\n", op.u.info.domid,
			op.u.info.name, op.u.info.state, op.u.info.nr_vcpus,
			op.u.info.mem_bytes >> 20);
		if (!strcmp(op.u.info.name, "victim"))
			victim = op.u.info.domid;
		listed++;
		op.domid = op.u.info.domid + 1;
	}
	CHECK(listed >= 3); /* unpriv may be gone already */
	CHECK(victim != 0);
	CHECK(check_host(&host));
	uint32_t r[4];
	cpuid(0x40000004, 0, r);
	CHECK_EQ(info((uint16_t)r[2], &me), 0);
	CHECK(me.flags & KEEL_DOMINFO_privileged);
	CHECK_EQ(me.state, KEEL_DOMSTATE_running);

	/* Paused: no CPU time (once the kick has reached the victim's pCPU: pause is
	 * asynchronous across pCPUs). */
	spin_ticks(300000);
	op = (struct keel_domctl){.cmd = KEEL_DOMCTL_pause, .domid = victim};
	CHECK_EQ(domctl(&op), 0);
	CHECK_EQ(domctl(&op), -22); /* already paused */
	spin_ticks(100000);
	CHECK_EQ(info(victim, &v), 0);
	CHECK_EQ(v.state, KEEL_DOMSTATE_paused);
	spin_ticks(500000);
	CHECK_EQ(info(victim, &v2), 0);
	CHECK_EQ(v2.cpu_ns, v.cpu_ns);

	/* Unpaused: it runs again. */
	op.cmd = KEEL_DOMCTL_unpause;
	CHECK_EQ(domctl(&op), 0);
	CHECK_EQ(domctl(&op), -22);
	spin_ticks(500000);
	CHECK_EQ(info(victim, &v), 0);
	CHECK_EQ(v.state, KEEL_DOMSTATE_running);
	CHECK(v.cpu_ns > v2.cpu_ns);
	CHECK(check_stats(me.domid, victim)); /* the victim has run: pausing it made it exit */

	/* Scheduler settings: within bounds only, and what getinfo reports after. */
	op = (struct keel_domctl){.cmd = KEEL_DOMCTL_setsched, .domid = victim};
	op.u.sched = (struct keel_sched){512, 50};
	CHECK_EQ(domctl(&op), 0);
	CHECK_EQ(info(victim, &v), 0);
	CHECK_EQ(v.weight, 512);
	CHECK_EQ(v.cap, 50);
	op.u.sched = (struct keel_sched){0, 0};
	CHECK_EQ(domctl(&op), -22); /* weight 0 */
	op.u.sched = (struct keel_sched){70000, 0};
	CHECK_EQ(domctl(&op), -22);
	op.u.sched = (struct keel_sched){256, 101};
	CHECK_EQ(domctl(&op), -22); /* more than its one vCPU */
	op.u.sched = (struct keel_sched){256, 0};
	CHECK_EQ(domctl(&op), 0);

	/* Memory limit: at most its RAM, page multiples; reported in getinfo. */
	op = (struct keel_domctl){.cmd = KEEL_DOMCTL_setmaxmem, .domid = victim};
	op.u.max_bytes = v.mem_bytes + 4096;
	CHECK_EQ(domctl(&op), -22);
	op.u.max_bytes = 12345;
	CHECK_EQ(domctl(&op), -22);
	op.u.max_bytes = 0;
	CHECK_EQ(domctl(&op), -22);
	op.u.max_bytes = v.mem_bytes / 2;
	CHECK_EQ(domctl(&op), 0);
	CHECK_EQ(info(victim, &v2), 0);
	CHECK_EQ(v2.max_mem_bytes, v.mem_bytes / 2);
	CHECK_EQ(v2.cur_mem_bytes, v.mem_bytes);

	CHECK(check_vcpus(victim, &host));

	/* Another privileged domain may not be stopped; nor may the caller itself. */
	uint16_t warden = find("warden");
	CHECK(warden != 0);
	CHECK_EQ(simple_op(KEEL_DOMCTL_pause, warden), -1);
	CHECK_EQ(simple_op(KEEL_DOMCTL_destroy, warden), -1);
	CHECK_EQ(simple_op(KEEL_DOMCTL_destroy, me.domid), -22);

	/* Destroyed: marked so, then gone once the scheduler reaps it. */
	op = (struct keel_domctl){.cmd = KEEL_DOMCTL_destroy, .domid = victim};
	CHECK_EQ(domctl(&op), 0);
	long gone = info(victim, &v);
	CHECK(gone == -3 ||
	      (v.state == KEEL_DOMSTATE_shutdown && (v.flags & KEEL_DOMINFO_destroyed)));
	CHECK_EQ(domctl(&op), gone ? -3 : -22); /* already ended */
	spin_ticks(200000);
	CHECK_EQ(info(victim, &v), -3);
	CHECK_EQ(simple_op(KEEL_DOMCTL_setvcpus, victim), -3);
	CHECK_EQ(vcpu_op(KEEL_DOMCTL_getvcpu, victim, 0, 0, NULL), -3);

	/* Errors. */
	op = (struct keel_domctl){.cmd = KEEL_DOMCTL_pause, .domid = 60};
	CHECK_EQ(domctl(&op), -3);
	op = (struct keel_domctl){.cmd = KEEL_DOMCTL_pause, .domid = me.domid};
	CHECK_EQ(domctl(&op), -22);						/* not ourselves */
	op = (struct keel_domctl){.cmd = KEEL_DOMCTL_getinfo, .domid = 0x7ff0}; /* DOMID_SELF */
	CHECK_EQ(domctl(&op), -3);
	op = (struct keel_domctl){.cmd = KEEL_DOMCTL_getinfo, .domid = me.domid, .pad = 1};
	CHECK_EQ(domctl(&op), -22); /* reserved bits set */
	op = (struct keel_domctl){.cmd = KEEL_DOMCTL_hostinfo, .pad = 0x100};
	CHECK_EQ(domctl(&op), -22);
	op = (struct keel_domctl){.cmd = 99, .domid = me.domid};
	CHECK_EQ(domctl(&op), -95);
	/* The op must be readable whole: one that runs past the end of RAM faults. */
	CHECK_EQ(HYPERCALL1(__HYPERVISOR_keel_domctl, me.mem_bytes - sizeof(op) / 2), -14);
	CHECK_EQ(HYPERCALL1(__HYPERVISOR_keel_domctl, 0xdead00000000ULL), -14);
	return true;
}

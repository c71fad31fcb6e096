// SPDX-License-Identifier: MIT
/*
 * A privileged guest uses Keel's domctl on another domain ("victim", a long
 * CPU-bound spin): lists domains, pauses it (its CPU time stops growing),
 * unpauses it (it grows again), then destroys it. Checks the errors too.
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

bool test_main(const struct hvm_start_info *si)
{
	(void)si;
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
	CHECK(listed >= 2);
	CHECK(victim != 0);
	uint32_t r[4];
	cpuid(0x40000004, 0, r);
	CHECK_EQ(info((uint16_t)r[2], &me), 0);
	CHECK(me.flags & KEEL_DOMINFO_privileged);
	CHECK_EQ(me.state, KEEL_DOMSTATE_running);

	/* Paused: no CPU time. */
	spin_ticks(300000);
	op = (struct keel_domctl){.cmd = KEEL_DOMCTL_pause, .domid = victim};
	CHECK_EQ(domctl(&op), 0);
	CHECK_EQ(domctl(&op), -22); /* already paused */
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

	/* Destroyed: gone after the scheduler reaps it. */
	op.cmd = KEEL_DOMCTL_destroy;
	CHECK_EQ(domctl(&op), 0);
	spin_ticks(200000);
	CHECK_EQ(info(victim, &v), -3);

	/* Errors. */
	op = (struct keel_domctl){.cmd = KEEL_DOMCTL_pause, .domid = 60};
	CHECK_EQ(domctl(&op), -3);
	op = (struct keel_domctl){.cmd = KEEL_DOMCTL_pause, .domid = me.domid};
	CHECK_EQ(domctl(&op), -22); /* not ourselves */
	op.cmd = 99;
	CHECK_EQ(domctl(&op), -95);
	CHECK_EQ(HYPERCALL1(__HYPERVISOR_keel_domctl, 0xdead00000000ULL), -14);
	return true;
}

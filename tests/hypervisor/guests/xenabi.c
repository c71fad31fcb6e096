// SPDX-License-Identifier: MIT
/*
 * The Xen ABI a PVH kernel relies on, inside one domain: shared_info
 * placement, wallclock, the PV clock, the callback vector, VIRQ_TIMER from
 * the single-shot timer and set_timer_op, vcpu_info and runstate
 * registration, event-channel operations (loopback interdomain, IPI, close,
 * status, unmask), SCHEDOP_poll, and the errors for bad arguments.
 */
#include "xen.h"

const char test_name[] = "xenabi";

static uint8_t vcpu_info_page[4096] __attribute__((aligned(4096)));
static struct vcpu_runstate_info runstate __attribute__((aligned(64)));

#define TICKS_PLENTY 20000000ULL

static long vcpu_op(uint32_t cmd, uint32_t vcpu, void *arg)
{
	return HYPERCALL3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg);
}

static void check_time(void)
{
	struct vcpu_time_info *t = &shared->vcpu_info[0].time;

	CHECK_EQ(shared->wc_version & 1, 0);
	CHECK(shared->wc_sec > 1577836800); /* after 2020-01-01 */
	CHECK(t->tsc_to_system_mul != 0);
	uint64_t a = xen_clock_ns(t);
	uint64_t tsc0 = rdtsc();
	for (volatile int i = 0; i < 20000; i++)
		;
	uint64_t b = xen_clock_ns(t);
	uint64_t ticks = rdtsc() - tsc0;
	CHECK(b > a);
	/* The clock's rate agrees with the TSC's calibrated rate (CPUID says nothing: compare). */
	uint64_t ns_per_mtick = (b - a) * 1000000 / (ticks ? ticks : 1);
	gprintf("pvclock: %lu ns per million TSC ticks\n", ns_per_mtick);
	CHECK(ns_per_mtick > 0);
}

static void check_timers(uint32_t timer_port)
{
	struct vcpu_time_info *t = &shared->vcpu_info[0].time;
	struct vcpu_set_singleshot_timer st;

	/* Single-shot 1 ms ahead: the upcall comes, not before the deadline. */
	uint64_t deadline = xen_clock_ns(t) + 1000000;
	st = (struct vcpu_set_singleshot_timer){.timeout_abs_ns = deadline};
	CHECK_EQ(vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
	CHECK(wait_port(timer_port, 1, TICKS_PLENTY));
	CHECK(xen_clock_ns(t) >= deadline);

	/* A past deadline with "future" set fails with -ETIME; without it fires at once. */
	st = (struct vcpu_set_singleshot_timer){.timeout_abs_ns = 1, .flags = VCPU_SSHOTTMR_future};
	CHECK_EQ(vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), -62);
	st.flags = 0;
	CHECK_EQ(vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
	CHECK(wait_port(timer_port, 2, TICKS_PLENTY));
	st.flags = 0x80;
	CHECK_EQ(vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), -22);

	/* Stopped before it fires: no event. */
	st = (struct vcpu_set_singleshot_timer){.timeout_abs_ns = xen_clock_ns(t) + 2000000};
	CHECK_EQ(vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
	CHECK_EQ(vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
	uint64_t end = rdtsc() + 100000;
	while (rdtsc() < end)
		asm volatile("sti; nop; cli");
	CHECK_EQ(port_hits[timer_port], 2);

	/* set_timer_op: absolute ns; negative means "soon" (100 ms). */
	CHECK_EQ(HYPERCALL1(__HYPERVISOR_set_timer_op, xen_clock_ns(t) + 500000), 0);
	CHECK(wait_port(timer_port, 3, TICKS_PLENTY));
	CHECK_EQ(HYPERCALL1(__HYPERVISOR_set_timer_op, 0), 0);
	CHECK_EQ(vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);

	/* Periodic timer: several events from one call; below 1 ms is refused. */
	uint64_t period = 1000000;
	CHECK_EQ(vcpu_op(VCPUOP_set_periodic_timer, 0, &period), 0);
	CHECK(wait_port(timer_port, 6, TICKS_PLENTY));
	CHECK_EQ(vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
	period = 1000;
	CHECK_EQ(vcpu_op(VCPUOP_set_periodic_timer, 0, &period), -22);
}

static void check_vcpu_registration(uint32_t timer_port)
{
	struct vcpu_register_vcpu_info r = {.mfn = (uint64_t)vcpu_info_page >> 12, .offset = 64};
	struct vcpu_info *vi = (struct vcpu_info *)(vcpu_info_page + 64);

	CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, &r), 0);
	CHECK(vi->time.tsc_to_system_mul != 0);
	/* Bad placements. */
	r.offset = 4090;
	CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, &r), -22);
	r.offset = 0;
	r.mfn = 0x7fffffff;
	CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, &r), -22);
	CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, 5, &r), -2); /* no vCPU 5 */
	(void)timer_port;

	/* Runstate: we are running, and running time grows. */
	uint64_t addr = (uint64_t)&runstate;
	CHECK_EQ(vcpu_op(VCPUOP_register_runstate_memory_area, 0, &addr), 0);
	CHECK_EQ(runstate.state, RUNSTATE_running);
	uint64_t t0 = runstate.time[RUNSTATE_running];
	HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
	CHECK(runstate.time[RUNSTATE_running] >= t0);
	addr = 0xdead00000000ULL;
	CHECK_EQ(vcpu_op(VCPUOP_register_runstate_memory_area, 0, &addr), -14);
	CHECK_EQ(vcpu_op(99, 0, NULL), -38);
}

static void check_evtchn(void)
{
	uint32_t a, b, ipi, p;
	struct evtchn_bind_ipi bi = {.vcpu = 0};

	/* Loopback interdomain pair inside one domain. */
	CHECK_EQ(evtchn_alloc_unbound(DOMID_SELF, &a), 0);
	CHECK_EQ(evtchn_bind_interdomain(DOMID_SELF, a, &b), 0);
	CHECK(a != b && a && b);
	uint32_t before = port_hits[a];
	CHECK_EQ(evtchn_send(b), 0);
	CHECK(wait_port(a, before + 1, TICKS_PLENTY));
	CHECK_EQ(evtchn_send(a), 0);
	CHECK(wait_port(b, port_hits[b] > 0 ? port_hits[b] : 1, TICKS_PLENTY));

	struct evtchn_status st = {.dom = DOMID_SELF, .port = a};
	CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(st.u.interdomain.port, b);

	/* IPI to ourselves. */
	CHECK_EQ(evtchn_op(EVTCHNOP_bind_ipi, &bi), 0);
	ipi = bi.port;
	CHECK_EQ(evtchn_send(ipi), 0);
	CHECK(wait_port(ipi, 1, TICKS_PLENTY));

	/* Masked: pending but no upcall until unmasked. */
	__atomic_fetch_or(&shared->evtchn_mask[ipi / 64], 1ULL << (ipi % 64), __ATOMIC_SEQ_CST);
	CHECK_EQ(evtchn_send(ipi), 0);
	uint64_t end = rdtsc() + 100000;
	while (rdtsc() < end)
		asm volatile("sti; nop; cli");
	CHECK_EQ(port_hits[ipi], 1);
	CHECK(shared->evtchn_pending[ipi / 64] & (1ULL << (ipi % 64)));
	/* SCHEDOP_poll sees a pending port even while masked, and returns at once. */
	struct {
		uint64_t ports;
		uint32_t nr, pad;
		uint64_t timeout;
	} poll = {(uint64_t)&ipi, 1, 0, 0};
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_poll, &poll), 0);
	CHECK_EQ(evtchn_unmask(ipi), 0);
	CHECK(wait_port(ipi, 2, TICKS_PLENTY));

	/* Poll with a timeout on a quiet port returns after the timeout. */
	struct vcpu_time_info *t = &shared->vcpu_info[0].time;
	uint64_t t0 = xen_clock_ns(t);
	poll.ports = (uint64_t)&a;
	poll.timeout = t0 + 2000000;
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_poll, &poll), 0);
	CHECK(xen_clock_ns(t) >= t0 + 2000000);
	poll.nr = 129;
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_poll, &poll), -22);
	poll.nr = 1;
	poll.ports = 0xdead00000000ULL;
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_poll, &poll), -14);

	/* Closing: the peer goes back to unbound; sending on a closed port fails. */
	CHECK_EQ(evtchn_close(b), 0);
	st.port = a;
	CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	CHECK_EQ(evtchn_send(b), -22);
	CHECK_EQ(evtchn_send(a), 0); /* unbound: dropped */
	CHECK_EQ(evtchn_close(0), -22);
	CHECK_EQ(evtchn_close(5000), -22);
	CHECK_EQ(evtchn_send(70000), -22);

	/* Binding errors. */
	CHECK_EQ(bind_virq(VIRQ_TIMER, 0, &p), -17); /* already bound */
	CHECK_EQ(bind_virq(NR_VIRQS, 0, &p), -22);
	CHECK_EQ(bind_virq(VIRQ_DEBUG, 3, &p), -2);
	CHECK_EQ(evtchn_bind_interdomain(DOMID_SELF, ipi, &p), -22); /* not unbound */
	CHECK_EQ(evtchn_bind_interdomain(60, 1, &p), -3);	     /* no such domain */
	struct evtchn_alloc_unbound au = {.dom = 9, .remote_dom = DOMID_SELF};
	CHECK_EQ(evtchn_op(EVTCHNOP_alloc_unbound, &au),
		 -3); /* no domain 9: looked up first, as Xen */
	au.dom = DOMID_SELF;
	au.remote_dom = 61;
	CHECK_EQ(evtchn_op(EVTCHNOP_alloc_unbound, &au), -3);
	CHECK_EQ(evtchn_op(EVTCHNOP_init_control, &au), -38); /* FIFO ABI not offered */
	CHECK_EQ(evtchn_op(EVTCHNOP_send, (void *)0xdead00000000ULL), -14);
	struct evtchn_bind_vcpu bv = {.port = ipi, .vcpu = 0};
	CHECK_EQ(evtchn_op(EVTCHNOP_bind_vcpu, &bv), -22); /* IPIs stay put */
}

static void check_bad_hvm_and_memory(void)
{
	struct xen_hvm_param p = {.domid = DOMID_SELF, .index = HVM_PARAM_STORE_PFN};

	CHECK_EQ(HYPERCALL2(__HYPERVISOR_hvm_op, HVMOP_get_param, &p), 0);
	CHECK_EQ(p.value, 0); /* no xenstore yet */
	p.index = HVM_PARAM_CALLBACK_IRQ;
	p.value = (1ULL << 56) | 5; /* PCI INTx form: not offered */
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_hvm_op, HVMOP_set_param, &p), -22);
	p.index = 1000;
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_hvm_op, HVMOP_get_param, &p), -22);
	p.index = HVM_PARAM_CALLBACK_IRQ;
	p.domid = 7;
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_hvm_op, HVMOP_get_param, &p), -1);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_hvm_op, HVMOP_pagetable_dying, &p), -38);

	struct xen_add_to_physmap x = {.domid = DOMID_SELF, .space = 77, .gpfn = 0x500};
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x), -22);
	x.space = XENMAPSPACE_shared_info;
	x.idx = 1;
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x), -22);
	x.idx = 0;
	x.domid = 3;
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x), -1);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_memory_op, 99, &x), -38);
}

bool test_main(const struct hvm_start_info *si)
{
	(void)si;
	uint32_t timer_port;
	uint32_t fi[2] = {0, 0};

	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_get_features, fi), 0);
	CHECK(fi[1] & (1 << XENFEAT_hvm_callback_vector));
	CHECK(fi[1] & (1 << XENFEAT_hvm_safe_pvclock));
	CHECK_EQ(xen_map_shared_info(), 0);
	check_time();
	CHECK_EQ(xen_enable_upcall(), 0);
	CHECK_EQ(bind_virq(VIRQ_TIMER, 0, &timer_port), 0);
	check_timers(timer_port);
	check_evtchn();
	check_bad_hvm_and_memory();
	check_vcpu_registration(timer_port);
	return true;
}

// SPDX-License-Identifier: MIT
/* sched_op: yield, block, shutdown (and shutdown_code). */
#include <keel/hypercall.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <keel/sched.h>
#include <keel/evtchn.h>
#include <keel/compat.h>

static void poll_timed_out(struct timer *t)
{
	struct vcpu *v = (struct vcpu *)((u8 *)t - __builtin_offsetof(struct vcpu, poll_timeout));

	if (v->polling && v->state == VCPU_BLOCKED)
		sched_wake(v);
}

static long poll(struct vcpu *v, u64 arg)
{
	struct sched_poll p;

	if (guest_read_sched_poll(v, arg, &p))
		return -EFAULT;
	if (p.nr_ports > MAX_POLL_PORTS)
		return -EINVAL;
	if (copy_from_guest(v, v->poll_ports, p.ports, (u64)p.nr_ports * sizeof(u32)))
		return -EFAULT;
	for (u32 i = 0; i < p.nr_ports; i++)
		if (v->poll_ports[i] >= EVTCHN_MAX_PORTS)
			return -EINVAL;
	v->nr_poll = p.nr_ports;
	if (evtchn_poll_ready(v))
		return 0;
	if (p.timeout) {
		if (p.timeout < system_time_ns())
			return 0;
		timer_init(&v->poll_timeout, poll_timed_out, v->pcpu);
		timer_set(&v->poll_timeout, system_ns_to_tsc(p.timeout));
	}
	v->polling = true;
	v->state = VCPU_BLOCKED;
	sched_remove(v);
	return 0;
}

long do_sched_op(struct vcpu *v, const struct hypercall_args *a)
{
	u32 reason;

	switch (a->a1) {
	case SCHEDOP_yield:
		sched_yield(v);
		sched_request_resched();
		return 0;
	case SCHEDOP_block:
		sched_block(v);
		return 0;
	case SCHEDOP_shutdown:
		if (copy_from_guest(v, &reason, a->a2, sizeof(reason)))
			return -EFAULT;
		if (reason > SHUTDOWN_watchdog)
			return -EINVAL;
		domain_shutdown(v->dom, reason);
		return 0;
	case SCHEDOP_poll:
		return poll(v, a->a2);
	case SCHEDOP_shutdown_code:
		if (copy_from_guest(v, &reason, a->a2, sizeof(reason)))
			return -EFAULT;
		return 0; /* the code only matters for suspend/reboot bookkeeping */
	default:
		return -ENOSYS;
	}
}

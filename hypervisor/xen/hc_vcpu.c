// SPDX-License-Identifier: MIT
/*
 * vcpu_op and set_timer_op: vcpu_info placement, the runstate area, and the
 * PV timers (single-shot and periodic), which raise VIRQ_TIMER.
 */
#include <keel/arch.h>
#include <keel/hypercall.h>
#include <keel/errno.h>
#include <keel/evtchn.h>
#include <keel/guest_mem.h>
#include <keel/pvclock.h>
#include <keel/runstate.h>
#include <keel/string.h>

#define SET_TIMER_FAR_NS      (1ULL << 50)
#define SET_TIMER_FALLBACK_NS 100000000ULL /* 100 ms */

static void singleshot_fired(struct timer *t)
{
	struct vcpu *v = (struct vcpu *)((u8 *)t - __builtin_offsetof(struct vcpu, singleshot));

	evtchn_send_virq(v, VIRQ_TIMER);
}

static void periodic_fired(struct timer *t)
{
	struct vcpu *v = (struct vcpu *)((u8 *)t - __builtin_offsetof(struct vcpu, periodic));

	evtchn_send_virq(v, VIRQ_TIMER);
	timer_set(t, t->deadline + ns_to_tsc(v->periodic_ns));
}

void vcpu_timers_init(struct vcpu *v)
{
	timer_init(&v->singleshot, singleshot_fired, v->pcpu);
	timer_init(&v->periodic, periodic_fired, v->pcpu);
}

void vcpu_timers_stop(struct vcpu *v)
{
	timer_stop(&v->singleshot);
	timer_stop(&v->periodic);
	timer_stop(&v->poll_timeout);
}

/* Arms the single-shot timer for system time `ns` (past deadlines fire at once). */
static void set_singleshot(struct vcpu *v, u64 ns)
{
	timer_set(&v->singleshot, system_ns_to_tsc(ns));
}

static long register_vcpu_info(struct vcpu *v, struct vcpu *t, u64 arg)
{
	struct vcpu_register_vcpu_info a;

	if (copy_from_guest(v, &a, arg, sizeof(a)))
		return -EFAULT;
	if (a.rsvd || a.offset > PAGE_SIZE - sizeof(struct vcpu_info) || (a.offset & 7))
		return -EINVAL;
	u8 *page = guest_phys_page(v->dom, a.mfn << PAGE_SHIFT, true);
	if (!page)
		return -EINVAL;
	struct vcpu_info *vi = (struct vcpu_info *)(page + a.offset);
	/* Carry the pending state over, as Xen does, so no event is lost. */
	struct vcpu_info *old = t->vcpu_info;
	if (old != vi) {
		memcpy(vi, old, sizeof(*vi));
		memset(old, 0, sizeof(*old));
	}
	t->vcpu_info = vi;
	pvclock_update(&vi->time);
	vcpu_time_area_publish(t);
	vi->evtchn_upcall_pending = 1;
	vi->evtchn_pending_sel = ~0ULL;
	return 0;
}

static long do_vcpu_op_on(struct vcpu *v, struct vcpu *t, u32 cmd, u64 arg)
{
	switch (cmd) {
	case VCPUOP_register_vcpu_info:
		return register_vcpu_info(v, t, arg);
	case VCPUOP_register_runstate_memory_area: {
		u64 gva, gpa;
		if (copy_from_guest(v, &gva, arg, sizeof(gva)))
			return -EFAULT;
		if (!gva) {
			t->runstate_gpa = 0;
			return 0;
		}
		/* Resolved once: the area must stay mapped where it is (kernel memory). */
		if (runstate_resolve(v, gva, sizeof(t->runstate), &gpa))
			return -EFAULT;
		t->runstate_gpa = gpa;
		runstate_publish(t);
		return 0;
	}
	case VCPUOP_register_vcpu_time_memory_area: {
		u64 gva, gpa;
		if (copy_from_guest(v, &gva, arg, sizeof(gva)))
			return -EFAULT;
		if (!gva) {
			t->time_area_gpa = 0;
			return 0;
		}
		if (runstate_resolve(v, gva, sizeof(struct vcpu_time_info), &gpa))
			return -EFAULT;
		t->time_area_gpa = gpa;
		vcpu_time_area_publish(t);
		return 0;
	}
	case VCPUOP_get_runstate_info:
		return copy_to_guest(v, arg, &t->runstate, sizeof(t->runstate)) ? -EFAULT : 0;
	case VCPUOP_set_singleshot_timer: {
		struct vcpu_set_singleshot_timer a;
		if (t != v)
			return -EINVAL; /* only on the calling vCPU, as in Xen */
		if (copy_from_guest(v, &a, arg, sizeof(a)))
			return -EFAULT;
		if (a.flags & ~VCPU_SSHOTTMR_future)
			return -EINVAL;
		if ((a.flags & VCPU_SSHOTTMR_future) && a.timeout_abs_ns < system_time_ns())
			return -ETIME;
		set_singleshot(t, a.timeout_abs_ns);
		return 0;
	}
	case VCPUOP_stop_singleshot_timer:
		if (t != v)
			return -EINVAL;
		timer_stop(&t->singleshot);
		return 0;
	case VCPUOP_set_periodic_timer: {
		u64 period;
		if (copy_from_guest(v, &period, arg, sizeof(period)))
			return -EFAULT;
		if (period < 1000000) /* Xen's floor: 1 ms */
			return -EINVAL;
		t->periodic_ns = period;
		timer_set(&t->periodic, rdtsc() + ns_to_tsc(period));
		return 0;
	}
	case VCPUOP_stop_periodic_timer:
		timer_stop(&t->periodic);
		return 0;
	case VCPUOP_is_up:
		return t->state != VCPU_OFFLINE;
	case VCPUOP_get_physid:
		return -EINVAL; /* guests see no physical CPUs */
	default:
		return -ENOSYS;
	}
}

long do_vcpu_op(struct vcpu *v, const struct hypercall_args *a)
{
	u32 cmd = (u32)a->a1;
	u64 id = a->a2;

	if (id >= v->dom->nr_vcpus)
		return -ENOENT;
	return do_vcpu_op_on(v, v->dom->vcpu[id], cmd, a->a3);
}

long do_set_timer_op(struct vcpu *v, const struct hypercall_args *a)
{
	u64 timeout = a->a1;

	if (!timeout) {
		timer_stop(&v->singleshot);
		return 0;
	}
	u64 now = system_time_ns();
	/* Linux's jiffies can wrap into a deadline far in the future: use 100 ms then. */
	if ((s64)timeout < 0 || (timeout > now && timeout - now > SET_TIMER_FAR_NS))
		timeout = now + SET_TIMER_FALLBACK_NS;
	set_singleshot(v, timeout);
	return 0;
}

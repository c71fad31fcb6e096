// SPDX-License-Identifier: MIT
/* sched_op: yield, block, shutdown (and shutdown_code). */
#include <keel/hypercall.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <keel/sched.h>

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
	case SCHEDOP_shutdown_code:
		if (copy_from_guest(v, &reason, a->a2, sizeof(reason)))
			return -EFAULT;
		return 0;	/* the code only matters for suspend/reboot bookkeeping */
	default:
		return -ENOSYS;
	}
}

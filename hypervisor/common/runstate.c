// SPDX-License-Identifier: MIT
/* Runstate accounting: see runstate.h. */
#include <keel/runstate.h>
#include <keel/guest_mem.h>
#include <keel/errno.h>
#include <arch/x86/guest_walk.h>
#include <arch/x86/vmcs.h>

void runstate_publish(struct vcpu *v)
{
	if (!v->runstate_gpa)
		return;
	u8 *page = guest_phys_page(v->dom, v->runstate_gpa, true);
	u64 off = v->runstate_gpa & (PAGE_SIZE - 1);
	if (!page || off + sizeof(v->runstate) > PAGE_SIZE) {
		v->runstate_gpa = 0;	/* gone: stop publishing */
		return;
	}
	__builtin_memcpy(page + off, &v->runstate, sizeof(v->runstate));
}

void runstate_change(struct vcpu *v, int state)
{
	u64 now = system_time_ns();
	struct vcpu_runstate_info *r = &v->runstate;

	if (r->state == state && r->state_entry_time)
		return;
	if (r->state_entry_time && r->state >= 0 && r->state < 4)
		r->time[r->state] += now - r->state_entry_time;
	r->state = state;
	r->state_entry_time = now;
	runstate_publish(v);
}

int runstate_resolve(struct vcpu *v, u64 gva, u64 *gpa)
{
	struct vcpu_runstate_info probe;

	/* The area must be mapped now and must not cross a page. */
	if ((gva & (PAGE_SIZE - 1)) + sizeof(probe) > PAGE_SIZE)
		return -EINVAL;
	if (copy_from_guest(v, &probe, gva, sizeof(probe)))
		return -EFAULT;
	return guest_linear_to_phys(v, gva, true, gpa);
}

// SPDX-License-Identifier: MIT
/* Runstate accounting: see runstate.h. */
#include <keel/runstate.h>
#include <keel/guest_mem.h>
#include <keel/errno.h>
#include <public/xen/hypercall.h>

void runstate_publish(struct vcpu *v)
{
	if (!v->runstate_gpa)
		return;
	u8 *page = guest_phys_page(v->dom, v->runstate_gpa, true);
	u64 off = v->runstate_gpa & (PAGE_SIZE - 1);
	if (!page || off + sizeof(v->runstate) > PAGE_SIZE) {
		v->runstate_gpa = 0; /* gone: stop publishing */
		return;
	}
	struct vcpu_runstate_info *area = (struct vcpu_runstate_info *)(page + off);
	if (!(v->dom->vm_assist & (1u << VMASST_TYPE_runstate_update_flag))) {
		__builtin_memcpy(area, &v->runstate, sizeof(v->runstate));
		return;
	}
	/* With the flag, readers on other vCPUs retry while bit 63 of state_entry_time is set. */
	__atomic_store_n(&area->state_entry_time,
			 v->runstate.state_entry_time | XEN_RUNSTATE_UPDATE, __ATOMIC_SEQ_CST);
	area->state = v->runstate.state;
	__builtin_memcpy(area->time, v->runstate.time, sizeof(area->time));
	__atomic_store_n(&area->state_entry_time, v->runstate.state_entry_time, __ATOMIC_SEQ_CST);
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

int runstate_resolve(struct vcpu *v, u64 gva, u64 size, u64 *gpa)
{
	u8 probe[64];

	/* The area must be mapped now and must not cross a page. */
	if (size > sizeof(probe) || (gva & (PAGE_SIZE - 1)) + size > PAGE_SIZE)
		return -EINVAL;
	if (copy_from_guest(v, probe, gva, size))
		return -EFAULT;
	return guest_linear_to_phys(v, gva, true, gpa);
}

void vcpu_time_area_publish(struct vcpu *v)
{
	if (!v->time_area_gpa || !v->vcpu_info)
		return;
	u8 *page = guest_phys_page(v->dom, v->time_area_gpa, true);
	u64 off = v->time_area_gpa & (PAGE_SIZE - 1);
	if (!page) {
		v->time_area_gpa = 0; /* gone: stop publishing */
		return;
	}
	struct vcpu_time_info *area = (struct vcpu_time_info *)(page + off);
	const struct vcpu_time_info *t = &v->vcpu_info->time;
	/* Odd version while it changes, as for the vCPU's own copy. */
	u32 ver = area->version | 1;
	__atomic_store_n(&area->version, ver, __ATOMIC_SEQ_CST);
	area->tsc_timestamp = t->tsc_timestamp;
	area->system_time = t->system_time;
	area->tsc_to_system_mul = t->tsc_to_system_mul;
	area->tsc_shift = t->tsc_shift;
	area->flags = t->flags;
	__atomic_store_n(&area->version, ver + 1, __ATOMIC_SEQ_CST);
}

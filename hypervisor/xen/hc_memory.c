// SPDX-License-Identifier: MIT
/*
 * memory_op: add_to_physmap for the shared-info page and grant frames; the
 * reservation sub-ops are in hc_reservation.c.
 */
#include <keel/arch.h>
#include <keel/hypercall.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <keel/mm.h>
#include <keel/grant_table.h>
#include <public/xen/memory.h>
#include <public/xen/memory_reservation.h>

static long add_to_physmap(struct vcpu *v, u64 arg)
{
	struct xen_add_to_physmap x;
	struct domain *d = v->dom;

	if (copy_from_guest(v, &x, arg, sizeof(x)))
		return -EFAULT;
	if (x.domid != DOMID_SELF && x.domid != d->id)
		return -EPERM;
	if (x.gpfn >= (EPT_MAX_GPA >> PAGE_SHIFT))
		return -EINVAL;
	switch (x.space) {
	case XENMAPSPACE_shared_info:
		if (x.idx != 0)
			return -EINVAL;
		if (d->shared_info_gfn != GFN_NONE)
			domain_restore_ram_page(d, d->shared_info_gfn << PAGE_SHIFT);
		if (arch_p2m_map(d, x.gpfn << PAGE_SHIFT, virt_to_phys(d->shared_info), PAGE_SIZE,
				 P2M_RW))
			return -ENOMEM;
		d->shared_info_gfn = x.gpfn;
		arch_p2m_flush(d);
		return 0;
	case XENMAPSPACE_grant_table: {
		/* v1 has no status frames. */
		if (x.idx & XENMAPIDX_grant_table_status)
			return -EINVAL;
		void *f = gnttab_frame(d, (u32)x.idx);
		if (!f)
			return -EINVAL;
		u32 idx = (u32)x.idx;
		if (d->gnt_frame_gfn[idx] != GFN_NONE)
			domain_restore_ram_page(d, d->gnt_frame_gfn[idx] << PAGE_SHIFT);
		if (arch_p2m_map(d, x.gpfn << PAGE_SHIFT, virt_to_phys(f), PAGE_SIZE, P2M_RW))
			return -ENOMEM;
		d->gnt_frame_gfn[idx] = x.gpfn;
		arch_p2m_flush(d);
		return 0;
	}
	default:
		return -EINVAL;
	}
}

long do_memory_op(struct vcpu *v, const struct hypercall_args *a)
{
	u32 cmd = (u32)a->a1 & MEMOP_CMD_MASK; /* the bits above: a continuation's start */
	u64 start = a->a1 >> MEMOP_EXTENT_SHIFT;

	switch (cmd) {
	case XENMEM_add_to_physmap:
		return add_to_physmap(v, a->a2);
	default:
		return memory_reservation_op(v, cmd, start, a->a2);
	}
}

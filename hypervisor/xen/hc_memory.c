// SPDX-License-Identifier: MIT
/*
 * memory_op: the physmap sub-ops (physmap.c) and the reservation sub-ops
 * (hc_reservation.c).
 */
#include <keel/hypercall.h>
#include <keel/physmap.h>
#include <public/xen/memory.h>
#include <public/xen/memory_reservation.h>

long do_memory_op(struct vcpu *v, const struct hypercall_args *a)
{
	u32 cmd = (u32)a->a1 & MEMOP_CMD_MASK; /* the bits above: a continuation's start */
	u64 start = a->a1 >> MEMOP_EXTENT_SHIFT;

	switch (cmd) {
	case XENMEM_add_to_physmap:
		return physmap_add(v, a->a2);
	case XENMEM_add_to_physmap_batch:
		return physmap_add_batch(v, start, a->a2);
	case XENMEM_remove_from_physmap:
		return physmap_remove(v, start, a->a2);
	case XENMEM_acquire_resource:
		return physmap_acquire_resource(v, start, a->a2);
	default:
		return memory_reservation_op(v, cmd, start, a->a2);
	}
}

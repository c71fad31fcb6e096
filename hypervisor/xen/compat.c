// SPDX-License-Identifier: MIT
/* 32-bit callers' hypercall layouts: see compat.h. */
#include <keel/compat.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <keel/string.h>

static int read(struct vcpu *v, void *dst, u64 arg, u64 len)
{
	return copy_from_guest(v, dst, arg, len) ? -EFAULT : 0;
}

int guest_read_memory_map(struct vcpu *v, u64 arg, struct xen_memory_map *m)
{
	u32 c[2];

	if (!v->compat)
		return read(v, m, arg, sizeof(*m));
	if (read(v, c, arg, sizeof(c)))
		return -EFAULT;
	*m = (struct xen_memory_map){.nr_entries = c[0], .buffer = c[1]};
	return 0;
}

int guest_read_add_to_physmap(struct vcpu *v, u64 arg, struct xen_add_to_physmap *x)
{
	struct {
		u16 domid, size;
		u32 space, idx, gpfn;
	} c;

	if (!v->compat)
		return read(v, x, arg, sizeof(*x));
	if (read(v, &c, arg, sizeof(c)))
		return -EFAULT;
	*x = (struct xen_add_to_physmap){c.domid, c.size, c.space, c.idx, c.gpfn};
	return 0;
}

int guest_read_reservation(struct vcpu *v, u64 arg, struct xen_memory_reservation *r)
{
	struct {
		u32 extent_start, nr_extents, extent_order, mem_flags;
		u16 domid, pad;
	} c;

	if (!v->compat)
		return read(v, r, arg, sizeof(*r));
	if (read(v, &c, arg, 18))
		return -EFAULT;
	memset(r, 0, sizeof(*r));
	r->extent_start = c.extent_start;
	r->nr_extents = c.nr_extents;
	r->extent_order = c.extent_order;
	r->mem_flags = c.mem_flags;
	r->domid = c.domid;
	return 0;
}

int guest_read_pfn(struct vcpu *v, u64 list, u64 i, u64 *pfn)
{
	u32 c;

	if (!v->compat)
		return read(v, pfn, list + i * sizeof(*pfn), sizeof(*pfn));
	if (read(v, &c, list + i * sizeof(c), sizeof(c)))
		return -EFAULT;
	*pfn = c;
	return 0;
}

int guest_read_sched_poll(struct vcpu *v, u64 arg, struct sched_poll *p)
{
	struct {
		u32 ports, nr_ports;
		u64 timeout;
	} c;

	if (!v->compat)
		return read(v, p, arg, sizeof(*p));
	if (read(v, &c, arg, sizeof(c)))
		return -EFAULT;
	*p = (struct sched_poll){c.ports, c.nr_ports, 0, c.timeout};
	return 0;
}

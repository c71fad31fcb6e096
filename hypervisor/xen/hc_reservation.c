// SPDX-License-Identifier: MIT
/*
 * memory_op reservation sub-ops (layouts in public/xen/memory_reservation.h):
 * a guest gives pages back (decrease_reservation: the GFN becomes unbacked)
 * and takes them again (populate_physmap: a zeroed page at that GFN), as a
 * balloon driver does. A domain's RAM is one contiguous range here, so a
 * ballooned-out page keeps its frame, reserved for that GFN; what changes is
 * the guest's reservation and what its physmap backs. Only order-0 extents
 * within the domain's RAM are taken; Xen's answer to the rest is the count of
 * extents done so far.
 */
#include <keel/arch.h>
#include <keel/compat.h>
#include <keel/hypercall.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <keel/mm.h>
#include <keel/string.h>
#include <public/xen/memory.h>
#include <public/xen/memory_reservation.h>
#include <public/xen/start_info.h>

static u64 ram_pages(const struct domain *d)
{
	return domain_ram_end(d) >> PAGE_SHIFT;
}

static bool is_ballooned(const struct domain *d, u64 gfn)
{
	return d->ballooned && (d->ballooned[gfn / 64] & (1ULL << (gfn % 64)));
}

static int balloon_map(struct domain *d)
{
	if (!d->ballooned) {
		u64 bytes = ALIGN_UP(ram_pages(d), 64) / 8;
		d->ballooned = pages_alloc(ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE);
		if (!d->ballooned)
			return -ENOMEM;
	}
	return 0;
}

void balloon_domain_free(struct domain *d)
{
	if (d->ballooned)
		pages_free(d->ballooned,
			   ALIGN_UP(ALIGN_UP(ram_pages(d), 64) / 8, PAGE_SIZE) / PAGE_SIZE);
	d->ballooned = NULL;
	if (d->moved)
		pages_free(d->moved, 1);
	d->moved = NULL;
}

/* A GFN whose frame was moved elsewhere by add_to_physmap(XENMAPSPACE_gmfn). */
static bool was_moved(const struct domain *d, u64 gfn)
{
	for (u32 i = 0; d->moved && i < d->nr_moved; i++)
		if (d->moved[i].from == gfn)
			return true;
	return false;
}

/* A GFN the guest may give back: plain RAM now, not a special page mapped over it. */
static bool releasable(const struct domain *d, u64 gfn)
{
	paddr_t hpa;

	if (gfn >= ram_pages(d) || is_ballooned(d, gfn) || gfn == d->shared_info_gfn ||
	    domain_ram_hpa(d, gfn << PAGE_SHIFT, PAGE_SIZE, &hpa))
		return false;
	for (u32 i = 0; i < ARRAY_SIZE(d->gnt_frame_gfn); i++)
		if (gfn == d->gnt_frame_gfn[i])
			return false;
	return true;
}

static int release_page(struct domain *d, u64 gfn)
{
	if (!releasable(d, gfn) || balloon_map(d))
		return -EINVAL;
	if (arch_p2m_unmap(d, gfn << PAGE_SHIFT, PAGE_SIZE))
		return -ENOMEM;
	d->ballooned[gfn / 64] |= 1ULL << (gfn % 64);
	d->tot_pages--;
	return 0;
}

static int populate_page(struct domain *d, u64 gfn)
{
	paddr_t hpa;

	if (gfn >= ram_pages(d) || !is_ballooned(d, gfn) || was_moved(d, gfn) ||
	    domain_ram_hpa(d, gfn << PAGE_SHIFT, PAGE_SIZE, &hpa))
		return -EINVAL; /* beyond its RAM, or already backed */
	if (d->tot_pages >= d->max_pages)
		return -ENOMEM; /* at the toolstack's limit (KEEL_DOMCTL_setmaxmem) */
	memset(phys_to_virt(hpa), 0, PAGE_SIZE);
	if (arch_p2m_map(d, gfn << PAGE_SHIFT, hpa, PAGE_SIZE, P2M_RW))
		return -ENOMEM;
	d->ballooned[gfn / 64] &= ~(1ULL << (gfn % 64));
	d->tot_pages++;
	return 0;
}

int reservation_move_page(struct domain *d, u64 from, u64 to)
{
	paddr_t hpa;

	if (!releasable(d, from) || balloon_map(d))
		return -EINVAL;
	if (!d->moved && !(d->moved = pages_alloc(1)))
		return -ENOMEM;
	if (d->nr_moved == PAGE_SIZE / sizeof(d->moved[0]))
		return -ENOMEM;
	if (domain_ram_hpa(d, from << PAGE_SHIFT, PAGE_SIZE, &hpa) ||
	    arch_p2m_map(d, to << PAGE_SHIFT, hpa, PAGE_SIZE, P2M_RW))
		return -ENOMEM;
	if (arch_p2m_unmap(d, from << PAGE_SHIFT, PAGE_SIZE)) {
		arch_p2m_unmap(d, to << PAGE_SHIFT, PAGE_SIZE);
		return -ENOMEM;
	}
	d->ballooned[from / 64] |= 1ULL << (from % 64); /* not backed at its own GFN now */
	d->moved[d->nr_moved++] = (struct moved_page){from, to};
	arch_p2m_flush(d);
	return 0;
}

static long reservation(struct vcpu *v, u32 cmd, u64 start, u64 arg)
{
	struct xen_memory_reservation r;
	struct domain *d = v->dom;
	u64 done;

	if (guest_read_reservation(v, arg, &r))
		return -EFAULT;
	if (r.domid != DOMID_SELF && r.domid != d->id)
		return -EPERM;
	if (start > r.nr_extents)
		return -EINVAL;
	if (cmd == XENMEM_increase_reservation)
		return (long)start; /* frames without a GFN: nothing for a translated guest */
	if (r.extent_order != 0)
		return (long)start;
	for (done = start; done < r.nr_extents; done++) {
		u64 gfn;
		if (guest_read_pfn(v, r.extent_start, done, &gfn))
			return done == start ? -EFAULT : (long)done;
		int err = cmd == XENMEM_decrease_reservation ? release_page(d, gfn)
							     : populate_page(d, gfn);
		if (err)
			break;
	}
	if (done != start && cmd == XENMEM_decrease_reservation)
		arch_p2m_flush(d);
	return (long)done;
}

static long domid_query(struct vcpu *v, u32 cmd, u64 arg)
{
	u16 domid;
	struct domain *d = v->dom;

	if (copy_from_guest(v, &domid, arg, sizeof(domid)))
		return -EFAULT;
	if (domid != DOMID_SELF && domid != d->id)
		return -EPERM;
	switch (cmd) {
	case XENMEM_current_reservation:
		return (long)d->tot_pages;
	case XENMEM_maximum_reservation:
		return (long)d->max_pages;
	default: /* XENMEM_maximum_gpfn */
		return (long)ram_pages(d) - 1;
	}
}

/* The domain's own map: what hvm_start_info lists, in e820 form. */
static long memory_map(struct vcpu *v, u64 arg)
{
	struct xen_memory_map m;
	struct domain *d = v->dom;
	struct e820_entry e;

	if (guest_read_memory_map(v, arg, &m))
		return -EFAULT;
	u32 n = m.nr_entries < d->memmap_entries ? m.nr_entries : d->memmap_entries;
	for (u32 i = 0; i < n; i++) {
		e = (struct e820_entry){d->memmap[i].addr, d->memmap[i].size, d->memmap[i].type};
		if (copy_to_guest(v, m.buffer + (u64)i * sizeof(e), &e, sizeof(e)))
			return -EFAULT;
	}
	m.nr_entries = n;
	return copy_to_guest(v, arg, &m, sizeof(m.nr_entries)) ? -EFAULT : 0;
}

long memory_reservation_op(struct vcpu *v, u32 cmd, u64 start, u64 arg)
{
	switch (cmd) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return reservation(v, cmd, start, arg);
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		return domid_query(v, cmd, arg);
	case XENMEM_memory_map:
		return memory_map(v, arg);
	default:
		return -ENOSYS;
	}
}

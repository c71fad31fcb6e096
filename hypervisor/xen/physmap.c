// SPDX-License-Identifier: MIT
/*
 * memory_op sub-ops that change what a domain's own physmap holds beyond its
 * RAM: see physmap.h. Errors follow Xen (xen/common/memory.c,
 * xen/arch/x86/mm/p2m.c: p2m_add_foreign); where Keel is stricter it says so.
 */
#include <keel/arch.h>
#include <keel/compat.h>
#include <keel/errno.h>
#include <keel/foreign_maps.h>
#include <keel/grant_table.h>
#include <keel/guest_mem.h>
#include <keel/hypercall.h>
#include <keel/mm.h>
#include <keel/physmap.h>
#include <public/xen/memory.h>
#include <public/xen/memory_reservation.h>
#include <keel/ioreq.h>

#define MAX_GFN (EPT_MAX_GPA >> PAGE_SHIFT)

void domain_foreign_unpin(struct domain *d)
{
	if (d->foreign_pins && !--d->foreign_pins && d->state == DOM_ZOMBIE)
		domain_zombie_release(d);
}

static void drop_map(struct foreign_map *m)
{
	struct domain *owner = m->owner;
	bool ram = m->ram;

	foreign_remove(m);
	if (ram)
		domain_foreign_unpin(owner);
}

static bool is_special(struct domain *d, u64 gfn)
{
	if (gfn == d->shared_info_gfn)
		return true;
	for (u32 i = 0; i < d->gnt_nr_frames; i++)
		if (gfn == d->gnt_frame_gfn[i])
			return true;
	return false;
}

enum gfn_use physmap_gfn_use(struct domain *d, u64 gfn)
{
	u64 hpa;
	bool r, w;

	if (gfn >= MAX_GFN)
		return GFN_OTHER;
	if (is_special(d, gfn))
		return GFN_SPECIAL;
	if (foreign_find(d, gfn))
		return GFN_FOREIGN;
	if (gnttab_mapped_at(d, gfn << PAGE_SHIFT))
		return GFN_GRANT;
	if (domain_gpa_ptr(d, gfn << PAGE_SHIFT, PAGE_SIZE))
		return GFN_RAM;
	return arch_p2m_translate(d, gfn << PAGE_SHIFT, &hpa, &r, &w) == -ENOENT ? GFN_FREE
										 : GFN_OTHER;
}

/* Maps a host frame at gfn of d and records it; -EBUSY over its RAM or another mapping. */
static int map_frame(struct domain *d, u64 gfn, u64 hpa, struct domain *owner, bool ram)
{
	struct foreign_map *m;

	if (gfn >= MAX_GFN)
		return -EINVAL;
	/*
	 * Stricter than Xen, which would free RAM or unhook a page found there:
	 * dom0's scratch gfns lie outside its RAM (unpopulated-alloc.c). A hole
	 * or a device range is fine: removal puts back what was there.
	 */
	enum gfn_use use = physmap_gfn_use(d, gfn);
	if (use != GFN_FREE && use != GFN_OTHER)
		return -EBUSY;
	if (!(m = foreign_insert(d, owner, gfn, hpa, ram)))
		return -ENOMEM;
	if (arch_p2m_map(d, gfn << PAGE_SHIFT, hpa, PAGE_SIZE, P2M_RW)) {
		foreign_remove(m);
		return -ENOMEM;
	}
	if (ram)
		owner->foreign_pins++;
	return 0;
}

/* Another live domain, as Xen's rcu_lock_remote_domain_by_id: -ESRCH, or -EPERM for oneself. */
static struct domain *remote_domain(struct domain *d, u16 id, int *err)
{
	struct domain *o = domain_by_id(id);

	*err = !o ? -ESRCH : o == d ? -EPERM : 0;
	return *err ? NULL : o;
}

static int add_foreign(struct domain *d, u16 fdom, u64 idx, u64 gfn)
{
	int err;
	u64 hpa;
	bool r, w;

	struct domain *o = remote_domain(d, fdom, &err);
	if (!o)
		return err;
	if (!d->privileged)
		return -EPERM;
	if (o->state != DOM_RUNNING && o->state != DOM_PAUSED)
		return -EINVAL; /* ending: its RAM is no longer to be mapped */
	/* The frame must be the owner's RAM and backed now (not ballooned out, no special page). */
	u8 *page = idx < MAX_GFN ? domain_gpa_ptr(o, idx << PAGE_SHIFT, PAGE_SIZE) : NULL;
	if (!page || arch_p2m_translate(o, idx << PAGE_SHIFT, &hpa, &r, &w) ||
	    hpa != virt_to_phys(page) || !w)
		return -EINVAL;
	err = map_frame(d, gfn, hpa, o, true);
	if (!err)
		o->frames_mapped++;
	return err;
}

static int add_one(struct domain *d, u32 space, u64 idx, u64 gfn, u16 fdom)
{
	if (gfn >= MAX_GFN)
		return -EINVAL;
	switch (space) {
	case XENMAPSPACE_shared_info:
		if (idx != 0)
			return -EINVAL;
		if (d->shared_info_gfn != GFN_NONE)
			domain_restore_ram_page(d, d->shared_info_gfn << PAGE_SHIFT);
		if (arch_p2m_map(d, gfn << PAGE_SHIFT, virt_to_phys(d->shared_info), PAGE_SIZE,
				 P2M_RW))
			return -ENOMEM;
		d->shared_info_gfn = gfn;
		return 0;
	case XENMAPSPACE_grant_table: {
		/* v1 has no status frames. */
		if (idx & XENMAPIDX_grant_table_status)
			return -EINVAL;
		void *f = gnttab_frame(d, (u32)idx);
		if (!f)
			return -EINVAL;
		u32 i = (u32)idx;
		if (d->gnt_frame_gfn[i] != GFN_NONE)
			domain_restore_ram_page(d, d->gnt_frame_gfn[i] << PAGE_SHIFT);
		if (arch_p2m_map(d, gfn << PAGE_SHIFT, virt_to_phys(f), PAGE_SIZE, P2M_RW))
			return -ENOMEM;
		d->gnt_frame_gfn[i] = gfn;
		return 0;
	}
	case XENMAPSPACE_gmfn_foreign:
		return add_foreign(d, fdom, idx, gfn);
	case XENMAPSPACE_gmfn:
		/* One of its own RAM frames to a hole (hvmloader's tables); not over anything. */
		if (physmap_gfn_use(d, gfn) != GFN_FREE)
			return -EBUSY;
		return reservation_move_page(d, idx, gfn);
	default:
		return -EINVAL;
	}
}

long physmap_add(struct vcpu *v, u64 arg)
{
	struct xen_add_to_physmap x;
	struct domain *d = v->dom;

	if (guest_read_add_to_physmap(v, arg, &x))
		return -EFAULT;
	if (x.domid != DOMID_SELF && x.domid != d->id)
		return -EPERM;
	if (x.space == XENMAPSPACE_gmfn_foreign)
		return -ENOSYS; /* as Xen: foreign maps only through the batch (it names the domid)
				 */
	int err = add_one(d, x.space, x.idx, x.gpfn, 0);
	arch_p2m_flush(d);
	return err;
}

long physmap_add_batch(struct vcpu *v, u64 start, u64 arg)
{
	struct xen_add_to_physmap_batch b;
	struct domain *d = v->dom;
	long ret = 0;

	if (copy_from_guest(v, &b, arg, sizeof(b)))
		return -EFAULT;
	if (b.space == XENMAPSPACE_gmfn_range)
		return -EOPNOTSUPP; /* as Xen: add_to_physmap only */
	/* Keel changes only the caller's own physmap (Xen lets the toolstack do others'). */
	if (b.domid != DOMID_SELF && b.domid != d->id)
		return -EPERM;
	if (b.size < start || (b.size == start && start))
		return -EILSEQ; /* as Xen: a continuation past the end */
	for (u64 i = start; i < b.size; i++) {
		u64 idx, gfn;
		if (copy_from_guest(v, &idx, b.idxs + i * sizeof(idx), sizeof(idx)) ||
		    copy_from_guest(v, &gfn, b.gpfns + i * sizeof(gfn), sizeof(gfn))) {
			ret = -EFAULT;
			break;
		}
		int err = add_one(d, b.space, idx, gfn, b.foreign_domid);
		if (copy_to_guest(v, b.errs + i * sizeof(err), &err, sizeof(err))) {
			ret = -EFAULT;
			break;
		}
	}
	arch_p2m_flush(d);
	return ret;
}

long physmap_remove(struct vcpu *v, u64 start, u64 arg)
{
	struct xen_remove_from_physmap x;
	struct domain *d = v->dom;

	if (start)
		return -EINVAL; /* as Xen: no continuation for a single frame */
	if (copy_from_guest(v, &x, arg, sizeof(x)))
		return -EFAULT;
	if (x.domid != DOMID_SELF && x.domid != d->id)
		return -EPERM;
	if (x.gpfn >= MAX_GFN)
		return -EINVAL;
	switch (physmap_gfn_use(d, x.gpfn)) {
	case GFN_FOREIGN:
		drop_map(foreign_find(d, x.gpfn));
		break;
	case GFN_SPECIAL:
		if (x.gpfn == d->shared_info_gfn)
			d->shared_info_gfn = GFN_NONE;
		for (u32 i = 0; i < d->gnt_nr_frames; i++)
			if (x.gpfn == d->gnt_frame_gfn[i])
				d->gnt_frame_gfn[i] = GFN_NONE;
		break;
	case GFN_FREE:
		return -ENOENT; /* as Xen: nothing there */
	default:
		/* RAM goes back by decrease_reservation, grant maps by GNTTABOP_unmap_grant_ref. */
		return -EINVAL;
	}
	/* What was there before: its own RAM, or nothing (region-aware in domain.c). */
	domain_restore_ram_page(d, x.gpfn << PAGE_SHIFT);
	return 0;
}

/* Frames the resource has (0: none such); Keel has v1 grant tables. */
static u32 resource_frames(u16 type, u32 id)
{
	if (type == XENMEM_resource_grant_table && id == XENMEM_resource_grant_table_id_shared)
		return GNT_MAX_FRAMES;
	if (type == XENMEM_resource_ioreq_server)
		return IOREQ_SERVER_FRAMES;
	return 0;
}

/* Frame i of the resource: its host address, or a negative errno. */
static int resource_frame(struct domain *o, struct domain *d,
			  const struct xen_mem_acquire_resource *x, u64 i, paddr_t *hpa)
{
	if (x->type == XENMEM_resource_ioreq_server)
		return ioreq_server_frame(o, d, x->id, x->frame + i, hpa);
	void *f = gnttab_frame(o, (u32)(x->frame + i)); /* grows its table, as Xen */
	if (!f)
		return -ENOMEM;
	*hpa = virt_to_phys(f);
	return 0;
}

struct revoke {
	struct domain *owner;
	paddr_t hpa;
};

static void revoke_one(struct foreign_map *m, void *ctx)
{
	struct revoke *r = ctx;

	if (m->owner == r->owner && !m->ram && m->hpa == r->hpa) {
		struct domain *mapper = m->mapper;
		domain_restore_ram_page(mapper, m->gfn << PAGE_SHIFT);
		drop_map(m);
		arch_p2m_flush(mapper);
	}
}

void physmap_revoke_frame(struct domain *owner, paddr_t hpa)
{
	struct revoke r = {owner, hpa};

	foreign_each(revoke_one, &r);
}

long physmap_acquire_resource(struct vcpu *v, u64 start, u64 arg)
{
	struct xen_mem_acquire_resource x;
	struct domain *d = v->dom;
	long ret = 0;
	int err;

	if (copy_from_guest(v, &x, arg, sizeof(x)))
		return -EFAULT;
	if (x.pad || (x.frame >> 32) || ((x.frame + x.nr_frames) >> 32))
		return -EINVAL;
	struct domain *o = remote_domain(d, x.domid, &err);
	if (!o)
		return err;
	if (!d->privileged)
		return -EPERM;
	u32 max = resource_frames(x.type, x.id);
	if (!max)
		return -EINVAL;
	if (x.frame_list && !start)
		o->resources_mapped++;
	if (!x.frame_list) {
		/* The size query (privcmd's IOCTL_PRIVCMD_MMAP_RESOURCE with num = 0). */
		if (x.nr_frames || start)
			return -EINVAL;
		x.nr_frames = max;
		return copy_to_guest(v, arg, &x, sizeof(x)) ? -EFAULT : 0;
	}
	if (start >= x.nr_frames || x.frame + x.nr_frames > max)
		return -EINVAL;
	for (u64 i = start; i < x.nr_frames; i++) {
		u64 gfn;
		paddr_t hpa;
		if (copy_from_guest(v, &gfn, x.frame_list + i * sizeof(gfn), sizeof(gfn))) {
			ret = -EFAULT;
			break;
		}
		if ((ret = resource_frame(o, d, &x, i, &hpa)) ||
		    (ret = map_frame(d, gfn, hpa, o, false)))
			break;
	}
	arch_p2m_flush(d);
	return ret;
}

static void release_one(struct foreign_map *m, void *ctx)
{
	struct domain *d = ctx;

	if (m->mapper == d) {
		drop_map(m); /* its physmap goes as a whole */
	} else if (m->owner == d && !m->ram) {
		/* Its grant frames are freed with it: the mapper loses them now. */
		domain_restore_ram_page(m->mapper, m->gfn << PAGE_SHIFT);
		drop_map(m);
	}
}

void physmap_release_foreign(struct domain *d)
{
	foreign_each(release_one, d);
}

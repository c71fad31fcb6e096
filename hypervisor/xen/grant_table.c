// SPDX-License-Identifier: MIT
/* Grant tables v1: see grant_table.h; layouts in public/xen/grant_table.h. */
#include <keel/arch.h>
#include <keel/grant_table.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <keel/hypercall.h>
#include <keel/mm.h>
#include <keel/physmap.h>
#include <keel/string.h>
#include <public/xen/memory.h>

#define ACTIVE_PAGES                                                                               \
	(ALIGN_UP(GNT_MAX_ENTRIES * sizeof(struct grant_active), PAGE_SIZE) / PAGE_SIZE)
#define MAPS_PAGES   (ALIGN_UP(GNT_MAX_MAPS * sizeof(struct grant_map), PAGE_SIZE) / PAGE_SIZE)
#define FLAG_RETRIES 8
#define MAX_OPS	     4096

int gnttab_domain_init(struct domain *d)
{
	d->gnt_active = pages_alloc(ACTIVE_PAGES);
	d->gnt_maps = pages_alloc(MAPS_PAGES);
	if (!d->gnt_active || !d->gnt_maps || !gnttab_frame(d, 0))
		return -ENOMEM;
	return 0;
}

void *gnttab_frame(struct domain *d, u32 idx)
{
	if (idx >= GNT_MAX_FRAMES)
		return NULL;
	while (d->gnt_nr_frames <= idx) {
		void *f = pages_alloc(1);
		if (!f)
			return NULL;
		d->gnt_frames[d->gnt_nr_frames] = f;
		d->gnt_frame_gfn[d->gnt_nr_frames] = GFN_NONE;
		d->gnt_nr_frames++;
	}
	return d->gnt_frames[idx];
}

static struct grant_entry_v1 *entry(struct domain *d, u32 ref)
{
	if (ref >= d->gnt_nr_frames * GNT_PER_FRAME)
		return NULL;
	return (struct grant_entry_v1 *)d->gnt_frames[ref / GNT_PER_FRAME] + ref % GNT_PER_FRAME;
}

void gnttab_seed(struct domain *d, u32 ref, u64 gfn, u16 grantee)
{
	struct grant_entry_v1 *e = entry(d, ref);

	if (!e)
		return;
	e->domid = grantee;
	e->frame = (u32)gfn;
	__atomic_store_n(&e->flags, (u16)GTF_permit_access, __ATOMIC_SEQ_CST);
}

static bool alive(struct domain *d)
{
	return d && (d->state == DOM_RUNNING || d->state == DOM_PAUSED);
}

/*
 * Checks the entry for use by `user` and marks it in use: GTF_reading, plus
 * GTF_writing for writes. The guest may change flags under us: compare-and-swap
 * on the flags/domid word, a bounded number of times.
 */
static int16_t acquire(struct domain *granter, u32 ref, u16 user, bool write, u32 *frame)
{
	struct grant_entry_v1 *e = entry(granter, ref);

	if (!e)
		return GNTST_bad_gntref;
	u32 *word = (u32 *)e; /* flags in the low half, domid in the high half */
	for (int i = 0; i < FLAG_RETRIES; i++) {
		u32 old = __atomic_load_n(word, __ATOMIC_SEQ_CST);
		u16 flags = (u16)old, domid = (u16)(old >> 16);
		u16 bad = GTF_type_mask | GTF_sub_page | (write ? GTF_readonly : 0);
		if ((flags & bad) != GTF_permit_access || domid != user)
			return GNTST_permission_denied;
		u32 want = old | GTF_reading | (write ? GTF_writing : 0);
		if (__atomic_compare_exchange_n(word, &old, want, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST)) {
			*frame = __atomic_load_n(&e->frame, __ATOMIC_SEQ_CST);
			return GNTST_okay;
		}
	}
	return GNTST_general_error;
}

/* Clears the in-use flags that no remaining pin needs. */
static void release_flags(struct domain *granter, u32 ref)
{
	struct grant_entry_v1 *e = entry(granter, ref);
	struct grant_active *a = &granter->gnt_active[ref];
	u16 clear = 0;

	if (!e)
		return;
	if (!a->pins_rw)
		clear |= GTF_writing;
	if (!a->pins_rw && !a->pins_ro)
		clear |= GTF_reading;
	if (clear)
		__atomic_fetch_and(&e->flags, (u16)~clear, __ATOMIC_SEQ_CST);
}

/* The host address of a granter's frame: only its own RAM can be granted. */
static u8 *granted_page(struct domain *granter, u32 frame)
{
	paddr_t hpa;

	if (domain_ram_hpa(granter, (u64)frame << PAGE_SHIFT, PAGE_SIZE, &hpa))
		return NULL;
	return phys_to_virt(hpa);
}

static void unpin(struct domain *granter, u32 ref, bool readonly, bool foreign)
{
	if (alive(granter) && granter->gnt_active) {
		struct grant_active *a = &granter->gnt_active[ref];
		if (readonly && a->pins_ro)
			a->pins_ro--;
		else if (!readonly && a->pins_rw)
			a->pins_rw--;
		release_flags(granter, ref);
	}
	if (foreign)
		domain_foreign_unpin(granter);
}

bool gnttab_mapped_at(struct domain *d, u64 gpa)
{
	for (u32 i = 0; d->gnt_maps && i < GNT_MAX_MAPS; i++)
		if (d->gnt_maps[i].used && d->gnt_maps[i].gpa == gpa)
			return true;
	return false;
}

static int16_t map_one(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
	struct domain *d = v->dom;
	bool ro = op->flags & GNTMAP_readonly;
	u32 frame, slot;

	op->handle = ~0u;
	op->dev_bus_addr = 0;
	if (!(op->flags & GNTMAP_host_map) ||
	    (op->flags & (GNTMAP_application_map | GNTMAP_contains_pte)))
		return GNTST_general_error; /* HVM guests map into their physmap only */
	struct domain *g = op->dom == DOMID_SELF ? d : domain_by_id(op->dom);
	if (!alive(g))
		return GNTST_bad_domain;
	if (op->host_addr & (PAGE_SIZE - 1) || op->host_addr >= EPT_MAX_GPA)
		return GNTST_bad_virt_addr;
	/*
	 * host_addr is a gfn of the caller's physmap (auto-translated): a hole
	 * (dom0's scratch pages), its own RAM (a ballooned page) or a device
	 * range, whose page unmap puts back; never a gfn another mapping holds.
	 */
	enum gfn_use use = physmap_gfn_use(d, op->host_addr >> PAGE_SHIFT);
	if (use == GFN_SPECIAL || use == GFN_FOREIGN || use == GFN_GRANT)
		return GNTST_bad_virt_addr;
	for (slot = 0; slot < GNT_MAX_MAPS && d->gnt_maps[slot].used; slot++)
		;
	if (slot == GNT_MAX_MAPS)
		return GNTST_no_device_space;
	int16_t st = acquire(g, op->ref, d->id, !ro, &frame);
	if (st)
		return st;
	struct grant_active *a = &g->gnt_active[op->ref];
	if (ro)
		a->pins_ro++;
	else
		a->pins_rw++;
	u8 *page = granted_page(g, frame);
	if (!page ||
	    arch_p2m_map(d, op->host_addr, virt_to_phys(page), PAGE_SIZE, ro ? P2M_RO : P2M_RW)) {
		unpin(g, op->ref, ro, false);
		return page ? GNTST_no_device_space : GNTST_bad_page;
	}
	arch_p2m_flush(d);
	d->gnt_maps[slot] = (struct grant_map){g, op->host_addr, op->ref, true, ro};
	if (g != d)
		g->foreign_pins++;
	op->handle = slot;
	return GNTST_okay;
}

static int16_t unmap_one(struct vcpu *v, struct gnttab_unmap_grant_ref *op)
{
	struct domain *d = v->dom;

	if (op->handle >= GNT_MAX_MAPS || !d->gnt_maps[op->handle].used)
		return GNTST_bad_handle;
	struct grant_map *m = &d->gnt_maps[op->handle];
	if (op->host_addr && op->host_addr != m->gpa)
		return GNTST_bad_virt_addr;
	domain_restore_ram_page(d, m->gpa);
	m->used = false;
	unpin(m->granter, m->ref, m->readonly, m->granter != d);
	return GNTST_okay;
}

void gnttab_release_mappings(struct domain *d)
{
	if (!d->gnt_maps)
		return;
	for (u32 i = 0; i < GNT_MAX_MAPS; i++) {
		struct grant_map *m = &d->gnt_maps[i];
		if (!m->used)
			continue;
		m->used = false;
		unpin(m->granter, m->ref, m->readonly, m->granter != d);
	}
}

void gnttab_domain_free(struct domain *d)
{
	for (u32 i = 0; i < d->gnt_nr_frames; i++)
		pages_free(d->gnt_frames[i], 1);
	d->gnt_nr_frames = 0;
	if (d->gnt_active)
		pages_free(d->gnt_active, ACTIVE_PAGES);
	if (d->gnt_maps)
		pages_free(d->gnt_maps, MAPS_PAGES);
	d->gnt_active = NULL;
	d->gnt_maps = NULL;
}

/* One side of a copy: a grant of `dom`, or a frame of the caller's own. */
static int16_t copy_side(struct vcpu *v, struct gnttab_copy_ptr *p, bool gref, bool write,
			 struct domain **gd, u8 **page)
{
	struct domain *d = v->dom;
	u32 frame;

	*gd = NULL;
	if (!gref) {
		if (p->domid != DOMID_SELF && p->domid != d->id)
			return GNTST_permission_denied;
		*page = guest_phys_page(d, p->u.gmfn << PAGE_SHIFT, write);
		return *page ? GNTST_okay : GNTST_bad_page;
	}
	struct domain *g = p->domid == DOMID_SELF ? d : domain_by_id(p->domid);
	if (!alive(g))
		return GNTST_bad_domain;
	int16_t st = acquire(g, p->u.ref, d->id, write, &frame);
	if (st)
		return st;
	/* A transient pin, so concurrent maps keep the flags right. */
	if (write)
		g->gnt_active[p->u.ref].pins_rw++;
	else
		g->gnt_active[p->u.ref].pins_ro++;
	*gd = g;
	*page = granted_page(g, frame);
	if (!*page) {
		unpin(g, p->u.ref, !write, false);
		*gd = NULL;
		return GNTST_bad_page;
	}
	return GNTST_okay;
}

static int16_t copy_one(struct vcpu *v, struct gnttab_copy *op)
{
	struct domain *sd, *dd;
	u8 *src, *dst;
	int16_t st;

	if (op->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref) ||
	    op->source.offset + (u32)op->len > PAGE_SIZE ||
	    op->dest.offset + (u32)op->len > PAGE_SIZE)
		return GNTST_bad_copy_arg;
	st = copy_side(v, &op->source, op->flags & GNTCOPY_source_gref, false, &sd, &src);
	if (st)
		return st;
	st = copy_side(v, &op->dest, op->flags & GNTCOPY_dest_gref, true, &dd, &dst);
	if (!st)
		memmove(dst + op->dest.offset, src + op->source.offset, op->len);
	if (dd)
		unpin(dd, op->dest.u.ref, false, false);
	if (sd)
		unpin(sd, op->source.u.ref, true, false);
	return st;
}

#define FOR_EACH_OP(type, fn)                                                                      \
	for (u32 i = 0; i < count; i++) {                                                          \
		type op;                                                                           \
		u64 at = uop + (u64)i * sizeof(op);                                                \
		if (copy_from_guest(v, &op, at, sizeof(op)))                                       \
			return -EFAULT;                                                            \
		op.status = fn(v, &op);                                                            \
		if (copy_to_guest(v, at, &op, sizeof(op)))                                         \
			return -EFAULT;                                                            \
	}                                                                                          \
	return 0

static long map_ops(struct vcpu *v, u64 uop, u32 count)
{
	FOR_EACH_OP(struct gnttab_map_grant_ref, map_one);
}

static long unmap_ops(struct vcpu *v, u64 uop, u32 count)
{
	FOR_EACH_OP(struct gnttab_unmap_grant_ref, unmap_one);
}

static long copy_ops(struct vcpu *v, u64 uop, u32 count)
{
	FOR_EACH_OP(struct gnttab_copy, copy_one);
}

static int16_t query_one(struct vcpu *v, struct gnttab_query_size *op)
{
	if (op->dom != DOMID_SELF && op->dom != v->dom->id)
		return GNTST_permission_denied;
	op->nr_frames = v->dom->gnt_nr_frames;
	op->max_nr_frames = GNT_MAX_FRAMES;
	return GNTST_okay;
}

static long query_ops(struct vcpu *v, u64 uop, u32 count)
{
	FOR_EACH_OP(struct gnttab_query_size, query_one);
}

long do_grant_table_op(struct vcpu *v, const struct hypercall_args *a)
{
	u32 cmd = (u32)a->a1, count = (u32)a->a3;
	u64 uop = a->a2;

	if (count > MAX_OPS)
		return -EINVAL;
	switch (cmd) {
	case GNTTABOP_map_grant_ref:
		return map_ops(v, uop, count);
	case GNTTABOP_unmap_grant_ref:
		return unmap_ops(v, uop, count);
	case GNTTABOP_copy:
		return copy_ops(v, uop, count);
	case GNTTABOP_query_size:
		return query_ops(v, uop, count);
	case GNTTABOP_set_version: {
		struct gnttab_set_version sv;
		if (count != 1)
			return -EINVAL;
		if (copy_from_guest(v, &sv, uop, sizeof(sv)))
			return -EFAULT;
		long ret = sv.version == 1 ? 0 : -EINVAL; /* only v1 */
		sv.version = 1;
		if (copy_to_guest(v, uop, &sv, sizeof(sv)))
			return -EFAULT;
		return ret;
	}
	case GNTTABOP_get_version: {
		struct gnttab_get_version gv;
		if (count != 1)
			return -EINVAL;
		if (copy_from_guest(v, &gv, uop, sizeof(gv)))
			return -EFAULT;
		if (gv.dom != DOMID_SELF && gv.dom != v->dom->id)
			return -EPERM;
		gv.version = 1;
		return copy_to_guest(v, uop, &gv, sizeof(gv)) ? -EFAULT : 0;
	}
	default:
		return -ENOSYS; /* setup_table is for PV guests; v2 ops are not offered */
	}
}

// SPDX-License-Identifier: MIT
/*
 * The hypercalls a PVH initial domain (dom0) makes beyond a domU's, each with
 * its errors (issue 10; dom0/PVH-DOM0.md sections 3, 4, 7, 8). Two roles:
 *
 * role=dom0 (the initial domain, privileged, 2 vCPUs):
 *  - the loopback event channel of its local xenstore: alloc_unbound(SELF,
 *    SELF), bind_interdomain to itself, send raising the other end;
 *  - global VIRQs bound on vCPU 0 only; VIRQ_DOM_EXC when a domain ends;
 *  - console_io read (no input on the emulator: 0 bytes), XENVER_build_id;
 *  - hypercall buffers on user (U/S=1) pages, as privcmd passes them;
 *  - foreign maps of the target's RAM at scratch gfns (add_to_physmap_batch,
 *    remove_from_physmap), a dying target kept as a zombie until unmapped;
 *  - acquire_resource of the target's grant table, taken back at its death;
 *  - grant maps at a chosen host_addr (a hole, its own RAM), read-only.
 * role=domu (unprivileged): the same calls are refused as Xen refuses them.
 * The target (peer=) is a spinning guest that dom0 destroys at the end.
 */
#include "guest.h"
#include "xen.h"

#include <public/keel/domctl.h>
#include <public/xen/grant_table.h>

const char test_name[] = "dom0hc";

#define EPERM	   1
#define ENOENT	   2
#define ESRCH	   3
#define E2BIG	   7
#define EFAULT	   14
#define EBUSY	   16
#define EEXIST	   17
#define EINVAL	   22
#define ENOSYS	   38
#define ENODATA	   61
#define EOPNOTSUPP 95

#define HVM_START_MAGIC 0x336ec578u
/* Scratch gfns: a 128 MiB-aligned hole above RAM, as Linux's unpopulated-alloc.c picks. */
#define SCRATCH	    0x80000000ULL
#define SCRATCH_GFN (SCRATCH >> 12)
#define GNT_GFN	    (0x88000000ULL >> 12) /* where dom0 puts its own grant frame */
#define TICKS	    200000000ULL	  /* a bound on every wait */

static uint16_t me;

static volatile uint32_t *at(uint64_t gpa)
{
	return (volatile uint32_t *)gpa; /* the first 4 GiB are identity-mapped */
}

static long domctl(struct keel_domctl *op)
{
	return HYPERCALL1(__HYPERVISOR_keel_domctl, op);
}

static long dom_state(uint16_t domid)
{
	struct keel_domctl op = {.cmd = KEEL_DOMCTL_getinfo, .domid = domid};
	long r = domctl(&op);

	return r ? r : op.u.info.state;
}

/* Events come in while the vCPU briefly allows interrupts between yields. */
static bool await(bool (*done)(uint64_t), uint64_t arg)
{
	uint64_t end = rdtsc() + TICKS;

	while (!done(arg) && rdtsc() < end) {
		HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
		asm volatile("sti; nop; nop; cli" ::: "memory");
	}
	return done(arg);
}

static bool gone(uint64_t domid)
{
	return dom_state((uint16_t)domid) == -ESRCH;
}

static uint32_t dom_exc_port;

static bool dom_exc_after(uint64_t before)
{
	return port_hits[dom_exc_port] > before;
}

static long mem_op(unsigned cmd, void *arg)
{
	return HYPERCALL2(__HYPERVISOR_memory_op, cmd, arg);
}

static long acquire(uint16_t dom, uint16_t type, uint32_t id, uint64_t frame, uint32_t nr,
		    uint64_t *gfns, uint32_t *nr_out)
{
	struct xen_mem_acquire_resource r = {
	    .domid = dom,
	    .type = type,
	    .id = id,
	    .nr_frames = nr,
	    .frame = frame,
	    .frame_list = (uint64_t)gfns,
	};
	long ret = mem_op(XENMEM_acquire_resource, &r);

	if (nr_out)
		*nr_out = r.nr_frames;
	return ret;
}

/* Loopback event channel, as dom0's xenbus (XS_LOCAL) and its local xenstored use it. */
static void check_loopback(void)
{
	uint32_t a, b, c;
	struct evtchn_status st = {.dom = DOMID_SELF};

	CHECK_EQ(evtchn_alloc_unbound(DOMID_SELF, &a), 0);
	CHECK_EQ(evtchn_bind_interdomain(me, a, &b), 0); /* remote = its own id */
	CHECK(b != a);
	port_hits[a] = port_hits[b] = 0;
	CHECK_EQ(evtchn_send(a), 0);
	CHECK(wait_port(b, 1, TICKS)); /* bind_interdomain's own event, then this one */
	CHECK_EQ(evtchn_send(b), 0);
	CHECK(wait_port(a, 1, TICKS));
	st.port = a;
	CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(st.u.interdomain.dom, me);
	CHECK_EQ(st.u.interdomain.port, b);
	CHECK_EQ(evtchn_bind_interdomain(DOMID_SELF, a, &c), -EINVAL); /* already bound */
	CHECK_EQ(evtchn_close(b), 0);
	CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound); /* back to unbound, bindable again */
	CHECK_EQ(evtchn_bind_interdomain(DOMID_SELF, a, &c), 0);
	CHECK_EQ(evtchn_close(c), 0);
	CHECK_EQ(evtchn_close(a), 0);
}

/* As a toolstack does for a new guest: a port in the target that dom0 may bind. */
static void check_ports_for_another(uint16_t target)
{
	struct evtchn_alloc_unbound au = {.dom = target, .remote_dom = DOMID_SELF};
	struct evtchn_status st = {.dom = target};
	uint32_t local;

	CHECK_EQ(evtchn_op(EVTCHNOP_alloc_unbound, &au), 0);
	st.port = au.port;
	CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	CHECK_EQ(st.u.unbound.dom, me); /* DOMID_SELF: the caller */
	CHECK_EQ(evtchn_bind_interdomain(target, au.port, &local), 0);
	CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(st.u.interdomain.port, local);
	CHECK_EQ(evtchn_close(local), 0);
	au.dom = 60;
	CHECK_EQ(evtchn_op(EVTCHNOP_alloc_unbound, &au), -ESRCH);
}

static void check_virqs(void)
{
	uint32_t p;

	CHECK_EQ(bind_virq(VIRQ_DOM_EXC, 1, &p), -EINVAL); /* global: vCPU 0 only */
	CHECK_EQ(bind_virq(VIRQ_CONSOLE, 1, &p), -EINVAL);
	CHECK_EQ(bind_virq(VIRQ_DOM_EXC, 0, &dom_exc_port), 0);
	CHECK_EQ(bind_virq(VIRQ_DOM_EXC, 0, &p), -EEXIST);
	/* A global VIRQ moved to vCPU 1 (irqbalance) and closed can be bound again. */
	CHECK_EQ(bind_virq(VIRQ_CONSOLE, 0, &p), 0);
	struct evtchn_bind_vcpu bv = {.port = p, .vcpu = 1};
	CHECK_EQ(evtchn_op(EVTCHNOP_bind_vcpu, &bv), 0);
	CHECK_EQ(evtchn_close(p), 0);
	CHECK_EQ(bind_virq(VIRQ_CONSOLE, 0, &p), 0);
	CHECK_EQ(bind_virq(VIRQ_TIMER, 1, &p), 0); /* per-vCPU: any vCPU */
	CHECK_EQ(evtchn_close(p), 0);
}

static void check_console_and_version(void)
{
	char in[16];
	uint32_t len = 0;

	/* No input on the emulator: 0 bytes, nothing written. */
	in[0] = 'x';
	CHECK_EQ(HYPERCALL3(__HYPERVISOR_console_io, CONSOLEIO_read, sizeof(in), in), 0);
	CHECK_EQ(in[0], 'x');
	CHECK_EQ(HYPERCALL3(__HYPERVISOR_console_io, CONSOLEIO_read, 0x80000000ULL, in), -E2BIG);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_build_id, 0), -ENODATA);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_build_id, &len), -EINVAL);
}

/* Page tables for a user mapping at USER_VA: page 0 writable, 1 absent, 2 read-only. */
#define USER_VA 0x7f0000000000ULL
extern uint64_t guest_pml4[512];
static uint64_t u_pdpt[512] __attribute__((aligned(4096)));
static uint64_t u_pd[512] __attribute__((aligned(4096)));
static uint64_t u_pt[512] __attribute__((aligned(4096)));
static uint8_t u_pages[2][4096] __attribute__((aligned(4096)));

static void check_user_buffers(void)
{
	guest_pml4[(USER_VA >> 39) & 511] = (uint64_t)u_pdpt | 7; /* present, writable, user */
	u_pdpt[0] = (uint64_t)u_pd | 7;
	u_pd[0] = (uint64_t)u_pt | 7;
	u_pt[0] = (uint64_t)u_pages[0] | 7;
	u_pt[2] = (uint64_t)u_pages[1] | 5; /* user, read-only */
	uint64_t cr3;
	asm volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3)::"memory");

	char *u = (char *)USER_VA;
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_extraversion, u), 0);
	CHECK(!memcmp(u_pages[0], ".0-keel", 8));
	memcpy(u_pages[0] + 64, "from a user page\n", 17);
	CHECK_EQ(HYPERCALL3(__HYPERVISOR_console_io, CONSOLEIO_write, 17, u + 64), 0);
	/* 144 bytes from 64 below the absent page: -EFAULT. */
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_compile_info, u + 4096 - 64), -EFAULT);
	/* Read-only for a kernel with CR0.WP: Keel may read it, not write it. */
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_extraversion, u + 2 * 4096), -EFAULT);
	memcpy(u_pages[1], "ro page\n", 8);
	CHECK_EQ(HYPERCALL3(__HYPERVISOR_console_io, CONSOLEIO_write, 8, u + 2 * 4096), 0);
	guest_pml4[(USER_VA >> 39) & 511] = 0;
	asm volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3)::"memory");
}

/* The target's start_info page (gfn 1) and its kernel's first page (1 MiB) at scratch gfns. */
static void check_foreign_maps(uint16_t target)
{
	uint64_t idxs[4] = {1, 0x100, 0x100000, 1};
	uint64_t gfns[4] = {SCRATCH_GFN, SCRATCH_GFN + 1, SCRATCH_GFN + 2, 0x10};
	int errs[4] = {1, 1, 1, 1};

	CHECK_EQ(*at(SCRATCH), 0xffffffffu); /* a hole before */
	CHECK_EQ(xen_map_foreign(target, idxs, gfns, errs, 4), 0);
	CHECK_EQ(errs[0], 0);
	CHECK_EQ(errs[1], 0);
	CHECK_EQ(errs[2], -EINVAL); /* beyond the target's RAM */
	CHECK_EQ(errs[3], -EBUSY);  /* over dom0's own RAM */
	CHECK_EQ(*at(SCRATCH), HVM_START_MAGIC);
	CHECK(*at(SCRATCH + 4096) != 0xffffffffu);
	/* The same gfn again; other domains; a bad errs array. */
	CHECK_EQ(xen_map_foreign(target, idxs, gfns, errs, 1), 0);
	CHECK_EQ(errs[0], -EBUSY);
	CHECK_EQ(xen_map_foreign(me, idxs, gfns + 2, errs, 1), 0);
	CHECK_EQ(errs[0], -EPERM); /* oneself, as Xen */
	CHECK_EQ(xen_map_foreign(60, idxs, gfns + 2, errs, 1), 0);
	CHECK_EQ(errs[0], -ESRCH);
	CHECK_EQ(xen_map_foreign(target, idxs + 2, gfns + 2, (int *)0x7ff0000000ULL, 1), -EFAULT);
	struct xen_add_to_physmap_batch b = {.domid = 5, .space = XENMAPSPACE_gmfn_foreign};
	CHECK_EQ(mem_op(XENMEM_add_to_physmap_batch, &b), -EPERM); /* another's physmap */
	b = (struct xen_add_to_physmap_batch){.domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_range};
	CHECK_EQ(mem_op(XENMEM_add_to_physmap_batch, &b), -EOPNOTSUPP);
	/* The single-frame call has no foreign domid. */
	struct xen_add_to_physmap x = {.domid = DOMID_SELF,
				       .space = XENMAPSPACE_gmfn_foreign,
				       .idx = 1,
				       .gpfn = SCRATCH_GFN + 3};
	CHECK_EQ(mem_op(XENMEM_add_to_physmap, &x), -ENOSYS);

	/* Unmapped: a hole again; twice, own RAM, beyond the physmap. */
	CHECK_EQ(xen_unmap_gfn(SCRATCH_GFN + 1), 0);
	CHECK_EQ(*at(SCRATCH + 4096), 0xffffffffu);
	CHECK_EQ(xen_unmap_gfn(SCRATCH_GFN + 1), -ENOENT);
	CHECK_EQ(xen_unmap_gfn(0x10), -EINVAL);
	CHECK_EQ(xen_unmap_gfn(1ULL << 40), -EINVAL);
	struct xen_remove_from_physmap r = {.domid = 9, .gpfn = SCRATCH_GFN};
	CHECK_EQ(mem_op(XENMEM_remove_from_physmap, &r), -EPERM);
	/* SCRATCH stays mapped: the target's death must not free that page yet. */
}

#define ACQ_GFN (SCRATCH_GFN + 16)

static void check_acquire_resource(uint16_t target)
{
	uint64_t gfns[2] = {ACQ_GFN, ACQ_GFN + 1};
	uint64_t own = 0x10;
	uint32_t n = 0;

	CHECK_EQ(acquire(target, XENMEM_resource_grant_table, 0, 0, 0, 0, &n), 0);
	CHECK_EQ(n, 4); /* the size query */
	CHECK_EQ(acquire(target, XENMEM_resource_grant_table, 0, 0, 1, 0, 0), -EINVAL);
	CHECK_EQ(acquire(target, XENMEM_resource_grant_table, 1, 0, 0, 0, 0), -EINVAL); /* status */
	/* Ioreq servers: the size query answers as Xen's for any domain; a PVH one has none. */
	CHECK_EQ(acquire(target, XENMEM_resource_ioreq_server, 0, 0, 0, 0, &n), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(acquire(target, XENMEM_resource_ioreq_server, 0, 1, 1, gfns, 0), -EINVAL);
	CHECK_EQ(acquire(target, 7, 0, 0, 0, 0, 0), -EINVAL);
	CHECK_EQ(acquire(me, XENMEM_resource_grant_table, 0, 0, 0, 0, 0), -EPERM);
	CHECK_EQ(acquire(DOMID_SELF, XENMEM_resource_grant_table, 0, 0, 0, 0, 0), -ESRCH);
	CHECK_EQ(acquire(60, XENMEM_resource_grant_table, 0, 0, 0, 0, 0), -ESRCH);
	CHECK_EQ(acquire(target, XENMEM_resource_grant_table, 0, 3, 2, gfns, 0), -EINVAL);
	CHECK_EQ(acquire(target, XENMEM_resource_grant_table, 0, 0, 1, &own, 0), -EBUSY);
	struct xen_mem_acquire_resource pad = {.domid = target, .type = 1, .pad = 1};
	CHECK_EQ(mem_op(XENMEM_acquire_resource, &pad), -EINVAL);
	CHECK_EQ(acquire(target, XENMEM_resource_grant_table, 0, 0, 2, gfns, 0), 0);
	CHECK_EQ(*at(ACQ_GFN << 12), 0); /* an empty grant table, not a hole */
	CHECK_EQ(*at((ACQ_GFN + 1) << 12), 0);
	CHECK_EQ(xen_unmap_gfn(ACQ_GFN + 1), 0);
	/* ACQ_GFN stays: the target's death takes it back. */
}

static struct grant_entry_v1 *gnt = (struct grant_entry_v1 *)(GNT_GFN << 12);
static uint8_t granted[4096] __attribute__((aligned(4096)));
static uint8_t ram_spot[4096] __attribute__((aligned(4096)));

/* dom0 grants itself a page read-only and maps it where gntdev/blkback would. */
static void check_grant_maps(void)
{
	struct xen_add_to_physmap x = {
	    .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0, .gpfn = GNT_GFN};
	uint64_t hole = SCRATCH + 32 * 4096;
	uint32_t h, h2;

	CHECK_EQ(mem_op(XENMEM_add_to_physmap, &x), 0);
	memset(granted, 0x5a, sizeof(granted));
	ram_spot[0] = 0x11;
	gnt[8] = (struct grant_entry_v1){GTF_permit_access | GTF_readonly, me,
					 (uint32_t)((uint64_t)granted >> 12)};
	CHECK_EQ(gnttab_map(me, hole, GNTMAP_host_map, 8, &h),
		 GNTST_permission_denied); /* writable */
	CHECK_EQ(gnttab_map(me, hole + 1, GNTMAP_host_map | GNTMAP_readonly, 8, &h),
		 GNTST_bad_virt_addr);
	CHECK_EQ(gnttab_map(me, SCRATCH, GNTMAP_host_map | GNTMAP_readonly, 8, &h),
		 GNTST_bad_virt_addr);
	CHECK_EQ(gnttab_map(me, GNT_GFN << 12, GNTMAP_host_map | GNTMAP_readonly, 8, &h),
		 GNTST_bad_virt_addr); /* its own grant frame sits there */
	CHECK_EQ(gnttab_map(me, hole, GNTMAP_host_map | GNTMAP_readonly, 99999, &h),
		 GNTST_bad_gntref);
	CHECK_EQ(gnttab_map(me, hole, GNTMAP_host_map | GNTMAP_readonly, 8, &h), GNTST_okay);
	CHECK_EQ(*at(hole), 0x5a5a5a5au);
	CHECK(gnt[8].flags & GTF_reading);
	CHECK_EQ(gnttab_map(me, hole, GNTMAP_host_map | GNTMAP_readonly, 8, &h2),
		 GNTST_bad_virt_addr);
	/* Over a page of its own RAM (a ballooned page's gfn in Linux); unmap puts it back. */
	CHECK_EQ(gnttab_map(me, (uint64_t)ram_spot, GNTMAP_host_map | GNTMAP_readonly, 8, &h2),
		 GNTST_okay);
	CHECK_EQ(*(volatile uint8_t *)ram_spot, 0x5a);
	CHECK_EQ(gnttab_unmap((uint64_t)ram_spot, h2), GNTST_okay);
	CHECK_EQ(*(volatile uint8_t *)ram_spot, 0x11);
	CHECK_EQ(gnttab_unmap(hole + 4096, h), GNTST_bad_virt_addr); /* not where it is */
	CHECK_EQ(gnttab_unmap(hole, h), GNTST_okay);
	CHECK_EQ(gnttab_unmap(hole, h), GNTST_bad_handle); /* twice */
	CHECK_EQ(*at(hole), 0xffffffffu);
	CHECK(!(gnt[8].flags & (GTF_reading | GTF_writing)));
	/* Its grant frame can be taken out of the physmap like a foreign one. */
	CHECK_EQ(xen_unmap_gfn(GNT_GFN), 0);
	CHECK_EQ(*at(GNT_GFN << 12), 0xffffffffu);
}

/* The target is destroyed while dom0 still maps its page: a zombie until unmapped. */
static void check_target_death(uint16_t target)
{
	uint64_t before = port_hits[dom_exc_port];
	struct keel_domctl op = {.cmd = KEEL_DOMCTL_destroy, .domid = target};

	CHECK_EQ(domctl(&op), 0);
	CHECK(await(dom_exc_after, before));
	CHECK(await(gone, target));
	CHECK_EQ(*at(SCRATCH), HVM_START_MAGIC);   /* its RAM stays while mapped */
	CHECK_EQ(*at(ACQ_GFN << 12), 0xffffffffu); /* its grant frame was taken back */
	uint64_t idx = 1, gfn = SCRATCH_GFN + 5;
	int err = 1;
	CHECK_EQ(xen_map_foreign(target, &idx, &gfn, &err, 1), 0);
	CHECK_EQ(err, -ESRCH); /* a zombie is nobody to map */
	gprintf("target gone; unmapping its last page\n");
	CHECK_EQ(xen_unmap_gfn(SCRATCH_GFN), 0);
	CHECK_EQ(*at(SCRATCH), 0xffffffffu);
}

static bool dom0_main(uint16_t target)
{
	uint16_t domu = keel_domid_of("domu");

	check_loopback();
	check_virqs();
	check_console_and_version();
	check_user_buffers();
	CHECK(domu != 0xffff);
	/* The unprivileged domain uses the target first. */
	CHECK(await(gone, domu));
	check_ports_for_another(target);
	check_foreign_maps(target);
	check_acquire_resource(target);
	check_grant_maps();
	check_target_death(target);
	return true;
}

/* An unprivileged domain asks for the same: refused as Xen refuses it. */
static bool domu_main(uint16_t target)
{
	uint64_t idx = 1, gfn = SCRATCH_GFN, gfns[1] = {SCRATCH_GFN};
	int err = 1;
	char in[4];
	uint32_t p;

	CHECK_EQ(xen_map_foreign(target, &idx, &gfn, &err, 1), 0);
	CHECK_EQ(err, -EPERM);
	CHECK_EQ(*at(SCRATCH), 0xffffffffu);
	CHECK_EQ(acquire(target, XENMEM_resource_grant_table, 0, 0, 0, 0, 0), -EPERM);
	CHECK_EQ(acquire(target, XENMEM_resource_grant_table, 0, 0, 1, gfns, 0), -EPERM);
	CHECK_EQ(HYPERCALL3(__HYPERVISOR_console_io, CONSOLEIO_read, sizeof(in), in), -EPERM);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_build_id, 0), -EPERM);
	CHECK_EQ(bind_virq(VIRQ_DOM_EXC, 1, &p), -EINVAL);
	struct evtchn_alloc_unbound au = {.dom = target, .remote_dom = DOMID_SELF};
	CHECK_EQ(evtchn_op(EVTCHNOP_alloc_unbound, &au), -EPERM);
	struct evtchn_status st = {.dom = target, .port = 1};
	CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), -EPERM);
	return true;
}

bool test_main(const struct hvm_start_info *si)
{
	uint32_t r[4];
	uint16_t target = (uint16_t)guest_option(si, "peer", 0xffff);

	cpuid(0x40000004, 0, r);
	me = (uint16_t)r[2];
	CHECK_EQ(xen_map_shared_info(), 0);
	CHECK_EQ(xen_enable_upcall(), 0);
	CHECK(target != 0xffff);
	if (cmdline_has(guest_cmdline(si), "role", "dom0"))
		return dom0_main(target);
	return domu_main(target);
}

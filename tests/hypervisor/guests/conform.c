// SPDX-License-Identifier: MIT
/*
 * Conformance with what a guest may expect of Xen (issue: third-party PVH
 * kernels). Each part asserts behaviour an outside guest relies on:
 *  - MSRs a kernel touches: readable where Xen reads them, #GP where Xen has
 *    none; MSR_DEBUGCTL reads 0 and takes LBR/BTF.
 *  - guest-physical addresses no device claims: reads all ones, writes dropped,
 *    for every move form a driver uses.
 *  - the local APIC: xAPIC at reset, its MMIO page, a self-IPI through the ICR,
 *    then x2APIC, and no way straight back.
 *  - event channels: a closed and re-allocated port does not carry its old
 *    pending bit into the new binding.
 *  - CPUID: features without an emulation are not advertised.
 *  - hypercall sub-ops with good and bad arguments: xen_version, vm_assist,
 *    EVTCHNOP_init_control, the vCPU time area, and ballooning out and back in
 *    through decrease_reservation / populate_physmap.
 */
#include "guest.h"
#include "xen.h"
#include <public/xen/memory_reservation.h>
#include <public/xen/vcpu.h>

const char test_name[] = "conform";

#define HPET_BASE 0xfed00000UL
#define APIC_MMIO 0xfee00000UL
#define VEC_SELF  0x61

static volatile unsigned self_ipis;

static bool msr_gp(uint32_t msr, bool write, uint64_t val)
{
	unsigned before = guest_gp_count;

	if (write)
		wrmsr(msr, val);
	else
		(void)rdmsr(msr);
	return guest_gp_count != before;
}

static void check_msrs(void)
{
	static const uint32_t readable[] = {
	    0x10,	0x1b,	    0x3a,	0x8b,	    0xfe,	0x174,	    0x175,
	    0x176,	0x179,	    0x17a,	0x1a0,	    0x1d9,	0x277,	    0x2ff,
	    0xc0000080, 0xc0000081, 0xc0000082, 0xc0000084, 0xc0000100, 0xc0000101, 0xc0000102};
	/* DS_AREA (no DS), SPEC_CTRL and ARCH_CAPABILITIES (not offered), an MTRR base. */
	static const uint32_t absent[] = {0x600, 0x48, 0x10a, 0x200};

	guest_skip_gp(2);
	for (unsigned i = 0; i < sizeof(readable) / sizeof(readable[0]); i++)
		if (msr_gp(readable[i], false, 0))
			gprintf("MSR %x: #GP on read\n", readable[i]), CHECK(false);
	for (unsigned i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (!msr_gp(absent[i], false, 0))
			gprintf("MSR %x: read without #GP\n", absent[i]), CHECK(false);
	CHECK_EQ(rdmsr(0x1d9), 0);
	CHECK(!msr_gp(0x1d9, true, 0));
	CHECK(!msr_gp(0x1d9, true, 2)); /* BTF */
	CHECK_EQ(rdmsr(0x1d9), 2);
	CHECK(!msr_gp(0x1d9, true, 0));
	CHECK(msr_gp(0x1d9, true, 1 << 6)); /* a bit Xen refuses */
	guest_skip_gp(0);
}

static void check_unbacked_mmio(void)
{
	volatile uint8_t *b = (volatile uint8_t *)HPET_BASE;
	volatile uint16_t *w = (volatile uint16_t *)(HPET_BASE + 0x10);
	volatile uint32_t *d = (volatile uint32_t *)(HPET_BASE + 0xf0);
	volatile uint64_t *q = (volatile uint64_t *)HPET_BASE;
	uint64_t r;

	CHECK_EQ(*b, 0xff);
	CHECK_EQ(*w, 0xffff);
	CHECK_EQ(*d, 0xffffffffu);
	CHECK_EQ(*q, ~0ULL);
	/* A 32-bit load clears bits 63:32; a byte load into AH keeps the rest. */
	r = 0x1234567800000000ULL;
	asm volatile("movl (%1), %k0" : "+r"(r) : "r"(d));
	CHECK_EQ(r, 0xffffffffULL);
	r = 0x1111;
	asm volatile("movb (%1), %%ah" : "+a"(r) : "r"(b));
	CHECK_EQ(r, 0xff11);
	asm volatile("movsbq (%1), %0" : "=r"(r) : "r"(b));
	CHECK_EQ(r, ~0ULL);
	asm volatile("movzwl (%1), %k0" : "=r"(r) : "r"(w));
	CHECK_EQ(r, 0xffff);
	/* Writes go nowhere. */
	*d = 0;
	*q = 0;
	asm volatile("movl $0, (%0)" ::"r"(d) : "memory");
	CHECK_EQ(*d, 0xffffffffu);
}

static uint32_t apic_read(uint32_t off)
{
	return *(volatile uint32_t *)(APIC_MMIO + off);
}

static void apic_write(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(APIC_MMIO + off) = v;
}

static void on_self_ipi(int v)
{
	(void)v;
	self_ipis++;
	apic_write(0xb0, 0); /* EOI through the xAPIC page */
}

static void check_apic(void)
{
	uint64_t base = rdmsr(0x1b);

	CHECK(base & (1 << 11));
	CHECK(!(base & (1 << 10)));   /* xAPIC at reset */
	CHECK_EQ(apic_read(0x20), 0); /* ID 0 in bits 31:24 */
	CHECK_EQ(apic_read(0x30) & 0xff, 0x14);
	CHECK_EQ(apic_read(0xe0), 0xffffffffu); /* DFR: flat */
	apic_write(0xf0, 0x1ff);		/* SVR: enabled, spurious vector 0xff */
	CHECK_EQ(apic_read(0xf0), 0x1ff);
	apic_write(0x80, 0x20); /* TPR */
	CHECK_EQ(apic_read(0x80), 0x20);
	apic_write(0x80, 0);
	set_irq_handler(VEC_SELF, on_self_ipi);
	apic_write(0x310, 0);
	apic_write(0x300, (1 << 18) | VEC_SELF); /* shorthand self, fixed */
	for (int i = 0; i < 100 && !self_ipis; i++)
		asm volatile("sti; nop; cli");
	CHECK_EQ(self_ipis, 1);
	CHECK_EQ(apic_read(0x300) & (1 << 12), 0); /* never busy */
	/* Physical destination 0 = this vCPU. */
	apic_write(0x310, 0u << 24);
	apic_write(0x300, VEC_SELF);
	for (int i = 0; i < 100 && self_ipis < 2; i++)
		asm volatile("sti; nop; cli");
	CHECK_EQ(self_ipis, 2);
	/* Reads of part of a register, reserved registers: zero, no crash. */
	CHECK_EQ(*(volatile uint8_t *)(APIC_MMIO + 0x33), 0);
	CHECK_EQ(apic_read(0x3f0), 0);

	x2apic_enable();
	CHECK(rdmsr(0x1b) & (1 << 10));
	CHECK_EQ(rdmsr(0x802), 0);
	CHECK_EQ(rdmsr(0x80f), 0x1ff); /* state carried over */
	/* Now the page is RAM-less again: all ones like any unclaimed address. */
	CHECK_EQ(apic_read(0x30), 0xffffffffu);
	guest_skip_gp(2);
	unsigned before = guest_gp_count;
	wrmsr(0x1b, 0xfee00000 | (1 << 11) | (1 << 8)); /* x2APIC -> xAPIC directly */
	CHECK_EQ(guest_gp_count, before + 1);
	guest_skip_gp(0);
}

static bool port_pending(uint32_t p)
{
	return __atomic_load_n(&shared->evtchn_pending[p / 64], __ATOMIC_SEQ_CST) &
	       (1ULL << (p % 64));
}

static void check_evtchn_reuse(void)
{
	uint32_t a, b, c;

	CHECK_EQ(xen_map_shared_info(), 0);
	CHECK_EQ(evtchn_alloc_unbound(DOMID_SELF, &a), 0);
	CHECK_EQ(evtchn_bind_interdomain(DOMID_SELF, a, &b), 0);
	__atomic_fetch_or(&shared->evtchn_mask[b / 64], 1ULL << (b % 64), __ATOMIC_SEQ_CST);
	CHECK_EQ(evtchn_send(a), 0);
	CHECK(port_pending(b)); /* masked: pending stays, no upcall */
	CHECK_EQ(evtchn_close(b), 0);
	CHECK(!port_pending(b)); /* Xen clears it on close */
	CHECK_EQ(evtchn_close(a), 0);
	CHECK_EQ(evtchn_alloc_unbound(DOMID_SELF, &c), 0);
	CHECK(!port_pending(c));
	CHECK_EQ(evtchn_close(c), 0);

	/* alloc_unbound: a remote domain that does not exist, or on behalf of another domain. */
	CHECK_EQ(evtchn_alloc_unbound(0x5555 & 0x3f, &c), -3); /* -ESRCH */
	struct evtchn_alloc_unbound au = {.dom = 5, .remote_dom = DOMID_SELF};
	CHECK_EQ(evtchn_op(EVTCHNOP_alloc_unbound, &au), -3); /* -ESRCH: looked up first, as Xen */
}

static void check_cpuid(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	CHECK(!(r[3] & (1u << 21))); /* DS */
	CHECK(!(r[3] & (1u << 14))); /* MCA */
	CHECK(!(r[2] & (1u << 5)));  /* VMX */
	CHECK(r[2] & (1u << 31));    /* hypervisor */
	CHECK(r[2] & (1u << 21));    /* x2APIC */
	cpuid(0xd, 1, r);
	CHECK(!(r[0] & (1u << 1))); /* XSAVEC */
	CHECK(!(r[0] & (1u << 3))); /* XSAVES */
	cpuid(6, 0, r);
	CHECK_EQ(r[0] | r[1] | r[2] | r[3], 0);
}

static void check_xen_version(void)
{
	char buf[1024];
	uint32_t fi[2];
	uint64_t virt;

	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_version, 0), (4 << 16) | 17);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_compile_info, buf), 0);
	CHECK(buf[0] != 0); /* a compiler name */
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_capabilities, buf), 0);
	CHECK(buf[0] == 'h' && buf[1] == 'v' && buf[2] == 'm');
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_changeset, buf), 0);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_platform_parameters, &virt), 0);
	CHECK_EQ(virt, 0xffff800000000000ULL);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_pagesize, 0), 4096);
	fi[0] = 0;
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_get_features, fi), 0);
	CHECK(fi[1] & (1u << XENFEAT_auto_translated_physmap));
	fi[0] = 1;
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_get_features, fi), -22);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_guest_handle, buf), 0);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_commandline, buf), -1);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_build_id, buf), -1);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, 11, buf), -38);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_compile_info, 0x7ff0000000ULL), -14);
}

static void check_vm_assist_and_init_control(void)
{
	struct {
		uint64_t gfn;
		uint32_t offset, vcpu;
		uint8_t link_bits, pad[7];
	} ic = {0x100, 0, 0, 0, {0}};

	CHECK_EQ(
	    HYPERCALL2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag),
	    0);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, 2), -22);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_vm_assist, 7, VMASST_TYPE_runstate_update_flag), -38);
	ic.offset = 4;
	CHECK_EQ(evtchn_op(EVTCHNOP_init_control, &ic), -22); /* not 8-byte aligned */
	ic.offset = 4090;
	CHECK_EQ(evtchn_op(EVTCHNOP_init_control, &ic), -22); /* crosses the page */
	ic.offset = 0;
	ic.vcpu = 9;
	CHECK_EQ(evtchn_op(EVTCHNOP_init_control, &ic), -2); /* no such vCPU */
	ic.vcpu = 0;
	CHECK_EQ(evtchn_op(EVTCHNOP_init_control, &ic), -38); /* FIFO not offered */
	CHECK_EQ(evtchn_op(EVTCHNOP_init_control, (void *)0x7ff0000000ULL), -14);
	/* The rest of the FIFO ABI, PIRQs and reset: not offered. */
	uint64_t scratch[4] = {0};
	CHECK_EQ(evtchn_op(EVTCHNOP_expand_array, scratch), -38);
	CHECK_EQ(evtchn_op(EVTCHNOP_bind_pirq, scratch), -38);
	CHECK_EQ(evtchn_op(EVTCHNOP_reset, scratch), -38);
	/* console_io read: Xen's -EPERM for an unprivileged domain; an unknown command. */
	char in[8];
	CHECK_EQ(HYPERCALL3(__HYPERVISOR_console_io, CONSOLEIO_read, sizeof(in), in), -1);
	CHECK_EQ(HYPERCALL3(__HYPERVISOR_console_io, 7, 0, 0), -38);
}

static struct vcpu_time_info time_area __attribute__((aligned(64)));

static void check_time_area(void)
{
	uint64_t gva = (uint64_t)&time_area;

	CHECK_EQ(HYPERCALL3(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_time_memory_area, 0, &gva),
		 0);
	CHECK_EQ(time_area.version & 1, 0);
	CHECK(time_area.tsc_to_system_mul != 0);
	uint64_t bad = 0x7ff0000000ULL;
	CHECK_EQ(HYPERCALL3(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_time_memory_area, 0, &bad),
		 -14);
}

#define BALLOON_PAGES 16
static uint8_t balloon[BALLOON_PAGES][4096] __attribute__((aligned(4096)));

static long reservation(unsigned cmd, uint64_t *gfns, uint64_t n, uint32_t order, uint16_t dom)
{
	struct xen_memory_reservation r = {
	    .extent_start = (uint64_t)gfns,
	    .nr_extents = n,
	    .extent_order = order,
	    .domid = dom,
	};
	return HYPERCALL2(__HYPERVISOR_memory_op, cmd, &r);
}

static void check_balloon(void)
{
	uint16_t self = DOMID_SELF;
	uint64_t gfns[BALLOON_PAGES];
	long max = HYPERCALL2(__HYPERVISOR_memory_op, XENMEM_maximum_reservation, &self);

	CHECK_EQ(max, 16 << 8); /* 16 MiB */
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_memory_op, XENMEM_current_reservation, &self), max);
	for (int i = 0; i < BALLOON_PAGES; i++) {
		gfns[i] = (uint64_t)balloon[i] >> 12;
		balloon[i][0] = 0x5a;
	}
	CHECK_EQ(reservation(XENMEM_decrease_reservation, gfns, BALLOON_PAGES, 0, DOMID_SELF),
		 BALLOON_PAGES);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_memory_op, XENMEM_current_reservation, &self),
		 max - BALLOON_PAGES);
	CHECK_EQ(*(volatile uint8_t *)balloon[3], 0xff); /* given back: nothing there */
	/* The same page twice, another domain, a bigger order: refused. */
	CHECK_EQ(reservation(XENMEM_decrease_reservation, gfns, 1, 0, DOMID_SELF), 0);
	CHECK_EQ(reservation(XENMEM_decrease_reservation, gfns, 1, 0, 7), -1);
	CHECK_EQ(reservation(XENMEM_populate_physmap, gfns, 1, 1, DOMID_SELF), 0);
	/* increase_reservation: no frames without a GFN for a translated guest. */
	CHECK_EQ(reservation(XENMEM_increase_reservation, gfns, 1, 0, DOMID_SELF), 0);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_memory_op, 11, gfns), -38); /* XENMEM_exchange */
	uint64_t beyond = 0x100000;				     /* 4 GiB: outside its RAM */
	CHECK_EQ(reservation(XENMEM_populate_physmap, &beyond, 1, 0, DOMID_SELF), 0);
	CHECK_EQ(
	    reservation(XENMEM_populate_physmap, (uint64_t *)0x7ff0000000ULL, 1, 0, DOMID_SELF),
	    -14);
	/* Back in, in two calls, the second one a continuation from extent 8. */
	CHECK_EQ(reservation(XENMEM_populate_physmap, gfns, 8, 0, DOMID_SELF), 8);
	struct xen_memory_reservation r = {
	    .extent_start = (uint64_t)gfns,
	    .nr_extents = BALLOON_PAGES,
	    .domid = DOMID_SELF,
	};
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_memory_op,
			    XENMEM_populate_physmap | (8 << MEMOP_EXTENT_SHIFT), &r),
		 BALLOON_PAGES);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_memory_op, XENMEM_current_reservation, &self), max);
	for (int i = 0; i < BALLOON_PAGES; i++)
		CHECK_EQ(*(volatile uint8_t *)balloon[i], 0); /* fresh, zeroed pages */
	balloon[5][100] = 7;
	CHECK_EQ(balloon[5][100], 7);

	struct e820_entry map[8];
	struct xen_memory_map mm = {.nr_entries = 8, .buffer = (uint64_t)map};
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_memory_op, XENMEM_memory_map, &mm), 0);
	CHECK_EQ(mm.nr_entries, 3);
	CHECK_EQ(map[2].addr + map[2].size, 16 << 20);
	CHECK_EQ(map[2].type, 1);
}

bool test_main(const struct hvm_start_info *si)
{
	(void)si;
	check_xen_version();
	check_vm_assist_and_init_control();
	check_time_area();
	check_balloon();
	check_msrs();
	check_unbacked_mmio();
	check_apic();
	check_evtchn_reuse();
	check_cpuid();
	return true;
}

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
 */
#include "guest.h"
#include "xen.h"

const char test_name[] = "conform";

#define HPET_BASE	0xfed00000UL
#define APIC_MMIO	0xfee00000UL
#define VEC_SELF	0x61

static volatile unsigned gp_count;
static volatile unsigned self_ipis;

static bool skip_gp(int vector, uint64_t code, uint64_t *rip)
{
	(void)code;
	if (vector != 13)
		return false;
	gp_count++;
	*rip += 2; /* rdmsr and wrmsr are 2 bytes */
	return true;
}

static bool msr_gp(uint32_t msr, bool write, uint64_t val)
{
	unsigned before = gp_count;

	if (write)
		wrmsr(msr, val);
	else
		(void)rdmsr(msr);
	return gp_count != before;
}

static void check_msrs(void)
{
	static const uint32_t readable[] = { 0x10,	 0x1b,	     0x3a,	 0x8b,	     0xfe,
					     0x174,	 0x175,	     0x176,	 0x179,	     0x17a,
					     0x1a0,	 0x1d9,	     0x277,	 0x2ff,	     0xc0000080,
					     0xc0000081, 0xc0000082, 0xc0000084, 0xc0000100, 0xc0000101,
					     0xc0000102 };
	/* DS_AREA (no DS), SPEC_CTRL and ARCH_CAPABILITIES (not offered), an MTRR base. */
	static const uint32_t absent[] = { 0x600, 0x48, 0x10a, 0x200 };

	set_exception_hook(skip_gp);
	for (unsigned i = 0; i < sizeof(readable) / sizeof(readable[0]); i++)
		if (msr_gp(readable[i], false, 0))
			gprintf("MSR %x: #GP on read\n", readable[i]), CHECK(false);
	for (unsigned i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (!msr_gp(absent[i], false, 0))
			gprintf("MSR %x: read without #GP\n", absent[i]), CHECK(false);
	CHECK_EQ(rdmsr(0x1d9), 0);
	CHECK(!msr_gp(0x1d9, true, 0));
	CHECK(!msr_gp(0x1d9, true, 2));		/* BTF */
	CHECK_EQ(rdmsr(0x1d9), 2);
	CHECK(!msr_gp(0x1d9, true, 0));
	CHECK(msr_gp(0x1d9, true, 1 << 6));	/* a bit Xen refuses */
	set_exception_hook(NULL);
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
	apic_write(0xb0, 0);	/* EOI through the xAPIC page */
}

static void check_apic(void)
{
	uint64_t base = rdmsr(0x1b);

	CHECK(base & (1 << 11));
	CHECK(!(base & (1 << 10)));	/* xAPIC at reset */
	CHECK_EQ(apic_read(0x20), 0);	/* ID 0 in bits 31:24 */
	CHECK_EQ(apic_read(0x30) & 0xff, 0x14);
	CHECK_EQ(apic_read(0xe0), 0xffffffffu);	/* DFR: flat */
	apic_write(0xf0, 0x1ff);	/* SVR: enabled, spurious vector 0xff */
	CHECK_EQ(apic_read(0xf0), 0x1ff);
	apic_write(0x80, 0x20);		/* TPR */
	CHECK_EQ(apic_read(0x80), 0x20);
	apic_write(0x80, 0);
	set_irq_handler(VEC_SELF, on_self_ipi);
	apic_write(0x310, 0);
	apic_write(0x300, (1 << 18) | VEC_SELF);	/* shorthand self, fixed */
	for (int i = 0; i < 100 && !self_ipis; i++)
		asm volatile("sti; nop; cli");
	CHECK_EQ(self_ipis, 1);
	CHECK_EQ(apic_read(0x300) & (1 << 12), 0);	/* never busy */
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
	CHECK_EQ(rdmsr(0x80f), 0x1ff);	/* state carried over */
	/* Now the page is RAM-less again: all ones like any unclaimed address. */
	CHECK_EQ(apic_read(0x30), 0xffffffffu);
	set_exception_hook(skip_gp);
	unsigned before = gp_count;
	wrmsr(0x1b, 0xfee00000 | (1 << 11) | (1 << 8));	/* x2APIC -> xAPIC directly */
	CHECK_EQ(gp_count, before + 1);
	set_exception_hook(NULL);
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
	CHECK(port_pending(b));		/* masked: pending stays, no upcall */
	CHECK_EQ(evtchn_close(b), 0);
	CHECK(!port_pending(b));	/* Xen clears it on close */
	CHECK_EQ(evtchn_close(a), 0);
	CHECK_EQ(evtchn_alloc_unbound(DOMID_SELF, &c), 0);
	CHECK(!port_pending(c));
	CHECK_EQ(evtchn_close(c), 0);
}

static void check_cpuid(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	CHECK(!(r[3] & (1u << 21)));	/* DS */
	CHECK(!(r[3] & (1u << 14)));	/* MCA */
	CHECK(!(r[2] & (1u << 5)));	/* VMX */
	CHECK(r[2] & (1u << 31));	/* hypervisor */
	CHECK(r[2] & (1u << 21));	/* x2APIC */
	cpuid(0xd, 1, r);
	CHECK(!(r[0] & (1u << 1)));	/* XSAVEC */
	CHECK(!(r[0] & (1u << 3)));	/* XSAVES */
	cpuid(6, 0, r);
	CHECK_EQ(r[0] | r[1] | r[2] | r[3], 0);
}

bool test_main(const struct hvm_start_info *si)
{
	(void)si;
	check_msrs();
	check_unbacked_mmio();
	check_apic();
	check_evtchn_reuse();
	check_cpuid();
	return true;
}

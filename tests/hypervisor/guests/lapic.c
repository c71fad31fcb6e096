// SPDX-License-Identifier: MIT
/*
 * The virtual local APIC in x2APIC mode (the guest switches from xAPIC): registers, the timer in
 * one-shot, periodic and TSC-deadline modes, self-IPIs, TPR masking, HLT wake-up, and #GP for what
 * x2APIC forbids.
 */
#include "guest.h"

const char test_name[] = "lapic";

#define APIC_BASE    0x1b
#define X2(reg)	     (0x800 + (reg))
#define ID	     0x02
#define VERSION	     0x03
#define TPR	     0x08
#define PPR	     0x0a
#define EOI	     0x0b
#define SVR	     0x0f
#define ISR0	     0x10
#define IRR0	     0x20
#define ICR	     0x30
#define LVT_TIMER    0x32
#define TMICT	     0x38
#define TMCCT	     0x39
#define TDCR	     0x3e
#define SELF_IPI     0x3f
#define TSC_DEADLINE 0x6e0

#define VEC_TIMER 0x40
#define VEC_IPI	  0x50
#define VEC_LOW	  0x31

static volatile unsigned timer_hits, ipi_hits, low_hits;
static void on_timer(int v)
{
	(void)v;
	timer_hits++;
	wrmsr(X2(EOI), 0);
}
static void on_ipi(int v)
{
	(void)v;
	ipi_hits++;
	wrmsr(X2(EOI), 0);
}
static void on_low(int v)
{
	(void)v;
	low_hits++;
	wrmsr(X2(EOI), 0);
}

static void wait_hits(volatile unsigned *c, unsigned want, uint64_t max_ticks)
{
	uint64_t end = rdtsc() + max_ticks;

	while (*c < want && rdtsc() < end)
		sti_hlt();
}

bool test_main(const struct hvm_start_info *si)
{
	(void)si;
	uint32_t r[4];

	cpuid(1, 0, r);
	CHECK(r[2] & (1 << 21)); /* x2APIC */
	uint64_t base = rdmsr(APIC_BASE);
	CHECK(!(base & (1 << 10))); /* xAPIC mode at reset, as on Xen */
	CHECK(base & (1 << 11));    /* enabled */
	CHECK(base & (1 << 8));	    /* BSP */
	x2apic_enable();
	CHECK(rdmsr(APIC_BASE) & (1 << 10));
	CHECK_EQ(base & ~0xfffULL, 0xfee00000);
	CHECK_EQ(rdmsr(X2(ID)), 0);
	CHECK_EQ(rdmsr(X2(VERSION)) & 0xff, 0x14);

	set_irq_handler(VEC_TIMER, on_timer);
	set_irq_handler(VEC_IPI, on_ipi);
	set_irq_handler(VEC_LOW, on_low);
	wrmsr(X2(SVR), 0x1ff);

	/* Self-IPI, delivered when interrupts open. */
	wrmsr(X2(SELF_IPI), VEC_IPI);
	CHECK(rdmsr(X2(IRR0 + VEC_IPI / 32)) & (1u << (VEC_IPI % 32)));
	asm volatile("sti; nop; cli");
	CHECK_EQ(ipi_hits, 1);
	/* ICR, shorthand self. */
	wrmsr(X2(ICR), (1 << 18) | VEC_IPI);
	asm volatile("sti; nop; cli");
	CHECK_EQ(ipi_hits, 2);

	/* TPR holds back a lower-class vector until lowered. */
	wrmsr(X2(TPR), 0x40);
	wrmsr(X2(SELF_IPI), VEC_LOW);
	asm volatile("sti; nop; nop; cli");
	CHECK_EQ(low_hits, 0);
	CHECK_EQ(rdmsr(X2(PPR)), 0x40);
	wrmsr(X2(TPR), 0);
	asm volatile("sti; nop; cli");
	CHECK_EQ(low_hits, 1);

	/* One-shot timer wakes a halted vCPU. */
	wrmsr(X2(TDCR), 0xb); /* divide by 1 */
	wrmsr(X2(LVT_TIMER), VEC_TIMER);
	wrmsr(X2(TMICT), 50000);
	CHECK(rdmsr(X2(TMCCT)) <= 50000);
	wait_hits(&timer_hits, 1, 5000000);
	CHECK_EQ(timer_hits, 1);
	CHECK_EQ(rdmsr(X2(TMCCT)), 0);

	/* Periodic: several ticks from one programming. */
	timer_hits = 0;
	wrmsr(X2(LVT_TIMER), (1 << 17) | VEC_TIMER);
	wrmsr(X2(TMICT), 20000);
	wait_hits(&timer_hits, 5, 5000000);
	CHECK(timer_hits >= 5);
	wrmsr(X2(TMICT), 0);

	/* TSC-deadline, including one already in the past. */
	cpuid(1, 0, r);
	CHECK(r[2] & (1 << 24)); /* TSC-deadline advertised */
	timer_hits = 0;
	wrmsr(X2(LVT_TIMER), (2 << 17) | VEC_TIMER);
	uint64_t t0 = rdtsc();
	wrmsr(TSC_DEADLINE, t0 + 30000);
	wait_hits(&timer_hits, 1, 5000000);
	CHECK_EQ(timer_hits, 1);
	CHECK(rdtsc() >= t0 + 30000);
	wrmsr(TSC_DEADLINE, 1);
	wait_hits(&timer_hits, 2, 5000000);
	CHECK_EQ(timer_hits, 2);
	CHECK_EQ(rdmsr(TSC_DEADLINE), 0);

	/* Masked timer: no interrupt. */
	timer_hits = 0;
	wrmsr(X2(LVT_TIMER), (1 << 16) | VEC_TIMER);
	wrmsr(X2(TMICT), 1000);
	uint64_t end = rdtsc() + 200000;
	while (rdtsc() < end)
		asm volatile("sti; nop; cli");
	CHECK_EQ(timer_hits, 0);

	/* What x2APIC forbids raises #GP. */
	guest_skip_gp(2);
	rdmsr(X2(EOI));					     /* write-only */
	wrmsr(X2(ID), 5);				     /* read-only */
	wrmsr(APIC_BASE, 0xfee00000 | (1 << 11) | (1 << 8)); /* back to xAPIC: not supported */
	rdmsr(0x12345);					     /* no such MSR */
	CHECK_EQ(guest_gp_count, 4);
	guest_skip_gp(0);
	return true;
}

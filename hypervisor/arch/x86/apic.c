// SPDX-License-Identifier: MIT
/*
 * Host local APIC in x2APIC mode (MSR access, no MMIO mapping needed). The
 * timer runs in TSC-deadline mode when the CPU has it, else one-shot mode
 * with a count calibrated against the PIT.
 */
#include <arch/x86/apic.h>
#include <arch/x86/cpu.h>
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/timer.h>

#define MSR_APIC_BASE	  0x1b
#define APIC_BASE_EN	  BIT(11)
#define APIC_BASE_EXTD	  BIT(10)
#define X2APIC_ID	  0x802
#define X2APIC_EOI	  0x80b
#define X2APIC_SVR	  0x80f
#define X2APIC_ISR0	  0x810
#define X2APIC_TMR0	  0x818
#define X2APIC_LVT_LINT0  0x835
#define X2APIC_SELF_IPI	  0x83f
#define X2APIC_LVT_TIMER  0x832
#define X2APIC_TIMER_INIT 0x838
#define X2APIC_TIMER_CUR  0x839
#define X2APIC_TIMER_DIV  0x83e
#define MSR_TSC_DEADLINE  0x6e0
#define LVT_MASKED	  BIT(16)
#define LVT_TSC_DEADLINE  (2u << 17)

#define PIT_HZ	     1193182
#define CALIBRATE_MS 10

extern u64 boot_tsc;
static bool deadline_mode;
static u64 apic_ticks_per_ms;

/*
 * PIT ticks in CALIBRATE_MS, rounded: 11932 for 10 ms. (Rounding PIT_HZ / 1000
 * down first gave 11930, a 166 ppm short interval that made guest time fast.)
 */
#define PIT_COUNT ((PIT_HZ * CALIBRATE_MS + 500) / 1000)

/* Waits PIT_COUNT ticks on PIT channel 2 (mode 0, gate on, speaker off). */
static void pit_wait_start(void)
{
	u16 count = PIT_COUNT;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
}

static void pit_wait_end(void)
{
	for (u32 i = 0; i < 100000000 && !(inb(0x61) & 0x20); i++)
		cpu_relax();
}

void tsc_calibrate(void)
{
	pit_wait_start();
	u64 t0 = rdtsc();
	pit_wait_end();
	u64 t1 = rdtsc();
	/* The interval was PIT_COUNT / PIT_HZ seconds exactly. */
	tsc_khz = (t1 - t0) * PIT_HZ / (PIT_COUNT * 1000ULL);
	if (!tsc_khz)
		tsc_khz = 1;
	boot_tsc = t0;
}

int apic_init(void)
{
	struct cpuid_regs r;

	cpuid_count(1, 0, &r);
	if (!(r.ecx & BIT(21)))
		return -ENODEV;
	deadline_mode = r.ecx & BIT(24);
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_EN);
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_EN | APIC_BASE_EXTD);
	wrmsr(X2APIC_SVR, 0x100 | HOST_SPURIOUS_VECTOR);
	/* The BIOS may leave LINT0 in ExtINT mode (virtual wire to the 8259): Keel takes none. */
	apic_lint0_set(APIC_LVT_MASKED);
	if (deadline_mode) {
		wrmsr(X2APIC_LVT_TIMER, LVT_TSC_DEADLINE | HOST_TIMER_VECTOR);
		return 0;
	}
	/* One-shot mode: count APIC ticks (divide by 1) over a PIT interval. */
	wrmsr(X2APIC_TIMER_DIV, 0xb);
	wrmsr(X2APIC_LVT_TIMER, LVT_MASKED | HOST_TIMER_VECTOR);
	pit_wait_start();
	wrmsr(X2APIC_TIMER_INIT, 0xffffffff);
	pit_wait_end();
	u64 left = rdmsr(X2APIC_TIMER_CUR);
	apic_ticks_per_ms = (0xffffffffULL - left) * PIT_HZ / (PIT_COUNT * 1000ULL);
	wrmsr(X2APIC_TIMER_INIT, 0);
	wrmsr(X2APIC_LVT_TIMER, HOST_TIMER_VECTOR);
	return 0;
}

void apic_timer_arm(u64 tsc_deadline)
{
	if (deadline_mode) {
		wrmsr(MSR_TSC_DEADLINE, tsc_deadline);
		return;
	}
	if (!tsc_deadline) {
		wrmsr(X2APIC_TIMER_INIT, 0);
		return;
	}
	u64 now = rdtsc();
	u64 delta = tsc_deadline > now ? tsc_deadline - now : 1;
	u64 count = delta * apic_ticks_per_ms / tsc_khz;
	wrmsr(X2APIC_TIMER_INIT, count ? (count > 0xffffffff ? 0xffffffff : count) : 1);
}

void apic_eoi(void)
{
	wrmsr(X2APIC_EOI, 0);
}

u32 apic_id(void)
{
	return (u32)rdmsr(X2APIC_ID);
}

bool apic_tsc_deadline_mode(void)
{
	return deadline_mode;
}

bool apic_tmr_test(u32 vector)
{
	if (vector > 0xff)
		return false;
	return rdmsr(X2APIC_TMR0 + (vector >> 5)) & BIT(vector & 31);
}

bool apic_isr_test(u32 vector)
{
	if (vector > 0xff)
		return false;
	return rdmsr(X2APIC_ISR0 + (vector >> 5)) & BIT(vector & 31);
}

void apic_self_ipi(u8 vector)
{
	wrmsr(X2APIC_SELF_IPI, vector);
}

void apic_lint0_set(u32 lvt)
{
	wrmsr(X2APIC_LVT_LINT0, lvt);
}

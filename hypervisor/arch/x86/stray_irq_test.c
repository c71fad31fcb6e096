// SPDX-License-Identifier: MIT
/*
 * selftest=stray-irq: interrupts Keel never asked for must cost nothing.
 * (1) Self-IPIs on vectors Keel does not use, among them exception vectors
 * that would push an error code (17, 21, 29, 30). (2) The legacy PIC put back
 * the way the BIOS leaves it (master at vectors 8-15, virtual wire through
 * LINT0) with the PIT ticking: IRQ0 arrives on vector 8, which must not be
 * taken for a double fault. Each is counted by stray_irq(); then Keel owns
 * the controllers again and prints the verdict.
 */
#include <arch/x86/legacy_irq.h>
#include <arch/x86/apic.h>
#include <arch/x86/cpu.h>
#include <keel/printk.h>
#include <keel/selftest.h>
#include <keel/timer.h>

#define BIOS_PIC_BASE 0x08
#define PIC_ONLY_IRQ0 0xfffe

static void interrupts_open_for(u64 ticks)
{
	u64 end = rdtsc() + ticks;

	asm volatile("sti" ::: "memory");
	while (rdtsc() < end)
		cpu_relax();
	asm volatile("cli" ::: "memory");
}

void stray_irq_selftest(void)
{
	static const u8 vectors[] = {17, 21, 29, 30, 0x20, 0x27, 0x80, 0xee};
	u64 ms = tsc_khz;

	u64 before = stray_irq_count();
	for (u32 i = 0; i < ARRAY_SIZE(vectors); i++) {
		apic_self_ipi(vectors[i]);
		interrupts_open_for(ms);
	}
	u64 apic_seen = stray_irq_count() - before;

	legacy_pic_program(BIOS_PIC_BASE, PIC_ONLY_IRQ0);
	apic_lint0_set(APIC_LVT_EXTINT);
	legacy_pit_periodic(1000);
	before = stray_irq_count();
	interrupts_open_for(20 * ms);
	u64 pic_seen = stray_irq_count() - before;
	apic_lint0_set(APIC_LVT_MASKED);
	legacy_irq_own();

	printk("keel: stray-irq: %lu of %lu self-IPIs and %lu legacy timer interrupt(s) "
	       "handled as stray\n",
	       apic_seen, (u64)ARRAY_SIZE(vectors), pic_seen);
	if (apic_seen != ARRAY_SIZE(vectors))
		selftest_fail_now("a self-IPI on an unused vector was lost");
	if (!pic_seen)
		selftest_fail_now("the legacy PIC's timer interrupt never arrived");
}

/* SPDX-License-Identifier: MIT */
/*
 * The PC's legacy interrupt sources: the 8259 PIC pair and PIT channel 0.
 * The BIOS leaves the master PIC at vectors 8-15, which collide with CPU
 * exceptions; Keel moves them out of the way and masks them at boot.
 */
#ifndef KEEL_ARCH_X86_LEGACY_IRQ_H
#define KEEL_ARCH_X86_LEGACY_IRQ_H

#include <keel/types.h>

#define LEGACY_PIC_VECTOR_BASE 0x20 /* master 0x20-0x27, slave 0x28-0x2f */

/* Remaps both 8259s to base, base + 8 and sets their masks (bit n = IRQ n, 1 = masked). */
void legacy_pic_program(u8 base, u16 mask);
/* Boot: PICs at LEGACY_PIC_VECTOR_BASE, every line masked, PIT channel 0 quiet. */
void legacy_irq_own(void);
/* PIT channel 0 in rate-generator mode at about hz interrupts per second. */
void legacy_pit_periodic(u32 hz);

/* Host interrupts on vectors Keel does not use: counted, EOI'd if in service. */
void stray_irq(u64 vector);
u64 stray_irq_count(void);
/* selftest=stray-irq (arch/x86/stray_irq_test.c); fails the self-test on a lost interrupt. */
void stray_irq_selftest(void);

#endif

/* SPDX-License-Identifier: MIT */
/* The host's local APIC (x2APIC mode) and its timer; TSC calibration. */
#ifndef KEEL_ARCH_X86_APIC_H
#define KEEL_ARCH_X86_APIC_H

#include <keel/types.h>

#define HOST_TIMER_VECTOR    0xf0
#define HOST_IPI_VECTOR	     0xf1
#define HOST_SPURIOUS_VECTOR 0xff

/* Calibrates the TSC against the PIT and sets tsc_khz. */
void tsc_calibrate(void);
/* Enables this CPU's APIC in x2APIC mode with the timer ready. 0 or -ENODEV. */
int apic_init(void);
/* Fires HOST_TIMER_VECTOR at the TSC deadline (0 = cancel). */
void apic_timer_arm(u64 tsc_deadline);
void apic_eoi(void);
u32 apic_id(void);
bool apic_tsc_deadline_mode(void);
/* Whether the vector is in service (its ISR bit): an interrupt that wants an EOI. */
bool apic_isr_test(u32 vector);
/* The vector was accepted level-triggered (its EOI lets the line fire again). */
bool apic_tmr_test(u32 vector);
void apic_self_ipi(u8 vector);
/* Programs LVT LINT0 (e.g. masked, or ExtINT = 0x700 for the 8259's virtual wire). */
void apic_lint0_set(u32 lvt);

#define APIC_LVT_MASKED BIT(16)
#define APIC_LVT_EXTINT (7u << 8)

#endif

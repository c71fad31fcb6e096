/* SPDX-License-Identifier: MIT */
/* The host's local APIC (x2APIC mode) and its timer; TSC calibration. */
#ifndef KEEL_ARCH_X86_APIC_H
#define KEEL_ARCH_X86_APIC_H

#include <keel/types.h>

#define HOST_TIMER_VECTOR	0xf0
#define HOST_IPI_VECTOR		0xf1
#define HOST_SPURIOUS_VECTOR	0xff

/* Calibrates the TSC against the PIT and sets tsc_khz. */
void tsc_calibrate(void);
/* Enables this CPU's APIC in x2APIC mode with the timer ready. 0 or -ENODEV. */
int apic_init(void);
/* Fires HOST_TIMER_VECTOR at the TSC deadline (0 = cancel). */
void apic_timer_arm(u64 tsc_deadline);
void apic_eoi(void);
u32 apic_id(void);
bool apic_tsc_deadline_mode(void);

#endif

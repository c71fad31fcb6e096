/* SPDX-License-Identifier: MIT */
/*
 * The virtual local APIC, x2APIC mode only (enabled at reset, as firmware
 * that pre-enables x2APIC leaves it): timer (one-shot, periodic,
 * TSC-deadline), IPIs, INIT/SIPI, and interrupt injection.
 */
#ifndef KEEL_VLAPIC_H
#define KEEL_VLAPIC_H

#include <keel/domain.h>
#include <keel/timer.h>

struct vlapic {
	struct vcpu *v;
	u64 apic_base;
	u32 tpr, svr, esr, ldr;
	u32 dfr, icr_low, icr_high; /* xAPIC mode only */
	u32 lvt[6];		    /* timer, thermal, PMC, LINT0, LINT1, error */
	u32 irr[8], isr[8], tmr[8];
	u32 timer_initial, timer_divide;
	u64 timer_start;  /* TSC when the count was loaded */
	u64 timer_period; /* TSC ticks per period (count modes) */
	u64 tsc_deadline;
	struct timer timer;
	bool nmi_pending;
	bool init_pending;
	int sipi_vector; /* -1 none */
};

int vlapic_init(struct vcpu *v);
void vlapic_free(struct vcpu *v);
/* Stops the timer (the vCPU's domain ended). */
void vlapic_stop(struct vcpu *v);

/* 0, or -EINVAL (the caller raises #GP). */
int vlapic_msr_read(struct vcpu *v, u32 msr, u64 *val);
int vlapic_msr_write(struct vcpu *v, u32 msr, u64 val);
u64 vlapic_base(struct vcpu *v);
/* xAPIC mode: whether gpa is in the APIC's MMIO page, and its register accesses. */
bool vlapic_mmio_claims(struct vcpu *v, u64 gpa);
u64 vlapic_mmio_read(struct vcpu *v, u64 gpa, u32 size);
void vlapic_mmio_write(struct vcpu *v, u64 gpa, u32 size, u64 val);
int vlapic_set_base(struct vcpu *v, u64 val);
u64 vlapic_tsc_deadline(struct vcpu *v);
void vlapic_set_tsc_deadline(struct vcpu *v, u64 val);
u32 vlapic_tpr(struct vcpu *v);
void vlapic_set_tpr(struct vcpu *v, u32 tpr);

/* Raises a fixed interrupt on v (any pCPU context), waking it. */
void vlapic_set_irq(struct vcpu *v, u8 vector);
/* The same, level-triggered (TMR set: its EOI reaches the IO-APIC) or edge. */
void vlapic_set_irq_trig(struct vcpu *v, u8 vector, bool level);
/* An IO-APIC or MSI message: an NMI, or a fixed vector. */
void vlapic_deliver(struct vcpu *v, bool nmi, u8 vector, bool level);
/* Whether v's APIC is an 8-bit IO-APIC/MSI destination (physical id or logical). */
bool vlapic_matches_dest(struct vcpu *v, u8 dest, bool logical);
/* Lowest-priority arbitration: v's PPR, or -1 when its APIC is disabled (never chosen). */
int vlapic_arbitration_priority(struct vcpu *v);
/* Whether v takes the PIC's output: LVT0 unmasked ExtINT, or the APIC disabled. */
bool vlapic_accepts_extint(struct vcpu *v);
/* An interrupt or NMI is waiting for v: HLT must not sleep. */
bool vlapic_has_pending(struct vcpu *v);
/* Before VM entry on the current VMCS: inject what is deliverable, else ask for a window. */
void vlapic_inject_pending(struct vcpu *v);
/* Before VM entry: apply a pending INIT or SIPI to the current VMCS. */
void vlapic_apply_init_sipi(struct vcpu *v);

/* Pure helpers (unit-tested). */
int vlapic_highest_bit(const u32 bits[8]);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The one place common code learns the architecture: the `arch` members of
 * struct vcpu / struct domain, and the hooks below, implemented under
 * arch/<arch>/. Only x86 with VT-x exists today.
 */
#ifndef KEEL_ARCH_H
#define KEEL_ARCH_H

#include <arch/x86/arch.h>

struct vcpu;
struct domain;
enum exit_action;

/* vCPU life: the hardware state (VMCS, APIC, FPU area) made, the entry point set, freed. */
int arch_vcpu_init(struct vcpu *v);
void arch_vcpu_set_entry(struct vcpu *v, u32 entry, u32 start_info);
void arch_vcpu_free(struct vcpu *v);

/* Running: v becomes the vCPU on pCPU cpu (its VMCS, MSRs and FPU state loaded). */
void arch_vcpu_switch_in(u32 cpu, struct vcpu *v);
/* Before entry: inject what is deliverable and arm the exit at tsc_deadline. */
void arch_vcpu_prepare_entry(struct vcpu *v, u64 tsc_deadline);
/* Runs v until the next exit: 0, or nonzero if the entry failed (nothing ran). */
int arch_vcpu_enter(struct vcpu *v);
/* Handles that exit (or the failed entry) and says what the run loop does next. */
enum exit_action arch_vcpu_handle_exit(struct vcpu *v, int entry_failed);
/* The vCPU's domain ended: its hardware state is let go on the pCPU that ran it. */
void arch_vcpu_release(struct vcpu *v);
/* v is being freed: no pCPU keeps it as its FPU owner. */
void arch_vcpu_forget(struct vcpu *v);
/* An interrupt is waiting for v (HLT must not sleep). */
bool arch_vcpu_interrupt_pending(struct vcpu *v);

/* The pCPU's own timer: an interrupt at the TSC deadline (0 = none). */
void arch_timer_arm(u64 tsc_deadline);

#endif

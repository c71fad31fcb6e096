/* SPDX-License-Identifier: MIT */
/* A vCPU's VMCS: controls, host state, initial guest state. */
#ifndef KEEL_ARCH_X86_VMX_VCPU_H
#define KEEL_ARCH_X86_VMX_VCPU_H

#include <keel/domain.h>
#include <arch/x86/vmx_caps.h>

/* Chooses the VM-execution controls once, from the CPU's allowed settings. */
int vmx_controls_init(const struct vmx_raw *raw, const struct vmx_caps *caps, const char **why);
/* Allocates and fills the vCPU's VMCS (it stays loaded on this CPU). */
int vmx_vcpu_init(struct vcpu *v);
void vmx_vcpu_free(struct vcpu *v);
/* The PVH entry state: 32-bit flat protected mode, paging off, EBX = start_info. */
void vmx_vcpu_set_pvh_entry(struct vcpu *v, u32 entry, u32 ebx);
/* The state a SIPI leaves: real mode, CS:IP = cs:0 with CS base cs_base. */
void vmx_vcpu_set_real_mode(struct vcpu *v, u16 cs, u32 cs_base);
/* VMCLEARs v's VMCS on this pCPU (where it was loaded). */
void vmx_vcpu_release(struct vcpu *v);
/* Makes v's VMCS current on this CPU. */
void vmx_vcpu_load(struct vcpu *v);
int vmx_vcpu_enter(struct vcpu *v);

int vmx_inject_exception(struct vcpu *v, u8 vector, bool has_code, u32 code);
/* Guest mode helpers. */
u32 vmx_guest_cpl(void);
u64 vmx_cr0_fixed_mask(void);
u64 vmx_cr0_fixed_bits(void);

/* After an EPT change: drop cached translations for the domain. */
void vmx_flush_guest_tlb(struct domain *d);
/* Arms the VMX-preemption timer for the next entry (no-op without it). */
void vmx_set_preemption_deadline(u64 deadline, u64 now);

extern u32 vmx_preempt_shift;
extern u32 vmx_exit_ctls, vmx_entry_ctls, vmx_cpu_ctls, vmx_cpu2_ctls, vmx_pin_ctls;

#endif

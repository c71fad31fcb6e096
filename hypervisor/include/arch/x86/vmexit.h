/* SPDX-License-Identifier: MIT */
/* VM-exit handling: one handler per exit reason, in a dispatch table. */
#ifndef KEEL_ARCH_X86_VMEXIT_H
#define KEEL_ARCH_X86_VMEXIT_H

#include <keel/domain.h>
#include <keel/sched.h>
#include <arch/x86/vmcs.h>

typedef enum exit_action (*exit_handler_t)(struct vcpu *v, u64 qual);

enum exit_action vmexit_dispatch(struct vcpu *v, u32 reason);

/* Handlers living in their own files. */
enum exit_action handle_cpuid(struct vcpu *v, u64 qual);
enum exit_action handle_rdmsr(struct vcpu *v, u64 qual);
enum exit_action handle_wrmsr(struct vcpu *v, u64 qual);
enum exit_action handle_io(struct vcpu *v, u64 qual);
enum exit_action handle_cr_access(struct vcpu *v, u64 qual);
enum exit_action handle_vmcall(struct vcpu *v, u64 qual);
enum exit_action handle_xsetbv(struct vcpu *v, u64 qual);
enum exit_action handle_ept_violation(struct vcpu *v, u64 qual);

/* The guest MSRs that live in hardware (STAR, LSTAR, ...): saved and loaded on vCPU switch. */
void msr_save_guest(struct vcpu *v);
void msr_load_guest(struct vcpu *v);

/* The guest's code segment: 16, 32 or 64 (bits). */
u32 vmexit_code_mode(struct vcpu *v);
/* An answer from an ioreq server is in v->io: finish the instruction (before entry). */
void io_forward_complete(struct vcpu *v);
void mmio_forward_complete(struct vcpu *v);

/* Advances the guest RIP past the exiting instruction. */
void vmexit_skip_instruction(void);
/* A fatal guest error: dump state and crash the vCPU's domain. */
enum exit_action vmexit_crash(struct vcpu *v, const char *why);
/* Steps over len bytes of instruction (ending an STI/MOV SS shadow). */
void vmexit_advance_rip(u32 len);
/* GPR n in the order instructions encode them (0 = RAX ... 4 = RSP ... 15 = R15). */
u64 vcpu_gpr_read(struct vcpu *v, unsigned n);
void vcpu_gpr_write(struct vcpu *v, unsigned n, u64 val);

#endif

// SPDX-License-Identifier: MIT
/*
 * VMCALL exits: Xen's hypercall convention on x86 (the number in RAX; 64-bit
 * guests pass arguments in RDI, RSI, RDX, R10, R8, 32-bit ones in EBX, ECX,
 * EDX, ESI, EDI; the result in RAX), then the common table (xen/hypercall.c).
 */
#include <arch/x86/boot_defs.h>
#include <arch/x86/vmexit.h>
#include <arch/x86/vmx_vcpu.h>
#include <keel/errno.h>
#include <keel/hypercall.h>

enum exit_action handle_vmcall(struct vcpu *v, u64 qual)
{
	(void)qual;
	struct hypercall_args a;

	vmexit_skip_instruction();
	/* Xen refuses hypercalls from guest user mode. */
	if (vmx_guest_cpl() != 0) {
		v->regs.rax = (u64)-EPERM;
		return EXIT_RESUME;
	}
	v->compat = !(v->arch.efer & EFER_LMA);
	if (!v->compat)
		a = (struct hypercall_args){v->regs.rdi, v->regs.rsi, v->regs.rdx, v->regs.r10,
					    v->regs.r8};
	else
		a = (struct hypercall_args){(u32)v->regs.rbx, (u32)v->regs.rcx, (u32)v->regs.rdx,
					    (u32)v->regs.rsi, (u32)v->regs.rdi};
	v->regs.rax = (u64)hypercall_dispatch(v, v->regs.rax, &a);
	if (v->state != VCPU_RUNNABLE || v->dom->state != DOM_RUNNING)
		return EXIT_RESCHED;
	return EXIT_RESUME;
}

/* SPDX-License-Identifier: MIT */
/*
 * int vmx_enter(struct guest_regs *regs, u64 launched)
 *
 * Enters the current VMCS's guest with the registers in *regs (VMLAUNCH the
 * first time, VMRESUME after) and returns 0 at the next VM exit with the
 * guest's registers saved back, or 1 if the entry itself failed (VMfail;
 * VM_INSTRUCTION_ERROR says why). HOST_RIP is vmx_exit, HOST_RSP is set here
 * so a VM exit lands back on this call's stack frame.
 */
#include <arch/x86/vmx_regs.h>

	.text
	.code64
	.globl	vmx_enter
vmx_enter:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdi			/* regs, found again at vmx_exit */

	movq	$0x6c14, %rax		/* HOST_RSP */
	vmwrite	%rsp, %rax

	testq	%rsi, %rsi		/* ZF from here on says "not launched" */
	movq	GR_CR2(%rdi), %rax
	movq	%rax, %cr2
	movq	GR_RAX(%rdi), %rax
	movq	GR_RBX(%rdi), %rbx
	movq	GR_RCX(%rdi), %rcx
	movq	GR_RDX(%rdi), %rdx
	movq	GR_RSI(%rdi), %rsi
	movq	GR_RBP(%rdi), %rbp
	movq	GR_R8(%rdi), %r8
	movq	GR_R9(%rdi), %r9
	movq	GR_R10(%rdi), %r10
	movq	GR_R11(%rdi), %r11
	movq	GR_R12(%rdi), %r12
	movq	GR_R13(%rdi), %r13
	movq	GR_R14(%rdi), %r14
	movq	GR_R15(%rdi), %r15
	movq	GR_RDI(%rdi), %rdi
	jz	1f
	vmresume
	jmp	2f
1:	vmlaunch
2:	/* VMfail: nothing of the guest ran. */
	popq	%rdi
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	movl	$1, %eax
	ret

	.globl	vmx_exit
vmx_exit:
	/*
	 * Overwrite the return stack buffer with 32 harmless entries before the
	 * first RET: predictions a guest trained must not steer the hypervisor's
	 * returns (spec_ctrl.h). Each CALL's "return" is a speculation trap.
	 */
	pushq	%rcx			/* the guest's RCX */
	movl	$16, %ecx
3:	call	4f
5:	pause
	lfence
	jmp	5b
4:	call	6f
7:	pause
	lfence
	jmp	7b
6:	decl	%ecx
	jnz	3b
	addq	$(32 * 8), %rsp
	popq	%rcx
	pushq	%rdi
	movq	8(%rsp), %rdi
	movq	%rax, GR_RAX(%rdi)
	movq	%rbx, GR_RBX(%rdi)
	movq	%rcx, GR_RCX(%rdi)
	movq	%rdx, GR_RDX(%rdi)
	movq	%rsi, GR_RSI(%rdi)
	movq	%rbp, GR_RBP(%rdi)
	movq	%r8, GR_R8(%rdi)
	movq	%r9, GR_R9(%rdi)
	movq	%r10, GR_R10(%rdi)
	movq	%r11, GR_R11(%rdi)
	movq	%r12, GR_R12(%rdi)
	movq	%r13, GR_R13(%rdi)
	movq	%r14, GR_R14(%rdi)
	movq	%r15, GR_R15(%rdi)
	popq	%rax
	movq	%rax, GR_RDI(%rdi)
	movq	%cr2, %rax
	movq	%rax, GR_CR2(%rdi)
	popq	%rdi
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	xorl	%eax, %eax
	ret

	.section .note.GNU-stack, "", @progbits

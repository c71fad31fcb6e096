/* SPDX-License-Identifier: MIT */
/* Hypervisor exception and host-interrupt entry points. */
#include <arch/x86/exception_stubs.inc>

EXCEPTION_STUBS isr, trap_handler

/* Host interrupts (timer, IPI, spurious) while the hypervisor itself runs: only in idle. */
	.globl	isr_host_irq
isr_host_irq:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	call	host_irq
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	iretq

	.globl	isr_spurious
isr_spurious:
	iretq


	.section .note.GNU-stack, "", @progbits

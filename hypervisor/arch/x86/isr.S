/* SPDX-License-Identifier: MIT */
/* Hypervisor exception and host-interrupt entry points. */
#include <arch/x86/exception_stubs.inc>

EXCEPTION_STUBS isr, trap_handler, 1

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

/*
 * Every other vector from 32 up: one 16-byte stub each (isr_stray_base +
 * 16 * (vector - 32)) that pushes its vector and calls stray_irq(vector).
 */
	.balign	16
	.globl	isr_stray_base
isr_stray_base:
	.set	stray_vec, 32
	.rept	224
	.balign	16
	pushq	$stray_vec
	jmp	isr_stray_common
	.set	stray_vec, stray_vec + 1
	.endr

isr_stray_common:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	movq	72(%rsp), %rdi
	subq	$8, %rsp		/* 16-byte alignment at the call */
	call	stray_irq
	addq	$8, %rsp
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	addq	$8, %rsp
	iretq

	.section .note.GNU-stack, "", @progbits

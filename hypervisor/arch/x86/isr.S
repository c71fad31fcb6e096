/* SPDX-License-Identifier: MIT */
/* Hypervisor exception and host-interrupt entry points. */
#include <arch/x86/exception_stubs.inc>

EXCEPTION_STUBS isr, trap_handler, 1

/*
 * Every vector from 32 up (Keel's timer, IPI and spurious vectors, and any
 * other): one 16-byte stub each (isr_irq_base + 16 * (vector - 32)) that
 * pushes its vector and calls idle_interrupt(vector).
 */
	.balign	16
	.globl	isr_irq_base
isr_irq_base:
	.set	irq_vec, 32
	.rept	224
	.balign	16
	pushq	$irq_vec
	jmp	isr_irq_common
	.set	irq_vec, irq_vec + 1
	.endr

isr_irq_common:
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
	call	idle_interrupt
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

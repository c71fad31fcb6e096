/* SPDX-License-Identifier: MIT */
/* Test-guest exception and interrupt entry points: a uniform frame for guest_exception(). */
#include <arch/x86/exception_stubs.inc>

EXCEPTION_STUBS guest_isr, guest_exception

/* Vectors 32-255: interrupts, no error code; stub n at guest_irq_stubs + 16 * (n - 32). */
	.balign	16
	.globl	guest_irq_stubs
guest_irq_stubs:
	.set	vec, 32
	.rept	224
	.balign	16
	pushq	$0
	pushq	$vec
	jmp	guest_isr_common
	.set	vec, vec + 1
	.endr


	.section .note.GNU-stack, "", @progbits

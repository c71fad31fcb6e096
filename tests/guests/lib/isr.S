/* SPDX-License-Identifier: MIT */
/* Test-guest exception stubs: a uniform frame for guest_exception(). */

.macro ISR_NOERR n
	.globl	guest_isr_\n
guest_isr_\n:
	pushq	$0
	pushq	$\n
	jmp	guest_isr_common
.endm

.macro ISR_ERR n
	.globl	guest_isr_\n
guest_isr_\n:
	pushq	$\n
	jmp	guest_isr_common
.endm

	.text
	.code64
ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR   8
ISR_NOERR 9
ISR_ERR   10
ISR_ERR   11
ISR_ERR   12
ISR_ERR   13
ISR_ERR   14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR   17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 20
ISR_ERR   21
ISR_NOERR 22
ISR_NOERR 23
ISR_NOERR 24
ISR_NOERR 25
ISR_NOERR 26
ISR_NOERR 27
ISR_NOERR 28
ISR_ERR   29
ISR_ERR   30
ISR_NOERR 31

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

guest_isr_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rdi
	call	guest_exception
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp
	iretq

	.section .rodata
	.balign 8
	.globl	guest_isr_table
guest_isr_table:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	guest_isr_\n
	.endr

	.section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: MIT */
/*
 * AP start-up trampoline for test guests, copied to AP_TRAMPOLINE (0x8000)
 * and entered by a SIPI with vector 0x08 in real mode at 0800:0000. It goes
 * through protected mode into long mode with the BSP's page tables, then
 * jumps to ap_tramp_entry on ap_tramp_stack.
 */
#define BASE 0x8000
#define OFF(x) (BASE + (x) - ap_trampoline_start)

	.section .data
	.code16
	.globl	ap_trampoline_start
ap_trampoline_start:
	cli
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	(tramp_gdt_ptr - ap_trampoline_start)
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$0x18, $OFF(pm32)

	.code32
pm32:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr4, %eax
	orl	$0x620, %eax		/* PAE, OSFXSR, OSXMMEXCPT */
	movl	%eax, %cr4
	movl	OFF(ap_tramp_cr3), %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx
	rdmsr
	orl	$0x900, %eax		/* LME, NXE */
	wrmsr
	movl	%cr0, %eax
	orl	$0x80010001, %eax
	andl	$~0x6, %eax
	movl	%eax, %cr0
	ljmp	$0x08, $OFF(lm64)

	.code64
lm64:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %ss
	movq	OFF(ap_tramp_stack), %rsp
	movq	OFF(ap_tramp_entry), %rax
	jmp	*%rax

	.balign	8
tramp_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08 64-bit code */
	.quad	0x00cf92000000ffff	/* 0x10 data */
	.quad	0x00cf9a000000ffff	/* 0x18 32-bit code */
tramp_gdt_ptr:
	.word	31
	.long	OFF(tramp_gdt)
	.balign	8
	.globl	ap_tramp_cr3, ap_tramp_stack, ap_tramp_entry
ap_tramp_cr3:	.quad	0
ap_tramp_stack:	.quad	0
ap_tramp_entry:	.quad	0
	.globl	ap_trampoline_end
ap_trampoline_end:

	.section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: MIT */
/*
 * Host AP start-up: copied to AP_TRAMPOLINE_PA below 1 MiB and entered by a
 * SIPI in real mode at (AP_TRAMPOLINE_PA >> 4):0. It enables protected mode,
 * then long mode with the boot page tables, and jumps to ap_start64 on the
 * stack the BSP prepared.
 */
#include <arch/x86/boot_defs.h>

#define OFF(x) (AP_TRAMPOLINE_PA + (x) - ap_trampoline_start)

	.section .rodata
	.code16
	.globl	ap_trampoline_start
ap_trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	(tramp_gdt_ptr - ap_trampoline_start)
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$GDT_CS32, $OFF(tramp_pm32)

	.code32
tramp_pm32:
	movw	$GDT_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr4, %eax
	orl	$(CR4_PAE | CR4_PGE), %eax
	movl	%eax, %cr4
	movl	OFF(ap_boot_cr3), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_PE | CR0_WP | CR0_NE), %eax
	movl	%eax, %cr0
	ljmp	$GDT_CS64, $OFF(tramp_lm64)

	.code64
tramp_lm64:
	movq	OFF(ap_boot_stack), %rsp
	movq	OFF(ap_boot_entry), %rax
	xorl	%ebp, %ebp
	jmp	*%rax

	.balign	8
tramp_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* GDT_CS64 */
	.quad	0x00cf92000000ffff	/* GDT_DS */
	.quad	0x00cf9a000000ffff	/* GDT_CS32 */
tramp_gdt_ptr:
	.word	31
	.long	OFF(tramp_gdt)
	.balign	8
	.globl	ap_boot_cr3, ap_boot_stack, ap_boot_entry
ap_boot_cr3:	.quad	0
ap_boot_stack:	.quad	0
ap_boot_entry:	.quad	0
	.globl	ap_trampoline_end
ap_trampoline_end:

	.section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 entry: GRUB leaves us in 32-bit protected mode with paging off,
 * EAX = multiboot2 magic and EBX = physical address of the boot information.
 * We identity-map the first 4 GiB with 2 MiB pages, enter long mode and call
 * kmain(magic, mbi). The hypervisor runs identity-mapped from then on.
 */
#include <arch/x86/boot_defs.h>

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long	MB2_HEADER_MAGIC
	.long	MB2_ARCH_I386
	.long	mb2_header_end - mb2_header
	.long	-(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* No framebuffer tag: GRUB must stay in text mode (Bochs' term display). */
	.balign 8
	.word	0, 0		/* end tag: type 0, flags 0 */
	.long	8
mb2_header_end:

	.section .text.boot, "ax"
	.code32
	.globl	_start
_start:
	cli
	cld
	movl	$boot_stack_top, %esp
	movl	%eax, boot_magic
	movl	%ebx, boot_mbi

	/* Long mode needs CPUID leaf 0x80000001 EDX.LM. */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	btl	$29, %edx
	jnc	no_long_mode

	/* PML4[0] -> PDPT; PDPT[0..3] -> 4 page directories of 2 MiB pages. */
	movl	$boot_pdpt, %eax
	orl	$(PTE_P | PTE_W), %eax
	movl	%eax, boot_pml4

	movl	$boot_pd, %eax
	orl	$(PTE_P | PTE_W), %eax
	xorl	%ecx, %ecx
1:	movl	%eax, boot_pdpt(, %ecx, 8)
	addl	$4096, %eax
	incl	%ecx
	cmpl	$4, %ecx
	jne	1b

	xorl	%ecx, %ecx		/* entry index 0..2047 */
2:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$(PTE_P | PTE_W | PTE_PS), %eax
	movl	%eax, boot_pd(, %ecx, 8)
	movl	%ecx, %eax
	shrl	$11, %eax		/* bits 32+ of the address: entry >> 11 */
	movl	%eax, boot_pd + 4(, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jne	2b

	movl	%cr4, %eax
	orl	$(CR4_PAE | CR4_PGE), %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_PE | CR0_WP | CR0_NE), %eax
	movl	%eax, %cr0

	lgdt	boot_gdt_ptr
	ljmp	$GDT_CS64, $long_mode_entry

no_long_mode:
	/* Too early for the serial driver: poke COM1 directly. */
	movl	$no_lm_msg, %esi
3:	lodsb
	testb	%al, %al
	jz	4f
	movw	$0x3f8, %dx
	outb	%al, %dx
	jmp	3b
4:	hlt
	jmp	4b

	.code64
long_mode_entry:
	movw	$GDT_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	movq	$boot_stack_top, %rsp
	xorl	%ebp, %ebp
	movl	boot_magic, %edi
	movl	boot_mbi, %esi
	call	kmain
5:	cli
	hlt
	jmp	5b

	.section .rodata.boot, "a"
no_lm_msg:
	.asciz	"keel: error: CPU has no long mode; halted\r\n"

	.balign 16
	.globl	boot_gdt
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
	.quad	0x00cf9a000000ffff	/* 0x18: 32-bit code */
boot_gdt_end:
boot_gdt_ptr:
	.word	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt

	.section .bss.boot, "aw", @nobits
	.balign 4096
	.globl	boot_pml4
boot_pml4:	.skip	4096
boot_pdpt:	.skip	4096
boot_pd:	.skip	4 * 4096
boot_stack:	.skip	BOOT_STACK_SIZE
	.globl	boot_stack_top
boot_stack_top:
boot_magic:	.skip	4
boot_mbi:	.skip	4

	.section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: MIT */
/*
 * Test-guest entry. Keel (or Xen) enters at the PHYS32_ENTRY note in 32-bit
 * protected mode, paging off, EBX = hvm_start_info. We identity-map the first
 * 4 GiB with 2 MiB pages (RAM low, device addresses such as the APIC high),
 * switch to long mode and call guest_start(start_info).
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

	.section .note.Xen, "a", @note
	.balign 4
	.long	4			/* namesz */
	.long	4			/* descsz */
	.long	XEN_ELFNOTE_PHYS32_ENTRY
	.asciz	"Xen"
	.long	pvh_start

	.section .text.entry, "ax"
	.code32
	.globl	pvh_start
pvh_start:
	cli
	movl	%ebx, %edi		/* start_info, kept for guest_start */
	movl	$guest_stack_top, %esp

	/* PML4[0] -> PDPT; PDPT[0..3] -> 4 PDs; PDs: 2048 x 2 MiB identity. */
	movl	$guest_pdpt, %eax
	orl	$3, %eax
	movl	%eax, guest_pml4
	xorl	%ecx, %ecx
0:	movl	%ecx, %eax
	shll	$12, %eax
	addl	$guest_pd + 3, %eax
	movl	%eax, guest_pdpt(, %ecx, 8)
	incl	%ecx
	cmpl	$4, %ecx
	jne	0b
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$0x83, %eax
	movl	%eax, guest_pd(, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jne	1b

	movl	%cr4, %eax
	orl	$0x620, %eax		/* PAE, OSFXSR, OSXMMEXCPT */
	movl	%eax, %cr4
	movl	$guest_pml4, %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx	/* EFER.LME | NXE */
	rdmsr
	orl	$0x900, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$0x80010001, %eax	/* PG, WP, PE */
	andl	$~0x6, %eax		/* x87 present, no emulation */
	movl	%eax, %cr0
	lgdt	guest_gdt_ptr
	ljmp	$0x08, $long_entry

	.code64
long_entry:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movq	$guest_stack_top, %rsp
	movl	%edi, %edi
	call	guest_start
2:	hlt
	jmp	2b

	.section .rodata
	.balign 16
guest_gdt:
	.quad	0
	.quad	0x00af9a000000ffff
	.quad	0x00cf92000000ffff
guest_gdt_end:
guest_gdt_ptr:
	.word	guest_gdt_end - guest_gdt - 1
	.quad	guest_gdt

	.section .bss
	.balign 4096
	.globl	guest_pml4, guest_pdpt, guest_pd
guest_pml4:	.skip 4096
guest_pdpt:	.skip 4096
guest_pd:	.skip 4 * 4096
	.globl	guest_stack_top
guest_stack:	.skip 65536
guest_stack_top:

	.section .note.GNU-stack, "", @progbits

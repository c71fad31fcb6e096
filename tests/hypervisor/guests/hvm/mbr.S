/* SPDX-License-Identifier: MIT */
/*
 * A boot sector for the HVM firmware test: SeaBIOS loads it from QEMU's IDE
 * disk to 0x7C00 and jumps to it in real mode. It says so on Keel's debug port
 * (0xE9) and on QEMU's COM1, then powers the machine off through PIIX4's ACPI
 * PM1a control register at 0xB004 (hvmloader put the PM block at 0xB000): QEMU
 * turns that into dm_op remote_shutdown.
 */
	.code16
	.text
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %ss
	mov $0x7c00, %sp
	mov $msg, %si
1:	lodsb
	test %al, %al
	jz 2f
	out %al, $0xe9		/* Keel's debug console */
	mov $0x3f8, %dx
	out %al, %dx		/* QEMU's COM1 */
	jmp 1b
2:	mov $0xb004, %dx
	mov $0x2000, %ax	/* SLP_EN, SLP_TYP 0: soft off */
	out %ax, %dx
3:	hlt
	jmp 3b
msg:
	.asciz "keel-mbr: booted from QEMU's disk through SeaBIOS\n"
	.org 510
	.byte 0x55, 0xaa

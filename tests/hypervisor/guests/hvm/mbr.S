/* SPDX-License-Identifier: MIT */
/*
 * A boot sector for the HVM firmware test: SeaBIOS loads it from QEMU's IDE
 * disk to 0x7C00 and jumps to it in real mode. It says so on Keel's debug port
 * (0xE9) and on QEMU's COM1, then powers the machine off through PIIX4's ACPI
 * PM1a control register at 0xB004 (hvmloader put the PM block at 0xB000): QEMU
 * turns that into dm_op remote_shutdown. With the byte at WAIT_INPUT (0x1B0) set,
 * it first waits for a byte typed on COM1 (the REST test types it through the
 * API's console input), polling every few milliseconds: each poll is a request
 * to QEMU.
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
2:	cmpb $0, wait_input
	je 4f
	mov $0x3fd, %dx		/* COM1's line status: bit 0, a byte received */
5:	mov $32, %bx
6:	mov $0xffff, %cx
7:	loop 7b
	dec %bx
	jnz 6b
	in %dx, %al
	test $1, %al
	jz 5b
	mov $0x3f8, %dx
	in %dx, %al		/* take it */
4:	mov $0xb004, %dx
	mov $0x2000, %ax	/* SLP_EN, SLP_TYP 0: soft off */
	out %ax, %dx
3:	hlt
	jmp 3b
msg:
	.asciz "keel-mbr: booted from QEMU's disk through SeaBIOS\n"
	.org 0x1b0
wait_input:
	.byte 0
	.org 510
	.byte 0x55, 0xaa

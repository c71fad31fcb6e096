/* SPDX-License-Identifier: MIT */
/*
 * Architectural constants (Intel SDM Vol. 3: control registers, EFER, RFLAGS)
 * and boot constants, defined once and shared by the assembly entry code and C.
 */
#ifndef KEEL_ARCH_X86_BOOT_DEFS_H
#define KEEL_ARCH_X86_BOOT_DEFS_H

#define MB2_HEADER_MAGIC     0xe85250d6
#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define MB2_ARCH_I386	     0

#define PTE_P  (1 << 0)
#define PTE_W  (1 << 1)
#define PTE_PS (1 << 7)

#define CR0_PE	       (1 << 0)
#define CR0_NE	       (1 << 5)
#define CR0_WP	       (1 << 16)
#define CR0_NW	       (1 << 29)
#define CR0_CD	       (1 << 30)
#define CR0_PG	       0x80000000
#define CR4_PSE	       (1 << 4)
#define CR4_PAE	       (1 << 5)
#define CR4_PGE	       (1 << 7)
#define CR4_OSFXSR     (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define CR4_VMXE       (1 << 13)
#define CR4_OSXSAVE    (1 << 18)

#define RFLAGS_IF (1 << 9)
#define RFLAGS_DF (1 << 10)

#define MSR_EFER 0xc0000080
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)
#define EFER_LMA (1 << 10)
#define EFER_NXE (1 << 11)

#define GDT_CS64 0x08
#define GDT_DS	 0x10
#define GDT_CS32 0x18

#define BOOT_STACK_SIZE	 (16 * 1024)
#define AP_TRAMPOLINE_PA 0x7000
#define AP_STACK_PAGES	 4

#endif

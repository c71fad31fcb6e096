/* SPDX-License-Identifier: MIT */
/*
 * PVH boot: the structure a PVH guest finds at EBX on entry (Xen's
 * public/arch-x86/hvm/start_info.h, version 1). All fields little-endian,
 * addresses guest-physical.
 *
 *   off  size  field
 *     0     4  magic            XEN_HVM_START_MAGIC
 *     4     4  version          1
 *     8     4  flags            SIF_* (0 for an unprivileged domain)
 *    12     4  nr_modules
 *    16     8  modlist_paddr    -> struct hvm_modlist_entry[nr_modules]
 *    24     8  cmdline_paddr    NUL-terminated, 0 if none
 *    32     8  rsdp_paddr       ACPI RSDP, 0 if none
 *    40     8  memmap_paddr     -> struct hvm_memmap_table_entry[]
 *    48     4  memmap_entries
 *    52     4  reserved
 *
 * The guest is entered at the ELF note XEN_ELFNOTE_PHYS32_ENTRY (type 18,
 * name "Xen") in 32-bit protected mode, paging off, flat 4 GiB segments.
 */
#ifndef KEEL_PUBLIC_XEN_START_INFO_H
#define KEEL_PUBLIC_XEN_START_INFO_H

#include <stdint.h>

#define XEN_HVM_START_MAGIC 0x336ec578
/*
 * XEN_ELFNOTE_PHYS32_RELOC (19, xen/include/public/elfnote.h): the kernel may
 * be loaded elsewhere. Up to three u32s: required alignment (default: the
 * largest PT_LOAD p_align >= 4 KiB, else 2 MiB), lowest start address
 * (default 0), highest address of the last byte (default 0xffffffff).
 */
#define XEN_ELFNOTE_PHYS32_RELOC 19
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define SIF_PRIVILEGED		 (1 << 0)
#define SIF_INITDOMAIN		 (1 << 1)

#define XEN_HVM_MEMMAP_TYPE_RAM	     1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2
#define XEN_HVM_MEMMAP_TYPE_ACPI     3

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

/* 32 bytes: paddr @0, size @8, cmdline_paddr @16, reserved @24 */
struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

/* 24 bytes: addr @0, size @8, type @16, reserved @20 */
struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info is 56 bytes");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "modlist entry is 32 bytes");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap entry is 24 bytes");

#endif

/* SPDX-License-Identifier: MIT */
/* What the boot loader told us, decoded from the multiboot2 information. */
#ifndef KEEL_BOOTINFO_H
#define KEEL_BOOTINFO_H

#include <keel/types.h>

#define BOOT_MAX_MMAP	 64
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 512

/* Memory-map entry types as multiboot2 (and the E820 map) define them. */
enum {
	MMAP_RAM = 1,
	MMAP_RESERVED = 2,
	MMAP_ACPI_RECLAIM = 3,
	MMAP_ACPI_NVS = 4,
	MMAP_BAD = 5,
};

struct boot_mmap_entry {
	u64 addr;
	u64 len;
	u32 type;
};

struct boot_module {
	paddr_t start;
	paddr_t end; /* exclusive */
	char cmdline[BOOT_CMDLINE_MAX];
};

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX];
	char loader[64];
	u32 nr_mmap;
	struct boot_mmap_entry mmap[BOOT_MAX_MMAP];
	u32 nr_modules;
	struct boot_module modules[BOOT_MAX_MODULES];
	paddr_t acpi_rsdp; /* physical copy inside the MBI, 0 if none */
	u32 dropped_mmap;  /* entries beyond BOOT_MAX_MMAP */
	u32 dropped_modules;
};

/*
 * Decodes a multiboot2 information block of at most avail bytes at mbi (which
 * the caller can read). Every tag is bounds-checked against the block's own
 * total_size and avail. Returns 0 or -EINVAL with *why set.
 */
int mb2_parse(const void *mbi, size_t avail, paddr_t mbi_pa, struct boot_info *bi,
	      const char **why);

u64 boot_ram_bytes(const struct boot_info *bi);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Loading a PVH kernel: an ELF64 (or ELF32) x86 image whose PT_LOAD segments
 * go to their physical addresses and whose Xen note XEN_ELFNOTE_PHYS32_ENTRY
 * gives the 32-bit entry point. Pure: every offset and size is checked against
 * the image; guest memory is reached through a callback.
 */
#ifndef KEEL_ELF_PVH_H
#define KEEL_ELF_PVH_H

#include <keel/types.h>

struct elf_pvh_info {
	u32 entry;  /* XEN_ELFNOTE_PHYS32_ENTRY */
	u64 lo, hi; /* guest-physical span of the PT_LOAD segments [lo, hi) */
	u32 nr_load;
	bool reloc;    /* XEN_ELFNOTE_PHYS32_RELOC: may be loaded elsewhere */
	bool firmware; /* no note: HVM firmware entered at e_entry */
	u32 reloc_align, reloc_min, reloc_max; /* its constraints, defaults filled in */
};

/* Validates the image and finds the entry. 0, or -EINVAL / -ENOEXEC-like errors with *why. */
int elf_pvh_inspect(const u8 *img, size_t len, struct elf_pvh_info *info, const char **why);
/*
 * The same; with firmware set, an ELF32 image without the note (Xen's hvmloader)
 * is accepted too, its entry e_entry (32-bit protected mode, as Xen's libxc
 * starts HVM firmware).
 */
int elf_pvh_inspect_as(const u8 *img, size_t len, bool firmware, struct elf_pvh_info *info,
		       const char **why);

/* Returns a host pointer to len bytes of guest memory at gpa, or NULL when out of range. */
typedef u8 *(*elf_gpa_map_fn)(void *ctx, u64 gpa, u64 len);

/*
 * Copies the segments into guest memory (zero-filling memsz beyond filesz),
 * each at its physical address + delta (0 unless relocated).
 */
int elf_pvh_load(const u8 *img, size_t len, s64 delta, elf_gpa_map_fn map, void *ctx,
		 const char **why);

/*
 * Where a relocatable image goes: the lowest start >= floor, aligned as its
 * note asks, whose last byte stays below ceiling and within its own bounds.
 * 0 with *delta (new start - lo), or -ENOSPC.
 */
int elf_pvh_place(const struct elf_pvh_info *info, u64 floor, u64 ceiling, s64 *delta);

#endif

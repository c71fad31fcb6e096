/* SPDX-License-Identifier: MIT */
/*
 * The host's physical address space as dom0 sees it. dom0 owns the machine's
 * devices, so what is not RAM reaches it 1:1; its own RAM is identity-mapped;
 * the rest of the host's RAM (Keel's, other domains') is reserved in its map
 * and absent from its EPT. Pure: unit-tested on the host.
 */
#ifndef KEEL_HOST_MAP_H
#define KEEL_HOST_MAP_H

#include <keel/bootinfo.h>
#include <keel/types.h>

#define HOST_MAP_MAX_POINTS (2 * (BOOT_MAX_MMAP + 8))
#define HOST_IO_LIMIT	    (4ULL << 30) /* devices of the emulated and real hosts sit below */

/* A range of dom0's map: type is an E820 / XEN_HVM_MEMMAP_TYPE_* value. */
struct host_range {
	u64 addr, size;
	u32 type;
};

/* What a host address is, by the firmware's map (the most restrictive entry wins). */
enum host_kind {
	HOST_HOLE,     /* in no entry: device space */
	HOST_RAM,      /* usable RAM */
	HOST_FIRMWARE, /* ACPI tables or NVS: RAM the firmware keeps */
	HOST_RESERVED, /* reserved or bad */
};

enum host_kind host_map_kind(const struct boot_mmap_entry *host, u32 nr_host, u64 addr);

/*
 * dom0's memory map: the ranges in ram[] (identity-mapped, [addr, addr+size))
 * as RAM except keep[] (Keel's pages for dom0: start info, its memory map)
 * reserved; the host's firmware ranges as the host types them; host RAM that
 * is not dom0's as reserved; holes omitted. Sorted, adjacent equal types
 * merged. Returns the number of entries or -E2BIG if max is too small.
 */
int host_map_dom0(const struct boot_mmap_entry *host, u32 nr_host, const struct host_range *ram,
		  u32 nr_ram, const struct host_range *keep, u32 nr_keep, struct host_range *out,
		  u32 max);

/*
 * The ranges below HOST_IO_LIMIT dom0 reaches 1:1 (device space: holes,
 * reserved and firmware ranges), page-aligned outward for holes and reserved
 * ranges, inward for firmware ones, and type HOST_RESERVED (device space: map
 * uncached) or HOST_FIRMWARE (map write-back). Returns the count or -E2BIG.
 */
int host_map_passthrough(const struct boot_mmap_entry *host, u32 nr_host, struct host_range *out,
			 u32 max);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * XENMEM reservation sub-ops and the memory map, as in Xen's public header
 * xen/include/public/memory.h (64-bit layouts):
 *
 * memory_op(cmd | start_extent << MEMOP_EXTENT_SHIFT, arg): bits 5:0 are the
 * command, the rest the first extent still to do (a continuation).
 *
 * struct xen_memory_reservation (32 bytes), for increase_reservation (0),
 * decrease_reservation (1), populate_physmap (6):
 *   0  u64 extent_start   guest handle: array of xen_pfn_t (GFNs for a
 *                         translated guest)
 *   8  u64 nr_extents
 *   16 u32 extent_order   2^order pages per extent
 *   20 u32 mem_flags      bits 7:0 address_bits, 15:8 vNUMA node
 *   24 u16 domid          DOMID_SELF or the caller's own id
 * The return value is the number of extents done; fewer than asked means
 * the next one failed.
 *
 * current_reservation (3), maximum_reservation (4), maximum_gpfn (14): the
 * argument is a guest handle to a domid_t; the result is a page count / GFN.
 *
 * struct xen_memory_map (16 bytes), memory_map (9):
 *   0  u32 nr_entries     IN: room in buffer; OUT: entries written
 *   8  u64 buffer         guest handle: array of e820 entries (20 bytes each:
 *                         u64 addr, u64 size, u32 type)
 */
#ifndef KEEL_PUBLIC_XEN_MEMORY_RESERVATION_H
#define KEEL_PUBLIC_XEN_MEMORY_RESERVATION_H

#include <stdint.h>

#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_maximum_ram_page	    2
#define XENMEM_current_reservation  3
#define XENMEM_maximum_reservation  4
#define XENMEM_populate_physmap	    6
#define XENMEM_memory_map	    9
#define XENMEM_maximum_gpfn	    14
#define MEMOP_EXTENT_SHIFT	    6
#define MEMOP_CMD_MASK		    ((1u << MEMOP_EXTENT_SHIFT) - 1)

struct xen_memory_reservation {
	uint64_t extent_start;
	uint64_t nr_extents;
	uint32_t extent_order;
	uint32_t mem_flags;
	uint16_t domid;
	uint16_t pad[3];
};
_Static_assert(sizeof(struct xen_memory_reservation) == 32, "xen_memory_reservation is 32 bytes");

struct xen_memory_map {
	uint32_t nr_entries;
	uint32_t pad;
	uint64_t buffer;
};
_Static_assert(sizeof(struct xen_memory_map) == 16, "xen_memory_map is 16 bytes");

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct e820_entry) == 20, "e820 entries are 20 bytes");

#endif

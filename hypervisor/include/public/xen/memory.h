/* SPDX-License-Identifier: MIT */
/*
 * Keel's guest ABI, part 3: memory_op (hypercall 12), the subset Keel serves.
 *
 * XENMEM_add_to_physmap (7): struct xen_add_to_physmap (24 bytes):
 *   domid @0 (u16, DOMID_SELF = 0x7ff0), size @2 (u16, gmfn_range only),
 *   space @4 (u32), idx @8 (u64), gpfn @16 (u64).
 * Spaces: XENMAPSPACE_shared_info (0, idx 0), XENMAPSPACE_grant_table (1,
 *   idx = frame | XENMAPIDX_grant_table_status for status frames).
 */
#ifndef KEEL_PUBLIC_XEN_MEMORY_H
#define KEEL_PUBLIC_XEN_MEMORY_H

#include <stdint.h>

#define XENMEM_add_to_physmap	     7
#define XENMAPSPACE_shared_info	     0
#define XENMAPSPACE_grant_table	     1
#define XENMAPIDX_grant_table_status (1ULL << 31)
#define DOMID_SELF		     0x7ff0

struct xen_add_to_physmap {
	uint16_t domid;
	uint16_t size;
	uint32_t space;
	uint64_t idx;
	uint64_t gpfn;
};

_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap is 24 bytes");

#endif

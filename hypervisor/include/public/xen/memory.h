/* SPDX-License-Identifier: MIT */
/*
 * Keel's guest ABI, part 3: memory_op (hypercall 12), the subset Keel serves.
 *
 * XENMEM_add_to_physmap (7): struct xen_add_to_physmap (24 bytes):
 *   domid @0 (u16, DOMID_SELF = 0x7ff0), size @2 (u16, gmfn_range only),
 *   space @4 (u32), idx @8 (u64), gpfn @16 (u64).
 * Spaces: XENMAPSPACE_shared_info (0, idx 0), XENMAPSPACE_grant_table (1,
 *   idx = frame | XENMAPIDX_grant_table_status for status frames),
 *   XENMAPSPACE_gmfn_foreign (4, idx = a gfn of foreign_domid; batch only).
 *
 * XENMEM_add_to_physmap_batch (23): struct xen_add_to_physmap_batch (32 bytes):
 *   domid @0, space @2 (u16), size @4 (u16, frames), foreign_domid @6
 *   (gmfn_foreign; 0 for the other spaces), idxs @8 (handle: u64[size]),
 *   gpfns @16 (handle: u64[size]), errs @24 (handle: int[size], OUT: 0 or
 *   -errno per frame). The call itself fails only for bad arguments.
 * XENMEM_remove_from_physmap (15): struct xen_remove_from_physmap (16 bytes):
 *   domid @0, gpfn @8.
 * XENMEM_acquire_resource (28): struct xen_mem_acquire_resource (32 bytes):
 *   domid @0, type @2 (u16), id @4, nr_frames @8 (IN/OUT), pad @12 (0),
 *   frame @16 (first frame), frame_list @24 (handle: u64 gfns to map at for
 *   a translated caller; NULL with nr_frames 0 asks for the resource's size).
 */
#ifndef KEEL_PUBLIC_XEN_MEMORY_H
#define KEEL_PUBLIC_XEN_MEMORY_H

#include <stdint.h>

#define XENMEM_add_to_physmap		      7
#define XENMEM_remove_from_physmap	      15
#define XENMEM_add_to_physmap_batch	      23
#define XENMEM_acquire_resource		      28
#define XENMAPSPACE_shared_info		      0
#define XENMAPSPACE_grant_table		      1
#define XENMAPSPACE_gmfn		      2
#define XENMAPSPACE_gmfn_range		      3
#define XENMAPSPACE_gmfn_foreign	      4
#define XENMEM_resource_ioreq_server	      0
#define XENMEM_resource_grant_table	      1
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1
#define XENMAPIDX_grant_table_status	      (1ULL << 31)
#define DOMID_SELF			      0x7ff0

struct xen_add_to_physmap {
	uint16_t domid;
	uint16_t size;
	uint32_t space;
	uint64_t idx;
	uint64_t gpfn;
};

_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap is 24 bytes");

struct xen_add_to_physmap_batch {
	uint16_t domid;
	uint16_t space;
	uint16_t size;
	uint16_t foreign_domid;
	uint64_t idxs;
	uint64_t gpfns;
	uint64_t errs;
};

_Static_assert(sizeof(struct xen_add_to_physmap_batch) == 32,
	       "xen_add_to_physmap_batch is 32 bytes");

struct xen_remove_from_physmap {
	uint16_t domid;
	uint16_t pad[3];
	uint64_t gpfn;
};

_Static_assert(sizeof(struct xen_remove_from_physmap) == 16, "xen_remove_from_physmap is 16 bytes");

struct xen_mem_acquire_resource {
	uint16_t domid;
	uint16_t type;
	uint32_t id;
	uint32_t nr_frames;
	uint32_t pad;
	uint64_t frame;
	uint64_t frame_list;
};

_Static_assert(sizeof(struct xen_mem_acquire_resource) == 32,
	       "xen_mem_acquire_resource is 32 bytes");

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Keel's guest ABI, part 7: grant tables v1 (public/grant_table.h), via
 * grant_table_op (hypercall 20) (cmd, void *ops, u32 count): `count` ops,
 * each with its own status (GNTST_*); the call returns 0 once processed, or
 * a negative errno when the array itself cannot be read or written.
 *
 * A grant entry (v1, 8 bytes): flags @0 (u16), domid @2 (u16, the grantee),
 * frame @4 (u32, the granter's GFN). Frames of entries are placed in the
 * guest's physmap with memory_op(add_to_physmap, XENMAPSPACE_grant_table, idx).
 *
 *   map_grant_ref (0)   {host_addr @0 (GPA to map at), flags @8 (GNTMAP_*),
 *                        ref @12, dom @16, status @18 (out), handle @20 (out),
 *                        dev_bus_addr @24 (out)}                   32 bytes
 *   unmap_grant_ref (1) {host_addr @0, dev_bus_addr @8, handle @16,
 *                        status @20 (out)}                         24 bytes
 *   copy (5)            {source {ref|gmfn @0, domid @8, offset @10} @0,
 *                        dest (same) @16, len @32, flags @34
 *                        (GNTCOPY_source_gref, GNTCOPY_dest_gref),
 *                        status @36 (out)}                         40 bytes
 *   query_size (6)      {dom @0, nr_frames @4 (out), max_nr_frames @8 (out),
 *                        status @12 (out)}                         16 bytes
 *   set_version (8)     {version @0 (in/out)}: only 1              4 bytes
 *   get_version (10)    {dom @0, pad, version @4 (out)}            8 bytes
 */
#ifndef KEEL_PUBLIC_XEN_GRANT_TABLE_H
#define KEEL_PUBLIC_XEN_GRANT_TABLE_H

#include <stdint.h>

#define GNTTABOP_map_grant_ref	 0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table	 2
#define GNTTABOP_copy		 5
#define GNTTABOP_query_size	 6
#define GNTTABOP_set_version	 8
#define GNTTABOP_get_version	 10

#define GTF_invalid	  0
#define GTF_permit_access 1
#define GTF_type_mask	  3
#define GTF_readonly	  (1 << 2)
#define GTF_reading	  (1 << 3)
#define GTF_writing	  (1 << 4)
#define GTF_sub_page	  (1 << 8)

#define GNTMAP_device_map      (1 << 0)
#define GNTMAP_host_map	       (1 << 1)
#define GNTMAP_readonly	       (1 << 2)
#define GNTMAP_application_map (1 << 3)
#define GNTMAP_contains_pte    (1 << 4)

#define GNTCOPY_source_gref (1 << 0)
#define GNTCOPY_dest_gref   (1 << 1)

#define GNTST_okay		0
#define GNTST_general_error	(-1)
#define GNTST_bad_domain	(-2)
#define GNTST_bad_gntref	(-3)
#define GNTST_bad_handle	(-4)
#define GNTST_bad_virt_addr	(-5)
#define GNTST_bad_dev_addr	(-6)
#define GNTST_no_device_space	(-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page		(-9)
#define GNTST_bad_copy_arg	(-10)
#define GNTST_address_too_big	(-11)
#define GNTST_eagain		(-12)

/* Entries the domain builder fills for the toolstack (xen/include/public/grant_table.h). */
#define GNTTAB_RESERVED_CONSOLE	 0
#define GNTTAB_RESERVED_XENSTORE 1

struct grant_entry_v1 {
	uint16_t flags;
	uint16_t domid;
	uint32_t frame;
};

struct gnttab_map_grant_ref {
	uint64_t host_addr;
	uint32_t flags;
	uint32_t ref;
	uint16_t dom;
	int16_t status;
	uint32_t handle;
	uint64_t dev_bus_addr;
};

struct gnttab_unmap_grant_ref {
	uint64_t host_addr;
	uint64_t dev_bus_addr;
	uint32_t handle;
	int16_t status;
	uint16_t pad;
};

struct gnttab_copy_ptr {
	union {
		uint32_t ref;
		uint64_t gmfn;
	} u;
	uint16_t domid;
	uint16_t offset;
	uint32_t pad;
};

struct gnttab_copy {
	struct gnttab_copy_ptr source;
	struct gnttab_copy_ptr dest;
	uint16_t len;
	uint16_t flags;
	int16_t status;
	uint16_t pad;
};

struct gnttab_query_size {
	uint16_t dom;
	uint16_t pad;
	uint32_t nr_frames;
	uint32_t max_nr_frames;
	int16_t status;
	uint16_t pad2;
};

struct gnttab_set_version {
	uint32_t version;
};

struct gnttab_get_version {
	uint16_t dom;
	uint16_t pad;
	uint32_t version;
};

_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1 is 8 bytes");
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "map_grant_ref is 32 bytes");
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "unmap_grant_ref is 24 bytes");
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy is 40 bytes");
_Static_assert(__builtin_offsetof(struct gnttab_copy, status) == 36, "layout");
_Static_assert(sizeof(struct gnttab_query_size) == 16, "query_size is 16 bytes");

#endif

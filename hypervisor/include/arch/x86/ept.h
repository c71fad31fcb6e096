/* SPDX-License-Identifier: MIT */
/*
 * Extended page tables: a domain's guest-physical -> host-physical map.
 * 4-level, write-back, 4 KiB and 2 MiB leaves. Page-table pages come from
 * callbacks so the builder is pure and unit-tested on the host.
 */
#ifndef KEEL_ARCH_X86_EPT_H
#define KEEL_ARCH_X86_EPT_H

#include <keel/types.h>

#define EPT_R	       BIT(0)
#define EPT_W	       BIT(1)
#define EPT_X	       BIT(2)
#define EPT_RWX	       (EPT_R | EPT_W | EPT_X)
#define EPT_MT_SHIFT   3
#define EPT_MT_UC      0ULL
#define EPT_MT_WB      6ULL
#define EPT_IGNORE_PAT BIT(6)
#define EPT_LARGE      BIT(7)
#define EPT_ADDR_MASK  0x000ffffffffff000ULL

#define EPT_2M	    (2ULL << 20)
#define EPT_MAX_GPA (1ULL << 48)

struct ept_ops {
	/* Returns a zeroed, page-aligned table and its physical address, or NULL. */
	void *(*alloc_table)(void *ctx, u64 *pa);
	void (*free_table)(void *ctx, void *table, u64 pa);
	void *(*phys_to_virt)(void *ctx, u64 pa);
	void *ctx;
};

struct ept {
	const struct ept_ops *ops;
	u64 *pml4;
	u64 pml4_pa;
	u32 tables; /* page-table pages in use, the root included */
};

int ept_init(struct ept *e, const struct ept_ops *ops);
/* The EPTP value for the VMCS: WB paging structures, 4-level walk. */
u64 ept_pointer(const struct ept *e);
/*
 * Maps [gpa, gpa + size) to [hpa, ...) with perms (EPT_R/W/X) and memory type
 * (EPT_MT_*). Uses 2 MiB leaves where both addresses and the size allow,
 * splitting a 2 MiB leaf when a 4 KiB mapping lands inside it. Replaces any
 * earlier mapping. Returns 0, -EINVAL (unaligned, out of range) or -ENOMEM.
 */
int ept_map(struct ept *e, u64 gpa, u64 hpa, u64 size, u64 perms, u64 memtype);
/* Removes mappings in [gpa, gpa + size) (page-aligned); absent parts are fine. */
int ept_unmap(struct ept *e, u64 gpa, u64 size);
/* Looks gpa up: 0 with *hpa and *perms, or -ENOENT. */
int ept_translate(const struct ept *e, u64 gpa, u64 *hpa, u64 *perms);
/* Frees every table, the root included. */
void ept_destroy(struct ept *e);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Guest linear -> guest physical translation, for hypercall arguments (which
 * are guest virtual addresses). Handles paging off, 32-bit (4K/4M), PAE and
 * 4-level paging with large pages. Pure: reads guest memory via a callback.
 */
#ifndef KEEL_ARCH_X86_GUEST_WALK_H
#define KEEL_ARCH_X86_GUEST_WALK_H

#include <keel/types.h>

struct guest_paging {
	u64 cr0, cr3, cr4, efer;
	/* Reads `size` (4 or 8) bytes of guest-physical memory; 0 or -EFAULT. */
	int (*read_phys)(void *ctx, u64 gpa, void *out, u32 size);
	void *ctx;
};

/* 0 with *gpa, or -EFAULT when a level is not present or a write hits a read-only page. */
int guest_walk(const struct guest_paging *g, u64 gva, bool write, u64 *gpa);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Physical memory as a sorted list of free extents [start, end), page-aligned.
 * Allocation is first fit from the top, so low memory (real-mode trampolines,
 * legacy areas) is used last. Pure code: unit-tested on the host.
 */
#ifndef KEEL_FRAME_POOL_H
#define KEEL_FRAME_POOL_H

#include <keel/types.h>

#define FRAME_POOL_MAX_EXTENTS 128

struct frame_extent {
	u64 start;
	u64 end;
};

struct frame_pool {
	u32 nr;
	u64 free_bytes;
	struct frame_extent ext[FRAME_POOL_MAX_EXTENTS];
};

void frame_pool_init(struct frame_pool *p);
/* Adds [start, end) rounded inwards to pages. -ENOSPC if the table is full, -EEXIST on overlap. */
int frame_pool_add(struct frame_pool *p, u64 start, u64 end);
/* Removes [start, end) rounded outwards to pages from the free set (parts not free are ignored). */
int frame_pool_reserve(struct frame_pool *p, u64 start, u64 end);
/* Allocates size bytes (page multiple) aligned to align (power of two >= 4 KiB). */
int frame_pool_alloc(struct frame_pool *p, u64 size, u64 align, u64 *out);
/* Returns [start, start + size) to the pool. */
int frame_pool_free(struct frame_pool *p, u64 start, u64 size);
/* The largest contiguous free extent, in bytes. */
u64 frame_pool_largest(const struct frame_pool *p);

#endif

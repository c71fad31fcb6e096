/* SPDX-License-Identifier: MIT */
/*
 * A bounded set of inclusive u64 ranges, kept sorted and disjoint, adjacent
 * ranges merged (the semantics of Xen's rangesets that ioreq servers use).
 * Pure: unit-tested on the host (tests/hypervisor/unit/test_rangeset.c).
 */
#ifndef KEEL_RANGESET_H
#define KEEL_RANGESET_H

#include <keel/types.h>

struct range {
	u64 start, end; /* inclusive */
};

struct rangeset {
	u32 nr, max;
	struct range *r; /* max entries, owned by the caller */
};

void rangeset_init(struct rangeset *s, struct range *storage, u32 max);
/* -EINVAL if start > end, -EEXIST if it overlaps, -ENOMEM when no entry is left. */
int rangeset_add(struct rangeset *s, u64 start, u64 end);
/* -EINVAL if start > end, -ENOENT unless wholly inside one range, -ENOMEM if a split has no room.
 */
int rangeset_remove(struct rangeset *s, u64 start, u64 end);
/* True when [start, end] lies wholly inside the set. */
bool rangeset_contains(const struct rangeset *s, u64 start, u64 end);

#endif

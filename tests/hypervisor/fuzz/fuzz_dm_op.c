// SPDX-License-Identifier: MIT
/*
 * Fuzz target: dm_op requests as a device model writes them (32-byte records:
 * op, pad, the op's struct), checked as the hypercall checks them, and the
 * accepted range maps and unmaps applied to a small range set whose
 * invariants (sorted, disjoint, merged, bounded) must hold throughout.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <keel/dm_op_check.h>
#include <keel/rangeset.h>

#define RECORD 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct range storage[8];
	struct rangeset s;

	rangeset_init(&s, storage, 8);
	for (size_t off = 0; off + RECORD <= size; off += RECORD) {
		struct xen_dm_op op;
		memset(&op, 0, sizeof(op));
		memcpy(&op, data + off, RECORD);
		u32 len = dm_op_size(op.op);
		if (len > RECORD - DMOP_HEAD)
			abort(); /* every implemented op's struct fits Xen's 32-byte xen_dm_op */
		if (!len || dm_op_check(&op))
			continue;
		const struct xen_dm_op_ioreq_server_range *r = &op.u.range;
		if (r->start > r->end && (op.op == XEN_DMOP_map_io_range_to_ioreq_server ||
					  op.op == XEN_DMOP_unmap_io_range_from_ioreq_server))
			abort(); /* the check lets no reversed range through */
		bool was = rangeset_contains(&s, r->start, r->end);
		if (op.op == XEN_DMOP_map_io_range_to_ioreq_server) {
			if (!rangeset_add(&s, r->start, r->end) &&
			    !rangeset_contains(&s, r->start, r->end))
				abort();
		} else if (op.op == XEN_DMOP_unmap_io_range_from_ioreq_server) {
			int rc = rangeset_remove(&s, r->start, r->end);
			if ((rc == 0 && !was) ||
			    (rc == 0 && rangeset_contains(&s, r->start, r->start)))
				abort();
		}
		if (s.nr > s.max)
			abort();
		for (u32 i = 1; i < s.nr; i++)
			if (s.r[i - 1].start > s.r[i - 1].end || s.r[i - 1].end + 1 >= s.r[i].start)
				abort();
	}
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Posting to an ioreq server's buffered ring (layout in public/xen/dm_op.h),
 * as Xen's ioreq_send_buffered: pure, on the page the device model shares, so
 * every pointer in it is untrusted (slots are indexed modulo the ring: a
 * garbage pointer makes the ring look full or misplaces an entry, never more).
 */
#ifndef KEEL_BUFIOREQ_H
#define KEEL_BUFIOREQ_H

#include <keel/types.h>

/*
 * Posts a write of size bytes (1, 2, 4, 8) of data to addr (< 1 MiB) of the given type. atomic:
 * the server asked HVM_IOREQSRV_BUFIOREQ_ATOMIC, so both pointers are rebased below the ring
 * size with a 64-bit compare-exchange. False when it cannot go there (ring full, bad size or
 * address): nothing written.
 */
bool bufioreq_post(void *page, bool atomic, u8 type, u8 size, u64 addr, u64 data);

#endif

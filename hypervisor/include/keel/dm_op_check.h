/* SPDX-License-Identifier: MIT */
/*
 * dm_op requests as a device model writes them (public/xen/dm_op.h): the size
 * of each op's struct and the checks Xen makes before acting. Pure: the
 * hypercall (xen/hc_dm_op.c) and the fuzz target use it.
 */
#ifndef KEEL_DM_OP_CHECK_H
#define KEEL_DM_OP_CHECK_H

#include <keel/types.h>
#include <public/xen/dm_op.h>

#define DMOP_HEAD 8 /* op and pad, before the op's struct */

/* Bytes of op's struct as Xen lays it out; 0 for an op Keel does not implement. */
u32 dm_op_size(u32 op);
/*
 * 0, or -EINVAL for a pad that is not 0, a flag Xen does not know, start > end,
 * an IRQ, link, device, INTx or level out of range.
 */
int dm_op_check(const struct xen_dm_op *op);

#endif

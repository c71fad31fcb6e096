/* SPDX-License-Identifier: MIT */
/*
 * Hypercall arguments of 32-bit callers (HVM firmware: hvmloader, SeaBIOS), in
 * Xen's compat layouts, where guest handles, xen_ulong_t and xen_pfn_t are 4
 * bytes (Xen's xen/include/compat/, generated from the public headers for
 * x86_32). Each reader takes the caller's layout (v->compat: the vCPU made the
 * hypercall outside long mode) and fills the native struct.
 *   xen_memory_map (8):           u32 nr_entries @0, u32 buffer @4
 *   xen_add_to_physmap (16):      u16 domid @0, u16 size @2, u32 space @4, u32 idx @8, u32 gpfn @12
 *   xen_memory_reservation (20):  u32 extent_start @0, u32 nr_extents @4, u32 extent_order @8,
 *                                 u32 mem_flags @12, u16 domid @16; extents are u32 GFNs
 *   sched_poll (16):              u32 ports @0, u32 nr_ports @4, u64 timeout @8
 */
#ifndef KEEL_COMPAT_H
#define KEEL_COMPAT_H

#include <keel/domain.h>
#include <public/xen/memory.h>
#include <public/xen/memory_reservation.h>

/* struct sched_poll (24 bytes): ports @0 (guest pointer to u32[]), nr_ports @8, timeout @16. */
struct sched_poll {
	u64 ports;
	u32 nr_ports;
	u32 pad;
	u64 timeout;
};

/* 0 or -EFAULT. */
int guest_read_memory_map(struct vcpu *v, u64 arg, struct xen_memory_map *m);
int guest_read_add_to_physmap(struct vcpu *v, u64 arg, struct xen_add_to_physmap *x);
int guest_read_reservation(struct vcpu *v, u64 arg, struct xen_memory_reservation *r);
/* Entry i of a GFN list (xen_pfn_t: 8 bytes, 4 for a 32-bit caller). */
int guest_read_pfn(struct vcpu *v, u64 list, u64 i, u64 *pfn);
int guest_read_sched_poll(struct vcpu *v, u64 arg, struct sched_poll *p);

#endif

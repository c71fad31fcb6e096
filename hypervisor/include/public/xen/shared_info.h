/* SPDX-License-Identifier: MIT */
/*
 * Keel's guest ABI, part 2: the shared-info page and per-vCPU info, with
 * Xen's layouts (public/xen.h, x86-64). A guest places shared_info with
 * memory_op(XENMEM_add_to_physmap, XENMAPSPACE_shared_info) and may move its
 * vcpu_info elsewhere with vcpu_op(VCPUOP_register_vcpu_info).
 *
 * vcpu_time_info (32 bytes): version @0 (odd while updating), pad @4,
 *   tsc_timestamp @8, system_time @16 (ns since boot), tsc_to_system_mul @24,
 *   tsc_shift @28 (s8), flags @29, pad @30.
 *   now = system_time + ((((tsc - tsc_timestamp) << shift) * mul) >> 32)
 *   (a negative shift shifts right).
 * vcpu_info (64 bytes): evtchn_upcall_pending @0, evtchn_upcall_mask @1,
 *   evtchn_pending_sel @8, arch {cr2, pad} @16, time @32.
 * shared_info: vcpu_info[32] @0, evtchn_pending[64] @2048, evtchn_mask[64]
 *   @2560, wc_version @3072, wc_sec @3076, wc_nsec @3080, wc_sec_hi @3084,
 *   arch {max_pfn, pfn_to_mfn_frame_list_list, nmi_reason, p2m_cr3,
 *   p2m_vaddr, p2m_generation} @3088.
 */
#ifndef KEEL_PUBLIC_XEN_SHARED_INFO_H
#define KEEL_PUBLIC_XEN_SHARED_INFO_H

#include <stdint.h>

#define XEN_LEGACY_MAX_VCPUS   32
#define XEN_NR_EVENT_CHANNELS  4096 /* 2-level ABI, 64-bit guests */
#define XEN_PVCLOCK_TSC_STABLE (1 << 0)

struct vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad1[2];
};

struct vcpu_info {
	uint8_t evtchn_upcall_pending;
	uint8_t evtchn_upcall_mask;
	uint8_t pad[6];
	uint64_t evtchn_pending_sel;
	uint64_t arch_cr2;
	uint64_t arch_pad;
	struct vcpu_time_info time;
};

struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	uint64_t evtchn_pending[64];
	uint64_t evtchn_mask[64];
	uint32_t wc_version;
	uint32_t wc_sec;
	uint32_t wc_nsec;
	uint32_t wc_sec_hi;
	uint64_t arch[6];
};

_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info is 32 bytes");
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info is 64 bytes");
_Static_assert(__builtin_offsetof(struct shared_info, evtchn_pending) == 2048, "layout");
_Static_assert(__builtin_offsetof(struct shared_info, wc_version) == 3072, "layout");
_Static_assert(sizeof(struct shared_info) <= 4096, "one page");

#endif

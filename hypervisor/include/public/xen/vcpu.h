/* SPDX-License-Identifier: MIT */
/*
 * Keel's guest ABI, part 4: vcpu_op (hypercall 24) (cmd, vcpuid, arg) and
 * set_timer_op (15) (timeout_abs_ns), with Xen's layouts (public/vcpu.h).
 *
 * struct vcpu_register_vcpu_info (16 bytes): mfn @0 (guest frame), offset @8
 *   (u32; the 64-byte vcpu_info must not cross the page), rsvd @12.
 * struct vcpu_register_runstate_memory_area (8 bytes): guest virtual address
 *   of a struct vcpu_runstate_info, updated at every state change.
 * struct vcpu_runstate_info (48 bytes): state @0 (s32), state_entry_time @8,
 *   time[4] @16 (ns in running, runnable, blocked, offline).
 * struct vcpu_set_singleshot_timer (16 bytes): timeout_abs_ns @0, flags @8
 *   (VCPU_SSHOTTMR_future: fail with -ETIME if already past).
 * The single-shot timer raises VIRQ_TIMER on its vCPU.
 */
#ifndef KEEL_PUBLIC_XEN_VCPU_H
#define KEEL_PUBLIC_XEN_VCPU_H

#include <stdint.h>

#define VCPUOP_initialise		      0
#define VCPUOP_up			      1
#define VCPUOP_down			      2
#define VCPUOP_is_up			      3
#define VCPUOP_get_runstate_info	      4
#define VCPUOP_register_runstate_memory_area  5
#define VCPUOP_set_periodic_timer	      6
#define VCPUOP_stop_periodic_timer	      7
#define VCPUOP_set_singleshot_timer	      8
#define VCPUOP_stop_singleshot_timer	      9
#define VCPUOP_register_vcpu_info	      10
#define VCPUOP_send_nmi			      11
#define VCPUOP_get_physid		      12
#define VCPUOP_register_vcpu_time_memory_area 13

#define RUNSTATE_running  0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked  2
#define RUNSTATE_offline  3

#define VCPU_SSHOTTMR_future (1 << 0)

struct vcpu_register_vcpu_info {
	uint64_t mfn;
	uint32_t offset;
	uint32_t rsvd;
};

struct vcpu_runstate_info {
	int32_t state;
	uint32_t pad;
	uint64_t state_entry_time;
	uint64_t time[4];
};

struct vcpu_set_singleshot_timer {
	uint64_t timeout_abs_ns;
	uint32_t flags;
	uint32_t pad;
};

_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "vcpu_runstate_info is 48 bytes");

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Keel's own hypercall: domain control for the toolstack (controld in dom0).
 * Only a privileged domain may call it (boot module option "privileged";
 * dom0 later); others get -EPERM.
 *
 * Hypercall __HYPERVISOR_keel_domctl (56): (struct keel_domctl *op). Numbers
 * 48-55 are Xen's architecture-specific range; 56 is outside what Xen assigns.
 * Returns 0 or a negative errno; results are written back into *op.
 *
 * struct keel_domctl (96 bytes):
 *   @0  u32 cmd          KEEL_DOMCTL_*
 *   @4  u16 domid        the target (not DOMID_SELF)
 *   @6  u16 pad
 *   @8  union (88 bytes):
 *       getinfo / next (out): struct keel_domain_info
 *       setsched (in): struct keel_sched
 *       setmaxmem (in): u64 max_bytes
 *
 * KEEL_DOMCTL_setsched: weight 1-65535, cap 0-100 per vCPU (0 = none); -EINVAL
 *   outside those or for a domain that has ended.
 * KEEL_DOMCTL_setmaxmem: the most RAM the domain may have backed (bytes, a
 *   multiple of 4 KiB, at most the RAM it was built with): populate_physmap
 *   past it is refused, so a balloon driver can give memory back and take back
 *   only up to the target. -EINVAL outside those bounds.
 *
 * struct keel_sched (8 bytes): @0 u32 weight, @4 u32 cap
 *
 * struct keel_domain_info (88 bytes):
 *   @0  u16 domid        (KEEL_DOMCTL_next: the first domain with id >= domid)
 *   @2  u8  state        KEEL_DOMSTATE_*
 *   @3  u8  shutdown_reason (SHUTDOWN_* when state is shutdown)
 *   @4  u32 nr_vcpus
 *   @8  u64 mem_bytes
 *   @16 u64 cpu_ns       time its vCPUs have run, in total
 *   @24 u32 weight
 *   @28 u32 cap          percent of one pCPU, 0 = none
 *   @32 char name[32]    NUL-terminated
 *   @64 u32 flags        KEEL_DOMINFO_*
 *   @68 u32 pad0
 *   @72 u64 max_mem_bytes   the setmaxmem limit (mem_bytes until set)
 *   @80 u64 cur_mem_bytes   RAM backed now (less what it ballooned out)
 */
#ifndef KEEL_PUBLIC_KEEL_DOMCTL_H
#define KEEL_PUBLIC_KEEL_DOMCTL_H

#include <stdint.h>

#define __HYPERVISOR_keel_domctl 56

#define KEEL_DOMCTL_getinfo   1
#define KEEL_DOMCTL_next      2 /* iterate: info of the first domain with id >= domid */
#define KEEL_DOMCTL_pause     3
#define KEEL_DOMCTL_unpause   4
#define KEEL_DOMCTL_destroy   5
#define KEEL_DOMCTL_setsched  6
#define KEEL_DOMCTL_setmaxmem 7

#define KEEL_DOMSTATE_paused   1
#define KEEL_DOMSTATE_running  2
#define KEEL_DOMSTATE_shutdown 3
#define KEEL_DOMSTATE_crashed  4

#define KEEL_DOMINFO_privileged (1 << 0)

struct keel_domain_info {
	uint16_t domid;
	uint8_t state;
	uint8_t shutdown_reason;
	uint32_t nr_vcpus;
	uint64_t mem_bytes;
	uint64_t cpu_ns;
	uint32_t weight;
	uint32_t cap;
	char name[32];
	uint32_t flags;
	uint32_t pad0;
	uint64_t max_mem_bytes;
	uint64_t cur_mem_bytes;
};

struct keel_sched {
	uint32_t weight;
	uint32_t cap;
};

struct keel_domctl {
	uint32_t cmd;
	uint16_t domid;
	uint16_t pad;
	union {
		struct keel_domain_info info;
		struct keel_sched sched;
		uint64_t max_bytes;
		uint8_t raw[88];
	} u;
};

_Static_assert(sizeof(struct keel_domain_info) == 88, "keel_domain_info is 88 bytes");
_Static_assert(sizeof(struct keel_domctl) == 96, "keel_domctl is 96 bytes");

#endif

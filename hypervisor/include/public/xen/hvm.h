/* SPDX-License-Identifier: MIT */
/*
 * Keel's guest ABI, part 5: hvm_op (hypercall 34), get/set_param.
 * struct xen_hvm_param (16 bytes): domid @0 (u16), index @4 (u32), value @8.
 * HVM_PARAM_CALLBACK_IRQ: value (2 << 56) | vector delivers the event-channel
 * upcall as that vector on every vCPU; 0 disables it.
 */
#ifndef KEEL_PUBLIC_XEN_HVM_H
#define KEEL_PUBLIC_XEN_HVM_H

#include <stdint.h>

#define HVMOP_set_param	      0
#define HVMOP_get_param	      1
#define HVMOP_pagetable_dying 9

#define HVM_PARAM_CALLBACK_IRQ	 0
#define HVM_PARAM_STORE_PFN	 1
#define HVM_PARAM_STORE_EVTCHN	 2
#define HVM_PARAM_CONSOLE_PFN	 17
#define HVM_PARAM_CONSOLE_EVTCHN 18
#define HVM_NR_PARAMS		 40

/* 1 moves the PM timer to 0xB008 and the PM1a event block to 0xB000 (hvmloader sets it). */
#define HVM_PARAM_ACPI_IOPORTS_LOCATION 19
/* 1: the domain has an HPET at 0xFED00000 (set by the domain builder). */
#define HVM_PARAM_HPET_ENABLED 11

#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2ULL

struct xen_hvm_param {
	uint16_t domid;
	uint16_t pad;
	uint32_t index;
	uint64_t value;
};

_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param is 16 bytes");

#endif

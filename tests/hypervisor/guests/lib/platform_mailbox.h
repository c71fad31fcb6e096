/* SPDX-License-Identifier: MIT */
/*
 * The rendezvous of the dm_op interrupt test (platform_dm.c driving
 * platform_irq.c): a page of the HVM guest that the privileged "device model"
 * guest maps with XENMEM_add_to_physmap_batch (gmfn_foreign). The HVM guest asks
 * for step n by writing req = n; the device model answers ack = n when done.
 */
#ifndef KEEL_TEST_PLATFORM_MAILBOX_H
#define KEEL_TEST_PLATFORM_MAILBOX_H

#include <stdint.h>

#define MAILBOX_GFN   0xe00 /* 14 MiB: free RAM of a 16 MiB guest */
#define MAILBOX_MAGIC 0x4d424f58u

struct mailbox {
	volatile uint32_t magic;
	volatile uint32_t req;
	volatile uint32_t ack;
};

/* The steps. */
#define STEP_ISA5_UP   1 /* set_isa_irq_level(5, 1) */
#define STEP_ISA5_DOWN 2
#define STEP_INTX_UP   3 /* set_pci_link_route(3, 10), set_pci_intx_level(dev 3, INTA, 1) */
#define STEP_INTX_DOWN 4 /* deassert, link 3 disconnected */
#define STEP_MSI       5 /* inject_msi(0xfee00000, vector 0x61), and the refusals */
#define STEP_ISA4_UP   6 /* set_isa_irq_level(4, 1): an edge through the PIC (line held up) */
#define STEP_ISA4_DOWN 7
#define STEP_LAST      7

#define VEC_ISA5 0x55
#define VEC_INTX 0x5c /* GSI 28: device 3 INTA, 16 + ((4 * 3 + 0 + 0) mod 32) */
#define VEC_LINK 0x5a /* GSI 10: link 3 routed to ISA IRQ 10 */
#define VEC_MSI	 0x61

#endif

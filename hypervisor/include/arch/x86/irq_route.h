/* SPDX-License-Identifier: MIT */
/*
 * Physical interrupts of the host's devices go to dom0, which owns them and
 * programs the IO-APIC and MSI with vectors of its own choice. Keel's own
 * vectors (HOST_*_VECTOR, 0xf0 and up) lie above every vector Linux gives a
 * device (it allocates them below its system vectors at 0xec), so the vector
 * says who an interrupt is for. An edge-triggered interrupt is acknowledged
 * at once; a level-triggered one stays in service at the physical local APIC
 * until dom0 EOIs its virtual one, so the line cannot fire again before
 * dom0's handler has quietened the device.
 */
#ifndef ARCH_X86_IRQ_ROUTE_H
#define ARCH_X86_IRQ_ROUTE_H

#include <keel/types.h>

#define IRQ_ROUTE_FIRST 0x20
#define IRQ_ROUTE_LAST	0xef

struct vcpu;

/* Pure: whether a vector is a device's (dom0's) rather than Keel's. */
static inline bool irq_route_is_device_vector(u32 vector)
{
	return vector >= IRQ_ROUTE_FIRST && vector <= IRQ_ROUTE_LAST;
}

/* An interrupt acknowledged on this pCPU: true if it was a device's (handled). */
bool irq_route_deliver(u32 vector);
/* dom0 wrote EOI for vector on its virtual local APIC. */
void irq_route_eoi(struct vcpu *v, u32 vector);
/* Interrupts delivered to dom0 so far (for the console and tests). */
u64 irq_route_count(void);

#endif

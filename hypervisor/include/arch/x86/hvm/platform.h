/* SPDX-License-Identifier: MIT */
/*
 * The platform devices Keel emulates itself for an HVM domain (Xen 4.17's
 * split, hypervisor/HVM.md §4): PIC pair and ELCR, IO-APIC, PIT and port
 * 0x61, RTC clock registers, ACPI PM timer and PM1a event block. This file
 * wires them together: ISA IRQs, PCI INTx and link routes to PIC and IO-APIC
 * pins as Xen's irq.c counts them, IO-APIC and MSI messages to the vLAPICs,
 * the PIC's output to vCPU 0 as ExtINT, and Keel timers for the PIT, RTC,
 * PM timer, HPET. The devices themselves are pure state machines (hvm/v*.c).
 * The HPET is there only when HVM_PARAM_HPET_ENABLED is 1 (libxl's default
 * sets it; Keel's boot option "hpet"); else its page reads all ones, as Xen.
 */
#ifndef ARCH_X86_HVM_PLATFORM_H
#define ARCH_X86_HVM_PLATFORM_H

#include <keel/types.h>

struct domain;
struct vcpu;

/* At domain creation (d->hvm), and when the domain is freed. 0 or -ENOMEM. */
int hvm_platform_init(struct domain *d);
void hvm_platform_free(struct domain *d);

/*
 * A port access Keel's devices answer (not string I/O): true with *val filled
 * for a read; false when the device model gets it (or nobody: all ones).
 */
bool hvm_port_io(struct vcpu *v, u16 port, u32 size, bool in, u32 *val);
/* Whether Keel's devices take INS/OUTS on port (element by element through hvm_port_io). */
bool hvm_port_claims_string(struct vcpu *v, u16 port);

/* The IO-APIC's MMIO window, and the HPET's when HVM_PARAM_HPET_ENABLED is 1. */
bool hvm_mmio_claims(struct vcpu *v, u64 gpa);
u64 hvm_mmio_read(struct vcpu *v, u64 gpa, u32 size);
void hvm_mmio_write(struct vcpu *v, u64 gpa, u32 size, u64 val);

/* The vLAPIC of v EOIed a level-triggered vector. */
void hvm_platform_eoi(struct vcpu *v, u8 vector);
/* The PIC's output is up and v takes it as ExtINT; and INTA: the vector (-1 none). */
bool hvm_extint_pending(struct vcpu *v);
int hvm_extint_ack(struct vcpu *v);

/* Interrupt lines a device model drives (dm_op): 0 or -EINVAL as Xen. */
int hvm_set_isa_irq_level(struct domain *d, u32 isa_irq, u32 level);
int hvm_set_pci_intx_level(struct domain *d, u32 device, u32 intx, u32 level);
int hvm_set_pci_link_route(struct domain *d, u32 link, u32 isa_irq);
int hvm_inject_msi(struct domain *d, u64 addr, u32 data);

/* Pure: Xen's wiring (hvm_isa_irq_to_gsi, hvm_pci_intx_gsi, hvm_pci_intx_link). */
static inline u32 hvm_isa_irq_to_gsi(u32 isa_irq)
{
	return isa_irq ? isa_irq : 2;
}
static inline u32 hvm_pci_intx_gsi(u32 dev, u32 intx)
{
	return (((dev << 2) + (dev >> 3) + intx) & 31) + 16;
}
static inline u32 hvm_pci_intx_link(u32 dev, u32 intx)
{
	return (dev + intx) & 3;
}

#endif

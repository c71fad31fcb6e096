/* SPDX-License-Identifier: MIT */
/*
 * The IO-APIC of an HVM domain, as Xen 4.17's vioapic.c: one IO-APIC at
 * 0xFEC00000, version 0x11, 48 pins (GSI 0-15 ISA, 16-47 PCI), IOREGSEL at +0,
 * IOWIN at +0x10, EOI at +0x40; redirection entries with vector, delivery mode
 * (fixed, lowest priority, NMI, ExtINT), destination mode, polarity, remote
 * IRR, trigger mode and mask. Pure state machine: a delivery goes to the
 * callback the platform sets (platform.c finds the vLAPICs).
 */
#ifndef ARCH_X86_HVM_VIOAPIC_H
#define ARCH_X86_HVM_VIOAPIC_H

#include <keel/types.h>

#define VIOAPIC_BASE	0xfec00000ULL
#define VIOAPIC_SIZE	0x100 /* Xen claims this much of the page */
#define VIOAPIC_PINS	48
#define VIOAPIC_VERSION 0x11

#define RTE_VECTOR(e)	((u8)(e))
#define RTE_MODE(e)	(((e) >> 8) & 7)
#define RTE_LOGICAL	BIT(11)
#define RTE_POLARITY	BIT(13)
#define RTE_REMOTE_IRR	BIT(14)
#define RTE_LEVEL	BIT(15)
#define RTE_MASKED	BIT(16)
#define RTE_DEST(e)	((u8)((e) >> 56))
#define RTE_MODE_FIXED	0
#define RTE_MODE_LOWEST 1
#define RTE_MODE_NMI	4
#define RTE_MODE_EXTINT 7

struct vioapic_msg {
	u8 vector, mode, dest;
	bool logical, level;
};

struct vioapic {
	u32 id; /* bits 27:24 of register 0 */
	u32 ioregsel;
	u64 rte[VIOAPIC_PINS];
	u64 line; /* pins whose input is asserted */
	void (*deliver)(void *ctx, const struct vioapic_msg *m);
	void *ctx;
};

void vioapic_reset(struct vioapic *a);
/* Accesses at offset off (0-0xff) within the IO-APIC; only aligned 32-bit ones reach a register. */
u32 vioapic_read(struct vioapic *a, u32 off, u32 size);
void vioapic_write(struct vioapic *a, u32 off, u32 size, u32 val);
/* A GSI's input level: an edge entry delivers on 0 -> 1, a level entry while asserted. */
void vioapic_set_line(struct vioapic *a, u32 gsi, bool high);
/* A level-triggered vector was EOIed: remote IRR cleared, delivered again if still asserted. */
void vioapic_eoi(struct vioapic *a, u8 vector);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The PIC pair of an HVM domain (two 8259As, the slave on the master's IRQ 2)
 * and its ELCR, as Xen's vpic.c models them: ICW1-4, OCW1-3, IRR/ISR reads,
 * poll, automatic EOI (with rotation), special mask and special fully nested
 * modes, priority rotation, edge or level per ELCR. Pure state machine: the
 * platform (platform.c) feeds it line levels and port accesses and takes the
 * vector when it injects the INTR output as ExtINT.
 */
#ifndef ARCH_X86_HVM_VPIC_H
#define ARCH_X86_HVM_VPIC_H

#include <keel/types.h>

struct vpic_chip {
	u8 irr, imr, isr;
	u8 elcr, elcr_mask; /* level-triggered lines; the bits the guest may set */
	u8 base;	    /* ICW2: vector of line 0 */
	u8 priority_add;    /* the line with the highest priority */
	u8 init_state;	    /* bits 0-1: next ICW (0 none, 1 ICW2, 2 ICW3, 3 ICW4); 2: ICW4
			       wanted; 3: single (no ICW3) */
	bool auto_eoi, rotate_on_auto_eoi, special_mask, special_fully_nested;
	bool read_isr, poll;
	bool int_output;
};

struct vpic {
	struct vpic_chip chip[2]; /* master (0x20, IRQ 0-7), slave (0xA0, IRQ 8-15) */
};

void vpic_reset(struct vpic *p);
/* Port 0x20/0x21/0xA0/0xA1 (one byte) and the ELCR at 0x4D0/0x4D1. */
u8 vpic_read(struct vpic *p, u16 port);
void vpic_write(struct vpic *p, u16 port, u8 val);
u8 vpic_elcr_read(const struct vpic *p, u32 chip);
void vpic_elcr_write(struct vpic *p, u32 chip, u8 val);
/* ISA IRQ 0-15 (2 is the cascade: ignored) going high or low. */
void vpic_set_line(struct vpic *p, u32 irq, bool high);
/* The master's INTR output. */
bool vpic_intr(const struct vpic *p);
/* INTA: the vector of the highest pending line, now in service; -1 when nothing is pending. */
int vpic_ack(struct vpic *p);

#endif

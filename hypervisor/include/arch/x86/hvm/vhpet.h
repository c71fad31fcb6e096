/* SPDX-License-Identifier: MIT */
/*
 * The HPET of an HVM domain (IA-PC HPET 1.0a; the model of Xen's hpet.c), at
 * 0xFED00000 when HVM_PARAM_HPET_ENABLED is 1: vendor 0x8086, a 64-bit main
 * counter at 62.5 MHz (period 16,000,000 fs), three comparators (one-shot or
 * periodic, 32- or 64-bit, edge or level), legacy replacement routing (timer 0
 * to ISA IRQ 0, timer 1 to ISA IRQ 8) or IO-APIC routing to GSI 20-23, and
 * the general interrupt status for level-triggered timers. Pure: time comes in
 * as ns of the domain's clock; the platform arms a Keel timer per comparator
 * at vhpet_next_expiry and calls vhpet_expire when it fires.
 */
#ifndef ARCH_X86_HVM_VHPET_H
#define ARCH_X86_HVM_VHPET_H

#include <keel/types.h>

#define VHPET_BASE   0xfed00000ULL
#define VHPET_SIZE   0x400
#define VHPET_TIMERS 3
#define VHPET_NS     16 /* one tick of the 62.5 MHz counter */

#define VHPET_CONF_ENABLE BIT(0)
#define VHPET_CONF_LEGACY BIT(1)
#define VHPET_TN_LEVEL	  BIT(1)
#define VHPET_TN_ENABLE	  BIT(2)
#define VHPET_TN_PERIODIC BIT(3)
#define VHPET_TN_SETVAL	  BIT(6)
#define VHPET_TN_32BIT	  BIT(8)
#define VHPET_TN_ROUTE(c) (((c) >> 9) & 0x1f)

struct vhpet {
	u64 conf;
	u64 isr;	  /* general interrupt status: level timers that fired */
	u64 counter_base; /* the main counter at base_ns (or while halted) */
	u64 base_ns;
	u64 config[VHPET_TIMERS];
	u64 cmp[VHPET_TIMERS];
	u64 period[VHPET_TIMERS];
	bool armed[VHPET_TIMERS]; /* a one-shot fires once per programming */
};

/* What a timer's expiry asks of the platform. */
struct vhpet_irq {
	bool raise;  /* an interrupt is due */
	bool legacy; /* on ISA IRQ isa (0 or 8), as an edge */
	u32 line;    /* ISA IRQ (legacy) or GSI */
	bool level;  /* a level GSI: held until the status bit is cleared */
};

void vhpet_reset(struct vhpet *h);
/* Aligned 4- or 8-byte accesses at offset off; others read all ones, writes are dropped. */
u64 vhpet_read(struct vhpet *h, u32 off, u32 size, u64 now);
void vhpet_write(struct vhpet *h, u32 off, u32 size, u64 val, u64 now);
u64 vhpet_counter(const struct vhpet *h, u64 now);
/* When timer n next fires (ns), or 0 when it is off. */
u64 vhpet_next_expiry(const struct vhpet *h, u32 n, u64 now);
/* Timer n's comparator was reached: a periodic one moves on; says which interrupt to raise. */
struct vhpet_irq vhpet_expire(struct vhpet *h, u32 n, u64 now);

#endif

// SPDX-License-Identifier: MIT
/*
 * Virtual IO-APIC (Intel 82093AA data sheet; Xen xen/arch/x86/hvm/vioapic.c for
 * the version, pin count and EOI rules). See vioapic.h.
 */
#include <arch/x86/hvm/vioapic.h>
#include <keel/string.h>

#define IOREGSEL 0x00
#define IOWIN	 0x10
#define EOI	 0x40
#define REG_ID	 0x00
#define REG_VER	 0x01
#define REG_ARB	 0x02
#define REG_RTE0 0x10

/* Bits a guest may write: vector, mode, destination mode, polarity, trigger, mask, destination. */
#define RTE_WRITABLE (0xff00000000000000ULL | 0x1afffULL)

void vioapic_reset(struct vioapic *a)
{
	a->id = 0;
	a->ioregsel = 0;
	a->line = 0;
	for (u32 i = 0; i < VIOAPIC_PINS; i++)
		a->rte[i] = RTE_MASKED;
}

static void deliver(struct vioapic *a, u32 pin)
{
	u64 e = a->rte[pin];
	struct vioapic_msg m = {RTE_VECTOR(e), (u8)RTE_MODE(e), RTE_DEST(e), (e & RTE_LOGICAL) != 0,
				(e & RTE_LEVEL) != 0};

	if (m.mode == RTE_MODE_EXTINT)
		return; /* the PIC's output: taken by the vCPU's ExtINT path (platform.c) */
	if (a->deliver)
		a->deliver(a->ctx, &m);
}

/* An asserted level pin with its entry unmasked and idle raises the interrupt once more. */
static void retrigger_level(struct vioapic *a, u32 pin)
{
	u64 *e = &a->rte[pin];

	if (!(*e & RTE_MASKED) && (*e & RTE_LEVEL) && !(*e & RTE_REMOTE_IRR) &&
	    (a->line & (1ULL << pin))) {
		*e |= RTE_REMOTE_IRR;
		deliver(a, pin);
	}
}

static u32 reg_read(struct vioapic *a)
{
	u32 r = a->ioregsel & 0xff;

	switch (r) {
	case REG_ID:
	case REG_ARB:
		return a->id << 24;
	case REG_VER:
		return ((VIOAPIC_PINS - 1) << 16) | VIOAPIC_VERSION;
	default:
		if (r >= REG_RTE0 && r < REG_RTE0 + 2 * VIOAPIC_PINS) {
			u64 e = a->rte[(r - REG_RTE0) / 2];
			return (r & 1) ? (u32)(e >> 32) : (u32)e;
		}
		return ~0u; /* reserved registers read as all ones, as Xen */
	}
}

static void rte_write(struct vioapic *a, u32 pin, bool high, u32 val)
{
	u64 old = a->rte[pin];
	u64 e = high ? (old & 0xffffffffULL) | ((u64)val << 32) : (old & ~0xffffffffULL) | val;

	e = (e & RTE_WRITABLE) | (old & RTE_REMOTE_IRR);
	if (!(e & RTE_LEVEL))
		e &= ~RTE_REMOTE_IRR;
	a->rte[pin] = e;
	retrigger_level(a, pin);
}

static void reg_write(struct vioapic *a, u32 val)
{
	u32 r = a->ioregsel & 0xff;

	if (r == REG_ID)
		a->id = (val >> 24) & 0xf;
	else if (r >= REG_RTE0 && r < REG_RTE0 + 2 * VIOAPIC_PINS)
		rte_write(a, (r - REG_RTE0) / 2, r & 1, val);
	/* the version and arbitration registers are read-only */
}

u32 vioapic_read(struct vioapic *a, u32 off, u32 size)
{
	if (size != 4 || (off & 3))
		return ~0u;
	switch (off) {
	case IOREGSEL:
		return a->ioregsel;
	case IOWIN:
		return reg_read(a);
	default:
		return ~0u;
	}
}

void vioapic_write(struct vioapic *a, u32 off, u32 size, u32 val)
{
	if (size != 4 || (off & 3))
		return;
	switch (off) {
	case IOREGSEL:
		a->ioregsel = val & 0xff;
		break;
	case IOWIN:
		reg_write(a, val);
		break;
	case EOI:
		vioapic_eoi(a, (u8)val);
		break;
	default:
		break;
	}
}

void vioapic_set_line(struct vioapic *a, u32 gsi, bool high)
{
	if (gsi >= VIOAPIC_PINS)
		return;
	u64 bit = 1ULL << gsi;
	bool was = a->line & bit;

	if (!high) {
		a->line &= ~bit;
		return;
	}
	a->line |= bit;
	u64 e = a->rte[gsi];
	if (e & RTE_MASKED)
		return;
	if (!(e & RTE_LEVEL)) {
		if (!was)
			deliver(a, gsi);
	} else {
		retrigger_level(a, gsi);
	}
}

void vioapic_eoi(struct vioapic *a, u8 vector)
{
	for (u32 pin = 0; pin < VIOAPIC_PINS; pin++) {
		if (RTE_VECTOR(a->rte[pin]) != vector || !(a->rte[pin] & RTE_REMOTE_IRR))
			continue;
		a->rte[pin] &= ~RTE_REMOTE_IRR;
		retrigger_level(a, pin);
	}
}

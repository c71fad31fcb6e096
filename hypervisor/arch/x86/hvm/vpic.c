// SPDX-License-Identifier: MIT
/*
 * Two cascaded 8259A PICs (Intel 8259A data sheet; Xen xen/arch/x86/hvm/vpic.c
 * for what a guest may rely on). See vpic.h.
 */
#include <arch/x86/hvm/vpic.h>
#include <keel/string.h>

#define PRIO_NONE    8
#define CASCADE_LINE 2

/* How many lines below the highest priority the first bit of mask is; PRIO_NONE when empty. */
static u32 priority(const struct vpic_chip *c, u8 mask)
{
	if (!mask)
		return PRIO_NONE;
	u32 prio = 0;
	while (!(mask & (1u << ((prio + c->priority_add) & 7))))
		prio++;
	return prio;
}

/* The line to raise INTR for, or -1 when none beats what is in service. */
static int highest_irq(const struct vpic_chip *c, bool master)
{
	u32 prio = priority(c, c->irr & ~c->imr);

	if (prio == PRIO_NONE)
		return -1;
	int irq = (int)((prio + c->priority_add) & 7);
	u8 in_service = c->isr;
	if (c->special_fully_nested && master && irq == CASCADE_LINE)
		in_service &= (u8) ~(1u << CASCADE_LINE);
	if (c->special_mask)
		in_service &= (u8)~c->imr;
	return prio < priority(c, in_service) ? irq : -1;
}

/* Recomputes INTR; the slave's output is the master's line 2. */
static void update(struct vpic *p, u32 i)
{
	struct vpic_chip *c = &p->chip[i];
	bool out = !c->init_state && highest_irq(c, i == 0) >= 0;

	if (out == c->int_output)
		return;
	c->int_output = out;
	if (i == 1) {
		if (out)
			p->chip[0].irr |= 1u << CASCADE_LINE;
		else
			p->chip[0].irr &= (u8) ~(1u << CASCADE_LINE);
		update(p, 0);
	}
}

static void chip_reset(struct vpic_chip *c, bool master)
{
	memset(c, 0, sizeof(*c));
	c->base = master ? 0x08 : 0x70; /* the PC BIOS's vectors */
	c->elcr = master ? 1u << CASCADE_LINE : 0;
	c->elcr_mask = master ? 0xf8 : 0xde; /* IRQ 0, 1, 2, 8, 13 are always edge */
}

void vpic_reset(struct vpic *p)
{
	chip_reset(&p->chip[0], true);
	chip_reset(&p->chip[1], false);
}

static void intack(struct vpic *p, u32 i, int irq)
{
	struct vpic_chip *c = &p->chip[i];
	u8 mask = (u8)(1u << irq);

	if (!(c->elcr & mask))
		c->irr &= (u8)~mask; /* an edge is consumed; a level stays while the line is high */
	if (!c->auto_eoi)
		c->isr |= mask;
	else if (c->rotate_on_auto_eoi)
		c->priority_add = (u8)((irq + 1) & 7);
	update(p, i);
}

/* The line taken (0-15), or -1. */
static int acknowledge(struct vpic *p)
{
	int irq = highest_irq(&p->chip[0], true);

	if (irq < 0)
		return -1;
	intack(p, 0, irq);
	if (irq != CASCADE_LINE)
		return irq;
	int s = highest_irq(&p->chip[1], false);
	if (s < 0)
		return 15; /* the slave dropped its request meanwhile: spurious IRQ 15 */
	intack(p, 1, s);
	return 8 + s;
}

int vpic_ack(struct vpic *p)
{
	int irq = acknowledge(p);

	if (irq < 0)
		return -1;
	return p->chip[irq >> 3].base + (irq & 7);
}

bool vpic_intr(const struct vpic *p)
{
	return p->chip[0].int_output;
}

static void write_command(struct vpic *p, u32 i, u8 val)
{
	struct vpic_chip *c = &p->chip[i];

	if (val & 0x10) {	   /* ICW1 */
		c->irr &= c->elcr; /* forget edges */
		c->imr = c->isr = 0;
		c->priority_add = 0;
		c->rotate_on_auto_eoi = c->special_mask = c->read_isr = c->poll = false;
		if (!(val & 1)) /* no ICW4: its modes off */
			c->special_fully_nested = c->auto_eoi = false;
		c->init_state = (u8)(((val & 3) << 2) | 1);
	} else if (val & 0x08) { /* OCW3 */
		if (val & 0x04)
			c->poll = true;
		if (val & 0x02)
			c->read_isr = val & 1;
		if (val & 0x40)
			c->special_mask = (val >> 5) & 1;
	} else { /* OCW2 */
		u32 cmd = val >> 5, pin;
		switch (cmd) {
		case 0: /* rotate in automatic EOI mode: clear / set */
		case 4:
			c->rotate_on_auto_eoi = cmd == 4;
			break;
		case 1: /* non-specific EOI (and rotate) */
		case 5: {
			u8 mask = c->special_mask ? c->isr & (u8)~c->imr : c->isr;
			u32 prio = priority(c, mask);
			if (prio == PRIO_NONE)
				break;
			pin = (prio + c->priority_add) & 7;
			c->isr &= (u8) ~(1u << pin);
			if (cmd == 5)
				c->priority_add = (u8)((pin + 1) & 7);
			break;
		}
		case 3: /* specific EOI (and rotate) */
		case 7:
			pin = val & 7;
			c->isr &= (u8) ~(1u << pin);
			if (cmd == 7)
				c->priority_add = (u8)((pin + 1) & 7);
			break;
		case 6: /* set priority: the line after val's is the highest */
			c->priority_add = (u8)((val + 1) & 7);
			break;
		default: /* 2: no operation */
			break;
		}
	}
}

static void write_data(struct vpic_chip *c, u8 val)
{
	switch (c->init_state & 3) {
	case 0: /* OCW1 */
		c->imr = val;
		break;
	case 1: /* ICW2 */
		c->base = val & 0xf8;
		c->init_state++;
		if (!(c->init_state & 8))
			break; /* cascaded: ICW3 next */
			       /* single: no ICW3 */
			       /* fall through */
	case 2:		       /* ICW3: the cascade wiring is fixed */
		c->init_state++;
		if (!(c->init_state & 4))
			c->init_state = 0; /* no ICW4 */
		break;
	case 3: /* ICW4 */
		c->special_fully_nested = (val >> 4) & 1;
		c->auto_eoi = (val >> 1) & 1;
		c->init_state = 0;
		break;
	}
}

void vpic_write(struct vpic *p, u16 port, u8 val)
{
	u32 i = (port >> 7) & 1;

	if (port & 1)
		write_data(&p->chip[i], val);
	else
		write_command(p, i, val);
	update(p, i);
}

u8 vpic_read(struct vpic *p, u16 port)
{
	u32 i = (port >> 7) & 1;
	struct vpic_chip *c = &p->chip[i];

	if (c->poll) {
		/* Poll mode: the read acknowledges; bit 7 says whether a line was pending. */
		c->poll = false;
		int irq = highest_irq(c, i == 0);
		if (irq < 0)
			return 0;
		intack(p, i, irq);
		return (u8)(0x80 | irq);
	}
	if (port & 1)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

u8 vpic_elcr_read(const struct vpic *p, u32 chip)
{
	const struct vpic_chip *c = &p->chip[chip & 1];

	return chip & 1 ? c->elcr : c->elcr & (u8) ~(1u << CASCADE_LINE);
}

void vpic_elcr_write(struct vpic *p, u32 chip, u8 val)
{
	struct vpic_chip *c = &p->chip[chip & 1];

	c->elcr = val & c->elcr_mask;
	if (!(chip & 1))
		c->elcr |= 1u << CASCADE_LINE; /* the cascade input follows the slave's level */
}

void vpic_set_line(struct vpic *p, u32 irq, bool high)
{
	if (irq > 15 || irq == CASCADE_LINE)
		return;
	struct vpic_chip *c = &p->chip[irq >> 3];
	u8 mask = (u8)(1u << (irq & 7));

	if (high)
		c->irr |= mask;
	else
		c->irr &= (u8)~mask;
	update(p, irq >> 3);
}

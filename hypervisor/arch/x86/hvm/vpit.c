// SPDX-License-Identifier: MIT
/*
 * Virtual 8254 (Intel 82C54 data sheet; Xen xen/arch/x86/emul-i8254.c for what
 * guests see). See vpit.h.
 */
#include <arch/x86/hvm/vpit.h>
#include <keel/string.h>

#define NS_PER_S 1000000000ULL
#define RW_LSB	 1
#define RW_MSB	 2
#define RW_WORD0 3
#define RW_WORD1 4

u64 vpit_ns_to_ticks(u64 ns)
{
	return ns / NS_PER_S * VPIT_HZ + ns % NS_PER_S * VPIT_HZ / NS_PER_S;
}

static u64 ticks_to_ns(u64 ticks)
{
	return ticks / VPIT_HZ * NS_PER_S + (ticks % VPIT_HZ * NS_PER_S + VPIT_HZ - 1) / VPIT_HZ;
}

static u64 elapsed(const struct vpit_channel *c, u64 now)
{
	return now > c->load_ns ? vpit_ns_to_ticks(now - c->load_ns) : 0;
}

static u32 get_count(const struct vpit_channel *c, u64 now)
{
	u64 d = elapsed(c, now);

	switch (c->mode) {
	case 2:
		return (u32)(c->count - d % c->count) & 0xffff;
	case 3: /* counts down by two each tick, twice per period */
		return (u32)(c->count - (2 * d) % c->count) & 0xffff;
	default: /* 0, 1, 4, 5: one pass from the count, then wraps */
		return (u32)(c->count - d) & 0xffff;
	}
}

bool vpit_out(const struct vpit *p, u32 ch, u64 now)
{
	const struct vpit_channel *c = &p->ch[ch % 3];
	u64 d = elapsed(c, now);

	switch (c->mode) {
	case 0:
		return d >= c->count;
	case 1:
		return d < c->count;
	case 2:
		return d % c->count == 0 && d;
	case 3:
		return d % c->count < (c->count + 1) / 2;
	default: /* 4, 5: a one-tick strobe at the end */
		return d == c->count;
	}
}

void vpit_reset(struct vpit *p, u64 now)
{
	memset(p, 0, sizeof(*p));
	for (u32 i = 0; i < 3; i++) {
		struct vpit_channel *c = &p->ch[i];
		c->mode = 0;
		c->count = 0x10000;
		c->gate = i != 2; /* channels 0 and 1 are wired high; 2 follows port 0x61 */
		c->load_ns = now;
	}
}

static void load_count(struct vpit_channel *c, u32 val, u64 now)
{
	c->count = val ? val : 0x10000;
	c->load_ns = now;
}

static void latch_count(struct vpit_channel *c, u64 now)
{
	if (c->count_latched)
		return; /* the first latch holds until read */
	c->latched_count = (u16)get_count(c, now);
	c->count_latched = c->rw_mode;
}

static void latch_status(struct vpit *p, u32 ch, u64 now)
{
	struct vpit_channel *c = &p->ch[ch];

	if (c->status_latched)
		return;
	c->status = (u8)((vpit_out(p, ch, now) << 7) | (c->rw_mode << 4) | (c->mode << 1) | c->bcd);
	c->status_latched = true;
}

static void control_word(struct vpit *p, u8 val, u64 now)
{
	u32 ch = val >> 6;

	if (ch == 3) { /* read-back: bit 5 clear latches counts, bit 4 clear statuses */
		for (ch = 0; ch < 3; ch++) {
			if (!(val & (2u << ch)))
				continue;
			if (!(val & 0x20))
				latch_count(&p->ch[ch], now);
			if (!(val & 0x10))
				latch_status(p, ch, now);
		}
		return;
	}
	struct vpit_channel *c = &p->ch[ch];
	u8 access = (val >> 4) & 3;
	if (!access) {
		latch_count(c, now);
		return;
	}
	c->rw_mode = c->read_state = c->write_state = access;
	c->mode = (val >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4; /* 6 and 7 are aliases of 2 and 3 */
	c->bcd = val & 1;
}

void vpit_write(struct vpit *p, u16 port, u8 val, u64 now)
{
	u32 ch = port & 3;

	if (ch == 3) {
		control_word(p, val, now);
		return;
	}
	struct vpit_channel *c = &p->ch[ch];
	switch (c->write_state) {
	case RW_MSB:
		load_count(c, (u32)val << 8, now);
		break;
	case RW_WORD0:
		c->write_latch = val;
		c->write_state = RW_WORD1;
		break;
	case RW_WORD1:
		load_count(c, c->write_latch | ((u32)val << 8), now);
		c->write_state = RW_WORD0;
		break;
	default: /* LSB, or never programmed */
		load_count(c, val, now);
		break;
	}
}

u8 vpit_read(struct vpit *p, u16 port, u64 now)
{
	u32 ch = port & 3;

	if (ch == 3)
		return 0xff; /* the control word is write-only */
	struct vpit_channel *c = &p->ch[ch];
	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->count_latched) {
		u8 r;
		if (c->count_latched == RW_MSB) {
			r = (u8)(c->latched_count >> 8);
			c->count_latched = 0;
		} else if (c->count_latched == RW_WORD0) {
			r = (u8)c->latched_count;
			c->count_latched = RW_MSB; /* the high byte next */
		} else {
			r = (u8)c->latched_count;
			c->count_latched = 0;
		}
		return r;
	}
	u32 count = get_count(c, now);
	switch (c->read_state) {
	case RW_MSB:
		return (u8)(count >> 8);
	case RW_WORD0:
		c->read_state = RW_WORD1;
		return (u8)count;
	case RW_WORD1:
		c->read_state = RW_WORD0;
		return (u8)(count >> 8);
	default:
		return (u8)count;
	}
}

u8 vpit_port61_read(const struct vpit *p, u64 now)
{
	/* Bit 4 toggles every 15 us on a PC (DRAM refresh); guests poll it for delays. */
	bool refresh = (now >> 14) & 1;

	return (u8)(p->ch[2].gate | (p->speaker_on << 1) | (refresh << 4) |
		    (vpit_out(p, 2, now) << 5));
}

void vpit_port61_write(struct vpit *p, u8 val, u64 now)
{
	struct vpit_channel *c = &p->ch[2];
	bool gate = val & 1;

	p->speaker_on = (val >> 1) & 1;
	/* A rising gate restarts the count in modes 1, 2, 3 and 5; modes 0 and 4 keep counting. */
	if (gate && !c->gate && c->mode != 0 && c->mode != 4)
		c->load_ns = now;
	c->gate = gate;
}

bool vpit_irq_timer(const struct vpit *p, u64 *first_ns, u64 *period_ns)
{
	const struct vpit_channel *c = &p->ch[0];
	u64 period = ticks_to_ns(c->count);

	switch (c->mode) {
	case 2:
	case 3:
		*period_ns = period;
		break;
	case 0:
	case 1:
	case 4:
		*period_ns = 0;
		break;
	default:
		return false;
	}
	*first_ns = c->load_ns + period;
	return true;
}

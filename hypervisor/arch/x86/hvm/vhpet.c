// SPDX-License-Identifier: MIT
/* Virtual HPET (IA-PC HPET 1.0a; Xen xen/arch/x86/hvm/hpet.c for the model). See vhpet.h. */
#include <arch/x86/hvm/vhpet.h>
#include <keel/string.h>

#define R_CAP	  0x000
#define R_CONF	  0x010
#define R_ISR	  0x020
#define R_COUNTER 0x0f0
#define R_TIMER0  0x100
#define TIMER_LEN 0x20
#define T_CONFIG  0x00
#define T_CMP	  0x08
#define T_FSB	  0x10

/* Vendor 8086, legacy replacement, 64-bit counter, 3 timers, revision 1; period in fs. */
#define CAP	      (0x8086a201ULL | (16000000ULL << 32))
#define TN_CAPS	      (BIT(4) | BIT(5) | (0xf00000ULL << 32)) /* periodic, 64-bit, GSI 20-23 */
#define TN_WRITABLE   0x3f4eULL
#define MIN_PERIOD    (100000 / VHPET_NS) /* 100 us, Xen's floor for emulated timers */
#define FAR_TICKS     (1ULL << 40)	  /* about five hours: checked again then */
#define LEGACY_IRQ(n) ((n) ? 8 : 0)

void vhpet_reset(struct vhpet *h)
{
	memset(h, 0, sizeof(*h));
	for (u32 n = 0; n < VHPET_TIMERS; n++) {
		h->config[n] = TN_CAPS;
		h->cmp[n] = ~0ULL;
	}
}

u64 vhpet_counter(const struct vhpet *h, u64 now)
{
	if (!(h->conf & VHPET_CONF_ENABLE) || now < h->base_ns)
		return h->counter_base;
	return h->counter_base + (now - h->base_ns) / VHPET_NS;
}

static bool is32(const struct vhpet *h, u32 n)
{
	return h->config[n] & VHPET_TN_32BIT;
}

/* Whether the counter c has reached timer n's comparator (in 32-bit mode, within half a wrap). */
static bool reached(const struct vhpet *h, u32 n, u64 c)
{
	return is32(h, n) ? (u32)(c - h->cmp[n]) < (1u << 31) : c >= h->cmp[n];
}

/* A periodic comparator at or behind c moves to the first period boundary after it. */
static void catch_up(struct vhpet *h, u32 n, u64 c)
{
	if (!h->period[n] || !reached(h, n, c))
		return;
	u64 behind = (is32(h, n) ? (u32)(c - h->cmp[n]) : c - h->cmp[n]) / h->period[n];
	h->cmp[n] += (behind + 1) * h->period[n]; /* missed periods are not repeated */
	if (is32(h, n))
		h->cmp[n] = (u32)h->cmp[n];
}

/* Ticks until timer n's comparator, 0 when it is reached (or passed, in 64-bit mode). */
static u64 ticks_to_cmp(const struct vhpet *h, u32 n, u64 now)
{
	u64 c = vhpet_counter(h, now);

	if ((h->config[n] & VHPET_TN_PERIODIC) && h->period[n] && reached(h, n, c))
		return 0; /* a periodic comparator left behind: due now, then caught up */
	if (is32(h, n))
		return (u32)(h->cmp[n] - (u32)c);
	return h->cmp[n] > c ? h->cmp[n] - c : 0;
}

u64 vhpet_next_expiry(const struct vhpet *h, u32 n, u64 now)
{
	if (n >= VHPET_TIMERS || !(h->conf & VHPET_CONF_ENABLE) ||
	    !(h->config[n] & VHPET_TN_ENABLE) || !h->armed[n])
		return 0;
	u64 t = ticks_to_cmp(h, n, now);
	if (t > FAR_TICKS)
		t = FAR_TICKS;
	/* The moment the counter reaches its value (never 0: that means off). */
	u64 elapsed = now > h->base_ns ? (now - h->base_ns) / VHPET_NS : 0;
	u64 at = h->base_ns + (elapsed + t) * VHPET_NS;
	return at ? at : 1;
}

struct vhpet_irq vhpet_expire(struct vhpet *h, u32 n, u64 now)
{
	struct vhpet_irq irq = {0};
	u64 c = vhpet_counter(h, now);

	if (n >= VHPET_TIMERS || !vhpet_next_expiry(h, n, now))
		return irq;
	if (!reached(h, n, c))
		return irq; /* a far deadline checked early */
	if ((h->config[n] & VHPET_TN_PERIODIC) && h->period[n])
		catch_up(h, n, c);
	else
		h->armed[n] = false;
	if (n < 2 && (h->conf & VHPET_CONF_LEGACY)) {
		irq = (struct vhpet_irq){true, true, LEGACY_IRQ(n), false};
		return irq;
	}
	u32 gsi = VHPET_TN_ROUTE(h->config[n]);
	if (!((h->config[n] >> 32) & (1u << gsi)))
		return irq; /* a route the capabilities do not offer: nothing */
	irq = (struct vhpet_irq){true, false, gsi, (h->config[n] & VHPET_TN_LEVEL) != 0};
	if (irq.level)
		h->isr |= 1u << n;
	return irq;
}

static u64 reg(const struct vhpet *h, u32 off, u64 now)
{
	if (off == R_CAP)
		return CAP;
	if (off == R_CONF)
		return h->conf;
	if (off == R_ISR)
		return h->isr;
	if (off == R_COUNTER)
		return vhpet_counter(h, now);
	if (off >= R_TIMER0 && off < R_TIMER0 + VHPET_TIMERS * TIMER_LEN) {
		u32 n = (off - R_TIMER0) / TIMER_LEN;
		switch ((off - R_TIMER0) % TIMER_LEN) {
		case T_CONFIG:
			return h->config[n];
		case T_CMP:
			return is32(h, n) ? (u32)h->cmp[n] : h->cmp[n];
		default:
			return 0; /* FSB: not offered */
		}
	}
	return 0;
}

u64 vhpet_read(struct vhpet *h, u32 off, u32 size, u64 now)
{
	if ((size != 4 && size != 8) || (off & (size - 1)) || off >= VHPET_SIZE)
		return ~0ULL;
	u64 v = reg(h, off & ~7u, now);
	if (size == 4)
		return (off & 4) ? v >> 32 : (u32)v;
	return v;
}

static void write_conf(struct vhpet *h, u64 val, u64 now)
{
	bool was = h->conf & VHPET_CONF_ENABLE, on = val & VHPET_CONF_ENABLE;

	if (was && !on)
		h->counter_base = vhpet_counter(h, now); /* halted where it was */
	if (!was && on)
		h->base_ns = now;
	h->conf = val & (VHPET_CONF_ENABLE | VHPET_CONF_LEGACY);
}

/*
 * As Xen: with SETVAL the accumulator alone; else a periodic timer's period
 * (at least 100 us), which is also the comparator, caught up to the counter
 * (Linux writes the first deadline with SETVAL, then the period).
 */
static void write_cmp(struct vhpet *h, u32 n, u64 val, u64 now)
{
	if (is32(h, n))
		val = (u32)val;
	bool periodic = !(h->config[n] & VHPET_TN_SETVAL) && (h->config[n] & VHPET_TN_PERIODIC);
	h->config[n] &= ~VHPET_TN_SETVAL;
	if (periodic) {
		if (val < MIN_PERIOD)
			val = MIN_PERIOD;
		h->period[n] = val;
	}
	h->cmp[n] = val;
	h->armed[n] = true;
	if (periodic)
		catch_up(h, n, vhpet_counter(h, now));
}

void vhpet_write(struct vhpet *h, u32 off, u32 size, u64 val, u64 now)
{
	if ((size != 4 && size != 8) || (off & (size - 1)) || off >= VHPET_SIZE)
		return;
	u32 base = off & ~7u;
	if (size == 4) { /* one half of a 64-bit register: merge with the other */
		u64 old = reg(h, base, now);
		val = (off & 4) ? (old & 0xffffffffULL) | (val << 32)
				: (old & ~0xffffffffULL) | (u32)val;
	}
	if (base == R_CONF) {
		write_conf(h, val, now);
	} else if (base == R_ISR) {
		h->isr &= ~val; /* write 1 to clear */
	} else if (base == R_COUNTER) {
		if (!(h->conf & VHPET_CONF_ENABLE))
			h->counter_base = val; /* only while halted, as the specification says */
	} else if (base >= R_TIMER0 && base < R_TIMER0 + VHPET_TIMERS * TIMER_LEN) {
		u32 n = (base - R_TIMER0) / TIMER_LEN;
		switch ((base - R_TIMER0) % TIMER_LEN) {
		case T_CONFIG:
			h->config[n] = (val & TN_WRITABLE) | TN_CAPS;
			if (is32(h, n)) {
				h->cmp[n] = (u32)h->cmp[n];
				h->period[n] = (u32)h->period[n];
			}
			h->armed[n] = true;
			break;
		case T_CMP:
			write_cmp(h, n, val, now);
			break;
		default:
			break;
		}
	}
}

// SPDX-License-Identifier: MIT
/*
 * Virtual MC146818 clock registers (Motorola MC146818A data sheet; Xen
 * xen/arch/x86/hvm/rtc.c for the split with the device model). See vrtc.h.
 */
#include <arch/x86/hvm/vrtc.h>
#include <keel/calendar.h>
#include <keel/string.h>

#define NS_PER_S 1000000000ULL
#define UIP_NS	 244000ULL /* the update cycle's warning time before each second */

#define R_SEC	  0x00
#define R_SEC_AL  0x01
#define R_MIN	  0x02
#define R_MIN_AL  0x03
#define R_HOUR	  0x04
#define R_HOUR_AL 0x05
#define R_WDAY	  0x06
#define R_MDAY	  0x07
#define R_MON	  0x08
#define R_YEAR	  0x09
#define R_A	  0x0a
#define R_B	  0x0b
#define R_C	  0x0c
#define R_D	  0x0d

#define A_UIP  0x80
#define A_DV   0x70 /* divider: 010 runs from 32.768 kHz; 11x holds it in reset */
#define DV_RUN 0x20
#define B_SET  0x80
#define B_PIE  0x40
#define B_AIE  0x20
#define B_UIE  0x10
#define B_DM   0x04 /* binary, not BCD */
#define B_24H  0x02
#define C_IRQF 0x80
#define C_PF   0x40
#define C_AF   0x20
#define C_UF   0x10
#define D_VRT  0x80

static bool binary(const struct vrtc *r)
{
	return r->reg[R_B] & B_DM;
}

static u8 encode(const struct vrtc *r, u32 v)
{
	return binary(r) ? (u8)v : (u8)(((v / 10) << 4) | (v % 10));
}

/* A register's number, or 0xff when it is not a valid BCD byte. */
static u32 decode(const struct vrtc *r, u8 v)
{
	if (binary(r))
		return v;
	if ((v & 0xf) > 9 || (v >> 4) > 9)
		return 0xff;
	return (v >> 4) * 10 + (v & 0xf);
}

static u8 encode_hour(const struct vrtc *r, u32 h)
{
	if (r->reg[R_B] & B_24H)
		return encode(r, h);
	return (u8)(encode(r, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0));
}

static u32 decode_hour(const struct vrtc *r, u8 v)
{
	if (r->reg[R_B] & B_24H)
		return decode(r, v);
	u32 h = decode(r, v & 0x7f);
	if (h < 1 || h > 12)
		return 0xff;
	return h % 12 + (v & 0x80 ? 12 : 0);
}

/* The clock does not move: SET, or the divider not running. */
static bool stopped(const struct vrtc *r)
{
	return (r->reg[R_B] & B_SET) || (r->reg[R_A] & A_DV) != DV_RUN;
}

static u64 now_unix(const struct vrtc *r, u64 now)
{
	u64 t = r->base_unix + (now - r->base_ns) / NS_PER_S;
	return (s64)t + r->offset > 0 ? (u64)((s64)t + r->offset) : 0;
}

/* The clock registers 0x00-0x09 as of now. */
static void fill_time(struct vrtc *r, u64 now)
{
	struct calendar_tm tm;

	calendar_from_unix(now_unix(r, now), &tm);
	r->reg[R_SEC] = encode(r, tm.sec);
	r->reg[R_MIN] = encode(r, tm.min);
	r->reg[R_HOUR] = encode_hour(r, tm.hour);
	r->reg[R_WDAY] = encode(r, tm.wday + 1);
	r->reg[R_MDAY] = encode(r, tm.mday);
	r->reg[R_MON] = encode(r, tm.mon);
	r->reg[R_YEAR] = encode(r, tm.year % 100);
}

/*
 * The guest's registers become the time (SET cleared, divider released); values no
 * calendar has leave the clock alone.
 */
static void take_time(struct vrtc *r, u64 now)
{
	struct calendar_tm tm = {decode(r, r->reg[R_SEC]),
				 decode(r, r->reg[R_MIN]),
				 decode_hour(r, r->reg[R_HOUR]),
				 decode(r, r->reg[R_MDAY]),
				 decode(r, r->reg[R_MON]),
				 2000 + decode(r, r->reg[R_YEAR]),
				 0};

	if (tm.sec > 59 || tm.min > 59 || tm.hour > 23 || tm.mday < 1 || tm.mday > 31 ||
	    tm.mon < 1 || tm.mon > 12 || tm.year > 2099)
		return;
	u64 host = r->base_unix + (now - r->base_ns) / NS_PER_S;
	r->offset = (s64)unix_time(tm.year, tm.mon, tm.mday, tm.hour, tm.min, tm.sec) - (s64)host;
}

void vrtc_reset(struct vrtc *r, u64 unix_now, u64 now)
{
	memset(r, 0, sizeof(*r));
	r->base_unix = unix_now;
	r->base_ns = now;
	r->flags_until_ns = now;
	r->reg[R_A] = 0x26; /* 32.768 kHz time base, 1.024 kHz periodic rate */
	r->reg[R_B] = B_24H;
	r->reg[R_D] = D_VRT;
}

bool vrtc_index_write(struct vrtc *r, u8 val)
{
	r->index = val & 0x7f;
	return r->index < VRTC_REGS;
}

bool vrtc_claims_data(const struct vrtc *r)
{
	return r->index < VRTC_REGS;
}

/* The periodic interrupt's period in ns, 0 when off (rates 1 and 2 act as 8 and 9, as Xen). */
static u64 period_ns(const struct vrtc *r)
{
	u32 rs = r->reg[R_A] & 0xf;

	if (!rs)
		return 0;
	if (rs <= 2)
		rs += 7;
	return ((1ULL << (rs - 1)) * NS_PER_S + 16384) / 32768;
}

/*
 * Register A. Holding the divider stops the clock where it is; releasing it
 * starts the seconds again with the first update half a second later, as the
 * MC146818 does (guests use it to know where in the second they are).
 */
static void set_divider(struct vrtc *r, u8 val, u64 now)
{
	bool was = stopped(r);
	u8 old = r->reg[R_A];

	if (!was && (val & A_DV) != DV_RUN)
		fill_time(r, now);
	r->reg[R_A] = val & 0x7f; /* UIP is read-only */
	if ((old & A_DV) != DV_RUN && (val & A_DV) == DV_RUN) {
		r->base_ns = now >= NS_PER_S / 2 ? now - NS_PER_S / 2 : now;
		r->flags_until_ns = now;
		if (!stopped(r))
			take_time(r, now);
	}
}

static bool alarm_matches(struct vrtc *r, u64 now)
{
	static const u8 pairs[3][2] = {{R_SEC_AL, R_SEC}, {R_MIN_AL, R_MIN}, {R_HOUR_AL, R_HOUR}};

	fill_time(r, now);
	for (u32 i = 0; i < 3; i++) {
		u8 al = r->reg[pairs[i][0]];
		if ((al & 0xc0) != 0xc0 && al != r->reg[pairs[i][1]])
			return false;
	}
	return true;
}

bool vrtc_update(struct vrtc *r, u64 now)
{
	u64 from = r->flags_until_ns, p = period_ns(r);

	if (now > from) {
		if (p && now / p != from / p)
			r->reg[R_C] |= C_PF;
		if (!stopped(r) &&
		    (now - r->base_ns) / NS_PER_S != (from - r->base_ns) / NS_PER_S) {
			r->reg[R_C] |= C_UF;
			if (alarm_matches(r, now))
				r->reg[R_C] |= C_AF;
		}
		r->flags_until_ns = now;
	}
	if (r->reg[R_C] & C_IRQF)
		return false;
	if (!(r->reg[R_C] & r->reg[R_B] & (C_PF | C_AF | C_UF)))
		return false;
	r->reg[R_C] |= C_IRQF;
	return true;
}

u64 vrtc_next_event(const struct vrtc *r, u64 now)
{
	u64 next = 0, p = period_ns(r);

	if (r->reg[R_C] & C_IRQF)
		return 0; /* nothing more until the guest reads register C */
	if ((r->reg[R_B] & B_PIE) && p)
		next = (now / p + 1) * p;
	if ((r->reg[R_B] & (B_UIE | B_AIE)) && !stopped(r)) {
		u64 sec = r->base_ns + ((now - r->base_ns) / NS_PER_S + 1) * NS_PER_S;
		if (!next || sec < next)
			next = sec;
	}
	return next;
}

/* Time and date (0x00-0x09 but the alarm registers). */
static bool clock_register(u8 i)
{
	return i <= R_YEAR && i != R_SEC_AL && i != R_MIN_AL && i != R_HOUR_AL;
}

u8 vrtc_data_read(struct vrtc *r, u64 now)
{
	u8 i = r->index, v;

	switch (i) {
	case R_A: {
		u64 frac = (now - r->base_ns) % NS_PER_S;
		bool uip = !stopped(r) && frac >= NS_PER_S - UIP_NS;
		return (u8)((r->reg[R_A] & 0x7f) | (uip ? A_UIP : 0));
	}
	case R_C:
		vrtc_update(r, now);
		v = r->reg[R_C];
		r->reg[R_C] = 0;
		return v;
	default:
		if (clock_register(i) && !stopped(r))
			fill_time(r, now);
		return i < VRTC_REGS ? r->reg[i] : 0xff;
	}
}

void vrtc_data_write(struct vrtc *r, u8 val, u64 now)
{
	u8 i = r->index;

	if (clock_register(i)) {
		if (stopped(r)) {
			r->reg[i] = val; /* taken when SET is cleared or the divider runs */
			return;
		}
		fill_time(r, now);
		r->reg[i] = val;
		take_time(r, now);
		return;
	}
	switch (i) {
	case R_A:
		set_divider(r, val, now);
		break;
	case R_B: {
		bool was = stopped(r);
		if ((val & B_SET) && !was)
			fill_time(r, now); /* the clock stops showing this time */
		if (val & B_SET)
			val &= (u8)~B_UIE; /* setting SET clears UIE, as on the MC146818 */
		r->reg[R_B] = val;
		if (was && !stopped(r))
			take_time(r, now);
		break;
	}
	case R_C:
	case R_D:
		break; /* read-only */
	default:
		if (i < VRTC_REGS)
			r->reg[i] = val; /* the alarm registers */
		break;
	}
}

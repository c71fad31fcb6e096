// SPDX-License-Identifier: MIT
/* ACPI PM timer and PM1a event registers (ACPI 6.4 §4.8.3; Xen pmtimer.c). See vpmtimer.h. */
#include <arch/x86/hvm/vpmtimer.h>

#define NS_PER_S 1000000000ULL
/* The status bits that raise the SCI (timer, power button, sleep button, global lock). */
#define SCI_MASK (VPMT_TMR_STS | VPMT_PWRBTN_STS | BIT(9) | BIT(5))

static u64 ticks(const struct vpmtimer *t, u64 now)
{
	u64 ns = now > t->base_ns ? now - t->base_ns : 0;

	return ns / NS_PER_S * VPMT_HZ + ns % NS_PER_S * VPMT_HZ / NS_PER_S;
}

void vpmtimer_reset(struct vpmtimer *t, u64 now)
{
	t->base_ns = now;
	t->flips_seen = 0;
	t->sts = t->en = 0;
}

u32 vpmtimer_count(const struct vpmtimer *t, u64 now)
{
	return (u32)ticks(t, now);
}

static void catch_up(struct vpmtimer *t, u64 now)
{
	u64 flips = ticks(t, now) >> 31;

	if (flips != t->flips_seen)
		t->sts |= VPMT_TMR_STS;
	t->flips_seen = flips;
}

u32 vpmtimer_evt_read(struct vpmtimer *t, u32 off, u32 size, u64 now)
{
	catch_up(t, now);
	u32 all = t->sts | ((u32)t->en << 16), val = 0;
	for (u32 i = 0; i < size && off + i < 4; i++)
		val |= ((all >> (8 * (off + i))) & 0xff) << (8 * i);
	for (u32 i = 4 - (off < 4 ? off : 4); i < size; i++)
		val |= 0xffu << (8 * i); /* bytes past the block: nobody's */
	return val;
}

void vpmtimer_evt_write(struct vpmtimer *t, u32 off, u32 size, u32 val, u64 now)
{
	catch_up(t, now);
	for (u32 i = 0; i < size && off + i < 4; i++) {
		u16 b = (u16)((val >> (8 * i)) & 0xff);
		switch (off + i) {
		case 0:
			t->sts &= (u16)~b;
			break;
		case 1:
			t->sts &= (u16) ~(b << 8);
			break;
		case 2:
			t->en = (t->en & 0xff00) | b;
			break;
		default:
			t->en = (u16)((t->en & 0xff) | (b << 8));
			break;
		}
	}
}

bool vpmtimer_sci(struct vpmtimer *t, u64 now)
{
	catch_up(t, now);
	return t->sts & t->en & SCI_MASK;
}

u64 vpmtimer_next_event(const struct vpmtimer *t, u64 now)
{
	if (!(t->en & VPMT_TMR_STS) || (t->sts & VPMT_TMR_STS))
		return 0;
	u64 next_flip = ((ticks(t, now) >> 31) + 1) << 31; /* in ticks */
	return t->base_ns + next_flip / VPMT_HZ * NS_PER_S +
	       (next_flip % VPMT_HZ * NS_PER_S + VPMT_HZ - 1) / VPMT_HZ;
}

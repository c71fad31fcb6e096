// SPDX-License-Identifier: MIT
/*
 * Fuzz target: guest writes and reads to Keel's emulated platform devices (PIC
 * and ELCR, IO-APIC, PIT and port 0x61, RTC, PM timer, HPET), as 4-byte records:
 * device and access, register, value, time step. Whatever a guest writes, the
 * devices must stay within their invariants: counts in range, only writable
 * RTE bits, RTC index below 128, acknowledged vectors from the programmed bases.
 */
#include <stdint.h>
#include <stdlib.h>

#include <arch/x86/hvm/vhpet.h>
#include <arch/x86/hvm/vioapic.h>
#include <arch/x86/hvm/vpic.h>
#include <arch/x86/hvm/vpit.h>
#include <arch/x86/hvm/vpmtimer.h>
#include <arch/x86/hvm/vrtc.h>

static unsigned delivered;

static void count(void *ctx, const struct vioapic_msg *m)
{
	(void)ctx;
	if (m->mode == RTE_MODE_EXTINT)
		abort(); /* ExtINT is the PIC's path, never an IO-APIC message */
	delivered++;
}

static void check(struct vpic *pic, struct vioapic *io, struct vpit *pit, struct vrtc *rtc)
{
	for (u32 i = 0; i < VIOAPIC_PINS; i++)
		if (io->rte[i] & ~(0xff00000000000000ULL | 0x1afffULL | RTE_REMOTE_IRR))
			abort();
	for (u32 c = 0; c < 3; c++)
		if (pit->ch[c].count < 1 || pit->ch[c].count > 0x10000 || pit->ch[c].mode > 5)
			abort();
	if (rtc->index > 0x7f)
		abort();
	for (u32 c = 0; c < 2; c++)
		if ((pic->chip[c].elcr & ~pic->chip[c].elcr_mask) & ~(c ? 0 : 4))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u16 pic_ports[] = {0x20, 0x21, 0xa0, 0xa1};
	struct vpic pic;
	struct vioapic io;
	struct vpit pit;
	struct vrtc rtc;
	struct vpmtimer pm;
	struct vhpet hpet;
	u64 now = 0;

	vpic_reset(&pic);
	vioapic_reset(&io);
	io.deliver = count;
	vpit_reset(&pit, 0);
	vrtc_reset(&rtc, 1796043957ULL, 0);
	vpmtimer_reset(&pm, 0);
	vhpet_reset(&hpet);
	for (size_t off = 0; off + 4 <= size; off += 4) {
		u8 op = data[off], reg = data[off + 1], val = data[off + 2];
		now += (u64)data[off + 3] * 997003; /* up to a quarter second a step */
		switch (op % 14) {
		case 0:
			vpic_write(&pic, pic_ports[reg & 3], val);
			break;
		case 1:
			(void)vpic_read(&pic, pic_ports[reg & 3]);
			break;
		case 2:
			vpic_elcr_write(&pic, reg & 1, val);
			vpic_set_line(&pic, reg % 17, val & 1);
			break;
		case 3: {
			int vec = vpic_ack(&pic);
			u8 m = pic.chip[0].base, s = pic.chip[1].base;
			if (vec >= 0 && !((vec & 0xf8) == m || (vec & 0xf8) == s))
				abort();
			break;
		}
		case 4:
			vioapic_write(&io, (u32)(reg & 0x4c), (op >> 4) & 1 ? 4 : 1,
				      (u32)val << (8 * (op >> 6)));
			break;
		case 5:
			(void)vioapic_read(&io, reg, 4);
			vioapic_set_line(&io, reg % 50, val & 1);
			vioapic_eoi(&io, val);
			break;
		case 6:
			vpit_write(&pit, (u16)(0x40 + (reg & 3)), val, now);
			break;
		case 7: {
			u64 first, period;
			(void)vpit_read(&pit, (u16)(0x40 + (reg & 3)), now);
			vpit_port61_write(&pit, val, now);
			if (vpit_irq_timer(&pit, &first, &period) && period && period < 800)
				abort(); /* one PIT tick is 838 ns */
			break;
		}
		case 8:
			if (vrtc_index_write(&rtc, reg))
				vrtc_data_write(&rtc, val, now);
			break;
		case 9:
			if (vrtc_index_write(&rtc, reg))
				(void)vrtc_data_read(&rtc, now);
			(void)vrtc_update(&rtc, now);
			if (vrtc_next_event(&rtc, now) && vrtc_next_event(&rtc, now) <= now)
				abort(); /* the next event is always ahead */
			break;
		case 10:
			vpmtimer_evt_write(&pm, reg & 3, 1u << (op >> 6 & 1 ? 2 : 0), val, now);
			break;
		case 11:
			(void)vpmtimer_evt_read(&pm, reg & 3, 4, now);
			(void)vpmtimer_sci(&pm, now);
			break;
		case 12: /* HPET: registers 0x000-0x1fc, both halves, values spread over 64 bits */
			vhpet_write(&hpet, (u32)(reg & 0xfc) + ((op >> 4) & 1 ? 0x100 : 0),
				    (op >> 5) & 1 ? 8 : 4, (u64)val << (16 * (op >> 6)), now);
			break;
		default: {
			u32 n = reg % VHPET_TIMERS;
			(void)vhpet_read(&hpet, (u32)(reg & 0xf8) + 0x100, 8, now);
			u64 at = vhpet_next_expiry(&hpet, n, now);
			struct vhpet_irq irq = vhpet_expire(&hpet, n, at > now ? at : now);
			if (irq.raise &&
			    (irq.legacy ? irq.line != 0 && irq.line != 8 : irq.line > 23))
				abort();
			if (at && at + VHPET_NS < now - now % VHPET_NS)
				abort(); /* no deadline before the counter's current tick */
			break;
		}
		}
		check(&pic, &io, &pit, &rtc);
	}
	return 0;
}

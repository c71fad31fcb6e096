/* SPDX-License-Identifier: MIT */
/*
 * The 8254 PIT of an HVM domain (ports 0x40-0x43) and port 0x61 (channel 2's
 * gate, its OUT in bit 5), as Xen's emul-i8254.c: three channels, modes 0-5,
 * LSB/MSB/word access, counter latch and read-back; BCD counting is not
 * modelled (the count is binary whatever the BCD bit says, as in Xen). Pure:
 * time comes in as nanoseconds of the domain's clock; the platform turns
 * channel 0 into a Keel timer raising ISA IRQ 0 (vpit_irq_period).
 */
#ifndef ARCH_X86_HVM_VPIT_H
#define ARCH_X86_HVM_VPIT_H

#include <keel/types.h>

#define VPIT_HZ 1193182ULL

struct vpit_channel {
	u32 count; /* 1-0x10000 (a written 0 is 0x10000) */
	u16 latched_count;
	u8 count_latched; /* access mode of a pending counter latch, 0 none */
	bool status_latched;
	u8 status;
	u8 read_state, write_state, write_latch;
	u8 rw_mode, mode;
	bool bcd, gate;
	u64 load_ns; /* when the count was loaded (or the gate rose) */
};

struct vpit {
	struct vpit_channel ch[3];
	bool speaker_on; /* port 0x61 bit 1 */
};

void vpit_reset(struct vpit *p, u64 now);
/* Ports 0x40-0x43, one byte. A read of 0x43 returns all ones. */
u8 vpit_read(struct vpit *p, u16 port, u64 now);
void vpit_write(struct vpit *p, u16 port, u8 val, u64 now);
/* Port 0x61: gate 2 (bit 0), speaker (1), refresh toggle (4), OUT2 (5). */
u8 vpit_port61_read(const struct vpit *p, u64 now);
void vpit_port61_write(struct vpit *p, u8 val, u64 now);
/* The OUT pin of channel ch now. */
bool vpit_out(const struct vpit *p, u32 ch, u64 now);
/*
 * Channel 0's interrupt: the period in ns (periodic modes 2 and 3) and the
 * first expiry; *period 0 for a one-shot (modes 0, 1, 4); false when it raises none.
 */
bool vpit_irq_timer(const struct vpit *p, u64 *first_ns, u64 *period_ns);

/* Pure helper: whole PIT ticks in ns nanoseconds. */
u64 vpit_ns_to_ticks(u64 ns);

#endif

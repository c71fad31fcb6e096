/* SPDX-License-Identifier: MIT */
/*
 * The MC146818 clock registers of an HVM domain's RTC (index port 0x70, data
 * port 0x71), as Xen's rtc.c: registers 0x00-0x0D only (time, alarm, A-D);
 * CMOS RAM (indexes 14 and up) belongs to the device model. Time is the
 * host's wall clock plus the offset the guest set; BCD or binary, 12 or 24
 * hours, UIP for the 244 us before each update, periodic (rate from register
 * A), alarm and update-ended interrupts flagged in register C (cleared by
 * reading it) and raised on ISA IRQ 8. Pure: time comes in as nanoseconds of
 * the domain's clock; the platform arms a Keel timer at vrtc_next_event.
 */
#ifndef ARCH_X86_HVM_VRTC_H
#define ARCH_X86_HVM_VRTC_H

#include <keel/types.h>

#define VRTC_REGS 14

struct vrtc {
	u8 index; /* last index written to 0x70 (bit 7, the NMI mask, dropped) */
	u8 reg[VRTC_REGS];
	u64 base_unix; /* wall clock at base_ns */
	u64 base_ns;
	s64 offset;	    /* seconds the guest moved its clock by */
	u64 flags_until_ns; /* register C flags are up to date until this time */
};

void vrtc_reset(struct vrtc *r, u64 unix_now, u64 now);
/* True when Keel answers this access; false: the device model's (index >= 14). */
bool vrtc_index_write(struct vrtc *r, u8 val);
bool vrtc_claims_data(const struct vrtc *r);
u8 vrtc_data_read(struct vrtc *r, u64 now);
void vrtc_data_write(struct vrtc *r, u8 val, u64 now);
/*
 * Brings register C up to now; true when IRQF became set (an interrupt edge on
 * IRQ 8 is due). The platform calls it around every data access, so flags
 * earned under old settings count and a new enable of a set flag interrupts.
 */
bool vrtc_update(struct vrtc *r, u64 now);
/* When register C next gains an enabled flag (ns), or 0 when nothing is armed. */
u64 vrtc_next_event(const struct vrtc *r, u64 now);

#endif

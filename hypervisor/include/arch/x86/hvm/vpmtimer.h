/* SPDX-License-Identifier: MIT */
/*
 * The ACPI PM timer and PM1a status/enable registers of an HVM domain, as
 * Xen's pmtimer.c: a 32-bit counter at 3,579,545 Hz (4-byte reads only) at
 * 0x1F48 and the PM1a event block (status, enable: 2 bytes each) at 0x1F40,
 * moved to 0xB008 / 0xB000 when the guest sets HVM_PARAM_ACPI_IOPORTS_LOCATION
 * to 1 (hvmloader does). TMR_STS is set each time bit 31 of the counter flips;
 * status bits are write-1-to-clear; the SCI (ISA IRQ 9) is asserted while an
 * enabled status bit is set. Pure: time comes in as ns of the domain's clock.
 */
#ifndef ARCH_X86_HVM_VPMTIMER_H
#define ARCH_X86_HVM_VPMTIMER_H

#include <keel/types.h>

#define VPMT_HZ		3579545ULL
#define VPMT_EVT_V0	0x1f40
#define VPMT_TMR_V0	0x1f48
#define VPMT_EVT_V1	0xb000
#define VPMT_TMR_V1	0xb008
#define VPMT_TMR_STS	BIT(0)
#define VPMT_PWRBTN_STS BIT(8)

struct vpmtimer {
	u64 base_ns;
	u64 flips_seen; /* bit-31 transitions accounted into TMR_STS */
	u16 sts, en;
};

void vpmtimer_reset(struct vpmtimer *t, u64 now);
u32 vpmtimer_count(const struct vpmtimer *t, u64 now);
/* PM1a event block, byte offset off (0-3) of an access of size bytes. */
u32 vpmtimer_evt_read(struct vpmtimer *t, u32 off, u32 size, u64 now);
void vpmtimer_evt_write(struct vpmtimer *t, u32 off, u32 size, u32 val, u64 now);
/* Brings TMR_STS up to now; returns the SCI level. */
bool vpmtimer_sci(struct vpmtimer *t, u64 now);
/* When TMR_STS is next set while TMR_EN is on (ns), else 0. */
u64 vpmtimer_next_event(const struct vpmtimer *t, u64 now);

#endif

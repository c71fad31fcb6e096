/* SPDX-License-Identifier: MIT */
/*
 * Time for guests: Xen's PV clock (vcpu_time_info) and the wallclock in
 * shared_info. Hypervisor "system time" is the PV clock formula applied to
 * the TSC since boot, so what guests compute always agrees with it.
 */
#ifndef KEEL_PVCLOCK_H
#define KEEL_PVCLOCK_H

#include <keel/types.h>
#include <public/xen/shared_info.h>

struct pvclock_scale {
	u32 mul;
	s8 shift;
};

/* Chooses mul/shift so that ns = ((ticks << shift) * mul) >> 32 for tsc_khz. */
void pvclock_scale_for(u64 tsc_khz, struct pvclock_scale *s);
u64 pvclock_scale_delta(u64 ticks, const struct pvclock_scale *s);

/* Boot-time set-up: the scale and the wallclock (seconds since 1970 at boot). */
void pvclock_init(u64 tsc_khz, u64 boot_tsc, u64 wallclock_sec);
/* Fills a vcpu_time_info with a fresh (tsc, system time) pair, version-bracketed. */
void pvclock_update(struct vcpu_time_info *t);
/* Writes the wallclock base into a shared_info. */
void pvclock_write_wallclock(struct shared_info *si);
/* Seconds since 1970 at system time 0 (what wc_sec says). */
u64 pvclock_boot_wallclock(void);

#endif

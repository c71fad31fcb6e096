/* SPDX-License-Identifier: MIT */
/* One-shot hypervisor timers on TSC deadlines, per physical CPU. */
#ifndef KEEL_TIMER_H
#define KEEL_TIMER_H

#include <keel/types.h>

struct timer {
	u64 deadline; /* TSC */
	void (*fn)(struct timer *t);
	struct timer *next;
	bool active;
	u32 pcpu;
};

void timer_init(struct timer *t, void (*fn)(struct timer *t), u32 pcpu);
/* (Re)arms t for deadline (TSC); a deadline in the past fires at the next check. */
void timer_set(struct timer *t, u64 deadline);
void timer_stop(struct timer *t);
/* Runs every expired timer of this pCPU; returns the next deadline or 0. */
u64 timers_run(u64 now);
u64 timers_next(void);

/* Time base: calibrated TSC. */
extern u64 tsc_khz;
u64 ns_to_tsc(u64 ns);
u64 tsc_to_ns(u64 ticks);
/* Nanoseconds since boot (Xen's "system time", by the PV clock's scale). */
u64 system_time_ns(void);
/* The TSC at which system time reaches ns (rounded up). */
u64 system_ns_to_tsc(u64 ns);
extern u64 boot_tsc;

#endif

/* SPDX-License-Identifier: MIT */
/* The per-vCPU runstate (running, runnable, blocked, offline), as Xen reports it. */
#ifndef KEEL_RUNSTATE_H
#define KEEL_RUNSTATE_H

#include <keel/domain.h>

/* Records a state change at the current time and publishes it to the guest's area. */
void runstate_change(struct vcpu *v, int state);
void runstate_publish(struct vcpu *v);
/* Guest-linear area of size bytes -> guest-physical (mapped now, not crossing a page). */
int runstate_resolve(struct vcpu *v, u64 gva, u64 size, u64 *gpa);
/*
 * VCPUOP_register_vcpu_time_memory_area: a second copy of the vCPU's
 * vcpu_time_info (for a vDSO), refreshed whenever the vCPU's own is.
 */
void vcpu_time_area_publish(struct vcpu *v);

void vcpu_timers_init(struct vcpu *v);
void vcpu_timers_stop(struct vcpu *v);

#endif

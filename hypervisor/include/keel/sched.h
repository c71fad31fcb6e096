/* SPDX-License-Identifier: MIT */
/*
 * The scheduler: each pCPU time-shares its queued vCPUs, weighted fair
 * (credit-style): a vCPU's virtual runtime grows by its run time scaled by
 * DEFAULT_WEIGHT / weight, and the runnable vCPU with the least runs next,
 * for at most one slice. A domain's cap limits it to cap% of one pCPU per
 * accounting period. Preemption comes from the host APIC timer.
 */
#ifndef KEEL_SCHED_H
#define KEEL_SCHED_H

#include <keel/domain.h>

/* What the run loop does after an exit was handled. */
enum exit_action {
	EXIT_RESUME = 0,  /* re-enter the same vCPU */
	EXIT_RESCHED = 1, /* the vCPU blocked, yielded or its domain ended */
};

#define SCHED_SLICE_US	10000  /* 10 ms */
#define SCHED_PERIOD_US 100000 /* cap accounting period */

void sched_init(void);
/* Puts a vCPU that became runnable on its pCPU's queue. */
void sched_wake(struct vcpu *v);
/* Takes a vCPU off the queues (blocked, offline, or its domain ended). */
void sched_remove(struct vcpu *v);
/* HLT: blocks until an event; with interrupts off and nothing pending it goes offline. */
enum exit_action sched_vcpu_halt(struct vcpu *v, bool interrupts_enabled);
enum exit_action sched_yield(struct vcpu *v);
enum exit_action sched_block(struct vcpu *v);
/* A host IPI ended the guest's run: leave if a reschedule was asked for. */
enum exit_action sched_host_ipi(struct vcpu *v);
/* Time has come (host timer or VMX-preemption timer): run timers, end the slice if due. */
enum exit_action sched_tick(struct vcpu *v);
/* The pCPU's loop: picks, runs, accounts. Never returns. */
__noreturn void sched_run(void);
/* Set by anything that wants the running vCPU to leave the CPU at the next exit. */
void sched_request_resched(void);

/* Pure helpers (unit-tested): vruntime growth for a run of `ticks` at `weight`. */
u64 sched_vruntime_delta(u64 ticks, u32 weight);
/* Budget in ticks per period for cap percent (0 = unlimited -> UINT64_MAX). */
u64 sched_cap_budget(u32 cap, u64 period_ticks);

#endif

// SPDX-License-Identifier: MIT
/* The weighted fair scheduler and each pCPU's run loop: see sched.h. */
#include <keel/sched.h>
#include <keel/printk.h>
#include <keel/selftest.h>
#include <keel/arch.h>
#include <keel/timer.h>
#include <keel/pvclock.h>
#include <keel/runstate.h>
#include <keel/ioreq.h>
#include <keel/spinlock.h>

spinlock_t hv_lock = SPINLOCK_INIT;
static volatile bool resched[MAX_PCPUS];
static u64 slice_end[MAX_PCPUS];
static u64 slice_ticks, period_ticks;

void sched_init(void)
{
	slice_ticks = ns_to_tsc(SCHED_SLICE_US * 1000ULL);
	period_ticks = ns_to_tsc(SCHED_PERIOD_US * 1000ULL);
}

void sched_request_resched(void)
{
	resched[this_cpu()->id] = true;
}

static void rq_insert(struct vcpu *v)
{
	struct percpu *pc = &percpus[v->pcpu];

	if (v->on_rq)
		return;
	v->rq_next = pc->rq_head;
	pc->rq_head = v;
	v->on_rq = true;
}

void sched_remove(struct vcpu *v)
{
	struct vcpu **pp = &percpus[v->pcpu].rq_head;

	for (; *pp; pp = &(*pp)->rq_next) {
		if (*pp == v) {
			*pp = v->rq_next;
			break;
		}
	}
	v->on_rq = false;
	v->rq_next = NULL;
}

static u64 rq_min_vruntime(struct percpu *pc)
{
	u64 min = UINT64_MAX;

	for (struct vcpu *v = pc->rq_head; v; v = v->rq_next)
		min = MIN(min, v->vruntime);
	return min == UINT64_MAX ? 0 : min;
}

void sched_wake(struct vcpu *v)
{
	struct percpu *pc = &percpus[v->pcpu];

	if (v->dom->state != DOM_RUNNING && v->dom->state != DOM_PAUSED)
		return;
	if (v->state == VCPU_RUNNABLE && v->on_rq)
		return;
	if (v->io.state == IOW_WAITING)
		return; /* in the middle of an instruction: only the emulator's answer goes on */
	/* A sleeper does not bank credit: it rejoins at most one slice behind the queue. */
	u64 floor = rq_min_vruntime(pc);
	u64 lag = sched_vruntime_delta(slice_ticks, v->dom->weight);
	if (floor > lag && v->vruntime < floor - lag)
		v->vruntime = floor - lag;
	if (v->polling) {
		v->polling = false;
		timer_stop(&v->poll_timeout);
	}
	v->state = VCPU_RUNNABLE;
	runstate_change(v, RUNSTATE_runnable);
	rq_insert(v);
	/* Let a woken vCPU preempt the running one at the next exit; another pCPU gets an IPI. */
	if (pc->current != v || pc != this_cpu())
		resched[pc->id] = true;
	smp_kick(pc->id);
}

static bool within_cap(struct domain *d, u64 now)
{
	if (!d->cap)
		return true;
	if (now - d->cap_period_start >= period_ticks) {
		d->cap_period_start = now;
		d->cap_used = 0;
	}
	return d->cap_used < sched_cap_budget(d->cap, period_ticks);
}

static struct vcpu *pick(struct percpu *pc, u64 now, u64 *wake_at)
{
	struct vcpu *best = NULL;

	*wake_at = 0;
	for (struct vcpu *v = pc->rq_head; v; v = v->rq_next) {
		if (v->state != VCPU_RUNNABLE || v->dom->state != DOM_RUNNING)
			continue;
		if (!within_cap(v->dom, now)) {
			u64 next = v->dom->cap_period_start + period_ticks;
			if (!*wake_at || next < *wake_at)
				*wake_at = next;
			continue;
		}
		if (!best || v->vruntime < best->vruntime)
			best = v;
	}
	return best;
}

/* The next moment the scheduler must look: a timer, the slice's end, or extra. */
static u64 next_deadline(u32 cpu, u64 extra)
{
	u64 t = timers_next();
	u64 d = slice_end[cpu];

	if (t && (!d || t < d))
		d = t;
	if (extra && (!d || extra < d))
		d = extra;
	return d;
}

static void arm_host_timer(u32 cpu, u64 extra)
{
	arch_timer_arm(next_deadline(cpu, extra));
}

static void run_vcpu(struct percpu *pc, struct vcpu *v, u64 now)
{
	u32 cpu = pc->id;
	struct domain *d = v->dom;
	u64 budget = d->cap ? sched_cap_budget(d->cap, period_ticks) - d->cap_used : UINT64_MAX;

	slice_end[cpu] = now + MIN(slice_ticks, budget);
	resched[cpu] = false;
	arch_vcpu_switch_in(cpu, v);
	arm_host_timer(cpu, 0);
	v->run_start = now;
	runstate_change(v, RUNSTATE_running);
	pvclock_update(&v->vcpu_info->time);
	vcpu_time_area_publish(v);

	for (;;) {
		arch_vcpu_prepare_entry(v, next_deadline(cpu, 0));
		spin_unlock(&hv_lock);
		int failed = arch_vcpu_enter(v);
		smp_service_requests();
		spin_lock(&hv_lock);
		enum exit_action act = arch_vcpu_handle_exit(v, failed);
		if (act == EXIT_RESCHED || resched[cpu] || d->state != DOM_RUNNING ||
		    v->state != VCPU_RUNNABLE)
			break;
	}

	u64 ran = rdtsc() - v->run_start;
	v->runtime += ran;
	v->vruntime += sched_vruntime_delta(ran, d->weight);
	d->cap_used += ran;
	slice_end[cpu] = 0;
	runstate_change(v, v->state == VCPU_RUNNABLE  ? RUNSTATE_runnable
			   : v->state == VCPU_BLOCKED ? RUNSTATE_blocked
						      : RUNSTATE_offline);
	/* A dead domain's VMCS is cleared here, on the pCPU that ran it, so it can be freed. */
	if (d->state != DOM_RUNNING && d->state != DOM_PAUSED)
		arch_vcpu_release(v);
}

enum exit_action sched_host_ipi(struct vcpu *v)
{
	(void)v;
	return resched[this_cpu()->id] ? EXIT_RESCHED : EXIT_RESUME;
}

enum exit_action sched_tick(struct vcpu *v)
{
	u32 cpu = this_cpu()->id;
	u64 now;

	(void)v;
	now = rdtsc();
	timers_run(now);
	if (slice_end[cpu] && now >= slice_end[cpu])
		return EXIT_RESCHED;
	arm_host_timer(cpu, 0);
	return resched[cpu] ? EXIT_RESCHED : EXIT_RESUME;
}

enum exit_action sched_block(struct vcpu *v)
{
	if (arch_vcpu_interrupt_pending(v))
		return EXIT_RESUME;
	v->state = VCPU_BLOCKED;
	sched_remove(v);
	return EXIT_RESCHED;
}

enum exit_action sched_vcpu_halt(struct vcpu *v, bool interrupts_enabled)
{
	if (interrupts_enabled)
		return sched_block(v);
	/* HLT with interrupts off: this vCPU is done; all of them done means off. */
	v->state = VCPU_OFFLINE;
	sched_remove(v);
	for (u32 i = 0; i < v->dom->nr_vcpus; i++)
		if (v->dom->vcpu[i]->state != VCPU_OFFLINE)
			return EXIT_RESCHED;
	printk("keel: domain %u (%s): all vCPUs halted with interrupts off\n", v->dom->id,
	       v->dom->name);
	domain_shutdown(v->dom, SHUTDOWN_poweroff);
	return EXIT_RESCHED;
}

enum exit_action sched_yield(struct vcpu *v)
{
	/* Go behind every other runnable vCPU on this pCPU. */
	struct percpu *pc = &percpus[v->pcpu];
	u64 max = v->vruntime;

	for (struct vcpu *o = pc->rq_head; o; o = o->rq_next)
		if (o != v && o->state == VCPU_RUNNABLE)
			max = MAX(max, o->vruntime + 1);
	v->vruntime = max;
	return EXIT_RESCHED;
}

__noreturn void sched_run(void)
{
	struct percpu *pc = this_cpu();
	bool said_idle = false;

	spin_lock(&hv_lock);
	for (;;) {
		u64 now = rdtsc(), wake_at;
		timers_run(now);
		domains_reap();
		struct vcpu *v = pick(pc, now, &wake_at);
		if (v) {
			said_idle = false;
			run_vcpu(pc, v, now);
			continue;
		}
		if (!domains_remaining() && pc->id == 0) {
			u64 until = selftest_finish(now);
			if (until && (!wake_at || until < wake_at))
				wake_at = until;
			if (!said_idle)
				printk("keel: no domains are running; idle\n");
			said_idle = true;
		}
		/* Idle until the next timer (a wake-up), a cap period's end, or a kick. */
		u64 t0 = rdtsc();
		arm_host_timer(pc->id, wake_at);
		resched[pc->id] = false;
		spin_unlock(&hv_lock);
		asm volatile("sti; hlt; cli" ::: "memory");
		smp_service_requests();
		spin_lock(&hv_lock);
		pc->idle_ticks += rdtsc() - t0;
	}
}

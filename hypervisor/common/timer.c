// SPDX-License-Identifier: MIT
/* Sorted per-pCPU lists of one-shot timers. */
#include <keel/arch.h>
#include <keel/timer.h>

static struct timer *heads[MAX_PCPUS];
u64 tsc_khz = 1000000;
u64 boot_tsc;

void timer_init(struct timer *t, void (*fn)(struct timer *t), u32 pcpu)
{
	t->fn = fn;
	t->next = NULL;
	t->active = false;
	t->pcpu = pcpu;
}

void timer_stop(struct timer *t)
{
	struct timer **pp = &heads[t->pcpu];

	if (!t->active)
		return;
	for (; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->active = false;
}

void timer_set(struct timer *t, u64 deadline)
{
	struct timer **pp = &heads[t->pcpu];

	timer_stop(t);
	t->deadline = deadline;
	while (*pp && (*pp)->deadline <= deadline)
		pp = &(*pp)->next;
	t->next = *pp;
	*pp = t;
	t->active = true;
}

u64 timers_run(u64 now)
{
	struct timer **head = &heads[this_cpu()->id];

	while (*head && (*head)->deadline <= now) {
		struct timer *t = *head;
		*head = t->next;
		t->active = false;
		t->fn(t); /* may re-arm itself */
	}
	return *head ? (*head)->deadline : 0;
}

u64 timers_next(void)
{
	struct timer *h = heads[this_cpu()->id];

	return h ? h->deadline : 0;
}

/* Split into whole milliseconds and the rest, so no product overflows 64 bits. */
u64 tsc_to_ns(u64 ticks)
{
	return ticks / tsc_khz * 1000000 + (ticks % tsc_khz) * 1000000 / tsc_khz;
}

/* Rounds up, so a timer set for time T never fires before the guest's clock says T. */

u64 ns_to_tsc(u64 ns)
{
	return ns / 1000000 * tsc_khz + ((ns % 1000000) * tsc_khz + 999999) / 1000000;
}

u64 system_ns_to_tsc(u64 ns)
{
	return boot_tsc + ns_to_tsc(ns) + 1;
}

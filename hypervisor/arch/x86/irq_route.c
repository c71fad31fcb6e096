// SPDX-License-Identifier: MIT
/* Device interrupts to dom0: see irq_route.h. */
#include <arch/x86/apic.h>
#include <arch/x86/irq_route.h>
#include <arch/x86/percpu.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/timer.h>
#include <keel/vlapic.h>

#define STUCK_CHECK_NS (1000ULL * 1000 * 1000)
#define STUCK_SECONDS  5

/* Level-triggered vectors in service at the physical LAPIC until dom0's EOI. */
static u32 awaiting_eoi[8];
static u64 delivered;
static bool had_owner; /* before dom0, no device was programmed: strays are strays */
/* A level vector dom0 never EOIs blocks its line (and lower ones): said once, for diagnosis. */
static u8 held_seconds[256];
static struct timer stuck_timer;
static bool stuck_timer_on;

static void check_stuck(struct timer *t)
{
	bool any = false;

	for (u32 v = IRQ_ROUTE_FIRST; v <= IRQ_ROUTE_LAST; v++) {
		if (!(awaiting_eoi[v / 32] & (1u << (v % 32)))) {
			held_seconds[v] = 0;
			continue;
		}
		any = true;
		if (held_seconds[v] < 255 && ++held_seconds[v] == STUCK_SECONDS)
			printk("keel: dom0 has held level-triggered vector %#x for %u s without an "
			       "EOI\n",
			       v, STUCK_SECONDS);
	}
	stuck_timer_on = any;
	if (any)
		timer_set(t, rdtsc() + ns_to_tsc(STUCK_CHECK_NS));
}

static bool test_and_clear(u32 *bits, u32 n)
{
	bool was = bits[n / 32] & (1u << (n % 32));

	bits[n / 32] &= ~(1u << (n % 32));
	return was;
}

bool irq_route_deliver(u32 vector)
{
	struct domain *d;

	if (!irq_route_is_device_vector(vector))
		return false;
	d = domain_initial();
	if (d && !d->owns_host)
		d = NULL;
	if (!d && !had_owner)
		return false;
	had_owner = true;
	bool level = apic_tmr_test(vector);
	if (!d || (d->state != DOM_RUNNING && d->state != DOM_PAUSED)) {
		/*
		 * No owner: a level-triggered line would fire again at once after an
		 * EOI and never stop. Left in service it stays quiet (and holds back
		 * only device vectors of its priority and below, never Keel's own).
		 */
		if (!level && apic_isr_test(vector))
			apic_eoi();
		return true;
	}
	if (level) {
		awaiting_eoi[vector / 32] |= 1u << (vector % 32);
		if (!stuck_timer_on) {
			stuck_timer_on = true;
			timer_init(&stuck_timer, check_stuck, this_cpu()->id);
			timer_set(&stuck_timer, rdtsc() + ns_to_tsc(STUCK_CHECK_NS));
		}
	} else
		apic_eoi();
	delivered++;
	vlapic_set_irq(d->vcpu[0], (u8)vector);
	return true;
}

void irq_route_eoi(struct vcpu *v, u32 vector)
{
	if (!v->dom->owns_host || vector > 0xff)
		return;
	if (test_and_clear(awaiting_eoi, vector))
		apic_eoi();
}

u64 irq_route_count(void)
{
	return delivered;
}

// SPDX-License-Identifier: MIT
/* Event-channel ports and delivery: see evtchn.h. */
#include <keel/evtchn.h>
#include <keel/errno.h>
#include <keel/ioreq.h>
#include <keel/mm.h>
#include <keel/sched.h>
#include <keel/string.h>

#define TABLE_PAGES (ALIGN_UP(EVTCHN_MAX_PORTS * sizeof(struct evtchn), PAGE_SIZE) / PAGE_SIZE)

static bool test_and_set(u64 *words, u32 bit)
{
	u64 m = 1ULL << (bit % 64);

	return __atomic_fetch_or(&words[bit / 64], m, __ATOMIC_SEQ_CST) & m;
}

static bool test(const u64 *words, u32 bit)
{
	return __atomic_load_n(&words[bit / 64], __ATOMIC_SEQ_CST) & (1ULL << (bit % 64));
}

int evtchn_domain_init(struct domain *d)
{
	d->evtchn = pages_alloc(TABLE_PAGES);
	return d->evtchn ? 0 : -ENOMEM;
}

void evtchn_domain_destroy(struct domain *d)
{
	if (!d->evtchn)
		return;
	for (u32 p = 1; p < EVTCHN_MAX_PORTS; p++)
		evtchn_close_port(d, p);
	pages_free(d->evtchn, TABLE_PAGES);
	d->evtchn = NULL;
}

/*
 * A port that is freed or handed out again starts with its pending bit clear,
 * as in Xen: otherwise a stale event from its previous use fires on the new
 * binding (Linux's CPU hotplug rebinds IPIs and then hits a BUG on it).
 */
void evtchn_clear_pending(struct domain *d, u32 port)
{
	if (d->shared_info && port < EVTCHN_MAX_PORTS)
		__atomic_fetch_and(&d->shared_info->evtchn_pending[port / 64],
				   ~(1ULL << (port % 64)), __ATOMIC_SEQ_CST);
}

static void notify(struct vcpu *v)
{
	if (v->state == VCPU_BLOCKED)
		sched_wake(v);
}

/* The last steps of raising a pending, unmasked port: its vCPU's selector bit and upcall. */
void evtchn_select(struct domain *d, u32 port)
{
	struct evtchn *e = &d->evtchn[port];
	struct vcpu *v = d->vcpu[e->vcpu < d->nr_vcpus ? e->vcpu : 0];
	struct vcpu_info *vi = v->vcpu_info;

	if (!test_and_set(&vi->evtchn_pending_sel, port / 64)) {
		__atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
		notify(v);
	}
}

void evtchn_set_pending(struct domain *d, u32 port)
{
	struct shared_info *si = d->shared_info;

	if (d->evtchn[port].consumer == EVTCHN_CONSUMER_IOREQ) {
		ioreq_port_notify(d, port); /* an emulator answered: not the guest's event */
		return;
	}
	if (!test_and_set(si->evtchn_pending, port) && !test(si->evtchn_mask, port))
		evtchn_select(d, port);
	/* A vCPU polling any port of this domain re-checks, masked or not. */
	for (u32 i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i]->polling && d->vcpu[i]->state == VCPU_BLOCKED)
			sched_wake(d->vcpu[i]);
}

void evtchn_send_virq(struct vcpu *v, u32 virq)
{
	u32 port = virq < NR_VIRQS ? v->virq_port[virq] : 0;

	if (port)
		evtchn_set_pending(v->dom, port);
}

void evtchn_send_global_virq(struct domain *d, u32 virq)
{
	if (d->nr_vcpus && (d->state == DOM_RUNNING || d->state == DOM_PAUSED))
		evtchn_send_virq(d->vcpu[0], virq);
}

void evtchn_raise_dom_exc(struct domain *ended)
{
	for (u16 id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);
		if (d && d != ended && d->privileged)
			evtchn_send_global_virq(d, VIRQ_DOM_EXC);
	}
}

bool evtchn_upcall_pending(struct vcpu *v)
{
	return v->dom->callback_vector && v->vcpu_info &&
	       __atomic_load_n(&v->vcpu_info->evtchn_upcall_pending, __ATOMIC_SEQ_CST);
}

int evtchn_upcall_vector(struct vcpu *v)
{
	return evtchn_upcall_pending(v) ? v->dom->callback_vector : -1;
}

bool evtchn_poll_ready(struct vcpu *v)
{
	const u64 *pending = v->dom->shared_info->evtchn_pending;

	for (u32 i = 0; i < v->nr_poll; i++)
		if (v->poll_ports[i] < EVTCHN_MAX_PORTS && test(pending, v->poll_ports[i]))
			return true;
	return false;
}

// SPDX-License-Identifier: MIT
/* Keel's domain-control hypercall for the toolstack (public/keel/domctl.h). */
#include <keel/hypercall.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <keel/string.h>
#include <public/keel/domctl.h>

static u8 state_of(const struct domain *d)
{
	switch (d->state) {
	case DOM_PAUSED:
		return KEEL_DOMSTATE_paused;
	case DOM_RUNNING:
		return KEEL_DOMSTATE_running;
	case DOM_CRASHED:
		return KEEL_DOMSTATE_crashed;
	default:
		return KEEL_DOMSTATE_shutdown;
	}
}

static void fill_info(const struct domain *d, struct keel_domain_info *i)
{
	u64 ticks = 0;

	memset(i, 0, sizeof(*i));
	for (u32 n = 0; n < d->nr_vcpus; n++)
		ticks += d->vcpu[n]->runtime;
	i->domid = d->id;
	i->state = state_of(d);
	i->shutdown_reason = (u8)d->shutdown_reason;
	i->nr_vcpus = d->nr_vcpus;
	i->mem_bytes = d->mem_size;
	i->cpu_ns = tsc_to_ns(ticks);
	i->weight = d->weight;
	i->cap = d->cap;
	strlcpy(i->name, d->name, sizeof(i->name));
	i->flags = d->privileged ? KEEL_DOMINFO_privileged : 0;
	i->max_mem_bytes = d->max_pages << PAGE_SHIFT;
	i->cur_mem_bytes = d->tot_pages << PAGE_SHIFT;
}

static bool alive(const struct domain *d)
{
	return d->state == DOM_RUNNING || d->state == DOM_PAUSED;
}

static long set_sched(struct domain *d, const struct keel_sched *s)
{
	if (!alive(d) || s->weight < 1 || s->weight > 65535 || s->cap > 100 * d->nr_vcpus)
		return -EINVAL;
	d->weight = s->weight;
	d->cap = s->cap;
	return 0;
}

static long set_max_mem(struct domain *d, u64 bytes)
{
	if (!alive(d) || !bytes || (bytes & (PAGE_SIZE - 1)) || bytes > d->mem_size)
		return -EINVAL;
	d->max_pages = bytes >> PAGE_SHIFT;
	return 0;
}

long do_keel_domctl(struct vcpu *v, const struct hypercall_args *a)
{
	struct keel_domctl op;
	struct domain *d;

	if (!v->dom->privileged)
		return -EPERM;
	if (copy_from_guest(v, &op, a->a1, sizeof(op)))
		return -EFAULT;
	if (op.cmd == KEEL_DOMCTL_next) {
		d = NULL;
		for (u32 id = op.domid; id < MAX_DOMAINS && !d; id++)
			d = domain_by_id((u16)id);
		if (!d)
			return -ESRCH;
		fill_info(d, &op.u.info);
		return copy_to_guest(v, a->a1, &op, sizeof(op)) ? -EFAULT : 0;
	}
	d = domain_by_id(op.domid);
	if (!d)
		return -ESRCH;
	switch (op.cmd) {
	case KEEL_DOMCTL_getinfo:
		fill_info(d, &op.u.info);
		return copy_to_guest(v, a->a1, &op, sizeof(op)) ? -EFAULT : 0;
	case KEEL_DOMCTL_pause:
		if (d == v->dom)
			return -EINVAL; /* a domain pauses itself with sched_op */
		return domain_pause(d);
	case KEEL_DOMCTL_unpause:
		if (d->state != DOM_PAUSED)
			return -EINVAL;
		domain_unpause(d);
		return 0;
	case KEEL_DOMCTL_destroy:
		if (d == v->dom)
			return -EINVAL;
		return domain_kill(d, v->dom);
	case KEEL_DOMCTL_setsched:
		return set_sched(d, &op.u.sched);
	case KEEL_DOMCTL_setmaxmem:
		return set_max_mem(d, op.u.max_bytes);
	default:
		return -EOPNOTSUPP;
	}
}

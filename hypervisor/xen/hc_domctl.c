// SPDX-License-Identifier: MIT
/* Keel's domain-control hypercall for the toolstack (public/keel/domctl.h). */
#include <keel/arch.h>
#include <keel/domctl_build.h>
#include <keel/hypercall.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <keel/mm.h>
#include <keel/string.h>
#include <keel/version.h>
#include <keel/timer.h>
#include <public/keel/domctl.h>
#include <public/xen/dm_op.h>

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
	u16 online = 0;

	memset(i, 0, sizeof(*i));
	for (u32 n = 0; n < d->nr_vcpus; n++) {
		ticks += d->vcpu[n]->runtime;
		online += d->vcpu[n]->state != VCPU_OFFLINE;
	}
	i->domid = d->id;
	i->state = state_of(d);
	i->shutdown_reason = (u8)d->shutdown_reason;
	i->nr_vcpus = d->nr_vcpus;
	i->mem_bytes = d->mem_size;
	i->cpu_ns = tsc_to_ns(ticks);
	i->weight = d->weight;
	i->cap = d->cap;
	strlcpy(i->name, d->name, sizeof(i->name));
	i->flags = (d->privileged ? KEEL_DOMINFO_privileged : 0) |
		   (d->killed ? KEEL_DOMINFO_destroyed : 0);
	i->vcpus_online = online;
	i->vcpus_target = (u16)(d->vcpus_target ? d->vcpus_target : d->nr_vcpus);
	i->max_mem_bytes = d->max_pages << PAGE_SHIFT;
	i->cur_mem_bytes = d->tot_pages << PAGE_SHIFT;
}

static void fill_stats(const struct domain *d, struct keel_domain_stats *s)
{
	u64 ticks = 0;

	memset(s, 0, sizeof(*s));
	for (u32 n = 0; n < d->nr_vcpus; n++) {
		ticks += d->vcpu[n]->runtime;
		s->exits += d->vcpu[n]->exits;
	}
	s->dm_pio = d->ioreqs[IOREQ_TYPE_PIO];
	s->dm_mmio = d->ioreqs[IOREQ_TYPE_COPY];
	s->dm_pci_config = d->ioreqs[IOREQ_TYPE_PCI_CONFIG];
	s->dm_buffered = d->ioreqs_buffered;
	s->dm_string_elements = d->ioreq_elements;
	s->cpu_ns = tsc_to_ns(ticks);
	s->now_ns = system_time_ns();
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

static void fill_host(struct keel_host_info *h)
{
	memset(h, 0, sizeof(*h));
	strlcpy(h->version, "Keel " KEEL_VERSION, sizeof(h->version));
	h->nr_cpus = nr_pcpus;
	h->total_bytes = mm_total_bytes();
	h->free_bytes = mm_free_bytes();
}

static u64 online_pcpus(void)
{
	return nr_pcpus >= 64 ? ~0ULL : (1ULL << nr_pcpus) - 1;
}

static long get_vcpu(const struct domain *d, struct keel_vcpu_info *i)
{
	const struct vcpu *v;

	if (i->vcpu >= d->nr_vcpus)
		return -EINVAL;
	v = d->vcpu[i->vcpu];
	i->state = v->state == VCPU_RUNNABLE  ? KEEL_VCPU_runnable
		   : v->state == VCPU_BLOCKED ? KEEL_VCPU_blocked
					      : KEEL_VCPU_offline;
	i->pcpu = v->pcpu;
	i->affinity = v->affinity;
	i->cpu_ns = tsc_to_ns(v->runtime);
	return 0;
}

static long set_affinity(struct domain *d, const struct keel_vcpu_info *i)
{
	struct vcpu *v;

	if (!alive(d) || i->vcpu >= d->nr_vcpus || !i->affinity || (i->affinity & ~online_pcpus()))
		return -EINVAL;
	v = d->vcpu[i->vcpu];
	/* No migration yet: the vCPU's VMCS lives on the pCPU it was placed on. */
	if (!(i->affinity & (1ULL << v->pcpu)))
		return -EXDEV;
	v->affinity = (u32)i->affinity;
	return 0;
}

static long set_vcpus(struct domain *d, u32 count)
{
	if (!alive(d) || count < 1 || count > d->nr_vcpus)
		return -EINVAL;
	d->vcpus_target = count;
	return 0;
}

/* Pause and destroy: not the caller (sched_op is its own way), not another toolstack. */
static long may_stop(const struct domain *d, const struct vcpu *caller)
{
	if (d == caller->dom)
		return -EINVAL;
	return d->privileged ? -EPERM : 0;
}

static long copy_back(struct vcpu *v, const struct hypercall_args *a, const struct keel_domctl *op)
{
	return copy_to_guest(v, a->a1, op, sizeof(*op)) ? -EFAULT : 0;
}

/* A new domain whose id cannot be told to the caller is not kept. */
static long create(struct vcpu *v, const struct hypercall_args *a, struct keel_domctl *op)
{
	long r = domctl_createdomain(v, op);

	if (r || !(r = copy_back(v, a, op)))
		return r;
	domain_destroy(domain_by_id(op->domid));
	arch_vcpu_make_current(v);
	return r;
}

long do_keel_domctl(struct vcpu *v, const struct hypercall_args *a)
{
	struct keel_domctl op;
	struct domain *d;

	if (!v->dom->privileged)
		return -EPERM;
	if (copy_from_guest(v, &op, a->a1, sizeof(op)))
		return -EFAULT;
	if (op.pad)
		return -EINVAL;
	if (op.cmd == KEEL_DOMCTL_hostinfo) {
		fill_host(&op.u.host);
		return copy_back(v, a, &op);
	}
	if (op.cmd == KEEL_DOMCTL_createdomain)
		return create(v, a, &op);
	if (op.cmd == KEEL_DOMCTL_next) {
		d = NULL;
		for (u32 id = op.domid; id < MAX_DOMAINS && !d; id++)
			d = domain_by_id((u16)id);
		if (!d)
			return -ESRCH;
		fill_info(d, &op.u.info);
		return copy_back(v, a, &op);
	}
	d = domain_by_id(op.domid);
	if (!d)
		return -ESRCH;
	switch (op.cmd) {
	case KEEL_DOMCTL_getinfo:
		fill_info(d, &op.u.info);
		return copy_back(v, a, &op);
	case KEEL_DOMCTL_pause:
		return may_stop(d, v) ?: domain_pause(d);
	case KEEL_DOMCTL_unpause: {
		long r = d->state != DOM_PAUSED ? -EINVAL : domctl_build_unpause(d);
		if (!r)
			domain_unpause(d);
		return r;
	}
	case KEEL_DOMCTL_destroy:
		return may_stop(d, v) ?: domain_kill(d, v->dom);
	case KEEL_DOMCTL_setsched:
		return set_sched(d, &op.u.sched);
	case KEEL_DOMCTL_setmaxmem:
		return set_max_mem(d, op.u.max_bytes);
	case KEEL_DOMCTL_getvcpu: {
		long r = get_vcpu(d, &op.u.vcpu);
		return r ?: copy_back(v, a, &op);
	}
	case KEEL_DOMCTL_setvcpuaffinity:
		return set_affinity(d, &op.u.vcpu);
	case KEEL_DOMCTL_setvcpus:
		return set_vcpus(d, op.u.vcpus);
	case KEEL_DOMCTL_loadkernel:
		return domctl_loadkernel(v, d, &op.u.load);
	case KEEL_DOMCTL_loadinitrd:
		return domctl_loadinitrd(v, d, &op.u.load);
	case KEEL_DOMCTL_getstats:
		fill_stats(d, &op.u.stats);
		return copy_back(v, a, &op);
	case KEEL_DOMCTL_getbuild: {
		long r = domctl_getbuild(d, &op.u.build);
		return r ?: copy_back(v, a, &op);
	}
	default:
		return -EOPNOTSUPP;
	}
}

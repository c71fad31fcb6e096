// SPDX-License-Identifier: MIT
/* event_channel_op: the 2-level ABI's operations (layouts in public/xen/event_channel.h). */
#include <keel/evtchn.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <keel/hypercall.h>
#include <keel/string.h>
#include <keel/sched.h>
#include <keel/console_ring.h>

static struct evtchn *port_of(struct domain *d, u32 port)
{
	if (port == 0 || port >= EVTCHN_MAX_PORTS)
		return NULL;
	return &d->evtchn[port];
}

static int alloc_port(struct domain *d, u32 *out)
{
	for (u32 p = 1; p < EVTCHN_MAX_PORTS; p++) {
		if (d->evtchn[p].state == ECS_FREE) {
			memset(&d->evtchn[p], 0, sizeof(d->evtchn[p]));
			evtchn_clear_pending(d, p);
			*out = p;
			return 0;
		}
	}
	return -ENOSPC;
}

/*
 * The domain a port operation names: the caller (DOMID_SELF or its id), or
 * for a privileged caller (the toolstack setting up a guest's ports) any
 * other; as Xen, -ESRCH for none such before -EPERM for the unprivileged.
 */
static struct domain *target_domain(struct vcpu *v, u16 dom, int *err)
{
	if (dom == DOMID_SELF || dom == v->dom->id)
		return v->dom;
	struct domain *d = domain_by_id(dom);
	*err = !d ? -ESRCH : !v->dom->privileged ? -EPERM : 0;
	return *err ? NULL : d;
}

static int alloc_port_as(struct domain *d, u8 state, u16 remote)
{
	u32 port;

	if (alloc_port(d, &port))
		return -ENOSPC;
	d->evtchn[port].state = state;
	d->evtchn[port].remote_dom = remote;
	return (int)port;
}

int evtchn_alloc_hypervisor_port(struct domain *d, u8 state)
{
	return alloc_port_as(d, state, DOMID_SELF);
}

int evtchn_alloc_unbound_port(struct domain *d, u16 remote)
{
	return alloc_port_as(d, ECS_UNBOUND, remote);
}

void evtchn_close_port(struct domain *d, u32 port)
{
	struct evtchn *e = &d->evtchn[port];

	switch (e->state) {
	case ECS_VIRQ:
		/* Bound where it was bound (vCPU 0 for a global VIRQ), whatever bind_vcpu did
		 * since. */
		for (u32 i = 0; i < d->nr_vcpus; i++)
			if (d->vcpu[i]->virq_port[e->virq] == port)
				d->vcpu[i]->virq_port[e->virq] = 0;
		break;
	case ECS_INTERDOMAIN: {
		/* The peer's end goes back to unbound, bindable by us again. */
		struct domain *peer = domain_by_id(e->remote_dom);
		if (peer && peer->evtchn && e->remote_port < EVTCHN_MAX_PORTS) {
			struct evtchn *r = &peer->evtchn[e->remote_port];
			if (r->state == ECS_INTERDOMAIN && r->remote_dom == d->id &&
			    r->remote_port == port) {
				r->state = ECS_UNBOUND;
				r->remote_port = 0;
			}
		}
		break;
	}
	default:
		break;
	}
	memset(e, 0, sizeof(*e));
	evtchn_clear_pending(d, port);
}

static long op_alloc_unbound(struct vcpu *v, u64 arg)
{
	struct evtchn_alloc_unbound a;
	int err = 0;

	if (copy_from_guest(v, &a, arg, sizeof(a)))
		return -EFAULT;
	struct domain *d = target_domain(v, a.dom, &err);
	if (!d)
		return err;
	/* As Xen: DOMID_SELF as the remote end is the caller, even for another's port. */
	u16 remote = a.remote_dom == DOMID_SELF ? v->dom->id : a.remote_dom;
	if (!domain_by_id(remote))
		return -ESRCH;
	if ((err = alloc_port(d, &a.port)))
		return err;
	d->evtchn[a.port].state = ECS_UNBOUND;
	d->evtchn[a.port].remote_dom = remote;
	if (copy_to_guest(v, arg, &a, sizeof(a))) {
		evtchn_close_port(d, a.port);
		return -EFAULT;
	}
	return 0;
}

static long op_bind_interdomain(struct vcpu *v, u64 arg)
{
	struct evtchn_bind_interdomain a;
	struct domain *d = v->dom;
	u32 lport;
	int err;

	if (copy_from_guest(v, &a, arg, sizeof(a)))
		return -EFAULT;
	struct domain *rd = a.remote_dom == DOMID_SELF ? d : domain_by_id(a.remote_dom);
	if (!rd || !rd->evtchn)
		return -ESRCH;
	struct evtchn *r = port_of(rd, a.remote_port);
	if (!r || r->state != ECS_UNBOUND || r->remote_dom != d->id)
		return -EINVAL;
	if ((err = alloc_port(d, &lport)))
		return err;
	a.local_port = lport;
	if (copy_to_guest(v, arg, &a, sizeof(a)))
		return -EFAULT;
	struct evtchn *l = &d->evtchn[lport];
	l->state = ECS_INTERDOMAIN;
	l->remote_dom = rd->id;
	l->remote_port = a.remote_port;
	r->state = ECS_INTERDOMAIN;
	r->remote_dom = d->id;
	r->remote_port = lport;
	/* As Xen does: a notification sent before the bind is not lost. */
	evtchn_set_pending(d, lport);
	return 0;
}

/* As Xen's virq_is_global (xen/common/event_channel.c): all but the per-vCPU ones. */
static bool virq_is_global(u32 virq)
{
	return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != VIRQ_XENOPROF &&
	       virq != VIRQ_XENPMU;
}

static long op_bind_virq(struct vcpu *v, u64 arg)
{
	struct evtchn_bind_virq a;
	struct domain *d = v->dom;
	int err;

	if (copy_from_guest(v, &a, arg, sizeof(a)))
		return -EFAULT;
	if (a.virq >= NR_VIRQS)
		return -EINVAL;
	if (virq_is_global(a.virq) && a.vcpu != 0)
		return -EINVAL; /* a global VIRQ is delivered through vCPU 0 */
	if (a.vcpu >= d->nr_vcpus)
		return -ENOENT;
	struct vcpu *t = d->vcpu[a.vcpu];
	if (t->virq_port[a.virq])
		return -EEXIST;
	if ((err = alloc_port(d, &a.port)))
		return err;
	if (copy_to_guest(v, arg, &a, sizeof(a)))
		return -EFAULT;
	d->evtchn[a.port].state = ECS_VIRQ;
	d->evtchn[a.port].vcpu = a.vcpu;
	d->evtchn[a.port].virq = a.virq;
	t->virq_port[a.virq] = a.port;
	if (a.virq == VIRQ_CONSOLE)
		console_input_start(d); /* hvc0 of the initial domain waits for input */
	return 0;
}

static long op_bind_ipi(struct vcpu *v, u64 arg)
{
	struct evtchn_bind_ipi a;
	struct domain *d = v->dom;
	int err;

	if (copy_from_guest(v, &a, arg, sizeof(a)))
		return -EFAULT;
	if (a.vcpu >= d->nr_vcpus)
		return -ENOENT;
	if ((err = alloc_port(d, &a.port)))
		return err;
	if (copy_to_guest(v, arg, &a, sizeof(a)))
		return -EFAULT;
	d->evtchn[a.port].state = ECS_IPI;
	d->evtchn[a.port].vcpu = a.vcpu;
	return 0;
}

static long op_close(struct vcpu *v, u64 arg)
{
	struct evtchn_port a;

	if (copy_from_guest(v, &a, arg, sizeof(a)))
		return -EFAULT;
	struct evtchn *e = port_of(v->dom, a.port);
	if (!e || e->consumer != EVTCHN_CONSUMER_GUEST)
		return -EINVAL; /* as Xen: a port Keel itself consumes is not the guest's to close
				 */
	evtchn_close_port(v->dom, a.port);
	return 0;
}

static long op_send(struct vcpu *v, u64 arg)
{
	struct evtchn_port a;
	struct domain *d = v->dom;

	if (copy_from_guest(v, &a, arg, sizeof(a)))
		return -EFAULT;
	struct evtchn *e = port_of(d, a.port);
	if (!e)
		return -EINVAL;
	switch (e->state) {
	case ECS_INTERDOMAIN: {
		struct domain *peer = domain_by_id(e->remote_dom);
		if (peer && peer->evtchn &&
		    (peer->state == DOM_RUNNING || peer->state == DOM_PAUSED))
			evtchn_set_pending(peer, e->remote_port);
		return 0;
	}
	case ECS_IPI:
		evtchn_set_pending(d, a.port);
		return 0;
	case ECS_UNBOUND:
		return 0; /* nobody to tell: dropped, as in Xen */
	case ECS_XEN_CONSOLE:
		console_ring_drain(d);
		return 0;
	default:
		return -EINVAL; /* closed, or a VIRQ (only the hypervisor raises those) */
	}
}

static long op_unmask(struct vcpu *v, u64 arg)
{
	struct evtchn_port a;
	struct domain *d = v->dom;

	if (copy_from_guest(v, &a, arg, sizeof(a)))
		return -EFAULT;
	struct evtchn *e = port_of(d, a.port);
	if (!e)
		return -EINVAL;
	struct shared_info *si = d->shared_info;
	__atomic_fetch_and(&si->evtchn_mask[a.port / 64], ~(1ULL << (a.port % 64)),
			   __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&si->evtchn_pending[a.port / 64], __ATOMIC_SEQ_CST) &
	    (1ULL << (a.port % 64)))
		evtchn_select(d, a.port);
	return 0;
}

static long op_status(struct vcpu *v, u64 arg)
{
	struct evtchn_status a;
	int err = 0;

	if (copy_from_guest(v, &a, arg, sizeof(a)))
		return -EFAULT;
	struct domain *d = target_domain(v, a.dom, &err);
	if (!d)
		return err;
	if (a.port >= EVTCHN_MAX_PORTS)
		return -EINVAL;
	struct evtchn *e = &d->evtchn[a.port];
	memset(&a.u, 0, sizeof(a.u));
	a.vcpu = e->vcpu;
	switch (e->state) {
	case ECS_UNBOUND:
		a.status = EVTCHNSTAT_unbound;
		a.u.unbound.dom = e->remote_dom;
		break;
	case ECS_INTERDOMAIN:
		a.status = EVTCHNSTAT_interdomain;
		a.u.interdomain.dom = e->remote_dom;
		a.u.interdomain.port = e->remote_port;
		break;
	case ECS_VIRQ:
		a.status = EVTCHNSTAT_virq;
		a.u.virq = e->virq;
		break;
	case ECS_IPI:
		a.status = EVTCHNSTAT_ipi;
		break;
	case ECS_XEN_CONSOLE:
		a.status = EVTCHNSTAT_interdomain; /* to the console, as with Xen's xenconsoled */
		a.u.interdomain.dom = 0;
		break;
	default:
		a.status = EVTCHNSTAT_closed;
		break;
	}
	return copy_to_guest(v, arg, &a, sizeof(a)) ? -EFAULT : 0;
}

static long op_bind_vcpu(struct vcpu *v, u64 arg)
{
	struct evtchn_bind_vcpu a;
	struct domain *d = v->dom;

	if (copy_from_guest(v, &a, arg, sizeof(a)))
		return -EFAULT;
	struct evtchn *e = port_of(d, a.port);
	if (!e)
		return -EINVAL;
	if (a.vcpu >= d->nr_vcpus)
		return -ENOENT;
	/* Per-vCPU VIRQs (the timer) and IPIs stay where they were bound. */
	if (e->state != ECS_UNBOUND && e->state != ECS_INTERDOMAIN &&
	    !(e->state == ECS_VIRQ && e->virq != VIRQ_TIMER && e->virq != VIRQ_DEBUG))
		return -EINVAL;
	e->vcpu = a.vcpu;
	return 0;
}

/*
 * EVTCHNOP_init_control (struct evtchn_init_control, 24 bytes: control_gfn
 * @0, offset @8, vcpu @12, link_bits @16 OUT): the FIFO ABI. Keel offers only
 * the 2-level ABI, but checks the arguments first as Xen does, so a guest
 * sees the same error for a bad request; a good one gets -ENOSYS and Linux
 * falls back to 2-level.
 */
#define FIFO_CONTROL_BLOCK_SIZE 72 /* ready, reserved, head[16] */

static long op_init_control(struct vcpu *v, u64 arg)
{
	struct {
		u64 control_gfn;
		u32 offset, vcpu;
		u8 link_bits, pad[7];
	} a;

	if (copy_from_guest(v, &a, arg, sizeof(a)))
		return -EFAULT;
	if (a.vcpu >= v->dom->nr_vcpus)
		return -ENOENT;
	if (a.offset > PAGE_SIZE - FIFO_CONTROL_BLOCK_SIZE || (a.offset & 7))
		return -EINVAL;
	return -ENOSYS;
}

typedef long (*evtchn_op_fn)(struct vcpu *v, u64 arg);

/* EVTCHNOP_* -> handler; the rest (bind_pirq, reset, expand_array) is -ENOSYS. */
static const evtchn_op_fn ops[] = {
    [EVTCHNOP_alloc_unbound] = op_alloc_unbound,
    [EVTCHNOP_bind_interdomain] = op_bind_interdomain,
    [EVTCHNOP_bind_virq] = op_bind_virq,
    [EVTCHNOP_bind_ipi] = op_bind_ipi,
    [EVTCHNOP_close] = op_close,
    [EVTCHNOP_send] = op_send,
    [EVTCHNOP_unmask] = op_unmask,
    [EVTCHNOP_status] = op_status,
    [EVTCHNOP_bind_vcpu] = op_bind_vcpu,
    [EVTCHNOP_init_control] = op_init_control,
};

long evtchn_op(struct vcpu *v, u32 cmd, u64 arg)
{
	if (cmd >= ARRAY_SIZE(ops) || !ops[cmd])
		return -ENOSYS;
	return ops[cmd](v, arg);
}

long do_event_channel_op(struct vcpu *v, const struct hypercall_args *a)
{
	return evtchn_op(v, (u32)a->a1, a->a2);
}

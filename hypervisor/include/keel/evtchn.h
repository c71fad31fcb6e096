/* SPDX-License-Identifier: MIT */
/*
 * Event channels, Xen's 2-level ABI: per-domain ports whose pending and mask
 * bits live in shared_info, a per-vCPU selector word and upcall flag in
 * vcpu_info, and an upcall delivered as the HVM_PARAM_CALLBACK_IRQ vector.
 */
#ifndef KEEL_EVTCHN_H
#define KEEL_EVTCHN_H

#include <keel/domain.h>
#include <public/xen/event_channel.h>
#include <public/xen/memory.h>

#define EVTCHN_MAX_PORTS 1024 /* per domain; the 2-level ABI allows 4096 */

enum evtchn_state {
	ECS_FREE = 0,
	ECS_UNBOUND,
	ECS_INTERDOMAIN,
	ECS_VIRQ,
	ECS_IPI,
	ECS_XEN_CONSOLE, /* the other end is the hypervisor's console */
};

/* The guest (pending bits, upcall) or the hypervisor itself (an ioreq server's port). */
#define EVTCHN_CONSUMER_GUEST 0
#define EVTCHN_CONSUMER_IOREQ 1

struct evtchn {
	u8 state;
	u8 consumer;	 /* EVTCHN_CONSUMER_*: who takes this end's notifications */
	u16 remote_dom;	 /* unbound: who may bind; interdomain: the peer */
	u32 remote_port; /* interdomain */
	u32 vcpu;	 /* the vCPU notified */
	u32 virq;
};

int evtchn_domain_init(struct domain *d);
/* Closes every port (peers' ports become unbound) and frees the table. */
void evtchn_domain_destroy(struct domain *d);

/* Marks port pending and notifies its vCPU (2-level ABI: xen/include/public/event_channel.h). */
/* Clears the port's bit in shared_info's evtchn_pending (free and re-allocation). */
void evtchn_clear_pending(struct domain *d, u32 port);
void evtchn_set_pending(struct domain *d, u32 port);
/* For a port already pending and now unmasked: sets the selector bit, raises the upcall. */
void evtchn_select(struct domain *d, u32 port);
/* Raises a per-vCPU virtual IRQ (VIRQ_TIMER...) if the guest bound it. */
void evtchn_send_virq(struct vcpu *v, u32 virq);
/* Raises a global VIRQ (bound on vCPU 0) in d, if d is alive and bound it. */
void evtchn_send_global_virq(struct domain *d, u32 virq);
/*
 * VIRQ_DOM_EXC in every live privileged domain but `ended` that bound it:
 * a domain shut down, crashed, was destroyed or is gone (its watchers look).
 */
void evtchn_raise_dom_exc(struct domain *ended);

/* The callback vector to inject for v now, or -1. */
int evtchn_upcall_vector(struct vcpu *v);
bool evtchn_upcall_pending(struct vcpu *v);
/* True when one of the ports v polls (SCHEDOP_poll) is pending. */
bool evtchn_poll_ready(struct vcpu *v);

long evtchn_op(struct vcpu *v, u32 cmd, u64 arg);
void evtchn_close_port(struct domain *d, u32 port);
/* A port whose other end is the hypervisor itself; returns it or -ENOSPC. */
int evtchn_alloc_hypervisor_port(struct domain *d, u8 state);
/* An unbound port of d that domain `remote` may bind; returns it or -ENOSPC. */
int evtchn_alloc_unbound_port(struct domain *d, u16 remote);

#endif

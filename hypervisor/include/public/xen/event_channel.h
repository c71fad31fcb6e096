/* SPDX-License-Identifier: MIT */
/*
 * Keel's guest ABI, part 6: event_channel_op (hypercall 32) (cmd, void *arg),
 * 2-level ABI (public/event_channel.h). Ports are u32; domids u16.
 *
 *   alloc_unbound (6)   {dom @0, remote_dom @2, port @4 (out)}           8 bytes
 *   bind_interdomain (0){remote_dom @0, remote_port @4, local_port @8 (out)} 12
 *   bind_virq (1)       {virq @0, vcpu @4, port @8 (out)}                12 bytes
 *   bind_ipi (7)        {vcpu @0, port @4 (out)}                          8 bytes
 *   close (3)           {port @0}                                         4 bytes
 *   send (4)            {port @0}                                         4 bytes
 *   status (5)          {dom @0, port @4, status @8 (out), vcpu @12 (out),
 *                        union @16 (out, 8 bytes)}                       24 bytes
 *   bind_vcpu (8)       {port @0, vcpu @4}                                8 bytes
 *   unmask (9)          {port @0}                                         4 bytes
 *   init_control (11), expand_array (12): FIFO ABI, not offered (-ENOSYS).
 */
#ifndef KEEL_PUBLIC_XEN_EVENT_CHANNEL_H
#define KEEL_PUBLIC_XEN_EVENT_CHANNEL_H

#include <stdint.h>

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq	  1
#define EVTCHNOP_bind_pirq	  2
#define EVTCHNOP_close		  3
#define EVTCHNOP_send		  4
#define EVTCHNOP_status		  5
#define EVTCHNOP_alloc_unbound	  6
#define EVTCHNOP_bind_ipi	  7
#define EVTCHNOP_bind_vcpu	  8
#define EVTCHNOP_unmask		  9
#define EVTCHNOP_reset		  10
#define EVTCHNOP_init_control	  11
#define EVTCHNOP_expand_array	  12

/* Per-vCPU: TIMER, DEBUG, XENOPROF, XENPMU; every other VIRQ is global (bound on vCPU 0). */
#define VIRQ_TIMER    0
#define VIRQ_DEBUG    1
#define VIRQ_CONSOLE  2 /* the initial domain: console input waiting (console_io read) */
#define VIRQ_DOM_EXC  3 /* privileged domains: another domain shut down, crashed or went */
#define VIRQ_XENOPROF 7
#define VIRQ_XENPMU   13
#define NR_VIRQS      24

#define EVTCHNSTAT_closed      0
#define EVTCHNSTAT_unbound     1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq	       3
#define EVTCHNSTAT_virq	       4
#define EVTCHNSTAT_ipi	       5

struct evtchn_alloc_unbound {
	uint16_t dom, remote_dom;
	uint32_t port;
};

struct evtchn_bind_interdomain {
	uint16_t remote_dom;
	uint16_t pad;
	uint32_t remote_port;
	uint32_t local_port;
};

struct evtchn_bind_virq {
	uint32_t virq;
	uint32_t vcpu;
	uint32_t port;
};

struct evtchn_bind_ipi {
	uint32_t vcpu;
	uint32_t port;
};

struct evtchn_port {
	uint32_t port;
};

struct evtchn_status {
	uint16_t dom;
	uint16_t pad;
	uint32_t port;
	uint32_t status;
	uint32_t vcpu;
	union {
		struct {
			uint16_t dom;
		} unbound;
		struct {
			uint16_t dom;
			uint16_t pad;
			uint32_t port;
		} interdomain;
		uint32_t pirq;
		uint32_t virq;
	} u;
};

struct evtchn_bind_vcpu {
	uint32_t port;
	uint32_t vcpu;
};

_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status is 24 bytes");
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "12 bytes");

#endif

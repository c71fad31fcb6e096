/* SPDX-License-Identifier: MIT */
/* Xen-ABI helpers for test guests: shared info, PV clock, event channels. */
#ifndef KEEL_TEST_GUEST_XEN_H
#define KEEL_TEST_GUEST_XEN_H

#include "guest.h"

#include <public/xen/event_channel.h>
#include <public/xen/grant_table.h>
#include <public/xen/hvm.h>
#include <public/xen/memory.h>
#include <public/xen/shared_info.h>
#include <public/xen/vcpu.h>

#define UPCALL_VECTOR 0xf3

extern struct shared_info *shared;

/* Maps shared_info over one of the guest's own pages; 0 or the hypercall's error. */
long xen_map_shared_info(void);
/* Installs the upcall handler and sets HVM_PARAM_CALLBACK_IRQ. */
long xen_enable_upcall(void);
/* ns since boot from vcpu 0's PV clock. */
uint64_t xen_clock_ns(const struct vcpu_time_info *t);

/* ns since boot, vcpu 0's clock (shared info mapped). */
uint64_t xen_now_ns(void);
/* Halts until any event or ns pass (set_timer_op): VIRQ_TIMER must be bound, upcalls on. */
void xen_nap(uint64_t ns);

/* Per-port callback run from the upcall; counts in port_hits[] regardless. */
typedef void (*port_handler)(uint32_t port);
void xen_set_port_handler(uint32_t port, port_handler h);
extern volatile uint32_t port_hits[1024];

long evtchn_op(uint32_t cmd, void *arg);
long bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port);
long evtchn_send(uint32_t port);
long evtchn_close(uint32_t port);
long evtchn_unmask(uint32_t port);
long evtchn_alloc_unbound(uint16_t remote, uint32_t *port);
long evtchn_bind_interdomain(uint16_t remote, uint32_t rport, uint32_t *port);

/* XENMEM_add_to_physmap_batch of n frames of fdom (gmfn_foreign) at gfns; errs per frame. */
long xen_map_foreign(uint16_t fdom, uint64_t *idxs, uint64_t *gfns, int *errs, uint16_t n);
/* XENMEM_remove_from_physmap of one of its own gfns. */
long xen_unmap_gfn(uint64_t gfn);
/* One GNTTABOP_map_grant_ref of dom's ref at host_addr (the hypercall is checked): its status. */
int16_t gnttab_map(uint16_t dom, uint64_t host_addr, uint32_t flags, uint32_t ref,
		   uint32_t *handle);
/* One GNTTABOP_unmap_grant_ref: its status. */
int16_t gnttab_unmap(uint64_t host_addr, uint32_t handle);

/* Keel's domctl (a privileged guest): the id of the domain named name, or 0xffff. */
uint16_t keel_domid_of(const char *name);

/* Waits (sti; hlt) until port_hits[port] reaches want or max_ticks pass. */
bool wait_port(uint32_t port, uint32_t want, uint64_t max_ticks);

#endif

// SPDX-License-Identifier: MIT
/* Xen-ABI helpers for test guests: see xen.h. */
#include "xen.h"

#include <public/keel/domctl.h>

struct shared_info *shared;
static uint8_t shared_page[4096] __attribute__((aligned(4096)));
volatile uint32_t port_hits[1024];
static port_handler handlers[1024];

long xen_map_shared_info(void)
{
	struct xen_add_to_physmap x = {
	    .domid = DOMID_SELF,
	    .space = XENMAPSPACE_shared_info,
	    .idx = 0,
	    .gpfn = (uint64_t)shared_page >> 12,
	};
	long r = HYPERCALL2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x);

	if (!r)
		shared = (struct shared_info *)shared_page;
	return r;
}

void xen_set_port_handler(uint32_t port, port_handler h)
{
	handlers[port & 1023] = h;
}

/* The 2-level scan: selector word, then pending & ~mask in each selected word. */
static void upcall(int vector)
{
	(void)vector;
	struct vcpu_info *vi = &shared->vcpu_info[0];

	while (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST)) {
		vi->evtchn_upcall_pending = 0;
		uint64_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
		while (sel) {
			int w = __builtin_ctzll(sel);
			sel &= sel - 1;
			uint64_t bits = shared->evtchn_pending[w] & ~shared->evtchn_mask[w];
			while (bits) {
				int b = __builtin_ctzll(bits);
				bits &= bits - 1;
				uint32_t port = (uint32_t)(w * 64 + b);
				__atomic_fetch_and(&shared->evtchn_pending[w], ~(1ULL << b),
						   __ATOMIC_SEQ_CST);
				if (port < 1024) {
					port_hits[port]++;
					if (handlers[port])
						handlers[port](port);
				}
			}
		}
	}
}

long xen_enable_upcall(void)
{
	struct xen_hvm_param p = {
	    .domid = DOMID_SELF,
	    .index = HVM_PARAM_CALLBACK_IRQ,
	    .value = (HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | UPCALL_VECTOR,
	};

	set_irq_handler(UPCALL_VECTOR, upcall);
	return HYPERCALL2(__HYPERVISOR_hvm_op, HVMOP_set_param, &p);
}

uint64_t xen_clock_ns(const struct vcpu_time_info *t)
{
	uint32_t ver;
	uint64_t ns;

	do {
		ver = __atomic_load_n(&t->version, __ATOMIC_SEQ_CST);
		uint64_t delta = rdtsc() - t->tsc_timestamp;
		if (t->tsc_shift < 0)
			delta >>= -t->tsc_shift;
		else
			delta <<= t->tsc_shift;
		ns = t->system_time +
		     (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
	} while ((ver & 1) || ver != __atomic_load_n(&t->version, __ATOMIC_SEQ_CST));
	return ns;
}

uint64_t xen_now_ns(void)
{
	return xen_clock_ns(&shared->vcpu_info[0].time);
}

void xen_nap(uint64_t ns)
{
	HYPERCALL1(__HYPERVISOR_set_timer_op, xen_now_ns() + ns);
	sti_hlt();
}

long evtchn_op(uint32_t cmd, void *arg)
{
	return HYPERCALL2(__HYPERVISOR_event_channel_op, cmd, arg);
}

long bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port)
{
	struct evtchn_bind_virq b = {.virq = virq, .vcpu = vcpu};
	long r = evtchn_op(EVTCHNOP_bind_virq, &b);

	*port = b.port;
	return r;
}

long evtchn_send(uint32_t port)
{
	struct evtchn_port p = {port};

	return evtchn_op(EVTCHNOP_send, &p);
}

long evtchn_close(uint32_t port)
{
	struct evtchn_port p = {port};

	return evtchn_op(EVTCHNOP_close, &p);
}

long evtchn_unmask(uint32_t port)
{
	struct evtchn_port p = {port};

	return evtchn_op(EVTCHNOP_unmask, &p);
}

long evtchn_alloc_unbound(uint16_t remote, uint32_t *port)
{
	struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = remote};
	long r = evtchn_op(EVTCHNOP_alloc_unbound, &a);

	*port = a.port;
	return r;
}

long evtchn_bind_interdomain(uint16_t remote, uint32_t rport, uint32_t *port)
{
	struct evtchn_bind_interdomain b = {.remote_dom = remote, .remote_port = rport};
	long r = evtchn_op(EVTCHNOP_bind_interdomain, &b);

	*port = b.local_port;
	return r;
}

long xen_map_foreign(uint16_t fdom, uint64_t *idxs, uint64_t *gfns, int *errs, uint16_t n)
{
	struct xen_add_to_physmap_batch b = {
	    .domid = DOMID_SELF,
	    .space = XENMAPSPACE_gmfn_foreign,
	    .size = n,
	    .foreign_domid = fdom,
	    .idxs = (uint64_t)idxs,
	    .gpfns = (uint64_t)gfns,
	    .errs = (uint64_t)errs,
	};
	return HYPERCALL2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, &b);
}

long xen_unmap_gfn(uint64_t gfn)
{
	struct xen_remove_from_physmap r = {.domid = DOMID_SELF, .gpfn = gfn};

	return HYPERCALL2(__HYPERVISOR_memory_op, XENMEM_remove_from_physmap, &r);
}

int16_t gnttab_map(uint16_t dom, uint64_t host_addr, uint32_t flags, uint32_t ref, uint32_t *handle)
{
	struct gnttab_map_grant_ref op = {
	    .host_addr = host_addr, .flags = flags, .ref = ref, .dom = dom};

	CHECK_EQ(HYPERCALL3(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, &op, 1), 0);
	*handle = op.handle;
	return op.status;
}

int16_t gnttab_unmap(uint64_t host_addr, uint32_t handle)
{
	struct gnttab_unmap_grant_ref op = {.host_addr = host_addr, .handle = handle};

	CHECK_EQ(HYPERCALL3(__HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, &op, 1), 0);
	return op.status;
}

uint16_t keel_domid_of(const char *name)
{
	struct keel_domctl op = {.cmd = KEEL_DOMCTL_next, .domid = 0};

	while (HYPERCALL1(__HYPERVISOR_keel_domctl, &op) == 0) {
		if (!strcmp(op.u.info.name, name))
			return op.u.info.domid;
		op.domid = op.u.info.domid + 1;
	}
	return 0xffff;
}

bool wait_port(uint32_t port, uint32_t want, uint64_t max_ticks)
{
	uint64_t end = rdtsc() + max_ticks;

	while (port_hits[port] < want && rdtsc() < end)
		sti_hlt();
	return port_hits[port] >= want;
}

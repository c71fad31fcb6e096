// SPDX-License-Identifier: MIT
/* The hypervisor-served console ring: see console_ring.h. */
#include <keel/console_ring.h>
#include <keel/errno.h>
#include <keel/evtchn.h>
#include <keel/printk.h>
#include <keel/string.h>

#define OUT_OFF	 1024
#define OUT_SIZE 2048
#define IDX_OFF	 3072

struct ring_idx {
	u32 in_cons, in_prod, out_cons, out_prod;
};

int console_ring_setup(struct domain *d, u64 gpa)
{
	u8 *page = domain_gpa_ptr(d, gpa, PAGE_SIZE);
	int port;

	if (!page)
		return -EINVAL;
	memset(page, 0, PAGE_SIZE);
	port = evtchn_alloc_hypervisor_port(d, ECS_XEN_CONSOLE);
	if (port < 0)
		return port;
	d->console_gpa = gpa;
	d->console_port = (u32)port;
	d->hvm_params[HVM_PARAM_CONSOLE_PFN] = gpa >> PAGE_SHIFT;
	d->hvm_params[HVM_PARAM_CONSOLE_EVTCHN] = (u32)port;
	return port;
}

void console_ring_drain(struct domain *d)
{
	u8 *page = domain_gpa_ptr(d, d->console_gpa, PAGE_SIZE);
	volatile struct ring_idx *idx;
	char chunk[128];

	if (!page)
		return;
	idx = (volatile struct ring_idx *)(page + IDX_OFF);
	u32 cons = idx->out_cons, prod = idx->out_prod;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (prod - cons > OUT_SIZE) {
		/* Indices a guest cannot have produced: drop everything, keep going. */
		printk("keel: domain %u (%s): console ring indices corrupt; output dropped\n",
		       d->id, d->name);
		idx->out_cons = prod;
		return;
	}
	while (cons != prod) {
		u32 n = 0;
		while (cons != prod && n < sizeof(chunk))
			chunk[n++] = (char)page[OUT_OFF + (cons++ & (OUT_SIZE - 1))];
		domain_console_write(d, chunk, n);
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
	idx->out_cons = cons;
	/* Room again: tell the guest, as a console daemon would. */
	evtchn_set_pending(d, d->console_port);
}

// SPDX-License-Identifier: MIT
/*
 * Ioreq servers: see ioreq.h. A request is one element (count 1, data by
 * value). Keel never trusts what the emulator leaves in the shared page: it
 * keeps its own copy of what it asked and reads only the state and the data.
 * A slot in a state the protocol does not allow crashes the emulated domain,
 * as Xen does (xen/common/ioreq.c); the emulator and Keel go on.
 */
#include <keel/ioreq.h>
#include <keel/errno.h>
#include <keel/evtchn.h>
#include <keel/mm.h>
#include <keel/physmap.h>
#include <keel/printk.h>
#include <keel/rangeset.h>
#include <keel/sched.h>
#include <keel/string.h>

struct ioreq_server {
	u16 id;
	u16 emulator; /* the domain that created it: only it may use it */
	bool enabled;
	u8 bufioreq;	    /* HVM_IOREQSRV_BUFIOREQ_* */
	struct ioreq *page; /* synchronous requests, slot = vCPU id */
	void *bufpage;	    /* the buffered ring, or NULL */
	u32 bufioreq_port;
	u32 port[MAX_VCPUS]; /* vp_eport of each vCPU, in the emulated domain */
	struct rangeset ranges[XEN_DMOP_IO_RANGE_TYPES];
	struct range storage[XEN_DMOP_IO_RANGE_TYPES][KEEL_MAX_IO_RANGES];
};

#define SERVER_PAGES (ALIGN_UP(sizeof(struct ioreq_server), PAGE_SIZE) / PAGE_SIZE)
_Static_assert(MAX_VCPUS * sizeof(struct ioreq) <= PAGE_SIZE, "one page holds every vCPU's slot");

/* The server id of d usable by emu: -EINVAL for a non-HVM d, -ENOENT, -EPERM. */
static int lookup(struct domain *d, struct domain *emu, u32 id, struct ioreq_server **out)
{
	if (!d->hvm)
		return -EINVAL;
	struct ioreq_server *s = id < KEEL_MAX_IOREQ_SERVERS ? d->ioreq[id] : NULL;
	if (!s)
		return -ENOENT;
	if (s->emulator != emu->id)
		return -EPERM;
	*out = s;
	return 0;
}

/* The server's ports: unbound in d, bindable by the emulator, consumed by Keel. */
static int alloc_ports(struct domain *d, struct ioreq_server *s)
{
	for (u32 i = 0; i <= d->nr_vcpus; i++) {
		if (i == d->nr_vcpus && s->bufioreq == HVM_IOREQSRV_BUFIOREQ_OFF)
			break;
		int p = evtchn_alloc_unbound_port(d, s->emulator);
		if (p < 0)
			return p;
		d->evtchn[p].consumer = EVTCHN_CONSUMER_IOREQ;
		if (i < d->nr_vcpus) {
			s->port[i] = (u32)p;
			s->page[i].vp_eport = (u32)p;
		} else {
			s->bufioreq_port = (u32)p;
		}
	}
	return 0;
}

static void free_server(struct domain *d, struct ioreq_server *s)
{
	for (u32 i = 0; i < d->nr_vcpus; i++)
		if (s->port[i] && d->evtchn)
			evtchn_close_port(d, s->port[i]);
	if (s->bufioreq_port && d->evtchn)
		evtchn_close_port(d, s->bufioreq_port);
	if (s->page)
		pages_free(s->page, 1);
	if (s->bufpage)
		pages_free(s->bufpage, 1);
	d->ioreq[s->id] = NULL;
	pages_free(s, SERVER_PAGES);
}

int ioreq_server_create(struct domain *d, struct domain *emu, u8 bufioreq, u16 *id)
{
	u16 i;
	int err = -ENOMEM;

	if (!d->hvm || bufioreq > HVM_IOREQSRV_BUFIOREQ_ATOMIC)
		return -EINVAL;
	for (i = 0; i < KEEL_MAX_IOREQ_SERVERS && d->ioreq[i]; i++)
		;
	if (i == KEEL_MAX_IOREQ_SERVERS)
		return -ENOSPC;
	struct ioreq_server *s = pages_alloc(SERVER_PAGES);
	if (!s)
		return -ENOMEM;
	s->id = i;
	s->emulator = emu->id;
	s->bufioreq = bufioreq;
	for (u32 t = 0; t < XEN_DMOP_IO_RANGE_TYPES; t++)
		rangeset_init(&s->ranges[t], s->storage[t], KEEL_MAX_IO_RANGES);
	d->ioreq[i] = s;
	s->page = pages_alloc(1);
	if (bufioreq != HVM_IOREQSRV_BUFIOREQ_OFF)
		s->bufpage = pages_alloc(1);
	if (!s->page || (bufioreq != HVM_IOREQSRV_BUFIOREQ_OFF && !s->bufpage))
		goto fail;
	if ((err = alloc_ports(d, s)))
		goto fail;
	*id = i;
	printk("keel: domain %u (%s): ioreq server %u created by domain %u\n", d->id, d->name, i,
	       emu->id);
	return 0;
fail:
	free_server(d, s);
	return err;
}

int ioreq_server_info(struct domain *d, struct domain *emu, u16 id, u32 *bufioreq_port)
{
	struct ioreq_server *s;
	int err = lookup(d, emu, id, &s);

	if (!err)
		*bufioreq_port = s->bufioreq_port;
	return err;
}

int ioreq_server_map(struct domain *d, struct domain *emu, u16 id, u32 type, u64 start, u64 end,
		     bool map)
{
	struct ioreq_server *s;

	if (start > end)
		return -EINVAL;
	int err = lookup(d, emu, id, &s);
	if (err)
		return err;
	if (type >= XEN_DMOP_IO_RANGE_TYPES)
		return -EINVAL;
	return map ? rangeset_add(&s->ranges[type], start, end)
		   : rangeset_remove(&s->ranges[type], start, end);
}

int ioreq_server_set_state(struct domain *d, struct domain *emu, u16 id, bool enabled)
{
	struct ioreq_server *s;
	int err = lookup(d, emu, id, &s);

	if (!err)
		s->enabled = enabled;
	return err;
}

/* A vCPU waiting on s gets all ones (as an access nobody claims). */
static void answer_waiters(struct domain *d, struct ioreq_server *s)
{
	for (u32 i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		if (v->io.state == IOW_WAITING && v->io.server == s->id) {
			v->io.data = ~0ULL;
			v->io.state = IOW_ANSWERED;
			sched_wake(v);
		}
	}
}

int ioreq_server_destroy(struct domain *d, struct domain *emu, u16 id)
{
	struct ioreq_server *s;
	int err = lookup(d, emu, id, &s);

	if (err)
		return err;
	answer_waiters(d, s);
	physmap_revoke_frame(d, virt_to_phys(s->page));
	if (s->bufpage)
		physmap_revoke_frame(d, virt_to_phys(s->bufpage));
	free_server(d, s);
	printk("keel: domain %u (%s): ioreq server %u destroyed\n", d->id, d->name, id);
	return 0;
}

int ioreq_server_frame(struct domain *d, struct domain *emu, u32 id, u64 frame, paddr_t *hpa)
{
	struct ioreq_server *s;
	int err = lookup(d, emu, id, &s);

	if (err)
		return err;
	if (frame == XENMEM_resource_ioreq_server_frame_bufioreq) {
		if (!s->bufpage)
			return -ENOENT;
		*hpa = virt_to_phys(s->bufpage);
		return 0;
	}
	if (frame == XENMEM_resource_ioreq_server_frame_ioreq(0)) {
		*hpa = virt_to_phys(s->page);
		return 0;
	}
	return -EINVAL;
}

void ioreq_domain_free(struct domain *d)
{
	for (u32 i = 0; i < KEEL_MAX_IOREQ_SERVERS; i++)
		if (d->ioreq[i])
			free_server(d, d->ioreq[i]);
}

static bool claims(const struct ioreq_server *s, const struct ioreq_access *a)
{
	u32 t = a->type == IOREQ_TYPE_PIO ? XEN_DMOP_IO_RANGE_PORT : XEN_DMOP_IO_RANGE_MEMORY;
	u64 start = a->addr, end = a->addr + a->size - 1;

	if (a->type == IOREQ_TYPE_PCI_CONFIG) {
		t = XEN_DMOP_IO_RANGE_PCI; /* by segment/bus/device/function, addr's top half */
		start = end = a->addr >> 32;
	}
	return s->enabled && rangeset_contains(&s->ranges[t], start, end);
}

bool ioreq_send(struct vcpu *v, const struct ioreq_access *a)
{
	struct domain *d = v->dom;
	struct ioreq_server *s = NULL;

	if (!d->hvm || a->addr + a->size - 1 < a->addr)
		return false;
	for (u32 i = 0; i < KEEL_MAX_IOREQ_SERVERS && !s; i++)
		if (d->ioreq[i] && claims(d->ioreq[i], a))
			s = d->ioreq[i];
	if (!s)
		return false;
	struct ioreq *slot = &s->page[v->id];
	if (IOREQ_STATE(__atomic_load_n(&slot->bits, __ATOMIC_ACQUIRE)) != STATE_IOREQ_NONE) {
		/* As Xen: the device model left the slot busy; the guest pays, nobody else. */
		domain_crash(d, "device model set bad IO state");
		return true;
	}
	slot->addr = a->addr;
	slot->data = a->ptr || a->dir == IOREQ_WRITE ? a->data : 0;
	slot->count = a->count ? a->count : 1;
	slot->size = a->size;
	slot->vp_eport = s->port[v->id];
	slot->pad = 0;
	slot->type = a->type;
	v->io.server = s->id;
	v->io.state = IOW_WAITING;
	d->ioreqs[a->type < 3 ? a->type : 0]++;
	if (a->ptr)
		d->ioreq_elements += slot->count;
	/* Everything above is visible before the state says READY. */
	u8 bits = (u8)(STATE_IOREQ_READY | (a->dir << IOREQ_DIR_BIT) |
		       ((u8)a->ptr << IOREQ_PTR_BIT) | ((u8)a->df << IOREQ_DF_BIT));
	__atomic_store_n(&slot->bits, bits, __ATOMIC_RELEASE);
	struct evtchn *e = &d->evtchn[s->port[v->id]];
	if (e->state == ECS_INTERDOMAIN) {
		struct domain *emu = domain_by_id(e->remote_dom);
		if (emu && emu->evtchn)
			evtchn_set_pending(emu, e->remote_port);
	}
	v->state = VCPU_BLOCKED;
	sched_remove(v);
	return true;
}

void ioreq_port_notify(struct domain *d, u32 port)
{
	for (u32 i = 0; i < KEEL_MAX_IOREQ_SERVERS; i++) {
		struct ioreq_server *s = d->ioreq[i];
		for (u32 n = 0; s && n < d->nr_vcpus; n++) {
			struct vcpu *v = d->vcpu[n];
			if (s->port[n] != port || v->io.state != IOW_WAITING || v->io.server != i)
				continue;
			struct ioreq *slot = &s->page[n];
			u8 state = IOREQ_STATE(__atomic_load_n(&slot->bits, __ATOMIC_ACQUIRE));
			if (state == STATE_IOREQ_READY || state == STATE_IOREQ_INPROCESS)
				continue; /* not answered yet */
			if (state != STATE_IORESP_READY) {
				/* Backwards or garbage: as Xen, the guest is crashed. */
				v->io.state = IOW_IDLE;
				domain_crash(d, "device model set bad IO state");
				return;
			}
			v->io.data = __atomic_load_n(&slot->data, __ATOMIC_RELAXED);
			__atomic_store_n(&slot->bits, (u8)STATE_IOREQ_NONE, __ATOMIC_RELEASE);
			v->io.state = IOW_ANSWERED;
			sched_wake(v);
		}
	}
}

void ioreq_report(struct domain *d)
{
	if (d->ioreqs[0] || d->ioreqs[1] || d->ioreqs[2])
		printk("keel: domain %u (%s) ioreqs: pio=%lu copy=%lu pci_config=%lu "
		       "string_elements=%lu\n",
		       d->id, d->name, d->ioreqs[IOREQ_TYPE_PIO], d->ioreqs[IOREQ_TYPE_COPY],
		       d->ioreqs[IOREQ_TYPE_PCI_CONFIG], d->ioreq_elements);
}

// SPDX-License-Identifier: MIT
/* TEST DOUBLE of the domctl transport: see domctl_double.h. */
#include "domctl_double.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct keel_domain_info *find(struct domctl_double *x, uint16_t domid)
{
	return domid < DOMCTL_DOUBLE_DOMS && x->used[domid] ? &x->dom[domid] : NULL;
}

static bool alive(const struct keel_domain_info *d)
{
	return d->state == KEEL_DOMSTATE_running || d->state == KEEL_DOMSTATE_paused;
}

static int vcpu_cmd(struct domctl_double *x, struct keel_domain_info *d, struct keel_domctl *op)
{
	struct keel_vcpu_info *v = &op->u.vcpu;
	uint64_t online = (1ull << x->host.nr_cpus) - 1;

	if (v->vcpu >= d->nr_vcpus)
		return -EINVAL;
	if (op->cmd == KEEL_DOMCTL_getvcpu) {
		v->affinity = x->affinity[d->domid][v->vcpu];
		return 0;
	}
	if (!alive(d) || !v->affinity || (v->affinity & ~online))
		return -EINVAL;
	x->affinity[d->domid][v->vcpu] = v->affinity;
	return 0;
}

/* loadkernel / loadinitrd, with the hypervisor's checks; the bytes are read as Keel copies
 * them, from the caller's memory. */
static int load(struct domctl_double *x, struct keel_domain_info *d, struct keel_domctl *op)
{
	const struct keel_load *l = &op->u.load;
	const char *img = (const char *)(uintptr_t)l->image;
	bool kernel = op->cmd == KEEL_DOMCTL_loadkernel;
	struct domctl_double_load *s = &x->load[d->domid];

	if (!s->built || d->state != KEEL_DOMSTATE_paused || kernel == (s->kernel_len != 0))
		return kernel ? -EBUSY : -ENOENT;
	/* An HVM domain's modules are named (1-31 bytes); a PVH initrd has no command line. */
	if (!l->image_len || l->image_len > KEEL_MAX_IMAGE || l->pad || l->cmdline_len > 2047 ||
	    (!kernel && !s->hvm && (l->cmdline || l->cmdline_len)) ||
	    (!kernel && s->hvm && (!l->cmdline_len || l->cmdline_len > 31)))
		return -EINVAL;
	if (kernel && (l->image_len < 4 || memcmp(img, "\177ELF", 4)))
		return -ENOEXEC;
	if (s->kernel_len + l->image_len > d->mem_bytes / 2)
		return -E2BIG;
	memcpy(kernel ? s->kernel_head : s->initrd_head, img, l->image_len < 8 ? l->image_len : 8);
	if (kernel)
		s->kernel_len = l->image_len;
	else
		s->initrd_len = l->image_len;
	if (l->cmdline_len)
		memcpy(kernel ? s->cmdline : s->module_name, (const char *)(uintptr_t)l->cmdline,
		       l->cmdline_len < sizeof(s->cmdline) - 1 ? l->cmdline_len
							       : sizeof(s->cmdline) - 1);
	return 0;
}

/* createdomain: Keel's checks, the lowest free id, the host's memory taken. */
static int create(struct domctl_double *x, struct keel_domctl *op)
{
	const struct keel_create *c = &op->u.create;
	size_t len = strnlen(c->name, sizeof(c->name));
	unsigned id;

	if (!len || len == sizeof(c->name) ||
	    strspn(c->name, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789._-") != len)
		return -EINVAL;
	if (c->mem_bytes % (2u << 20) || c->mem_bytes < (16u << 20) || !c->vcpus ||
	    c->vcpus > KEEL_MAX_VCPUS || (c->flags & ~KEEL_CREATE_hvm) || c->weight > 65535 ||
	    c->cap > 100 * c->vcpus)
		return -EINVAL;
	for (id = 0; id < DOMCTL_DOUBLE_DOMS; id++)
		if (x->used[id] && alive(&x->dom[id]) && !strcmp(x->dom[id].name, c->name))
			return -EEXIST;
	if (c->mem_bytes > x->host.free_bytes)
		return -ENOMEM;
	for (id = 1; id < DOMCTL_DOUBLE_DOMS && x->used[id]; id++)
		;
	if (id == DOMCTL_DOUBLE_DOMS)
		return -ENOSPC;
	domctl_double_add(x, (uint16_t)id, c->name, KEEL_DOMSTATE_paused, c->vcpus, c->mem_bytes);
	memset(&x->load[id], 0, sizeof(x->load[id]));
	x->load[id].built = true;
	x->load[id].hvm = c->flags & KEEL_CREATE_hvm;
	x->host.free_bytes -= c->mem_bytes;
	op->domid = (uint16_t)id;
	return 0;
}

static int dom_cmd(struct domctl_double *x, struct keel_domain_info *d, struct keel_domctl *op)
{
	switch (op->cmd) {
	case KEEL_DOMCTL_getinfo:
		op->u.info = *d;
		return 0;
	case KEEL_DOMCTL_getstats:
		op->u.stats = x->stats[d->domid];
		op->u.stats.cpu_ns = d->cpu_ns;
		return 0;
	case KEEL_DOMCTL_pause:
		if (d->state != KEEL_DOMSTATE_running)
			return -EINVAL;
		d->state = KEEL_DOMSTATE_paused;
		return 0;
	case KEEL_DOMCTL_unpause:
		if (d->state != KEEL_DOMSTATE_paused)
			return -EINVAL;
		d->state = KEEL_DOMSTATE_running;
		return 0;
	case KEEL_DOMCTL_destroy:
		if (d->flags & KEEL_DOMINFO_privileged)
			return -EPERM;
		if (!alive(d))
			return -EINVAL;
		d->state = KEEL_DOMSTATE_shutdown;
		d->flags |= KEEL_DOMINFO_destroyed;
		if (x->load[d->domid].built)
			x->host.free_bytes += d->mem_bytes;
		x->load[d->domid].built = false;
		return 0;
	case KEEL_DOMCTL_loadkernel:
	case KEEL_DOMCTL_loadinitrd:
		return load(x, d, op);
	case KEEL_DOMCTL_getbuild:
		if (x->built[d->domid]) { /* set by a test */
			op->u.build = x->build[d->domid];
			return 0;
		}
		if (!x->load[d->domid].kernel_len)
			return -ENOENT;
		op->u.build = (struct keel_build){.store_gfn = 0xfeffc,
						  .console_gfn = 0xfeffd,
						  .store_port = 1,
						  .console_port = 2};
		return 0;
	case KEEL_DOMCTL_setsched:
		if (!alive(d) || op->u.sched.weight < 1 || op->u.sched.weight > 65535 ||
		    op->u.sched.cap > 100 * d->nr_vcpus)
			return -EINVAL;
		d->weight = op->u.sched.weight;
		d->cap = op->u.sched.cap;
		return 0;
	case KEEL_DOMCTL_setmaxmem:
		if (!alive(d) || !op->u.max_bytes || op->u.max_bytes % 4096 ||
		    op->u.max_bytes > d->mem_bytes)
			return -EINVAL;
		d->max_mem_bytes = op->u.max_bytes;
		return 0;
	case KEEL_DOMCTL_setvcpus:
		if (!alive(d) || op->u.vcpus < 1 || op->u.vcpus > d->nr_vcpus)
			return -EINVAL;
		d->vcpus_target = (uint16_t)op->u.vcpus;
		return 0;
	case KEEL_DOMCTL_getvcpu:
	case KEEL_DOMCTL_setvcpuaffinity:
		return vcpu_cmd(x, d, op);
	default:
		return -EOPNOTSUPP;
	}
}

static int dbl_domctl(struct hv_transport *t, struct keel_domctl *op)
{
	struct domctl_double *x = (struct domctl_double *)t;
	struct keel_domain_info *d;

	x->last = *op;
	if (x->calls < sizeof(x->cmds) / sizeof(x->cmds[0]))
		x->cmds[x->calls] = op->cmd;
	x->calls++;
	if (x->fail_cmd && op->cmd == x->fail_cmd)
		return x->fail_rc;
	if (op->pad)
		return -EINVAL;
	if (op->cmd == KEEL_DOMCTL_hostinfo) {
		op->u.host = x->host;
		return 0;
	}
	if (op->cmd == KEEL_DOMCTL_createdomain)
		return create(x, op);
	if (op->cmd == KEEL_DOMCTL_next) {
		for (unsigned id = op->domid; id < DOMCTL_DOUBLE_DOMS; id++)
			if (x->used[id]) {
				op->u.info = x->dom[id];
				return 0;
			}
		return -ESRCH;
	}
	d = find(x, op->domid);
	return d ? dom_cmd(x, d, op) : -ESRCH;
}

static void dbl_close(struct hv_transport *t)
{
	struct domctl_double *x = (struct domctl_double *)t;

	if (x->closed)
		*x->closed = true;
	free(x);
}

static void dbl_events_from_store(struct hv_transport *t)
{
	((struct domctl_double *)t)->events_from_store = true;
}

static const struct hv_transport_ops double_ops = {
    .domctl = dbl_domctl,
    .events_from_store = dbl_events_from_store,
    .close = dbl_close,
};

struct domctl_double *domctl_double_new(unsigned nr_cpus)
{
	struct domctl_double *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->base.ops = &double_ops;
	snprintf(x->host.version, sizeof(x->host.version), "Keel 0.1.0");
	x->host.nr_cpus = nr_cpus;
	x->host.total_bytes = 4ull << 30;
	x->host.free_bytes = 3ull << 30;
	return x;
}

struct keel_domain_info *domctl_double_add(struct domctl_double *x, uint16_t domid,
					   const char *name, uint8_t state, uint32_t vcpus,
					   uint64_t mem_bytes)
{
	struct keel_domain_info *d = &x->dom[domid];

	x->used[domid] = true;
	memset(d, 0, sizeof(*d));
	d->domid = domid;
	d->state = state;
	d->nr_vcpus = vcpus;
	d->vcpus_online = d->vcpus_target = (uint16_t)vcpus;
	d->mem_bytes = d->max_mem_bytes = d->cur_mem_bytes = mem_bytes;
	d->weight = 256;
	snprintf(d->name, sizeof(d->name), "%s", name);
	for (unsigned v = 0; v < vcpus && v < 8; v++)
		x->affinity[domid][v] = (1ull << x->host.nr_cpus) - 1;
	return d;
}

void domctl_double_remove(struct domctl_double *x, uint16_t domid)
{
	x->used[domid] = false;
}

void domctl_double_virq(struct domctl_double *x)
{
	if (x->base.domains_changed)
		x->base.domains_changed(x->base.hv);
}

// SPDX-License-Identifier: MIT
/*
 * dm_op (hypercall 41): a device model's calls on the domain it emulates, with
 * Xen's layouts and checks (public/xen/dm_op.h). Keel has the ioreq-server
 * ops, remote_shutdown, the interrupt ops (to its emulated platform,
 * arch/x86/hvm/platform.c) and nr_vcpus; the others are -EOPNOTSUPP until a
 * device model needs them.
 */
#include <keel/hypercall.h>
#include <keel/dm_op_check.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <keel/ioreq.h>
#include <keel/string.h>
#include <arch/x86/hvm/platform.h>

#define MAX_BUFS 2 /* as Xen: the op, and one more for ops that carry data */

/* Runs a checked op on d for emu; *out is set when op's struct goes back to the caller. */
static long run(struct domain *d, struct domain *emu, struct xen_dm_op *op, bool *out)
{
	switch (op->op) {
	case XEN_DMOP_create_ioreq_server: {
		struct xen_dm_op_create_ioreq_server *c = &op->u.create_ioreq_server;
		*out = true;
		return ioreq_server_create(d, emu, c->handle_bufioreq, &c->id);
	}
	case XEN_DMOP_get_ioreq_server_info: {
		struct xen_dm_op_get_ioreq_server_info *g = &op->u.get_ioreq_server_info;
		if (!(g->flags & XEN_DMOP_no_gfns))
			return -EOPNOTSUPP; /* no ioreq pages in the guest's physmap:
					       acquire_resource */
		*out = true;
		return ioreq_server_info(d, emu, g->id, &g->bufioreq_port);
	}
	case XEN_DMOP_map_io_range_to_ioreq_server:
	case XEN_DMOP_unmap_io_range_from_ioreq_server: {
		const struct xen_dm_op_ioreq_server_range *r = &op->u.range;
		return ioreq_server_map(d, emu, r->id, r->type, r->start, r->end,
					op->op == XEN_DMOP_map_io_range_to_ioreq_server);
	}
	case XEN_DMOP_set_ioreq_server_state: {
		const struct xen_dm_op_set_ioreq_server_state *s = &op->u.set_ioreq_server_state;
		return ioreq_server_set_state(d, emu, s->id, s->enabled);
	}
	case XEN_DMOP_destroy_ioreq_server:
		return ioreq_server_destroy(d, emu, op->u.destroy_ioreq_server.id);
	case XEN_DMOP_remote_shutdown:
		domain_shutdown(d, op->u.remote_shutdown.reason);
		return 0;
	case XEN_DMOP_nr_vcpus:
		op->u.nr_vcpus.vcpus = d->nr_vcpus;
		*out = true;
		return 0;
	case XEN_DMOP_set_isa_irq_level:
		return hvm_set_isa_irq_level(d, op->u.set_isa_irq_level.isa_irq,
					     op->u.set_isa_irq_level.level);
	case XEN_DMOP_set_pci_intx_level:
		return hvm_set_pci_intx_level(d, op->u.set_pci_intx_level.device,
					      op->u.set_pci_intx_level.intx,
					      op->u.set_pci_intx_level.level);
	case XEN_DMOP_set_pci_link_route:
		return hvm_set_pci_link_route(d, op->u.set_pci_link_route.link,
					      op->u.set_pci_link_route.isa_irq);
	case XEN_DMOP_inject_msi:
		return hvm_inject_msi(d, op->u.inject_msi.addr, op->u.inject_msi.data);
	default: /* set_irq_level (Arm only) and the ops Keel lacks */
		return -EOPNOTSUPP;
	}
}

long do_dm_op(struct vcpu *v, const struct hypercall_args *a)
{
	struct xen_dm_op_buf bufs[MAX_BUFS];
	struct xen_dm_op op;
	bool out = false;

	if (!v->dom->privileged)
		return -EPERM;
	if (!a->a2)
		return -ENODATA;
	if (a->a2 > MAX_BUFS)
		return -E2BIG;
	if (copy_from_guest(v, bufs, a->a3, a->a2 * sizeof(bufs[0])))
		return -EFAULT;
	/* As Xen, an ended domain not yet destroyed is still there: its device model cleans up. */
	struct domain *d = a->a1 < MAX_DOMAINS ? domain_by_id((u16)a->a1) : NULL;
	if (!d || d->state == DOM_FREE || d->state == DOM_ZOMBIE)
		return -ESRCH;
	if (d == v->dom)
		return -EPERM;
	if (!d->hvm)
		return -EINVAL;
	memset(&op, 0, sizeof(op));
	if (bufs[0].size < DMOP_HEAD || copy_from_guest(v, &op, bufs[0].h, DMOP_HEAD))
		return -EFAULT;
	if (op.op > XEN_DMOP_LAST)
		return -EOPNOTSUPP;
	d->dm_ops[op.op]++;
	d->dm_ops_refused++; /* taken back below when it succeeds */
	u32 size = dm_op_size(op.op);
	if (!size)
		return -EOPNOTSUPP;
	if (bufs[0].size < DMOP_HEAD + size ||
	    copy_from_guest(v, &op.u, bufs[0].h + DMOP_HEAD, size))
		return -EFAULT;
	long rc = dm_op_check(&op);
	if (!rc)
		rc = run(d, v->dom, &op, &out);
	if (!rc && out && copy_to_guest(v, bufs[0].h + DMOP_HEAD, &op.u, size))
		return -EFAULT;
	if (!rc)
		d->dm_ops_refused--;
	return rc;
}

// SPDX-License-Identifier: MIT
/* dm_op request checks: see dm_op_check.h. */
#include <keel/dm_op_check.h>
#include <keel/errno.h>
#include <public/xen/hypercall.h>

u32 dm_op_size(u32 op)
{
	switch (op) {
	case XEN_DMOP_create_ioreq_server:
		return sizeof(struct xen_dm_op_create_ioreq_server);
	case XEN_DMOP_get_ioreq_server_info:
		return sizeof(struct xen_dm_op_get_ioreq_server_info);
	case XEN_DMOP_map_io_range_to_ioreq_server:
	case XEN_DMOP_unmap_io_range_from_ioreq_server:
		return sizeof(struct xen_dm_op_ioreq_server_range);
	case XEN_DMOP_set_ioreq_server_state:
		return sizeof(struct xen_dm_op_set_ioreq_server_state);
	case XEN_DMOP_destroy_ioreq_server:
		return sizeof(struct xen_dm_op_destroy_ioreq_server);
	case XEN_DMOP_remote_shutdown:
		return sizeof(struct xen_dm_op_remote_shutdown);
	case XEN_DMOP_nr_vcpus:
		return sizeof(struct xen_dm_op_nr_vcpus);
	case XEN_DMOP_set_pci_intx_level:
		return sizeof(struct xen_dm_op_set_pci_intx_level);
	case XEN_DMOP_set_isa_irq_level:
		return sizeof(struct xen_dm_op_set_isa_irq_level);
	case XEN_DMOP_set_pci_link_route:
		return sizeof(struct xen_dm_op_set_pci_link_route);
	case XEN_DMOP_inject_msi:
		return sizeof(struct xen_dm_op_inject_msi);
	case XEN_DMOP_set_irq_level:
		return sizeof(struct xen_dm_op_set_irq_level);
	default:
		return 0;
	}
}

int dm_op_check(const struct xen_dm_op *op)
{
	if (op->pad)
		return -EINVAL;
	switch (op->op) {
	case XEN_DMOP_create_ioreq_server: {
		const struct xen_dm_op_create_ioreq_server *c = &op->u.create_ioreq_server;
		if (c->pad[0] || c->pad[1] || c->pad[2] ||
		    c->handle_bufioreq > HVM_IOREQSRV_BUFIOREQ_ATOMIC)
			return -EINVAL;
		return 0;
	}
	case XEN_DMOP_get_ioreq_server_info:
		return (op->u.get_ioreq_server_info.flags & ~XEN_DMOP_no_gfns) ? -EINVAL : 0;
	case XEN_DMOP_map_io_range_to_ioreq_server:
	case XEN_DMOP_unmap_io_range_from_ioreq_server: {
		const struct xen_dm_op_ioreq_server_range *r = &op->u.range;
		if (r->pad || r->start > r->end) /* the type after the server: as Xen */
			return -EINVAL;
		return 0;
	}
	case XEN_DMOP_set_ioreq_server_state:
		return op->u.set_ioreq_server_state.pad ? -EINVAL : 0;
	case XEN_DMOP_destroy_ioreq_server:
		return op->u.destroy_ioreq_server.pad ? -EINVAL : 0;
	case XEN_DMOP_remote_shutdown:
		return op->u.remote_shutdown.reason > SHUTDOWN_watchdog ? -EINVAL : 0;
	case XEN_DMOP_set_pci_intx_level: {
		const struct xen_dm_op_set_pci_intx_level *l = &op->u.set_pci_intx_level;
		if (l->domain || l->bus || l->device > 31 || l->intx > 3 || l->level > 1)
			return -EINVAL;
		return 0;
	}
	case XEN_DMOP_set_isa_irq_level: {
		const struct xen_dm_op_set_isa_irq_level *l = &op->u.set_isa_irq_level;
		return l->isa_irq > 15 || l->level > 1 ? -EINVAL : 0;
	}
	case XEN_DMOP_set_pci_link_route: {
		const struct xen_dm_op_set_pci_link_route *r = &op->u.set_pci_link_route;
		return r->link > 3 || r->isa_irq > 15 ? -EINVAL : 0;
	}
	case XEN_DMOP_inject_msi:
		return op->u.inject_msi.pad ? -EINVAL : 0;
	default:
		return 0;
	}
}

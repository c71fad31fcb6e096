// SPDX-License-Identifier: MIT
/* dm_op's interrupt ops: Xen's sizes and argument checks (HVM.md §1), every refusal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <keel/dm_op_check.h>
#include <keel/errno.h>

static struct xen_dm_op op;

static struct xen_dm_op *make(u32 nr)
{
	memset(&op, 0, sizeof(op));
	op.op = nr;
	return &op;
}

static void sizes(void **state)
{
	(void)state;
	assert_int_equal(dm_op_size(XEN_DMOP_set_pci_intx_level), 6);
	assert_int_equal(dm_op_size(XEN_DMOP_set_isa_irq_level), 2);
	assert_int_equal(dm_op_size(XEN_DMOP_set_pci_link_route), 2);
	assert_int_equal(dm_op_size(XEN_DMOP_inject_msi), 16);
	assert_int_equal(dm_op_size(XEN_DMOP_set_irq_level), 8); /* sized, then refused */
	assert_int_equal(dm_op_size(7 /* track_dirty_vram: not implemented */), 0);
}

/* The ioreq-server ops' checks and remote_shutdown's reasons (Keel refuses past watchdog). */
static void servers_and_shutdown(void **state)
{
	(void)state;
	struct xen_dm_op *o = make(XEN_DMOP_create_ioreq_server);

	assert_int_equal(dm_op_size(XEN_DMOP_create_ioreq_server), 6);
	assert_int_equal(dm_op_size(XEN_DMOP_remote_shutdown), 4);
	o->u.create_ioreq_server.handle_bufioreq = HVM_IOREQSRV_BUFIOREQ_ATOMIC;
	assert_int_equal(dm_op_check(o), 0);
	o->u.create_ioreq_server.handle_bufioreq = 3;
	assert_int_equal(dm_op_check(o), -EINVAL);
	o = make(XEN_DMOP_map_io_range_to_ioreq_server);
	o->u.range.start = 9;
	o->u.range.end = 8;
	assert_int_equal(dm_op_check(o), -EINVAL);
	o = make(XEN_DMOP_get_ioreq_server_info);
	o->u.get_ioreq_server_info.flags = 2;
	assert_int_equal(dm_op_check(o), -EINVAL);
	o = make(XEN_DMOP_remote_shutdown);
	o->u.remote_shutdown.reason = 4; /* SHUTDOWN_watchdog */
	assert_int_equal(dm_op_check(o), 0);
	o->u.remote_shutdown.reason = 5; /* soft_reset */
	assert_int_equal(dm_op_check(o), -EINVAL);
	o->pad = 1;
	o->u.remote_shutdown.reason = 0;
	assert_int_equal(dm_op_check(o), -EINVAL);
}

static void isa_and_link(void **state)
{
	(void)state;
	struct xen_dm_op *o = make(XEN_DMOP_set_isa_irq_level);

	o->u.set_isa_irq_level.isa_irq = 15;
	o->u.set_isa_irq_level.level = 1;
	assert_int_equal(dm_op_check(o), 0);
	o->u.set_isa_irq_level.isa_irq = 16;
	assert_int_equal(dm_op_check(o), -EINVAL);
	o->u.set_isa_irq_level.isa_irq = 4;
	o->u.set_isa_irq_level.level = 2;
	assert_int_equal(dm_op_check(o), -EINVAL);
	o->u.set_isa_irq_level.level = 0;
	o->pad = 1;
	assert_int_equal(dm_op_check(o), -EINVAL);

	o = make(XEN_DMOP_set_pci_link_route);
	o->u.set_pci_link_route.link = 3;
	o->u.set_pci_link_route.isa_irq = 0; /* disconnects */
	assert_int_equal(dm_op_check(o), 0);
	o->u.set_pci_link_route.link = 4;
	assert_int_equal(dm_op_check(o), -EINVAL);
	o->u.set_pci_link_route.link = 0;
	o->u.set_pci_link_route.isa_irq = 16;
	assert_int_equal(dm_op_check(o), -EINVAL);
}

static void intx(void **state)
{
	(void)state;
	struct xen_dm_op *o = make(XEN_DMOP_set_pci_intx_level);
	struct xen_dm_op_set_pci_intx_level *l = &o->u.set_pci_intx_level;

	l->device = 31;
	l->intx = 3;
	l->level = 1;
	assert_int_equal(dm_op_check(o), 0);
	l->device = 32;
	assert_int_equal(dm_op_check(o), -EINVAL);
	l->device = 3;
	l->intx = 4;
	assert_int_equal(dm_op_check(o), -EINVAL);
	l->intx = 0;
	l->level = 2;
	assert_int_equal(dm_op_check(o), -EINVAL);
	l->level = 0;
	l->bus = 1;
	assert_int_equal(dm_op_check(o), -EINVAL);
	l->bus = 0;
	l->domain = 1;
	assert_int_equal(dm_op_check(o), -EINVAL);
}

static void msi(void **state)
{
	(void)state;
	struct xen_dm_op *o = make(XEN_DMOP_inject_msi);

	o->u.inject_msi.addr = 0xfee00000;
	o->u.inject_msi.data = 0x41;
	assert_int_equal(dm_op_check(o), 0);
	o->u.inject_msi.pad = 1;
	assert_int_equal(dm_op_check(o), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sizes),	    cmocka_unit_test(servers_and_shutdown),
	    cmocka_unit_test(isa_and_link), cmocka_unit_test(intx),
	    cmocka_unit_test(msi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/*
 * A privileged guest playing device model for an HVM guest (peer=): it drives
 * the peer's interrupt lines with dm_op set_isa_irq_level, set_pci_intx_level,
 * set_pci_link_route and inject_msi, step by step as the peer asks through a
 * mailbox in its memory (lib/platform_mailbox.h), and checks the refusals.
 */
#include "guest.h"
#include "platform_mailbox.h"
#include "xen.h"

#include <keel/errno.h>
#include <public/xen/dm_op.h>

const char test_name[] = "platform_dm";

#define SCRATCH_GFN 0x80000ULL /* 2 GiB: a hole of this guest's physmap */

static uint16_t peer;

static long dm_op(struct xen_dm_op *op)
{
	struct xen_dm_op_buf buf = {(uint64_t)op, 32}; /* Xen's struct size, as libxendevicemodel */

	return HYPERCALL3(__HYPERVISOR_dm_op, peer, 1, &buf);
}

static long isa_level(uint8_t irq, uint8_t level)
{
	struct xen_dm_op op = {.op = XEN_DMOP_set_isa_irq_level};

	op.u.set_isa_irq_level = (struct xen_dm_op_set_isa_irq_level){irq, level};
	return dm_op(&op);
}

static long intx_level(uint8_t dev, uint8_t intx, uint8_t level)
{
	struct xen_dm_op op = {.op = XEN_DMOP_set_pci_intx_level};

	op.u.set_pci_intx_level = (struct xen_dm_op_set_pci_intx_level){0, 0, dev, intx, level};
	return dm_op(&op);
}

static long link_route(uint8_t link, uint8_t irq)
{
	struct xen_dm_op op = {.op = XEN_DMOP_set_pci_link_route};

	op.u.set_pci_link_route = (struct xen_dm_op_set_pci_link_route){link, irq};
	return dm_op(&op);
}

static long msi(uint64_t addr, uint32_t data)
{
	struct xen_dm_op op = {.op = XEN_DMOP_inject_msi};

	op.u.inject_msi = (struct xen_dm_op_inject_msi){data, 0, addr};
	return dm_op(&op);
}

/* What Xen refuses, on a live HVM domain. */
static void refusals(void)
{
	struct xen_dm_op op = {.op = XEN_DMOP_set_irq_level};

	CHECK_EQ(isa_level(16, 1), -EINVAL);
	CHECK_EQ(isa_level(4, 2), -EINVAL);
	CHECK_EQ(intx_level(32, 0, 1), -EINVAL);
	CHECK_EQ(intx_level(3, 4, 1), -EINVAL);
	CHECK_EQ(link_route(4, 5), -EINVAL);
	CHECK_EQ(link_route(0, 16), -EINVAL);
	CHECK_EQ(msi(0xfee00000, 0), -ERANGE);	    /* vector 0: pirq 0 */
	CHECK_EQ(msi(0xfee05000, 0), -EINVAL);	    /* pirq 5: none mapped */
	CHECK_EQ(msi(0xfee00000, 0x0341), -EINVAL); /* delivery mode 3 */
	CHECK_EQ(msi(0xfee05000, 0x0141), -ESRCH);  /* lowest priority, no such APIC */
	CHECK_EQ(dm_op(&op), -EOPNOTSUPP);	    /* set_irq_level: Arm only */
	op = (struct xen_dm_op){.op = XEN_DMOP_inject_msi, .pad = 1};
	CHECK_EQ(dm_op(&op), -EINVAL);
	op = (struct xen_dm_op){.op = XEN_DMOP_set_isa_irq_level};
	struct xen_dm_op_buf shortbuf = {(uint64_t)&op, 9};
	CHECK_EQ(HYPERCALL3(__HYPERVISOR_dm_op, peer, 1, &shortbuf), -EFAULT);
}

static void step(uint32_t n)
{
	switch (n) {
	case STEP_ISA5_UP:
		CHECK_EQ(isa_level(5, 1), 0);
		CHECK_EQ(isa_level(5, 1), 0); /* already up: no second edge */
		break;
	case STEP_ISA5_DOWN:
		CHECK_EQ(isa_level(5, 0), 0);
		break;
	case STEP_INTX_UP:
		CHECK_EQ(link_route(3, 10), 0);
		CHECK_EQ(intx_level(3, 0, 1), 0);
		break;
	case STEP_INTX_DOWN:
		CHECK_EQ(intx_level(3, 0, 0), 0);
		CHECK_EQ(link_route(3, 0), 0);
		break;
	case STEP_MSI:
		CHECK_EQ(msi(0xfee00000, VEC_MSI), 0);
		refusals();
		break;
	case STEP_ISA4_UP:
		CHECK_EQ(isa_level(4, 1), 0);
		break;
	case STEP_ISA4_DOWN:
		CHECK_EQ(isa_level(4, 0), 0);
		break;
	}
}

bool test_main(const struct hvm_start_info *si)
{
	uint64_t idx = MAILBOX_GFN, gfn = SCRATCH_GFN;
	int err = 1;

	peer = (uint16_t)guest_option(si, "peer", 0xffff);
	CHECK(peer != 0xffff);
	CHECK_EQ(xen_map_foreign(peer, &idx, &gfn, &err, 1), 0);
	CHECK_EQ(err, 0);
	if (err)
		return false;
	struct mailbox *mb = (struct mailbox *)(SCRATCH_GFN << 12);
	uint64_t end = rdtsc() + 40000000000ULL;
	for (uint32_t n = 1; n <= STEP_LAST && rdtsc() < end;) {
		if (mb->magic != MAILBOX_MAGIC || mb->req != n) {
			HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
			continue;
		}
		step(n);
		gprintf("step %u done\n", n);
		mb->ack = n++;
	}
	CHECK_EQ(mb->ack, STEP_LAST);
	CHECK_EQ(xen_unmap_gfn(SCRATCH_GFN), 0);
	return true;
}

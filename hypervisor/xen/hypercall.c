// SPDX-License-Identifier: MIT
/*
 * The hypercall table: Xen's numbers (xen/include/public/xen.h) to handlers;
 * the hypercall page a guest installs; per-domain counts. The VMCALL exit
 * that brings arguments here is arch/x86/vmcall.c.
 */
#include <keel/hypercall.h>
#include <keel/grant_table.h>
#include <public/keel/domctl.h>
#include <public/xen/dm_op.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <keel/printk.h>
#include <keel/sched.h>

/* vm_assist(cmd, type): an HVM/PVH guest may switch on the runstate update flag only. */
static long do_vm_assist(struct vcpu *v, const struct hypercall_args *a)
{
	u64 type = a->a2;

	if (a->a1 != VMASST_CMD_enable && a->a1 != VMASST_CMD_disable)
		return -ENOSYS;
	if (type != VMASST_TYPE_runstate_update_flag)
		return -EINVAL;
	if (a->a1 == VMASST_CMD_enable)
		v->dom->vm_assist |= 1u << type;
	else
		v->dom->vm_assist &= ~(1u << type);
	return 0;
}

static const hypercall_fn table[__HYPERVISOR_NR] = {
    [__HYPERVISOR_vm_assist] = do_vm_assist,
    [__HYPERVISOR_console_io] = do_console_io,
    [__HYPERVISOR_xen_version] = do_xen_version,
    [__HYPERVISOR_sched_op] = do_sched_op,
    [__HYPERVISOR_vcpu_op] = do_vcpu_op,
    [__HYPERVISOR_set_timer_op] = do_set_timer_op,
    [__HYPERVISOR_hvm_op] = do_hvm_op,
    [__HYPERVISOR_memory_op] = do_memory_op,
    [__HYPERVISOR_event_channel_op] = do_event_channel_op,
    [__HYPERVISOR_grant_table_op] = do_grant_table_op,
    [__HYPERVISOR_keel_domctl] = do_keel_domctl,
    [__HYPERVISOR_dm_op] = do_dm_op,
};

static const char *const names[__HYPERVISOR_NR] = {
    [__HYPERVISOR_set_timer_op] = "set_timer_op",
    [__HYPERVISOR_memory_op] = "memory_op",
    [__HYPERVISOR_multicall] = "multicall",
    [__HYPERVISOR_xen_version] = "xen_version",
    [__HYPERVISOR_console_io] = "console_io",
    [__HYPERVISOR_grant_table_op] = "grant_table_op",
    [__HYPERVISOR_vm_assist] = "vm_assist",
    [__HYPERVISOR_vcpu_op] = "vcpu_op",
    [__HYPERVISOR_sched_op] = "sched_op",
    [__HYPERVISOR_event_channel_op] = "event_channel_op",
    [__HYPERVISOR_physdev_op] = "physdev_op",
    [__HYPERVISOR_hvm_op] = "hvm_op",
    [__HYPERVISOR_keel_domctl] = "keel_domctl",
    [__HYPERVISOR_dm_op] = "dm_op",
};

long hypercall_dispatch(struct vcpu *v, u64 nr, const struct hypercall_args *a)
{
	if (nr >= __HYPERVISOR_NR || !table[nr]) {
		if (nr < __HYPERVISOR_NR)
			v->dom->hypercalls[nr]++;
		return -ENOSYS;
	}
	v->dom->hypercalls[nr]++;
	return table[nr](v, a);
}

int hypercall_page_install(struct vcpu *v, u64 gpa)
{
	u8 page[PAGE_SIZE];

	if (gpa & (PAGE_SIZE - 1))
		return -EINVAL;
	for (u32 n = 0; n < PAGE_SIZE / XEN_HYPERCALL_STUB_SIZE; n++) {
		u8 *s = page + n * XEN_HYPERCALL_STUB_SIZE;
		s[0] = 0xb8; /* mov $n, %eax */
		s[1] = (u8)n;
		s[2] = s[3] = s[4] = 0;
		s[5] = 0x0f; /* vmcall */
		s[6] = 0x01;
		s[7] = 0xc1;
		s[8] = 0xc3; /* ret */
		for (u32 i = 9; i < XEN_HYPERCALL_STUB_SIZE; i++)
			s[i] = 0xcc; /* int3 */
	}
	return copy_to_guest_phys(v, gpa, page, sizeof(page));
}

void hypercall_report(struct domain *d)
{
	char line[256];
	int n = 0;

	for (u32 i = 0; i < __HYPERVISOR_NR; i++) {
		if (!d->hypercalls[i])
			continue;
		size_t room = sizeof(line) - (size_t)MIN(n, (int)sizeof(line));
		if (names[i])
			n += ksnprintf(line + n, room, " %s=%lu", names[i], d->hypercalls[i]);
		else
			n += ksnprintf(line + n, room, " #%u=%lu", i, d->hypercalls[i]);
		if (n >= (int)sizeof(line))
			break;
	}
	printk("keel: domain %u (%s) hypercalls:%s\n", d->id, d->name, n ? line : " none");
}

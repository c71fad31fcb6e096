// SPDX-License-Identifier: MIT
/* Applying the speculation-hardening policy (see spec_ctrl.h). */
#include <arch/x86/spec_ctrl.h>
#include <arch/x86/cpu.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/printk.h>

struct spec_policy spec_policy;

void spec_ctrl_init(void)
{
	struct cpuid_regs r = {0};
	struct spec_caps c = {0};
	char line[256];

	cpuid_count(0, 0, &r);
	if (r.eax >= 7) {
		cpuid_count(7, 0, &r);
		c.md_clear = r.edx & BIT(10);
		c.ibrs_ibpb = r.edx & BIT(26);
		c.stibp = r.edx & BIT(27);
		c.l1d_flush = r.edx & BIT(28);
		c.ssbd = r.edx & BIT(31);
		if (r.edx & BIT(29))
			c.arch_caps = rdmsr(MSR_ARCH_CAPABILITIES);
	}
	spec_policy_decide(&c, &spec_policy);
	spec_policy_describe(&spec_policy, &c, line, sizeof(line));
	printk("keel: speculation: %s\n", line);
}

void spec_ctrl_enter_guest(struct vcpu *v)
{
	if (spec_policy.guest_spec_ctrl && v->arch.spec_ctrl)
		wrmsr(MSR_SPEC_CTRL, v->arch.spec_ctrl);
	if (spec_policy.l1d_flush_on_entry)
		wrmsr(MSR_FLUSH_CMD, FLUSH_CMD_L1D);
	else if (spec_policy.verw_on_entry) {
		static const u16 ds = 0x10; /* any writable data selector: GDT_DS */
		asm volatile("verw %0" ::"m"(ds) : "cc");
	}
}

void spec_ctrl_exit_guest(struct vcpu *v)
{
	/* The guest's value changes only through its (trapped) writes: nothing to read back. */
	if (spec_policy.guest_spec_ctrl && v->arch.spec_ctrl)
		wrmsr(MSR_SPEC_CTRL, 0);
}

void spec_ctrl_domain_switch(u32 from, u32 to)
{
	if (spec_policy.ibpb_on_switch && from != to)
		wrmsr(MSR_PRED_CMD, PRED_CMD_IBPB);
}

int spec_ctrl_msr_read(struct vcpu *v, u32 msr, u64 *val)
{
	if (msr != MSR_SPEC_CTRL || !spec_policy.guest_spec_ctrl)
		return -EINVAL;
	*val = v->arch.spec_ctrl;
	return 0;
}

int spec_ctrl_msr_write(struct vcpu *v, u32 msr, u64 val)
{
	if (!spec_policy.guest_spec_ctrl)
		return -EINVAL;
	if (msr == MSR_PRED_CMD) {
		if (val & ~PRED_CMD_IBPB)
			return -EINVAL;
		if (val)
			wrmsr(MSR_PRED_CMD, PRED_CMD_IBPB);
		return 0;
	}
	if (msr != MSR_SPEC_CTRL || (val & ~spec_policy.guest_spec_ctrl_bits))
		return -EINVAL;
	v->arch.spec_ctrl = val;
	return 0;
}

// SPDX-License-Identifier: MIT
/* Turning VT-x on: feature-control, CR0/CR4 fixed bits, VMXON. */
#include <arch/x86/vmx.h>
#include <arch/x86/cpu.h>
#include <arch/x86/boot_defs.h>
#include <arch/x86/percpu.h>
#include <keel/errno.h>
#include <keel/string.h>

static u8 vmxon_region[MAX_PCPUS][4096] __aligned(4096);

void vmx_read_raw(struct vmx_raw *raw)
{
	struct cpuid_regs r;

	memset(raw, 0, sizeof(*raw));
	cpuid_count(1, 0, &r);
	raw->cpuid1_ecx = r.ecx;
	if (!(r.ecx & CPUID1_ECX_VMX))
		return; /* the VMX MSRs would #GP */

	u64 fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	if (!(fc & FEATURE_CONTROL_LOCKED)) {
		/* Firmware left it open: allow VMXON and lock, as firmware would. */
		fc |= FEATURE_CONTROL_LOCKED | FEATURE_CONTROL_VMXON_OUTSIDE_SMX;
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
		fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	}
	raw->feature_control = fc;
	raw->basic = rdmsr(MSR_IA32_VMX_BASIC);
	bool true_ctls = raw->basic & VMX_BASIC_TRUE_CTLS;
	raw->pinbased =
	    rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS);
	raw->procbased =
	    rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS);
	raw->exit = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS);
	raw->entry = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS);
	raw->misc = rdmsr(MSR_IA32_VMX_MISC);
	raw->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	raw->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	raw->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	raw->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	/* Only valid when the secondary controls exist. */
	if ((raw->procbased >> 32) & PROCBASED_SECONDARY) {
		raw->procbased2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
		raw->ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	}
}

int vmx_on(const struct vmx_raw *raw, const struct vmx_caps *caps)
{
	u8 *region = vmxon_region[this_cpu()->id];
	u64 pa = (u64)(uintptr_t)region;
	u8 fail_invalid, fail_valid;

	memset(region, 0, PAGE_SIZE);
	memcpy(region, &caps->revision, 4);

	u64 cr4 = read_cr4() | CR4_VMXE;
	cr4 = (cr4 | raw->cr4_fixed0) & raw->cr4_fixed1;
	write_cr4(cr4);
	u64 cr0 = (read_cr0() | raw->cr0_fixed0) & raw->cr0_fixed1;
	write_cr0(cr0);

	asm volatile("vmxon %2; setc %0; setz %1"
		     : "=qm"(fail_invalid), "=qm"(fail_valid)
		     : "m"(pa)
		     : "cc", "memory");
	if (fail_invalid || fail_valid)
		return -EIO;
	return 0;
}

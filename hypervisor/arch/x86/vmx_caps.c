// SPDX-License-Identifier: MIT
/*
 * Decoding of the VT-x capability MSRs (Intel SDM vol. 3, appendix A).
 * Pure code: unit-tested on the host with synthetic register values.
 */
#include <arch/x86/vmx_caps.h>
#include <keel/errno.h>
#include <keel/string.h>

int vmx_caps_decode(const struct vmx_raw *raw, struct vmx_caps *caps, const char **why)
{
	memset(caps, 0, sizeof(*caps));
	*why = NULL;

	caps->vmx = raw->cpuid1_ecx & CPUID1_ECX_VMX;
	if (!caps->vmx) {
		*why = "the CPU does not support VMX (CPUID.1:ECX.VMX = 0)";
		return -ENODEV;
	}
	caps->enabled_by_firmware = !(raw->feature_control & FEATURE_CONTROL_LOCKED) ||
				    (raw->feature_control & FEATURE_CONTROL_VMXON_OUTSIDE_SMX);
	if (!caps->enabled_by_firmware) {
		*why =
		    "VMX is disabled by the firmware (IA32_FEATURE_CONTROL locked without VMXON)";
		return -ENODEV;
	}

	caps->revision = (u32)(raw->basic & 0x7fffffff);
	caps->vmcs_size = (u32)((raw->basic >> 32) & 0x1fff);
	caps->true_ctls = raw->basic & VMX_BASIC_TRUE_CTLS;
	caps->secondary = vmx_ctl_allowed1(raw->procbased, PROCBASED_SECONDARY);
	if (caps->secondary) {
		caps->ept = vmx_ctl_allowed1(raw->procbased2, PROCBASED2_EPT);
		caps->vpid = vmx_ctl_allowed1(raw->procbased2, PROCBASED2_VPID);
		caps->unrestricted = vmx_ctl_allowed1(raw->procbased2, PROCBASED2_UNRESTRICTED);
	}
	if (caps->ept || caps->vpid) {
		caps->ept_walk4 = raw->ept_vpid & EPT_CAP_WALK4;
		caps->ept_wb = raw->ept_vpid & EPT_CAP_WB;
		caps->ept_2m = raw->ept_vpid & EPT_CAP_2M;
		caps->ept_1g = raw->ept_vpid & EPT_CAP_1G;
		caps->invept = raw->ept_vpid & EPT_CAP_INVEPT;
		caps->invvpid = raw->ept_vpid & EPT_CAP_INVVPID;
	}

	if (caps->vmcs_size == 0 || caps->vmcs_size > 4096) {
		*why = "IA32_VMX_BASIC reports an invalid VMCS size";
		return -ENODEV;
	}
	if (!caps->secondary) {
		*why = "VMX has no secondary processor-based controls";
		return -ENODEV;
	}
	if (!caps->ept) {
		*why = "VMX has no EPT (extended page tables)";
		return -ENODEV;
	}
	if (!caps->ept_walk4 || !caps->ept_wb) {
		*why = "EPT lacks a 4-level walk or write-back paging structures";
		return -ENODEV;
	}
	if (!caps->unrestricted) {
		*why = "VMX has no unrestricted guest";
		return -ENODEV;
	}
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* VT-x capability discovery: raw register values in, a decision and a summary out. */
#ifndef KEEL_ARCH_X86_VMX_CAPS_H
#define KEEL_ARCH_X86_VMX_CAPS_H

#include <keel/types.h>

#define MSR_IA32_FEATURE_CONTROL	  0x03a
#define FEATURE_CONTROL_LOCKED		  BIT(0)
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX BIT(2)

#define MSR_IA32_VMX_BASIC		 0x480
#define MSR_IA32_VMX_PINBASED_CTLS	 0x481
#define MSR_IA32_VMX_PROCBASED_CTLS	 0x482
#define MSR_IA32_VMX_EXIT_CTLS		 0x483
#define MSR_IA32_VMX_ENTRY_CTLS		 0x484
#define MSR_IA32_VMX_MISC		 0x485
#define MSR_IA32_VMX_CR0_FIXED0		 0x486
#define MSR_IA32_VMX_CR0_FIXED1		 0x487
#define MSR_IA32_VMX_CR4_FIXED0		 0x488
#define MSR_IA32_VMX_CR4_FIXED1		 0x489
#define MSR_IA32_VMX_PROCBASED_CTLS2	 0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP	 0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS	 0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS	 0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS	 0x490

#define CPUID1_ECX_VMX		BIT(5)
#define VMX_BASIC_TRUE_CTLS	BIT(55)
#define PROCBASED_SECONDARY	BIT(31)
#define PROCBASED2_EPT		BIT(1)
#define PROCBASED2_VPID		BIT(5)
#define PROCBASED2_UNRESTRICTED BIT(7)
#define EPT_CAP_WALK4		BIT(6)
#define EPT_CAP_WB		BIT(14)
#define EPT_CAP_2M		BIT(16)
#define EPT_CAP_1G		BIT(17)
#define EPT_CAP_INVEPT		BIT(20)
#define EPT_CAP_INVVPID		BIT(32)

/* What the CPU reports, read by vmx_read_raw() (MSRs only when VMX is present). */
struct vmx_raw {
	u32 cpuid1_ecx;
	u64 feature_control;
	u64 basic;
	u64 pinbased, procbased, exit, entry; /* TRUE_* variants when available */
	u64 procbased2;
	u64 misc;
	u64 ept_vpid;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};

struct vmx_caps {
	bool vmx;
	bool enabled_by_firmware; /* IA32_FEATURE_CONTROL allows VMXON */
	u32 revision;
	u32 vmcs_size;
	bool true_ctls;
	bool secondary;
	bool ept, ept_walk4, ept_wb, ept_2m, ept_1g, invept;
	bool vpid, invvpid;
	bool unrestricted;
};

/*
 * Decodes raw into caps. Returns 0 when Keel can run (VMX usable, EPT with a
 * 4-level walk and write-back memory, unrestricted guest), else -ENODEV with
 * *why saying which requirement is missing.
 */
int vmx_caps_decode(const struct vmx_raw *raw, struct vmx_caps *caps, const char **why);

/* Allowed-1 bits of a VMX control MSR are its high half. */
static inline bool vmx_ctl_allowed1(u64 msr, u64 bit)
{
	return (msr >> 32) & bit;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The CPUID policy guests see: an allow-list over the host's answers, as
 * Xen's featuresets are. A bit reaches a guest only when it is listed here
 * and Keel makes the feature work (its MSRs emulated, its state switched);
 * every leaf not listed reads as zeros. The table is in cpuid_policy.c and
 * documented in hypervisor/CPUID.md.
 */
#ifndef KEEL_ARCH_X86_CPUID_POLICY_H
#define KEEL_ARCH_X86_CPUID_POLICY_H

#include <keel/types.h>

struct cpuid_regs;

/* What Keel itself offers, decided at boot from the host and VMX controls. */
struct cpuid_host_caps {
	u64 xsave_mask;	    /* XCR0 components switched per vCPU (0: no XSAVE) */
	u32 xsave_size;	    /* bytes of a save area for all of them */
	bool rdtscp;	    /* RDTSCP/RDPID allowed in VMX non-root */
	bool invpcid;	    /* INVPCID allowed in VMX non-root */
	u64 spec_ctrl_bits; /* SPEC_CTRL bits virtualised (IBRS, STIBP, SSBD); 0: none */
	u64 tsc_khz;	    /* the TSC rate guests see, as Keel measured it; 0: unknown */
};

/* Per-vCPU inputs: the vCPU's id and count, and its CR4.OSXSAVE. */
struct cpuid_vcpu {
	u32 id, nr_vcpus;
	bool osxsave;
};

/*
 * Filters the host's answer r for (leaf, sub) in place. The Xen leaves
 * (0x40000000-0x4fffffff) are not handled here.
 */
void cpuid_policy_apply(u32 leaf, u32 sub, const struct cpuid_host_caps *caps,
			const struct cpuid_vcpu *vc, struct cpuid_regs *r);

#endif

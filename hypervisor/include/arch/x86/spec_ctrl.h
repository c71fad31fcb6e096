/* SPDX-License-Identifier: MIT */
/*
 * Speculative-execution hardening between domains, decided once at boot
 * from what the CPU reports (CPUID.7.EDX, IA32_ARCH_CAPABILITIES), as Xen
 * does (xen/arch/x86/spec_ctrl.c's choices, Intel's guidance documents):
 *  - IBPB when a pCPU switches from one domain's vCPU to another's;
 *  - the return stack buffer overwritten after every VM exit (vmx_entry.S);
 *  - VERW buffer clearing before VM entry where MD_CLEAR is reported and the
 *    CPU is not MDS_NO (unless the L1D flush already does it);
 *  - an L1D flush before VM entry where L1TF applies;
 *  - SPEC_CTRL (IBRS, STIBP, SSBD) and PRED_CMD virtualised for guests
 *    when the host has them.
 * The hypervisor itself is built with indirect-branch and return thunks.
 */
#ifndef KEEL_ARCH_X86_SPEC_CTRL_H
#define KEEL_ARCH_X86_SPEC_CTRL_H

#include <keel/types.h>

#define MSR_SPEC_CTRL	      0x48
#define MSR_PRED_CMD	      0x49
#define MSR_ARCH_CAPABILITIES 0x10a
#define MSR_FLUSH_CMD	      0x10b
#define SPEC_CTRL_IBRS	      BIT(0)
#define SPEC_CTRL_STIBP	      BIT(1)
#define SPEC_CTRL_SSBD	      BIT(2)
#define PRED_CMD_IBPB	      BIT(0)
#define FLUSH_CMD_L1D	      BIT(0)
#define ARCH_CAP_RDCL_NO      BIT(0)
#define ARCH_CAP_IBRS_ALL     BIT(1)
#define ARCH_CAP_SKIP_L1DFL   BIT(3)
#define ARCH_CAP_MDS_NO	      BIT(5)

/* What the CPU reports. */
struct spec_caps {
	bool ibrs_ibpb; /* CPUID.7.EDX[26] */
	bool stibp;	/* [27] */
	bool l1d_flush; /* [28] */
	bool ssbd;	/* [31] */
	bool md_clear;	/* [10] */
	u64 arch_caps;	/* IA32_ARCH_CAPABILITIES, 0 without CPUID.7.EDX[29] */
};

struct spec_policy {
	bool ibpb_on_switch;
	bool rsb_fill;
	bool verw_on_entry;
	bool l1d_flush_on_entry;
	bool guest_spec_ctrl;
	u64 guest_spec_ctrl_bits; /* SPEC_CTRL bits a guest may set */
};

/* Pure: the policy for these capabilities (unit-tested). */
void spec_policy_decide(const struct spec_caps *c, struct spec_policy *p);
/* Pure: one line saying what is on and why not, for the boot log. */
void spec_policy_describe(const struct spec_policy *p, const struct spec_caps *c, char *buf,
			  u32 size);

/* Boot: reads the CPU, decides, prints the line. */
void spec_ctrl_init(void);
extern struct spec_policy spec_policy;

struct vcpu;
/* Around each VM entry of v (its VMCS current). */
void spec_ctrl_enter_guest(struct vcpu *v);
void spec_ctrl_exit_guest(struct vcpu *v);
/* A pCPU that ran a vCPU of domain `from` now runs one of `to`. */
void spec_ctrl_domain_switch(u32 from, u32 to);
/* Guest MSR accesses: 0, or -EINVAL for #GP. */
int spec_ctrl_msr_read(struct vcpu *v, u32 msr, u64 *val);
int spec_ctrl_msr_write(struct vcpu *v, u32 msr, u64 val);

#endif

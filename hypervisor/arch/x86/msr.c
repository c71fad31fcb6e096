// SPDX-License-Identifier: MIT
/*
 * RDMSR/WRMSR exits (no MSR bitmap: every access comes here). Known MSRs are
 * emulated or passed to the VMCS; anything else raises #GP, as on a CPU that
 * lacks the MSR.
 */
#include <arch/x86/vmcs.h>
#include <arch/x86/vmexit.h>
#include <arch/x86/vmx_vcpu.h>
#include <arch/x86/boot_defs.h>
#include <arch/x86/cpu.h>
#include <keel/hypercall.h>
#include <keel/vlapic.h>
#include <arch/x86/spec_ctrl.h>

#define MSR_TSC		    0x010
#define MSR_APIC_BASE	    0x01b
#define MSR_FEATURE_CONTROL 0x03a
#define MSR_BIOS_SIGN_ID    0x08b
#define MSR_MTRRCAP	    0x0fe
#define MSR_SYSENTER_CS	    0x174
#define MSR_SYSENTER_ESP    0x175
#define MSR_SYSENTER_EIP    0x176
#define MSR_MCG_CAP	    0x179
#define MSR_MCG_STATUS	    0x17a
#define MSR_MISC_ENABLE	    0x1a0
#define MSR_DEBUGCTL	    0x1d9
#define DEBUGCTL_LBR	    BIT(0)
#define DEBUGCTL_BTF	    BIT(1)
#define MSR_PAT		    0x277
#define MSR_MTRR_DEF_TYPE   0x2ff
#define MSR_TSC_DEADLINE    0x6e0
#define MSR_STAR	    0xc0000081
#define MSR_LSTAR	    0xc0000082
#define MSR_CSTAR	    0xc0000083
#define MSR_SFMASK	    0xc0000084
#define MSR_FS_BASE	    0xc0000100
#define MSR_GS_BASE	    0xc0000101
#define MSR_KERNEL_GS_BASE  0xc0000102
#define MSR_TSC_AUX	    0xc0000103

#define EFER_VALID (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

static bool gp(struct vcpu *v)
{
	vmx_inject_exception(v, 13, true, 0);
	return false;
}

/* Writes the guest's EFER: LMA follows LME only while paging is on. */
static bool write_efer(struct vcpu *v, u64 val)
{
	if (val & ~EFER_VALID)
		return gp(v);
	bool paging = vmread(GUEST_CR0) & CR0_PG;
	if (paging && ((val ^ v->arch.efer) & EFER_LME))
		return gp(v); /* LME may not change while paging is on */
	val &= ~EFER_LMA;
	if (paging && (val & EFER_LME))
		val |= EFER_LMA;
	v->arch.efer = val;
	vmwrite(GUEST_IA32_EFER, val);
	return true;
}

static bool msr_read(struct vcpu *v, u32 msr, u64 *val)
{
	if (msr >= 0x800 && msr <= 0x8ff)
		return vlapic_msr_read(v, msr, val) ? gp(v) : true;
	if (msr == MSR_SPEC_CTRL)
		return spec_ctrl_msr_read(v, msr, val) ? gp(v) : true;
	switch (msr) {
	case MSR_TSC:
		*val = rdtsc();
		return true;
	case MSR_APIC_BASE:
		*val = vlapic_base(v);
		return true;
	case MSR_FEATURE_CONTROL:
		*val = FEATURE_CONTROL_LOCKED; /* locked, VMX off */
		return true;
	case MSR_BIOS_SIGN_ID:
	case MSR_MCG_CAP:
	case MSR_MCG_STATUS:
		*val = 0;
		return true;
	case MSR_MTRRCAP:
		*val = 0; /* no variable or fixed MTRRs: EPT fixes memory types */
		return true;
	case MSR_MTRR_DEF_TYPE:
		*val = BIT(11) | 6; /* enabled, default write-back */
		return true;
	case MSR_MISC_ENABLE:
		*val = BIT(0); /* fast strings */
		return true;
	case MSR_PAT:
		*val = vmread(GUEST_IA32_PAT);
		return true;
	case MSR_DEBUGCTL:
		*val = vmread(GUEST_IA32_DEBUGCTL); /* 0 until the guest sets LBR/BTF */
		return true;
	case MSR_EFER:
		*val = v->arch.efer;
		return true;
	case MSR_SYSENTER_CS:
		*val = vmread(GUEST_SYSENTER_CS);
		return true;
	case MSR_SYSENTER_ESP:
		*val = vmread(GUEST_SYSENTER_ESP);
		return true;
	case MSR_SYSENTER_EIP:
		*val = vmread(GUEST_SYSENTER_EIP);
		return true;
	case MSR_FS_BASE:
		*val = vmread(GUEST_FS_BASE);
		return true;
	case MSR_GS_BASE:
		*val = vmread(GUEST_GS_BASE);
		return true;
	case MSR_STAR:
		*val = v->arch.msr_star;
		return true;
	case MSR_LSTAR:
		*val = v->arch.msr_lstar;
		return true;
	case MSR_CSTAR:
		*val = v->arch.msr_cstar;
		return true;
	case MSR_SFMASK:
		*val = v->arch.msr_sfmask;
		return true;
	case MSR_KERNEL_GS_BASE:
		/* Live in hardware: the guest's SWAPGS changes it without an exit. */
		*val = rdmsr(MSR_KERNEL_GS_BASE);
		return true;
	case MSR_TSC_AUX:
		*val = v->arch.msr_tsc_aux;
		return true;
	case MSR_TSC_DEADLINE:
		*val = vlapic_tsc_deadline(v);
		return true;
	default:
		return gp(v);
	}
}

static bool canonical(u64 a)
{
	return (u64)((s64)(a << 16) >> 16) == a;
}

static bool msr_write(struct vcpu *v, u32 msr, u64 val)
{
	if (msr >= 0x800 && msr <= 0x8ff)
		return vlapic_msr_write(v, msr, val) ? gp(v) : true;
	if (msr == MSR_SPEC_CTRL || msr == MSR_PRED_CMD)
		return spec_ctrl_msr_write(v, msr, val) ? gp(v) : true;
	switch (msr) {
	case XEN_HYPERCALL_PAGE_MSR:
		return hypercall_page_install(v, val) ? gp(v) : true;
	case MSR_APIC_BASE:
		return vlapic_set_base(v, val) ? gp(v) : true;
	case MSR_TSC_DEADLINE:
		vlapic_set_tsc_deadline(v, val);
		return true;
	case MSR_TSC:
	case MSR_BIOS_SIGN_ID:
	case MSR_MCG_STATUS:
	case MSR_MISC_ENABLE:
		return true; /* accepted and ignored */
	case MSR_MTRR_DEF_TYPE:
		return true;
	case MSR_PAT:
		for (int i = 0; i < 8; i++) {
			u8 t = (u8)(val >> (8 * i));
			if (t == 2 || t == 3 || t > 7)
				return gp(v);
		}
		vmwrite(GUEST_IA32_PAT, val);
		return true;
	case MSR_EFER:
		return write_efer(v, val);
	case MSR_DEBUGCTL:
		/* As Xen: LBR and BTF (loaded on VM entry), every other bit #GP. */
		if (val & ~(DEBUGCTL_LBR | DEBUGCTL_BTF))
			return gp(v);
		vmwrite(GUEST_IA32_DEBUGCTL, val);
		return true;
	case MSR_SYSENTER_CS:
		vmwrite(GUEST_SYSENTER_CS, val);
		return true;
	case MSR_SYSENTER_ESP:
		vmwrite(GUEST_SYSENTER_ESP, val);
		return true;
	case MSR_SYSENTER_EIP:
		vmwrite(GUEST_SYSENTER_EIP, val);
		return true;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
		if (!canonical(val))
			return gp(v);
		if (msr == MSR_FS_BASE || msr == MSR_GS_BASE) {
			/* In the VMCS: the host's own GS base must stay in the MSR. */
			vmwrite(msr == MSR_FS_BASE ? GUEST_FS_BASE : GUEST_GS_BASE, val);
			return true;
		}
		if (msr == MSR_LSTAR)
			v->arch.msr_lstar = val;
		else if (msr == MSR_CSTAR)
			v->arch.msr_cstar = val;
		else
			v->arch.msr_kernel_gs_base = val;
		break;
	case MSR_STAR:
		v->arch.msr_star = val;
		break;
	case MSR_SFMASK:
		v->arch.msr_sfmask = val & 0xffffffff;
		break;
	case MSR_TSC_AUX:
		v->arch.msr_tsc_aux = val & 0xffffffff;
		break;
	default:
		return gp(v); /* includes the MTRRs: MTRRCAP says there are none */
	}
	/* These live in hardware while the guest runs (the hypervisor does not use them). */
	wrmsr(msr, val);
	return true;
}

enum exit_action handle_rdmsr(struct vcpu *v, u64 qual)
{
	(void)qual;
	u64 val = 0;

	if (msr_read(v, (u32)v->regs.rcx, &val)) {
		v->regs.rax = (u32)val;
		v->regs.rdx = val >> 32;
		vmexit_skip_instruction();
	}
	return EXIT_RESUME;
}

enum exit_action handle_wrmsr(struct vcpu *v, u64 qual)
{
	(void)qual;
	u64 val = (v->regs.rdx << 32) | (u32)v->regs.rax;

	if (msr_write(v, (u32)v->regs.rcx, val))
		vmexit_skip_instruction();
	return EXIT_RESUME;
}

/* Switching a vCPU out: keep what SWAPGS may have changed behind our back. */
void msr_save_guest(struct vcpu *v)
{
	v->arch.msr_kernel_gs_base = rdmsr(MSR_KERNEL_GS_BASE);
}

/* Called when switching vCPUs on a pCPU: the guest MSRs that live in hardware. */
void msr_load_guest(struct vcpu *v)
{
	wrmsr(MSR_STAR, v->arch.msr_star);
	wrmsr(MSR_LSTAR, v->arch.msr_lstar);
	wrmsr(MSR_CSTAR, v->arch.msr_cstar);
	wrmsr(MSR_SFMASK, v->arch.msr_sfmask);
	wrmsr(MSR_KERNEL_GS_BASE, v->arch.msr_kernel_gs_base);
	if (vmx_cpu2_ctls & CPU2_RDTSCP)
		wrmsr(MSR_TSC_AUX, v->arch.msr_tsc_aux);
}

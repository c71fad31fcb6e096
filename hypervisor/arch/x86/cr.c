// SPDX-License-Identifier: MIT
/*
 * Control-register exits. CR0 and CR4 bits that VMX fixes, or whose change
 * switches the paging mode (CR0.PE/PG), are owned by the hypervisor: the guest
 * sees its own value through the read shadow, the hardware gets a legal one.
 * CR8 is the virtual local APIC's TPR.
 */
#include <arch/x86/vmcs.h>
#include <arch/x86/vmexit.h>
#include <arch/x86/vmx_vcpu.h>
#include <arch/x86/boot_defs.h>
#include <arch/x86/cpu.h>
#include <keel/guest_mem.h>
#include <keel/vlapic.h>

static bool inject_gp(struct vcpu *v)
{
	vmx_inject_exception(v, 13, true, 0);
	return false;
}

/* PAE paging without long mode takes its PDPTEs from the VMCS on entry. */
static bool load_pdptes(struct vcpu *v, u64 cr3)
{
	u64 pdpte[4];

	if (copy_from_guest_phys(v, pdpte, cr3 & ~0x1fULL, sizeof(pdpte)))
		return false;
	vmwrite(GUEST_PDPTE0, pdpte[0]);
	vmwrite(GUEST_PDPTE1, pdpte[1]);
	vmwrite(GUEST_PDPTE2, pdpte[2]);
	vmwrite(GUEST_PDPTE3, pdpte[3]);
	return true;
}

static bool guest_write_cr0(struct vcpu *v, u64 val)
{
	u64 old = vmread(CR0_READ_SHADOW);
	u64 cr4 = vmread(GUEST_CR4);

	if (val >> 32 || ((val & CR0_PG) && !(val & CR0_PE)) ||
	    ((val & BIT(29)) && !(val & BIT(30)))) /* NW without CD */
		return inject_gp(v);
	if ((val & CR0_PG) && !(old & CR0_PG) && (v->arch.efer & EFER_LME)) {
		/* Entering long mode: needs PAE; LMA follows. */
		if (!(cr4 & CR4_PAE))
			return inject_gp(v);
		v->arch.efer |= EFER_LMA;
		vmwrite(GUEST_IA32_EFER, v->arch.efer);
		vmwrite(VM_ENTRY_CONTROLS, vmread(VM_ENTRY_CONTROLS) | ENTRY_IA32E_MODE);
	} else if (!(val & CR0_PG) && (old & CR0_PG) && (v->arch.efer & EFER_LMA)) {
		v->arch.efer &= ~EFER_LMA;
		vmwrite(GUEST_IA32_EFER, v->arch.efer);
		vmwrite(VM_ENTRY_CONTROLS, vmread(VM_ENTRY_CONTROLS) & ~ENTRY_IA32E_MODE);
	}
	if ((val & CR0_PG) && (cr4 & CR4_PAE) && !(v->arch.efer & EFER_LME) &&
	    !load_pdptes(v, vmread(GUEST_CR3)))
		return inject_gp(v);

	/* Owned bits: VMX's fixed values, PE/PG as the guest asks, caches always on. */
	u64 mask = vmx_cr0_fixed_mask();
	u64 hw = (val & ~mask) | vmx_cr0_fixed_bits() | (val & (CR0_PE | CR0_PG));
	vmwrite(CR0_READ_SHADOW, val);
	vmwrite(GUEST_CR0, hw);
	return true;
}

static bool guest_write_cr4(struct vcpu *v, u64 val)
{
	u64 shadow_mask = vmread(CR4_GUEST_HOST_MASK);

	/* Bits VMX requires are shadowed; bits it forbids (incl. VMXE) are refused. */
	if (val & CR4_VMXE || val >> 32)
		return inject_gp(v);
	if ((v->arch.efer & EFER_LMA) && !(val & CR4_PAE))
		return inject_gp(v);
	u64 hw = (val & ~shadow_mask) | (vmread(GUEST_CR4) & shadow_mask);
	if ((val & shadow_mask & ~hw) != 0)
		return inject_gp(v); /* a bit the CPU cannot have set while in VMX */
	vmwrite(CR4_READ_SHADOW, val & shadow_mask);
	vmwrite(GUEST_CR4, hw);
	if ((vmread(GUEST_CR0) & CR0_PG) && (val & CR4_PAE) && !(v->arch.efer & EFER_LME))
		load_pdptes(v, vmread(GUEST_CR3));
	return true;
}

enum exit_action handle_cr_access(struct vcpu *v, u64 qual)
{
	unsigned cr = qual & 15, type = (qual >> 4) & 3, gpr = (qual >> 8) & 15;
	bool ok = true;

	switch (type) {
	case 0: /* MOV to CR */
		if (cr == 0)
			ok = guest_write_cr0(v, vcpu_gpr_read(v, gpr));
		else if (cr == 4)
			ok = guest_write_cr4(v, vcpu_gpr_read(v, gpr));
		else if (cr == 8)
			vlapic_set_tpr(v, (u32)(vcpu_gpr_read(v, gpr) & 15) << 4);
		else
			return vmexit_crash(v, "unexpected CR write exit");
		break;
	case 1: /* MOV from CR (only CR8 exits) */
		if (cr != 8)
			return vmexit_crash(v, "unexpected CR read exit");
		vcpu_gpr_write(v, gpr, vlapic_tpr(v) >> 4);
		break;
	case 2: /* CLTS */
		ok = guest_write_cr0(v, vmread(CR0_READ_SHADOW) & ~BIT(3));
		break;
	case 3: { /* LMSW: only the low four bits, and it cannot clear PE */
		u64 old = vmread(CR0_READ_SHADOW);
		u64 src = (qual >> 16) & 0xf;
		ok = guest_write_cr0(v, (old & ~0xeULL) | src | (old & CR0_PE));
		break;
	}
	}
	if (ok)
		vmexit_skip_instruction();
	return EXIT_RESUME;
}

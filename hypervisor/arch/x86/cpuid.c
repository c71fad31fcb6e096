// SPDX-License-Identifier: MIT
/*
 * CPUID exits: the host's answers, filtered to what a guest can use here, plus
 * the hypervisor bit and Xen's leaves at 0x40000000 (REFERENCE.md section 2).
 */
#include <arch/x86/vmexit.h>
#include <arch/x86/cpu.h>
#include <arch/x86/vmx_vcpu.h>
#include <arch/x86/xsave.h>
#include <keel/string.h>

#define XEN_CPUID_BASE		0x40000000
#define XEN_CPUID_LAST		(XEN_CPUID_BASE + 4)
#define XEN_VERSION_MAJOR	4
#define XEN_VERSION_MINOR	17
#define HVM_CPUID_VCPU_ID	BIT(3)
#define HVM_CPUID_DOMID		BIT(4)

static void xen_leaves(struct vcpu *v, u32 leaf, struct cpuid_regs *r)
{
	memset(r, 0, sizeof(*r));
	switch (leaf) {
	case XEN_CPUID_BASE:
		r->eax = XEN_CPUID_LAST;
		memcpy(&r->ebx, "XenV", 4);
		memcpy(&r->ecx, "MMXe", 4);
		memcpy(&r->edx, "nVMM", 4);
		break;
	case XEN_CPUID_BASE + 1:
		r->eax = XEN_VERSION_MAJOR << 16 | XEN_VERSION_MINOR;
		break;
	case XEN_CPUID_BASE + 2:
		r->eax = 1;			/* hypercall pages */
		r->ebx = XEN_HYPERCALL_PAGE_MSR;
		break;
	case XEN_CPUID_BASE + 3:
		break;				/* TSC: native, no emulation */
	case XEN_CPUID_BASE + 4:
		r->eax = HVM_CPUID_VCPU_ID | HVM_CPUID_DOMID;
		r->ebx = v->id;
		r->ecx = v->dom->id;
		break;
	default:
		break;				/* other hypervisor bases: nothing */
	}
}

static void filter(struct vcpu *v, u32 leaf, u32 sub, struct cpuid_regs *r)
{
	switch (leaf) {
	case 1:
		r->ebx = (r->ebx & 0x0000ffff) | (v->id << 24) | (v->dom->nr_vcpus << 16);
		r->ecx &= ~(BIT(3) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(15) | BIT(18) |
			    BIT(27));
		/* XSAVE and what needs it, as far as Keel switches that state. */
		if (!xsave_available())
			r->ecx &= ~(BIT(26) | BIT(28) | BIT(12) | BIT(29));
		else if (!(xsave_guest_mask() & XSTATE_AVX))
			r->ecx &= ~(BIT(28) | BIT(12) | BIT(29));
		if (vmread(GUEST_CR4) & BIT(18))
			r->ecx |= BIT(27);	/* OSXSAVE mirrors the guest's CR4 */
		r->ecx |= (u32)BIT(31);	/* running on a hypervisor */
		r->edx &= ~(BIT(14) | BIT(22) | BIT(29));
		break;
	case 5:	/* MONITOR/MWAIT */
	case 6:	/* thermal and power */
	case 0xa: /* performance monitoring */
	case 0x1f:
		memset(r, 0, sizeof(*r));
		break;
	case 0xd: {
		u64 mask = xsave_guest_mask();
		if (!mask || (sub >= 2 && !(mask & BIT(sub < 64 ? sub : 0)))) {
			memset(r, 0, sizeof(*r));
		} else if (sub == 0) {
			/* EBX (size for the current XCR0) is the guest's: its XCR0 is loaded. */
			r->eax = (u32)mask;
			r->edx = (u32)(mask >> 32);
			r->ecx = xsave_area_size();
		} else if (sub == 1) {
			r->eax &= BIT(0) | BIT(1) | BIT(2);	/* no XSAVES: no IA32_XSS */
			r->ecx = r->edx = 0;
		}
		break;
	}
	case 7:
		if (sub == 0) {
			/* Keep plain ISA extensions; drop what needs state we do not switch. */
			/* TSC_ADJUST (1) has no MSR here; PKU needs XSAVE state. */
			r->ebx &= ~(BIT(1) | BIT(2) | BIT(14) | BIT(16) | BIT(17) | BIT(21) |
				    BIT(25) | BIT(26) | BIT(27) | BIT(28) | BIT(30) | BIT(31));
			if (!(xsave_guest_mask() & XSTATE_AVX))
				r->ebx &= ~BIT(5);	/* AVX2 */
			if (!(vmx_cpu2_ctls & CPU2_INVPCID))
				r->ebx &= ~BIT(10);
			r->ecx &= ~(BIT(1) | BIT(3) | BIT(4) | BIT(5) | BIT(11) | BIT(14) | BIT(16) |
				    BIT(30));
			r->edx = 0;
		} else {
			memset(r, 0, sizeof(*r));
		}
		break;
	case 0xb: {
		/* Topology: one thread per core, nr_vcpus cores; x2APIC id = vCPU id. */
		u32 shift = 0;
		while ((1u << shift) < v->dom->nr_vcpus)
			shift++;
		memset(r, 0, sizeof(*r));
		if (sub == 0) {
			r->ebx = 1;
			r->ecx = (1 << 8);
		} else if (sub == 1) {
			r->eax = shift;
			r->ebx = v->dom->nr_vcpus;
			r->ecx = (2 << 8) | 1;
		} else {
			r->ecx = sub;
		}
		r->edx = v->id;
		break;
	}
	case 0x80000001:
		if (!(vmx_cpu2_ctls & CPU2_RDTSCP))
			r->edx &= ~BIT(27);
		break;
	default:
		break;
	}
}

enum exit_action handle_cpuid(struct vcpu *v, u64 qual)
{
	(void)qual;
	u32 leaf = (u32)v->regs.rax, sub = (u32)v->regs.rcx;
	struct cpuid_regs r;

	if ((leaf & 0xf0000000) == XEN_CPUID_BASE) {
		xen_leaves(v, leaf, &r);
	} else {
		cpuid_count(leaf, sub, &r);
		filter(v, leaf, sub, &r);
	}
	v->regs.rax = r.eax;
	v->regs.rbx = r.ebx;
	v->regs.rcx = r.ecx;
	v->regs.rdx = r.edx;
	vmexit_skip_instruction();
	return EXIT_RESUME;
}

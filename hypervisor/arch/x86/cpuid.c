// SPDX-License-Identifier: MIT
/*
 * CPUID exits: the host's answers filtered by the policy (cpuid_policy.c), the
 * topology leaf, and Xen's leaves at 0x40000000-0x40000004 (Xen's
 * xen/include/public/arch-x86/cpuid.h).
 */
#include <arch/x86/vmcs.h>
#include <arch/x86/boot_defs.h>
#include <arch/x86/vmexit.h>
#include <arch/x86/cpu.h>
#include <arch/x86/vmx_vcpu.h>
#include <arch/x86/xsave.h>
#include <arch/x86/cpuid_policy.h>
#include <arch/x86/spec_ctrl.h>
#include <keel/timer.h>
#include <keel/string.h>

#define XEN_CPUID_BASE	  0x40000000
#define XEN_CPUID_LAST	  (XEN_CPUID_BASE + 4)
#define XEN_VERSION_MAJOR 4
#define XEN_VERSION_MINOR 17
#define HVM_CPUID_VCPU_ID BIT(3)
#define HVM_CPUID_DOMID	  BIT(4)

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
		r->eax = 1; /* hypercall pages */
		r->ebx = XEN_HYPERCALL_PAGE_MSR;
		break;
	case XEN_CPUID_BASE + 3:
		break; /* TSC: native, no emulation */
	case XEN_CPUID_BASE + 4:
		r->eax = HVM_CPUID_VCPU_ID | HVM_CPUID_DOMID;
		r->ebx = v->id;
		r->ecx = v->dom->id;
		break;
	default:
		break; /* other hypervisor bases: nothing */
	}
}

/* Topology: one thread per core, nr_vcpus cores; x2APIC id = vCPU id. */
static void topology_leaf(struct vcpu *v, u32 sub, struct cpuid_regs *r)
{
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
}

static void filter(struct vcpu *v, u32 leaf, u32 sub, struct cpuid_regs *r)
{
	const struct cpuid_host_caps caps = {
	    .xsave_mask = xsave_guest_mask(),
	    .xsave_size = xsave_area_size(),
	    .rdtscp = vmx_cpu2_ctls & CPU2_RDTSCP,
	    .invpcid = vmx_cpu2_ctls & CPU2_INVPCID,
	    .spec_ctrl_bits = spec_policy.guest_spec_ctrl_bits,
	    .tsc_khz = tsc_khz,
	};
	const struct cpuid_vcpu vc = {
	    .id = v->id,
	    .nr_vcpus = v->dom->nr_vcpus,
	    .osxsave = vmread(GUEST_CR4) & CR4_OSXSAVE,
	};

	cpuid_policy_apply(leaf, sub, &caps, &vc, r);
	if (leaf == 0xb)
		topology_leaf(v, sub, r);
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

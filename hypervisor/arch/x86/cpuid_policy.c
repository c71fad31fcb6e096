// SPDX-License-Identifier: MIT
/*
 * CPUID policy (see cpuid_policy.h). Bit names follow the Intel SDM, Vol. 2A,
 * CPUID; the choices follow Xen's default HVM policy (xen/include/public/
 * arch-x86/cpufeatureset.h), narrowed to what Keel implements. Pure code:
 * unit-tested on the host.
 */
#include <arch/x86/cpuid_policy.h>
#include <arch/x86/cpu.h>
#include <keel/string.h>

#define ANY_SUB	 0xffffffffu
#define ALL	 0xffffffffu
#define XCR0_AVX BIT(2)

struct cpuid_rule {
	u32 leaf, sub;
	u32 keep[4]; /* eax, ebx, ecx, edx: bits passed through from the host */
};

/* Leaf 1 EDX: FPU VME DE PSE TSC MSR PAE MCE CX8 APIC SEP MTRR PGE CMOV PAT PSE36 CLFSH MMX
 * FXSR SSE SSE2 SS HTT. Not: MCA (14; no banks), PSN (18), DS (21; no DS_AREA MSR), ACPI (22),
 * TM (29), PBE (31). */
#define L1_EDX                                                                                     \
	(BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(9) | \
	 BIT(11) | BIT(12) | BIT(13) | BIT(15) | BIT(16) | BIT(17) | BIT(19) | BIT(23) | BIT(24) | \
	 BIT(25) | BIT(26) | BIT(27) | BIT(28))
/* Leaf 1 ECX: SSE3 PCLMULQDQ SSSE3 FMA CX16 PCID SSE4.1 SSE4.2 MOVBE POPCNT AES XSAVE AVX F16C
 * RDRAND (FMA/XSAVE/AVX/F16C only with their state switched); x2APIC, TSC-deadline, OSXSAVE
 * and the hypervisor bit are Keel's own. Not: DTES64 MONITOR DS-CPL VMX SMX EIST TM2 CNXT-ID
 * SDBG xTPR PDCM DCA. */
#define L1_ECX                                                                                     \
	(BIT(0) | BIT(1) | BIT(9) | BIT(12) | BIT(13) | BIT(17) | BIT(19) | BIT(20) | BIT(22) |    \
	 BIT(23) | BIT(25) | BIT(26) | BIT(28) | BIT(29) | BIT(30))
#define L1_ECX_AVX (BIT(12) | BIT(28) | BIT(29))
/* Leaf 7.0 EBX: FSGSBASE BMI1 AVX2 FDP_EXCPTN_ONLY SMEP BMI2 ERMS INVPCID FPU-CS/DS-deprecated
 * RDSEED ADX SMAP CLFLUSHOPT CLWB SHA. Not: TSC_ADJUST, SGX, HLE/RTM (TSX), MPX, RDT
 * (PQM/PQE), AVX-512, Intel PT. */
#define L7_EBX                                                                                     \
	(BIT(0) | BIT(3) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(9) | BIT(10) | BIT(13) |        \
	 BIT(18) | BIT(19) | BIT(20) | BIT(23) | BIT(24) | BIT(29))
/* Leaf 7.0 ECX: PREFETCHWT1 GFNI VAES VPCLMULQDQ RDPID MOVDIRI MOVDIR64B. Not: AVX-512 parts,
 * UMIP, PKU/OSPKE, WAITPKG, TME, LA57, SGX_LC. */
#define L7_ECX (BIT(0) | BIT(8) | BIT(9) | BIT(10) | BIT(22) | BIT(27) | BIT(28))
/* Leaf 7.0 EDX: FSRM, MD_CLEAR (VERW clears buffers in a guest as on the host), and
 * IBRS/IBPB, STIBP, SSBD when SPEC_CTRL is virtualised (spec_ctrl.h). Not: ARCH_CAPABILITIES
 * and L1D_FLUSH (their MSRs are not offered). */
#define L7_EDX (BIT(4) | BIT(10) | BIT(26) | BIT(27) | BIT(31))

static const struct cpuid_rule rules[] = {
    {0x0, ANY_SUB, {ALL, ALL, ALL, ALL}}, /* max leaf, vendor */
    {0x1, ANY_SUB, {ALL, 0x0000ffff, L1_ECX, L1_EDX}},
    {0x2, ANY_SUB, {ALL, ALL, ALL, ALL}},   /* cache and TLB descriptors */
    {0x4, ANY_SUB, {0x3ff, ALL, ALL, ALL}}, /* cache parameters, no core counts */
    {0x7, 0, {0, L7_EBX, L7_ECX, L7_EDX}},  /* EAX 0: no further sub-leaves */
    {0xd, ANY_SUB, {ALL, ALL, ALL, ALL}},   /* XSAVE: see xsave_leaf() */
    {0x15, ANY_SUB, {ALL, ALL, ALL, ALL}},  /* TSC/crystal ratio: see tsc_leaves() */
    {0x16, ANY_SUB, {ALL, ALL, ALL, ALL}},  /* nominal frequencies: see tsc_leaves() */
    {0x80000000, ANY_SUB, {ALL, 0, 0, 0}},
    {0x80000001,
     ANY_SUB,
     {0, 0, BIT(0) | BIT(5) | BIT(8), BIT(11) | BIT(20) | BIT(26) | BIT(27) | BIT(29)}},
    {0x80000002, ANY_SUB, {ALL, ALL, ALL, ALL}}, /* brand string */
    {0x80000003, ANY_SUB, {ALL, ALL, ALL, ALL}},
    {0x80000004, ANY_SUB, {ALL, ALL, ALL, ALL}},
    {0x80000006, ANY_SUB, {ALL, ALL, ALL, ALL}}, /* L2 cache */
    {0x80000007, ANY_SUB, {0, 0, 0, BIT(8)}},	 /* invariant TSC */
    {0x80000008, ANY_SUB, {0xffff, 0, 0, 0}},	 /* address sizes */
};

static const struct cpuid_rule *find_rule(u32 leaf, u32 sub)
{
	for (u32 i = 0; i < ARRAY_SIZE(rules); i++)
		if (rules[i].leaf == leaf && (rules[i].sub == ANY_SUB || rules[i].sub == sub))
			return &rules[i];
	return NULL;
}

static void xsave_leaf(u32 sub, const struct cpuid_host_caps *caps, struct cpuid_regs *r)
{
	u64 mask = caps->xsave_mask;

	if (!mask || (sub >= 2 && (sub >= 64 || !(mask & BIT(sub))))) {
		memset(r, 0, sizeof(*r));
	} else if (sub == 0) {
		/* EBX (size for the current XCR0) is the guest's own: its XCR0 is loaded. */
		r->eax = (u32)mask;
		r->edx = (u32)(mask >> 32);
		r->ecx = caps->xsave_size;
	} else if (sub == 1) {
		/*
		 * XSAVEOPT and XGETBV1 only. No XSAVES (no IA32_XSS). No XSAVEC: Bochs 2.7
		 * writes the AVX upper halves at the wrong offset in the compacted format
		 * (guests lost their FPU state); the standard format works everywhere.
		 */
		r->eax &= BIT(0) | BIT(2);
		r->ebx = r->ecx = r->edx = 0;
	}
}

/*
 * Leaves 0x15 and 0x16 say the TSC rate Keel measured rather than the host's model numbers:
 * a guest without Xen's clock (Linux with nopv, on the emulated platform) trusts them over
 * its own calibration (arch/x86/kernel/tsc.c, native_calibrate_tsc), and an emulator's TSC
 * need not run at the rate its CPU model states (Bochs: 10 MHz where leaf 0x16 says 3.5 GHz,
 * so Linux's clock ran 350 times slow). The "crystal" is the TSC itself (EAX = EBX = 1), which
 * is also the rate of Keel's local APIC timer (vlapic.c), what Linux takes the crystal for.
 * A TSC beyond 4.29 GHz is described as half that crystal times 2.
 */
static void tsc_leaves(u32 leaf, u64 tsc_khz, struct cpuid_regs *r)
{
	if (!tsc_khz) {
		memset(r, 0, sizeof(*r));
		return;
	}
	if (leaf == 0x15) {
		u64 hz = tsc_khz * 1000;
		u32 ratio = hz > 0xffffffffull ? 2 : 1;
		*r = (struct cpuid_regs){.eax = 1, .ebx = ratio, .ecx = (u32)(hz / ratio)};
	} else {
		u32 mhz = (u32)(tsc_khz / 1000);
		*r = (struct cpuid_regs){.eax = mhz, .ebx = mhz};
	}
}

void cpuid_policy_apply(u32 leaf, u32 sub, const struct cpuid_host_caps *caps,
			const struct cpuid_vcpu *vc, struct cpuid_regs *r)
{
	const struct cpuid_rule *rule = find_rule(leaf, sub);
	bool avx = caps->xsave_mask & XCR0_AVX;

	if (!rule) {
		memset(r, 0, sizeof(*r));
		return;
	}
	r->eax &= rule->keep[0];
	r->ebx &= rule->keep[1];
	r->ecx &= rule->keep[2];
	r->edx &= rule->keep[3];
	switch (leaf) {
	case 0x1:
		r->ebx |= (vc->id << 24) | ((vc->nr_vcpus & 0xff) << 16);
		if (!caps->xsave_mask)
			r->ecx &= ~BIT(26);
		if (!avx)
			r->ecx &= ~L1_ECX_AVX;
		r->ecx |= BIT(21) | BIT(24) | BIT(31); /* x2APIC, TSC-deadline, hypervisor */
		if (vc->osxsave)
			r->ecx |= BIT(27);
		break;
	case 0x7:
		if (!avx) {
			r->ebx &= ~BIT(5);	       /* AVX2 */
			r->ecx &= ~(BIT(9) | BIT(10)); /* VAES, VPCLMULQDQ */
		}
		if (!caps->invpcid)
			r->ebx &= ~BIT(10);
		if (!caps->rdtscp)
			r->ecx &= ~BIT(22); /* RDPID */
		/* IBRS/IBPB (26), STIBP (27), SSBD (31): only as far as SPEC_CTRL is virtualised.
		 */
		if (!(caps->spec_ctrl_bits & BIT(0)))
			r->edx &= ~(u32)(BIT(26) | BIT(27) | BIT(31));
		if (!(caps->spec_ctrl_bits & BIT(1)))
			r->edx &= ~(u32)BIT(27);
		if (!(caps->spec_ctrl_bits & BIT(2)))
			r->edx &= ~(u32)BIT(31);
		break;
	case 0xd:
		xsave_leaf(sub, caps, r);
		break;
	case 0x15:
	case 0x16:
		tsc_leaves(leaf, caps->tsc_khz, r);
		break;
	case 0x80000001:
		if (!caps->rdtscp)
			r->edx &= ~BIT(27);
		break;
	default:
		break;
	}
}

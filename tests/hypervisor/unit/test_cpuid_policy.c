// SPDX-License-Identifier: MIT
/* The CPUID policy over a host that claims every feature: only the allow-list survives. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <arch/x86/cpu.h>
#include <arch/x86/cpuid_policy.h>

static const struct cpuid_host_caps full = {
    .xsave_mask = 7,
    .xsave_size = 832,
    .rdtscp = true,
    .invpcid = true,
};
static const struct cpuid_vcpu vc = {.id = 1, .nr_vcpus = 2, .osxsave = false};

static struct cpuid_regs ask(u32 leaf, u32 sub, const struct cpuid_host_caps *caps)
{
	struct cpuid_regs r = {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff};

	cpuid_policy_apply(leaf, sub, caps, &vc, &r);
	return r;
}

static void leaf1_hides_what_keel_does_not_emulate(void **state)
{
	(void)state;
	struct cpuid_regs r = ask(1, 0, &full);

	assert_int_equal(r.edx & BIT(21), 0); /* DS: no IA32_DS_AREA */
	assert_int_equal(r.edx & BIT(14), 0); /* MCA: no banks */
	assert_int_equal(r.edx & (BIT(22) | BIT(29) | BIT(31)), 0);
	assert_int_equal(r.ecx & BIT(5), 0); /* VMX */
	assert_int_equal(r.ecx & (BIT(2) | BIT(3) | BIT(4) | BIT(15)), 0);
	assert_int_equal(r.ecx & BIT(27), 0);	  /* OSXSAVE follows the guest's CR4 */
	assert_int_not_equal(r.ecx & BIT(31), 0); /* hypervisor present */
	assert_int_not_equal(r.ecx & BIT(21), 0); /* x2APIC */
	assert_int_not_equal(r.ecx & BIT(28), 0); /* AVX switched */
	assert_int_not_equal(r.edx & BIT(0), 0);  /* FPU */
	assert_int_equal(r.ebx >> 24, 1);	  /* initial APIC id = vCPU id */
	assert_int_equal((r.ebx >> 16) & 0xff, 2);
}

static void avx_follows_the_state_keel_switches(void **state)
{
	(void)state;
	struct cpuid_host_caps sse = full;
	sse.xsave_mask = 3;
	struct cpuid_regs r = ask(1, 0, &sse);
	assert_int_equal(r.ecx & (BIT(12) | BIT(28) | BIT(29)), 0);
	assert_int_not_equal(r.ecx & BIT(26), 0);
	r = ask(7, 0, &sse);
	assert_int_equal(r.ebx & BIT(5), 0); /* AVX2 */
	struct cpuid_host_caps none = {0};
	r = ask(1, 0, &none);
	assert_int_equal(r.ecx & BIT(26), 0); /* no XSAVE at all */
	r = ask(0xd, 0, &none);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	r = ask(0x80000001, 0, &none);
	assert_int_equal(r.edx & BIT(27), 0); /* RDTSCP not allowed in non-root */
}

static void leaf7_no_avx512_tsx_rdt_pt_or_speculation_msrs(void **state)
{
	(void)state;
	struct cpuid_regs r = ask(7, 0, &full);

	assert_int_equal(r.eax, 0);
	assert_int_equal(r.ebx & (BIT(16) | BIT(17) | BIT(30) | BIT(31)), 0); /* AVX-512 */
	assert_int_equal(r.ebx & (BIT(4) | BIT(11)), 0);		      /* HLE, RTM */
	assert_int_equal(r.ebx & (BIT(12) | BIT(15)), 0);		      /* RDT */
	assert_int_equal(r.ebx & (BIT(1) | BIT(2) | BIT(14) | BIT(25)), 0);
	assert_int_equal(
	    r.ecx & (BIT(1) | BIT(3) | BIT(4) | BIT(6) | BIT(11) | BIT(12) | BIT(14) | BIT(16)), 0);
	assert_int_equal(r.edx & (BIT(26) | BIT(27) | BIT(29)), 0);
	assert_int_not_equal(r.ebx & BIT(5), 0);
	r = ask(7, 1, &full);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
}

static void xsave_leaf_offers_no_compacted_format(void **state)
{
	(void)state;
	struct cpuid_regs r = ask(0xd, 0, &full);
	assert_int_equal(r.eax, 7);
	assert_int_equal(r.ecx, 832);
	r = ask(0xd, 1, &full);
	assert_int_equal(r.eax, BIT(0) | BIT(2)); /* XSAVEOPT, XGETBV1; not XSAVEC/XSAVES */
	r = ask(0xd, 2, &full);
	assert_int_not_equal(r.eax, 0); /* AVX component described */
	r = ask(0xd, 5, &full);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0); /* AVX-512 opmask: not offered */
	r = ask(0xd, 200, &full);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
}

/* Leaves 0x15/0x16 state Keel's measured TSC rate, whatever the host's model says. */
static void tsc_leaves_say_the_measured_rate(void **state)
{
	(void)state;
	struct cpuid_host_caps bochs = full, fast = full, unknown = full;
	bochs.tsc_khz = 10000;
	fast.tsc_khz = 5200000;
	struct cpuid_regs r = ask(0x15, 0, &bochs);
	assert_int_equal(r.eax, 1);
	assert_int_equal(r.ebx, 1);
	assert_int_equal(r.ecx, 10000000); /* Linux: tsc_khz = ecx / 1000 * ebx / eax */
	assert_int_equal(r.edx, 0);
	r = ask(0x16, 0, &bochs);
	assert_int_equal(r.eax, 10);
	assert_int_equal(r.ebx, 10);
	assert_int_equal(r.ecx | r.edx, 0);
	r = ask(0x15, 0, &fast); /* 5.2 GHz does not fit ECX: a 2.6 GHz crystal times 2 */
	assert_int_equal(r.ebx, 2);
	assert_int_equal(r.ecx, 2600000000u);
	assert_int_equal((u64)r.ecx / 1000 * r.ebx / r.eax, 5200000);
	r = ask(0x15, 0, &unknown);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	r = ask(0x16, 0, &unknown);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
}

static void unlisted_leaves_are_zero(void **state)
{
	(void)state;
	static const u32 leaves[] = {3,	   5,	 6,    0xa,	   0xf,	       0x10,
				     0x12, 0x14, 0x1f, 0x80000005, 0x8000001f, 0x12345678};
	for (unsigned i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		struct cpuid_regs r = ask(leaves[i], 0, &full);
		assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(leaf1_hides_what_keel_does_not_emulate),
	    cmocka_unit_test(avx_follows_the_state_keel_switches),
	    cmocka_unit_test(leaf7_no_avx512_tsx_rdt_pt_or_speculation_msrs),
	    cmocka_unit_test(xsave_leaf_offers_no_compacted_format),
	    cmocka_unit_test(tsc_leaves_say_the_measured_rate),
	    cmocka_unit_test(unlisted_leaves_are_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

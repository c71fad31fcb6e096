// SPDX-License-Identifier: MIT
/* VT-x capability decoding: which hosts Keel accepts and what it says otherwise. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <arch/x86/vmx_caps.h>
#include <keel/errno.h>

/* Roughly what a Skylake server reports. */
static struct vmx_raw good(void)
{
	struct vmx_raw r = {
	    .cpuid1_ecx = CPUID1_ECX_VMX,
	    .feature_control = FEATURE_CONTROL_LOCKED | FEATURE_CONTROL_VMXON_OUTSIDE_SMX,
	    .basic = 0x00da040000000004ULL, /* rev 4, 1024 bytes, WB, true ctls */
	    .procbased = (PROCBASED_SECONDARY << 32),
	    .procbased2 = (PROCBASED2_EPT | PROCBASED2_VPID | PROCBASED2_UNRESTRICTED) << 32,
	    .ept_vpid = EPT_CAP_WALK4 | EPT_CAP_WB | EPT_CAP_2M | EPT_CAP_INVEPT | EPT_CAP_INVVPID,
	};
	return r;
}

static void accepts_full_host(void **state)
{
	(void)state;
	struct vmx_raw r = good();
	struct vmx_caps c;
	const char *why;

	assert_int_equal(vmx_caps_decode(&r, &c, &why), 0);
	assert_null(why);
	assert_int_equal(c.revision, 4);
	assert_int_equal(c.vmcs_size, 1024);
	assert_true(c.true_ctls && c.ept && c.vpid && c.unrestricted && c.ept_2m);
	assert_false(c.ept_1g);
}

#define EXPECT_REJECT(mutate, text)                                                                \
	do {                                                                                       \
		struct vmx_raw r = good();                                                         \
		struct vmx_caps c;                                                                 \
		const char *why;                                                                   \
		mutate;                                                                            \
		assert_int_equal(vmx_caps_decode(&r, &c, &why), -ENODEV);                          \
		assert_non_null(why);                                                              \
		assert_non_null(strstr(why, text));                                                \
	} while (0)

static void rejects(void **state)
{
	(void)state;
	EXPECT_REJECT(r.cpuid1_ecx = 0, "does not support VMX");
	EXPECT_REJECT(r.feature_control = FEATURE_CONTROL_LOCKED, "disabled by the firmware");
	EXPECT_REJECT(r.procbased = 0, "no secondary");
	EXPECT_REJECT(r.procbased2 &= ~(PROCBASED2_EPT << 32), "no EPT");
	EXPECT_REJECT(r.procbased2 &= ~(PROCBASED2_UNRESTRICTED << 32), "no unrestricted guest");
	EXPECT_REJECT(r.ept_vpid &= ~EPT_CAP_WB, "write-back");
	EXPECT_REJECT(r.ept_vpid &= ~EPT_CAP_WALK4, "4-level");
	EXPECT_REJECT(r.basic &= ~(0x1fffULL << 32), "VMCS size");
}

static void unlocked_feature_control_is_usable(void **state)
{
	(void)state;
	struct vmx_raw r = good();
	struct vmx_caps c;
	const char *why;

	r.feature_control = 0;
	assert_int_equal(vmx_caps_decode(&r, &c, &why), 0);
	assert_true(c.enabled_by_firmware);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(accepts_full_host),
	    cmocka_unit_test(rejects),
	    cmocka_unit_test(unlocked_feature_control_is_usable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

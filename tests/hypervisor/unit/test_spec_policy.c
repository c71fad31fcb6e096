// SPDX-License-Identifier: MIT
/* The speculation-hardening policy for the CPUs Keel may meet. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <arch/x86/spec_ctrl.h>

static void nothing_reported_leaves_only_rsb_fill(void **state)
{
	(void)state;
	struct spec_caps c = {0};
	struct spec_policy p;
	char line[256];

	spec_policy_decide(&c, &p);
	assert_false(p.ibpb_on_switch);
	assert_true(p.rsb_fill);
	assert_false(p.verw_on_entry);
	assert_false(p.l1d_flush_on_entry);
	assert_false(p.guest_spec_ctrl);
	assert_int_equal(p.guest_spec_ctrl_bits, 0);
	spec_policy_describe(&p, &c, line, sizeof(line));
	assert_non_null(strstr(line, "IBPB on domain switch off (no IBPB)"));
	assert_non_null(strstr(line, "VERW on entry off (no MD_CLEAR)"));
	assert_non_null(strstr(line, "thunks on"));
}

static void an_l1tf_and_mds_affected_part_flushes_l1d(void **state)
{
	(void)state;
	struct spec_caps c = {
	    .ibrs_ibpb = true, .stibp = true, .ssbd = true, .l1d_flush = true, .md_clear = true};
	struct spec_policy p;

	spec_policy_decide(&c, &p);
	assert_true(p.ibpb_on_switch);
	assert_true(p.l1d_flush_on_entry);
	assert_false(p.verw_on_entry); /* the flush clears the buffers too */
	assert_true(p.guest_spec_ctrl);
	assert_int_equal(p.guest_spec_ctrl_bits, SPEC_CTRL_IBRS | SPEC_CTRL_STIBP | SPEC_CTRL_SSBD);
}

static void an_mds_only_part_uses_verw(void **state)
{
	(void)state;
	struct spec_caps c = {
	    .ibrs_ibpb = true, .l1d_flush = true, .md_clear = true, .arch_caps = ARCH_CAP_RDCL_NO};
	struct spec_policy p;
	char line[256];

	spec_policy_decide(&c, &p);
	assert_false(p.l1d_flush_on_entry);
	assert_true(p.verw_on_entry);
	assert_int_equal(p.guest_spec_ctrl_bits, SPEC_CTRL_IBRS);
	spec_policy_describe(&p, &c, line, sizeof(line));
	assert_non_null(strstr(line, "L1D flush on entry off (not affected)"));
	assert_non_null(strstr(line, "VERW on entry on"));
}

static void an_unaffected_part_skips_both(void **state)
{
	(void)state;
	struct spec_caps c = {.ibrs_ibpb = true,
			      .l1d_flush = true,
			      .md_clear = true,
			      .arch_caps = ARCH_CAP_RDCL_NO | ARCH_CAP_MDS_NO};
	struct spec_policy p;
	char line[256];

	spec_policy_decide(&c, &p);
	assert_false(p.l1d_flush_on_entry);
	assert_false(p.verw_on_entry);
	spec_policy_describe(&p, &c, line, sizeof(line));
	assert_non_null(strstr(line, "VERW on entry off (MDS_NO)"));
	c.arch_caps = ARCH_CAP_SKIP_L1DFL;
	spec_policy_decide(&c, &p);
	assert_false(p.l1d_flush_on_entry); /* the CPU flushes on VM entry itself */
	assert_true(p.verw_on_entry);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(nothing_reported_leaves_only_rsb_fill),
	    cmocka_unit_test(an_l1tf_and_mds_affected_part_flushes_l1d),
	    cmocka_unit_test(an_mds_only_part_uses_verw),
	    cmocka_unit_test(an_unaffected_part_skips_both),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <keel/sched.h>

static void vruntime_scales_with_weight(void **state)
{
	(void)state;
	assert_int_equal(sched_vruntime_delta(1000, DEFAULT_WEIGHT), 1000);
	assert_int_equal(sched_vruntime_delta(1000, 2 * DEFAULT_WEIGHT), 500);
	assert_int_equal(sched_vruntime_delta(1000, DEFAULT_WEIGHT / 2), 2000);
	assert_int_equal(sched_vruntime_delta(1000, 0), 1000 * DEFAULT_WEIGHT);
	/* No overflow on very long runs. */
	assert_int_equal(sched_vruntime_delta(UINT64_MAX / 2, 65535),
			 (UINT64_MAX / 2) / 65535 * DEFAULT_WEIGHT +
			     (UINT64_MAX / 2) % 65535 * DEFAULT_WEIGHT / 65535);
}

static void cap_budget(void **state)
{
	(void)state;
	assert_int_equal(sched_cap_budget(0, 1000000), UINT64_MAX);
	assert_int_equal(sched_cap_budget(25, 1000000), 250000);
	assert_int_equal(sched_cap_budget(200, 1000000), 2000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(vruntime_scales_with_weight),
	    cmocka_unit_test(cap_budget),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

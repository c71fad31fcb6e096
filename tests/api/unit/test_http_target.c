// SPDX-License-Identifier: MIT
/* The checks of a request's raw target and header fields, run before routing (issue 16). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../controld/http_target.h"

static const struct {
	const char *target;
	enum http_target_verdict want;
} cases[] = {
    {"/healthz", HTTP_TARGET_OK},
    {"/v1/domains?state=running&limit=10", HTTP_TARGET_OK},
    {"/v1/domains/web%2D1", HTTP_TARGET_OK},
    {"/v1/domains?name_prefix=%C3%A9", HTTP_TARGET_OK},
    {"/x?a&&b", HTTP_TARGET_OK},
    /* A decoded NUL would cut the path into another operation (issue 16). */
    {"/v1/domains/nulltest%00/disks/xvda", HTTP_TARGET_CONTROL},
    {"/healthz%00/v1/domains", HTTP_TARGET_CONTROL},
    {"/a%0a", HTTP_TARGET_CONTROL},
    {"/a%1F", HTTP_TARGET_CONTROL},
    {"/a%7f", HTTP_TARGET_CONTROL},
    {"/a?x=%00", HTTP_TARGET_CONTROL},
    {"/a?%01=x", HTTP_TARGET_CONTROL},
    {"/a%", HTTP_TARGET_BAD_ESCAPE},
    {"/a%4", HTTP_TARGET_BAD_ESCAPE},
    {"/a%zz", HTTP_TARGET_BAD_ESCAPE},
    {"/a%%41", HTTP_TARGET_BAD_ESCAPE},
    {"/a\x01", HTTP_TARGET_BAD_BYTE},
    {"/a b", HTTP_TARGET_BAD_BYTE},
    {"/a\x7f", HTTP_TARGET_BAD_BYTE},
    {"/\xc3\xa9", HTTP_TARGET_BAD_BYTE},
};

static void test_targets(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum http_target_verdict v = http_target_check(cases[i].target);
		if (v != cases[i].want)
			fail_msg("%s: verdict %d, want %d", cases[i].target, v, cases[i].want);
		if (v != HTTP_TARGET_OK)
			assert_int_equal(http_target_status(v), 400);
	}
}

static void test_limits(void **state)
{
	char *t = malloc(HTTP_MAX_TARGET + 2);
	size_t n = 0;

	(void)state;
	assert_non_null(t);
	memset(t, 'a', HTTP_MAX_TARGET + 1);
	t[0] = '/';
	t[HTTP_MAX_TARGET] = '\0';
	assert_int_equal(http_target_check(t), HTTP_TARGET_OK);
	t[HTTP_MAX_TARGET] = 'a';
	t[HTTP_MAX_TARGET + 1] = '\0';
	assert_int_equal(http_target_check(t), HTTP_TARGET_TOO_LONG);
	assert_int_equal(http_target_status(HTTP_TARGET_TOO_LONG), 414);

	n = (size_t)snprintf(t, 64, "/healthz?");
	for (int i = 0; i < HTTP_MAX_QUERY_PARAMS; i++)
		n += (size_t)snprintf(t + n, 16, "p%d=1&", i);
	assert_int_equal(http_target_check(t), HTTP_TARGET_OK);
	snprintf(t + n, 16, "one=more");
	assert_int_equal(http_target_check(t), HTTP_TARGET_TOO_MANY_PARAMS);
	assert_int_equal(http_target_status(HTTP_TARGET_TOO_MANY_PARAMS), 414);
	free(t);
}

static void test_field_values(void **state)
{
	(void)state;
	assert_true(http_field_value_ok("Bearer keel_x"));
	assert_true(http_field_value_ok("a\tb"));
	assert_true(http_field_value_ok(""));
	assert_false(http_field_value_ok("a\x01"));
	assert_false(http_field_value_ok("a\rb"));
	assert_false(http_field_value_ok("\x7f"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_targets),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_field_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <keel/cmdline.h>
#include <keel/errno.h>

static void get_values(void **state)
{
	(void)state;
	char v[16];
	const char *c = "name=web1 mem=64M  selftest flag=on";

	assert_int_equal(cmdline_get(c, "name", v, sizeof(v)), 4);
	assert_string_equal(v, "web1");
	assert_int_equal(cmdline_get(c, "mem", v, sizeof(v)), 3);
	assert_string_equal(v, "64M");
	assert_int_equal(cmdline_get(c, "selftest", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	assert_int_equal(cmdline_get(c, "nam", v, sizeof(v)), -ENOENT);
	assert_int_equal(cmdline_get(c, "absent", v, sizeof(v)), -ENOENT);
	assert_int_equal(cmdline_get(NULL, "name", v, sizeof(v)), -ENOENT);
	assert_int_equal(cmdline_get(c, "", v, sizeof(v)), -ENOENT);
}

static void value_too_long(void **state)
{
	(void)state;
	char v[4];

	assert_int_equal(cmdline_get("name=abcdef", "name", v, sizeof(v)), -E2BIG);
	assert_int_equal(cmdline_get("name=abc", "name", v, sizeof(v)), 3);
}

static void flags(void **state)
{
	(void)state;
	assert_true(cmdline_flag("a b=1 c=yes d=on", "a"));
	assert_true(cmdline_flag("a b=1 c=yes d=on", "b"));
	assert_true(cmdline_flag("a b=1 c=yes d=on", "c"));
	assert_true(cmdline_flag("a b=1 c=yes d=on", "d"));
	assert_false(cmdline_flag("a=0 b=no", "a"));
	assert_false(cmdline_flag("a=0 b=no", "b"));
	assert_false(cmdline_flag("a=0 b=no", "x"));
}

static void numbers(void **state)
{
	(void)state;
	u64 v;

	assert_int_equal(parse_u64("123", &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(parse_u64("0x1f", &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(parse_u64("64M", &v), 0);
	assert_int_equal(v, 64ULL << 20);
	assert_int_equal(parse_u64("2g", &v), 0);
	assert_int_equal(v, 2ULL << 30);
	assert_int_equal(parse_u64("4k", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_u64("", &v), -EINVAL);
	assert_int_equal(parse_u64("0x", &v), -EINVAL);
	assert_int_equal(parse_u64("12Q", &v), -EINVAL);
	assert_int_equal(parse_u64("12MB", &v), -EINVAL);
	assert_int_equal(parse_u64("18446744073709551616", &v), -ERANGE);
	assert_int_equal(parse_u64("17179869184G", &v), -ERANGE);
	assert_int_equal(parse_u64("18446744073709551615", &v), 0);
	assert_int_equal(v, UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(get_values),
	    cmocka_unit_test(value_too_long),
	    cmocka_unit_test(flags),
	    cmocka_unit_test(numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

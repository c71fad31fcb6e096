// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

/* The odd formats below are deliberate: they test the formatter's robustness. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#include <keel/printk.h>

#define CHECK(expect, ...)                                                                         \
	do {                                                                                       \
		char b[128];                                                                       \
		int n = ksnprintf(b, sizeof(b), __VA_ARGS__);                                      \
		assert_string_equal(b, expect);                                                    \
		assert_int_equal(n, (int)strlen(expect));                                          \
	} while (0)

static void conversions(void **state)
{
	(void)state;
	CHECK("42 -7 0", "%d %i %u", 42, -7, 0u);
	CHECK("ff FF", "%x %X", 255u, 255u);
	CHECK("00ab|  ab|ab  |", "%04x|%4x|%-4x|", 0xabu, 0xabu, 0xabu);
	CHECK("-0042", "%05d", -42);
	CHECK("  -42", "%5d", -42);
	CHECK("ffffffffffffffff", "%lx", (unsigned long)-1);
	CHECK("-9223372036854775808", "%ld", (long)(-9223372036854775807L - 1));
	CHECK("18446744073709551615", "%llu", 18446744073709551615ULL);
	CHECK("12", "%zu", (size_t)12);
	CHECK("hi (null)", "%s %s", "hi", (char *)NULL);
	CHECK("[  ab][ab  ]", "[%4s][%-4s]", "ab", "ab");
	CHECK("x%", "%c%%", 'x');
	CHECK("0x1000", "%p", (void *)0x1000);
	CHECK("%q", "%q");
}

static void truncation(void **state)
{
	(void)state;
	char b[5];

	memset(b, 'Z', sizeof(b));
	assert_int_equal(ksnprintf(b, sizeof(b), "abcdefgh"), 8);
	assert_string_equal(b, "abcd");
	assert_int_equal(ksnprintf(b, 1, "abc"), 3);
	assert_string_equal(b, "");
	b[0] = 'Q';
	assert_int_equal(ksnprintf(b, 0, "abc"), 3);
	assert_int_equal(b[0], 'Q');
	/* A trailing lone '%' must not read past the format. */
	assert_int_equal(ksnprintf(b, sizeof(b), "a%"), 1);
	assert_string_equal(b, "a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(conversions),
	    cmocka_unit_test(truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* The parsers of Authorization, If-Match, Idempotency-Key and numeric query parameters. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../../api/headers.h"
#include "../../../controld/token_text.h"

#define TOK                                                                                        \
	"keel_0123456789abcdef_"                                                                   \
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static void test_bearer(void **state)
{
	const char *t;

	(void)state;
	assert_int_equal(bearer_parse("Bearer abc", &t), 0);
	assert_string_equal(t, "abc");
	assert_int_equal(bearer_parse("bearer   abc  ", &t), 0);
	assert_int_equal(strncmp(t, "abc", 3), 0);
	assert_int_equal(bearer_parse("Basic abc", &t), -EINVAL);
	assert_int_equal(bearer_parse("Bearer", &t), -EINVAL);
	assert_int_equal(bearer_parse("Bearer ", &t), -EINVAL);
	assert_int_equal(bearer_parse("Bearerabc", &t), -EINVAL);
	assert_int_equal(bearer_parse("Bearer a b", &t), -EINVAL);
	assert_int_equal(bearer_parse(NULL, &t), -EINVAL);
	char longtok[300];
	memset(longtok, 'a', sizeof(longtok));
	memcpy(longtok, "Bearer ", 7);
	longtok[sizeof(longtok) - 1] = '\0';
	assert_int_equal(bearer_parse(longtok, &t), -EINVAL);
}

static void test_token(void **state)
{
	char id[17], secret[65];

	(void)state;
	assert_int_equal(token_parse(TOK, id, secret), 0);
	assert_string_equal(id, "0123456789abcdef");
	assert_int_equal(strlen(secret), 64);
	assert_int_equal(token_parse("keel_0123456789abcdef_00", id, secret), -EINVAL);
	assert_int_equal(token_parse(TOK "0", id, secret), -EINVAL);
	assert_int_equal(
	    token_parse("keex_0123456789abcdef_"
			"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
			id, secret),
	    -EINVAL);
	/* Upper-case hex is not what controld issues. */
	assert_int_equal(
	    token_parse("keel_0123456789ABCDEF_"
			"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
			id, secret),
	    -EINVAL);
	assert_int_equal(token_parse("", id, secret), -EINVAL);
}

static void test_etag(void **state)
{
	bool m;

	(void)state;
	assert_int_equal(etag_match("\"5\"", 5, &m), 0);
	assert_true(m);
	assert_int_equal(etag_match("\"4\"", 5, &m), 0);
	assert_false(m);
	assert_int_equal(etag_match("*", 5, &m), 0);
	assert_true(m);
	assert_int_equal(etag_match(" \"1\", W/\"5\" ", 5, &m), 0);
	assert_true(m);
	assert_int_equal(etag_match("\"abc\"", 5, &m), 0);
	assert_false(m);
	assert_int_equal(etag_match("\"99999999999999999999999\"", 5, &m), 0);
	assert_false(m);
	assert_int_equal(etag_match("5", 5, &m), -EINVAL);
	assert_int_equal(etag_match("\"5", 5, &m), -EINVAL);
	assert_int_equal(etag_match("\"5\" \"6\"", 5, &m), -EINVAL);
	assert_int_equal(etag_match("\"5\",", 5, &m), -EINVAL);
	assert_int_equal(etag_match("*, \"5\"", 5, &m), -EINVAL);
	assert_int_equal(etag_match("", 5, &m), -EINVAL);
}

static void test_idem_key(void **state)
{
	char k[300];

	(void)state;
	assert_int_equal(idem_key_valid("abc-123_XYZ"), 0);
	assert_int_equal(idem_key_valid(""), -EINVAL);
	assert_int_equal(idem_key_valid("a b"), -EINVAL);
	assert_int_equal(idem_key_valid("caf\xc3\xa9"), -EINVAL);
	memset(k, 'k', 255);
	k[255] = '\0';
	assert_int_equal(idem_key_valid(k), 0);
	k[255] = 'k';
	k[256] = '\0';
	assert_int_equal(idem_key_valid(k), -EINVAL);
}

static void test_uint_param(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_uint_param("100", 1, 500, &v), 0);
	assert_int_equal(v, 100);
	assert_int_equal(parse_uint_param("0", 0, 5, &v), 0);
	assert_int_equal(parse_uint_param("0", 1, 5, &v), -EINVAL);
	assert_int_equal(parse_uint_param("501", 1, 500, &v), -EINVAL);
	assert_int_equal(parse_uint_param("007", 1, 500, &v), -EINVAL);
	assert_int_equal(parse_uint_param("-1", 0, 500, &v), -EINVAL);
	assert_int_equal(parse_uint_param("1e3", 0, 5000, &v), -EINVAL);
	assert_int_equal(parse_uint_param("", 0, 5, &v), -EINVAL);
	assert_int_equal(parse_uint_param("99999999999999999999", 0, UINT64_MAX, &v), -EINVAL);
}

static void test_name_list(void **state)
{
	static const char *const names[] = {"domain", "job", "store", "console"};
	unsigned m;

	(void)state;
	assert_int_equal(parse_name_list("job", names, 4, &m), 0);
	assert_int_equal(m, 2);
	assert_int_equal(parse_name_list("domain,console,domain", names, 4, &m), 0);
	assert_int_equal(m, 9);
	assert_int_equal(parse_name_list("", names, 4, &m), -EINVAL);
	assert_int_equal(parse_name_list("job,", names, 4, &m), -EINVAL);
	assert_int_equal(parse_name_list(",job", names, 4, &m), -EINVAL);
	assert_int_equal(parse_name_list("jo", names, 4, &m), -EINVAL);
	assert_int_equal(parse_name_list("jobs", names, 4, &m), -EINVAL);
	assert_int_equal(parse_name_list("job, store", names, 4, &m), -EINVAL);
}

static void test_watch_list(void **state)
{
	char p[4][WATCH_PATH_MAX], big[300];
	unsigned n;

	(void)state;
	assert_int_equal(parse_watch_list("/local/domain/1,/vm", p, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(p[1], "/vm");
	assert_int_equal(parse_watch_list("@releaseDomain", p, 4, &n), -EINVAL);
	assert_int_equal(parse_watch_list("/a,/b,/c,/d,/e", p, 4, &n), -EINVAL);
	assert_int_equal(parse_watch_list("/a,,/b", p, 4, &n), -EINVAL);
	assert_int_equal(parse_watch_list("/a b", p, 4, &n), -EINVAL);
	assert_int_equal(parse_watch_list("/a,", p, 4, &n), -EINVAL);
	/* What the store refuses is the client's error here, not the store's (issue 16). */
	assert_int_equal(parse_watch_list("/local/../keel", p, 4, &n), -EINVAL);
	assert_int_equal(parse_watch_list("/local/./x", p, 4, &n), -EINVAL);
	assert_int_equal(parse_watch_list("//", p, 4, &n), -EINVAL);
	assert_int_equal(parse_watch_list("/local//domain", p, 4, &n), -EINVAL);
	assert_int_equal(parse_watch_list("/local/", p, 4, &n), -EINVAL);
	assert_int_equal(parse_watch_list("/vm,/local/", p, 4, &n), -EINVAL);
	assert_int_equal(parse_watch_list("/", p, 4, &n), 0);
	assert_int_equal(parse_watch_list("/,/", p, 4, &n), -EINVAL);
	assert_int_equal(parse_watch_list("/vm,/keel,/vm", p, 4, &n), -EINVAL);
	assert_int_equal(parse_watch_list("/local/domain/0/backend@x", p, 4, &n), 0);
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(parse_watch_list(big, p, 4, &n), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bearer),     cmocka_unit_test(test_token),
	    cmocka_unit_test(test_etag),       cmocka_unit_test(test_idem_key),
	    cmocka_unit_test(test_uint_param), cmocka_unit_test(test_name_list),
	    cmocka_unit_test(test_watch_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

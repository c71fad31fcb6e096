// SPDX-License-Identifier: MIT
/* The dashboard's URL-to-file mapping (traversal, names, media types) and Accept-Encoding. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../../api/static_path.h"

static void test_maps_files(void **state)
{
	struct static_file f;

	(void)state;
	assert_int_equal(static_path_map("/ui", &f), 0);
	assert_string_equal(f.rel, "index.html");
	assert_string_equal(f.content_type, "text/html; charset=utf-8");
	assert_false(f.immutable);
	assert_int_equal(static_path_map("/ui/", &f), 0);
	assert_string_equal(f.rel, "index.html");
	assert_int_equal(static_path_map("/ui/assets/index-B1x_9z.js", &f), 0);
	assert_string_equal(f.rel, "assets/index-B1x_9z.js");
	assert_string_equal(f.content_type, "text/javascript; charset=utf-8");
	assert_true(f.immutable);
	assert_int_equal(static_path_map("/ui/assets/index-1.css", &f), 0);
	assert_string_equal(f.content_type, "text/css; charset=utf-8");
	assert_int_equal(static_path_map("/ui/favicon.svg", &f), 0);
	assert_false(f.immutable);
}

static void test_refuses_traversal_and_odd_names(void **state)
{
	static const char *const bad[] = {
	    "/ui/..",
	    "/ui/../etc/passwd",
	    "/ui/assets/../../x.js",
	    "/ui/./index.html",
	    "/ui/.hidden.js",
	    "/ui/assets/.x.js",
	    "/ui//index.html",
	    "/ui/assets//x.js",
	    "/ui/assets/",
	    "/ui/index.html/",
	    "/ui/a\\b.js",
	    "/ui/a%2e%2e/x.js",
	    "/ui/a b.js",
	    "/ui/a\nb.js",
	    "/ui/\x7f.js",
	    "/ui/\xc3\xa9.js",
	    "/ui/index",	/* no extension */
	    "/ui/index.php",	/* unknown extension */
	    "/ui/x.js.gz",	/* compressed copies only through Accept-Encoding */
	    "/ui/a/b/c/d/e.js", /* too deep */
	    "/uix/index.html",	/* not below /ui */
	    "/",
	    "",
	    "/v1/domains",
	};
	struct static_file f;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (static_path_map(bad[i], &f) != -ENOENT)
			fail_msg("accepted '%s'", bad[i]);
		assert_string_equal(f.rel, "");
	}
}

static void test_length_limit(void **state)
{
	char path[STATIC_REL_MAX + 16];
	struct static_file f;
	size_t n;

	(void)state;
	/* The longest name that fits, then one byte more. */
	strcpy(path, "/ui/");
	n = strlen(path);
	memset(path + n, 'a', STATIC_REL_MAX - 1 - 3);
	strcpy(path + n + STATIC_REL_MAX - 1 - 3, ".js");
	assert_int_equal(static_path_map(path, &f), 0);
	assert_int_equal(strlen(f.rel), STATIC_REL_MAX - 1);
	memmove(path + n + 1, path + n, strlen(path + n) + 1);
	assert_int_equal(static_path_map(path, &f), -ENOENT);
}

static void test_is_ui(void **state)
{
	(void)state;
	assert_true(static_path_is_ui("/ui"));
	assert_true(static_path_is_ui("/ui/x"));
	assert_false(static_path_is_ui("/uix"));
	assert_false(static_path_is_ui("/u"));
	assert_false(static_path_is_ui("/v1/ui"));
}

static void test_accept_encoding(void **state)
{
	(void)state;
	assert_true(static_accepts_gzip("gzip"));
	assert_true(static_accepts_gzip("gzip, deflate, br"));
	assert_true(static_accepts_gzip("br;q=1.0, GZIP;q=0.5"));
	assert_true(static_accepts_gzip("*"));
	assert_true(static_accepts_gzip(" deflate , gzip ; q=0.001"));
	assert_false(static_accepts_gzip(NULL));
	assert_false(static_accepts_gzip(""));
	assert_false(static_accepts_gzip("identity"));
	assert_false(static_accepts_gzip("gzipx"));
	assert_false(static_accepts_gzip("x-gzip2"));
	assert_false(static_accepts_gzip("gzip;q=0"));
	assert_false(static_accepts_gzip("gzip;q=0.000"));
	assert_false(static_accepts_gzip("gzip;q="));
	assert_false(static_accepts_gzip("gzip;q=0, *"));
	assert_false(static_accepts_gzip("*;q=0"));
	assert_false(static_accepts_gzip(",,,;;;"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_maps_files),
	    cmocka_unit_test(test_refuses_traversal_and_odd_names),
	    cmocka_unit_test(test_length_limit),
	    cmocka_unit_test(test_is_ui),
	    cmocka_unit_test(test_accept_encoding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

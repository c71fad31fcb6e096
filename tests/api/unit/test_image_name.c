// SPDX-License-Identifier: MIT
/* Image names and the spec's references to images (controld/image_name.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../../controld/image_name.h"

static void test_names(void **state)
{
	static const char *const good[] = {"debian-vmlinux", "a", "initrd.img-6.1", "A_b.9"};
	/* Path tricks, hidden files (uploads in progress), separators, controls, non-ASCII. */
	static const char *const bad[] = {
	    "",	   ".",	   "..",    ".hidden",	   "-x",    "_x",   "a/b", "../etc", "a\\b",
	    "a b", "a\nb", "a%2fb", "caf\xc3\xa9", "a\x01", "/abs", "a:b", "*",	     "a?"};
	char longest[IMAGE_NAME_MAX + 2];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(image_name_ok(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(image_name_ok(bad[i]));
	memset(longest, 'x', sizeof(longest));
	longest[IMAGE_NAME_MAX] = '\0';
	assert_true(image_name_ok(longest));
	longest[IMAGE_NAME_MAX] = 'x';
	longest[IMAGE_NAME_MAX + 1] = '\0';
	assert_false(image_name_ok(longest));
}

static void test_refs(void **state)
{
	const char *dir = "/srv/keel/images/";
	char out[64];

	(void)state;
	/* A bare name, the API's path and the real directory's path all name the image. */
	assert_string_equal(image_ref_name(dir, "vmlinuz"), "vmlinuz");
	assert_string_equal(image_ref_name(dir, "/var/lib/keel/images/vmlinuz"), "vmlinuz");
	assert_string_equal(image_ref_name(dir, "/srv/keel/images/vmlinuz"), "vmlinuz");
	/* Anything else is a plain path: deeper, outside, or climbing out. */
	assert_null(image_ref_name(dir, "/var/lib/keel/images/a/b"));
	assert_null(image_ref_name(dir, "/var/lib/keel/images/../keel.db"));
	assert_null(image_ref_name(dir, "/var/lib/keel/images/"));
	assert_null(image_ref_name(dir, "/var/lib/keel/imagesX/vmlinuz"));
	assert_null(image_ref_name(dir, "/boot/vmlinuz"));
	assert_null(image_ref_name(dir, ""));
	assert_int_equal(image_ref_path(dir, "vmlinuz", out, sizeof(out)), 0);
	assert_string_equal(out, "/srv/keel/images//vmlinuz");
	assert_int_equal(image_ref_path("/srv/i", "/var/lib/keel/images/k", out, sizeof(out)), 0);
	assert_string_equal(out, "/srv/i/k");
	assert_int_equal(image_ref_path("/srv/i", "/boot/k", out, sizeof(out)), 0);
	assert_string_equal(out, "/boot/k");
	assert_int_equal(image_ref_path("/srv/i", "", out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(image_ref_path("/srv/i", "k", out, 8), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_refs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

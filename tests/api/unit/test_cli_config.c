// SPDX-License-Identifier: MIT
/* `keel create`'s config file becomes the POST /v1/domains body. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../../controld/cli/domain_config.h"

static void test_file(void **state)
{
	const char *text = "name = web1\nvcpus = 2\nmemory = 512\nkernel = /k\ncmdline = a=b c\n"
			   "disk = xvda:/img/a.img\ndisk = xvdb:/img/b.iso:ro\n"
			   "nic = 0\nnic = 1:br1:00:16:3e:00:00:01\npci = 0000:03:00.0\n";
	char err[128];
	json_t *o = domain_config_parse(text, strlen(text), err, sizeof(err)), *d, *n;

	(void)state;
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "web1");
	assert_int_equal(json_integer_value(json_object_get(o, "memory_mib")), 512);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(o, "boot"), "cmdline")), "a=b c");
	d = json_array_get(json_object_get(o, "disks"), 1);
	assert_string_equal(json_string_value(json_object_get(d, "path")), "/img/b.iso");
	assert_true(json_is_true(json_object_get(d, "readonly")));
	n = json_array_get(json_object_get(o, "nics"), 1);
	assert_string_equal(json_string_value(json_object_get(n, "bridge")), "br1");
	assert_string_equal(json_string_value(json_object_get(n, "mac")), "00:16:3e:00:00:01");
	assert_int_equal(json_array_size(json_object_get(o, "pci")), 1);
	json_decref(o);
}

static void test_errors(void **state)
{
	char err[128];
	json_t *o;

	(void)state;
	o = domain_config_parse("name = a\nvcpus = x\n", 19, err, sizeof(err));
	assert_null(o);
	assert_non_null(strstr(err, "line 2"));
	o = domain_config_parse("colour = red\n", 13, err, sizeof(err));
	assert_null(o);
	assert_non_null(strstr(err, "unknown key"));
	o = domain_config_parse("disk = nocolon\n", 15, err, sizeof(err));
	assert_null(o);
	o = domain_config_parse("{\"name\":1", 9, err, sizeof(err));
	assert_null(o);
	o = domain_config_parse(" {\"name\":\"j\"}", 13, err, sizeof(err));
	assert_non_null(o);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_file),
	    cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

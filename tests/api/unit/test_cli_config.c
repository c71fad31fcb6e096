// SPDX-License-Identifier: MIT
/* `keel create`'s config file becomes the POST /v1/domains body; sizes as typed (size_text). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../../controld/cli/domain_config.h"
#include "../../../controld/cli/size_text.h"

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
	/* An HVM guest's disks on AHCI: the API checks the value. */
	text = "firmware = seabios\ndisk_controller = ahci\n";
	o = domain_config_parse(text, strlen(text), err, sizeof(err));
	assert_non_null(o);
	d = json_object_get(o, "boot");
	assert_string_equal(json_string_value(json_object_get(d, "type")), "hvm");
	assert_string_equal(json_string_value(json_object_get(d, "disk_controller")), "ahci");
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
	assert_non_null(strstr(err, "ID:PATH"));
	o = domain_config_parse("{\"name\":1", 9, err, sizeof(err));
	assert_null(o);
	o = domain_config_parse(" {\"name\":\"j\"}", 13, err, sizeof(err));
	assert_non_null(o);
	json_decref(o);
}

static json_int_t memory_of(const char *line, char *err)
{
	json_t *o = domain_config_parse(line, strlen(line), err, 128);
	json_int_t v = o ? json_integer_value(json_object_get(o, "memory_mib")) : -1;

	json_decref(o);
	return v;
}

/* Sizes as the hypervisor's mem= takes them (issue 16: "memory = 512M" was refused). */
static void test_memory_sizes(void **state)
{
	char err[128];

	(void)state;
	assert_int_equal(memory_of("memory = 512\n", err), 512);
	assert_int_equal(memory_of("memory = 512M\n", err), 512);
	assert_int_equal(memory_of("memory = 512m\n", err), 512);
	assert_int_equal(memory_of("memory = 2G\n", err), 2048);
	assert_int_equal(memory_of("memory = 262144K\n", err), 256);
	assert_int_equal(memory_of("memory = 1000K\n", err), -1);
	assert_non_null(strstr(err, "whole number of MiB"));
	assert_int_equal(memory_of("memory = 512MB\n", err), -1);
	assert_non_null(strstr(err, "line 1: memory = 512MB: want a size"));
	assert_int_equal(memory_of("memory = -1\n", err), -1);
	assert_int_equal(memory_of("memory = 99999999999999999999G\n", err), -1);
	assert_int_equal(memory_of("memory = 2000000G\n", err), -1);
}

/* keel image create/resize: a bare N is bytes; K M G T binary; nothing else. */
static void test_disk_sizes(void **state)
{
	uint64_t n = 7;

	(void)state;
	assert_int_equal(size_text_parse("4096", 0, &n), 0);
	assert_int_equal(n, 4096);
	assert_int_equal(size_text_parse("1G", 0, &n), 0);
	assert_int_equal(n, 1ull << 30);
	assert_int_equal(size_text_parse("3t", 0, &n), 0);
	assert_int_equal(n, 3ull << 40);
	assert_int_equal(size_text_parse("512k", 0, &n), 0);
	assert_int_equal(n, 512ull << 10);
	assert_int_equal(size_text_parse("2", 20, &n), 0);
	assert_int_equal(n, 2ull << 20);
	assert_int_equal(size_text_parse("1024T", 0, &n), 0);
	assert_int_equal(n, SIZE_TEXT_MAX);
	static const char *const bad[] = {"",	 "G",	 "-1",	 " 1",	"+1", "0x10",
					  "1GB", "1GiB", "1.5G", "1 G", "1P", "10e3"};
	n = 7;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(size_text_parse(bad[i], 0, &n), -EINVAL);
	assert_int_equal(size_text_parse("1025T", 0, &n), -ERANGE);
	assert_int_equal(size_text_parse("99999999999999999999", 0, &n), -ERANGE);
	assert_int_equal(size_text_parse("18446744073709551615K", 0, &n), -ERANGE);
	assert_int_equal(n, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_file),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_memory_sizes),
	    cmocka_unit_test(test_disk_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

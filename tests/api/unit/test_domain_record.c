// SPDX-License-Identifier: MIT
/* Domain records (controld/domain_record.c): round trip, and records that do not fit. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../../controld/domain_record.h"

#define ID "0b3c1c52-5a39-4d67-9e7b-6a8a3e1f4f55"

static struct domain d;

static int decode(const char *text)
{
	json_t *o = json_loads(text, 0, NULL);
	int rc;

	assert_non_null(o);
	memset(&d, 0, sizeof(d));
	rc = domain_from_json(o, &d);
	json_decref(o);
	return rc;
}

/* A record with one member replaced: {"name": ..., <member>, ...}. */
static int decode_with(const char *member)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "{\"id\":\"" ID "\",\"state\":\"stopped\",\"generation\":1,\"vcpus\":1,"
		 "\"memory_mib\":64,\"memory_target_mib\":64,\"sched\":{\"weight\":1,\"cap\":0},"
		 "\"boot\":{\"type\":\"hvm\",\"firmware\":\"seabios\"},%s}",
		 member);
	return decode(text);
}

static void test_round_trip(void **state)
{
	static struct domain copy;
	json_t *o;

	(void)state;
	assert_int_equal(
	    decode(
		"{\"name\":\"web1\",\"vcpus\":2,\"max_vcpus\":4,\"memory_mib\":512,"
		"\"memory_target_mib\":256,\"sched\":{\"weight\":256,\"cap\":0},"
		"\"pinning\":[[3,1],[]],\"boot\":{\"type\":\"pvh\",\"kernel\":\"/k\","
		"\"cmdline\":\"quiet\",\"initrd\":\"\"},\"disks\":[{\"id\":\"xvda\",\"path\":"
		"\"/a.img\",\"format\":\"qcow2\",\"readonly\":true}],\"nics\":[{\"id\":\"0\","
		"\"mac\":\"00:16:3e:00:00:01\",\"bridge\":\"xenbr0\"}],\"pci\":[\"0000:03:00.0\"],"
		"\"id\":\"" ID "\",\"state\":\"running\",\"domid\":3,\"generation\":7,"
		"\"created_at\":\"2026-11-30T04:00:00Z\",\"updated_at\":\"x\",\"job_id\":null}"),
	    0);
	assert_string_equal(d.spec.name, "web1");
	assert_int_equal(d.state, DOM_RUNNING);
	assert_int_equal(d.domid, 3);
	assert_int_equal(d.generation, 7);
	assert_int_equal(d.spec.pins[0].cpu[0], 3);
	assert_int_equal(d.spec.disks[0].format, DISK_QCOW2);
	assert_true(d.spec.disks[0].readonly);
	assert_string_equal(d.spec.pci[0], "0000:03:00.0");
	assert_string_equal(d.job_id, "");
	o = domain_record_json(&d);
	assert_int_equal(domain_from_json(o, &copy), 0);
	json_decref(o);
	assert_memory_equal(&copy.spec, &d.spec, sizeof(d.spec));
}

/* An HVM record keeps its disk controller; one written before the choice existed has none
 * and reads as IDE, what its QEMU had. */
static void test_disk_controller(void **state)
{
	static struct domain copy;
	json_t *o;

	(void)state;
	assert_int_equal(decode_with("\"name\":\"w\",\"max_vcpus\":1"), 0);
	assert_int_equal(d.spec.boot.disk_controller, DC_IDE);
	d.spec.boot.disk_controller = DC_AHCI;
	o = domain_record_json(&d);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(o, "boot"), "disk_controller")),
	    "ahci");
	assert_int_equal(domain_from_json(o, &copy), 0);
	json_decref(o);
	assert_int_equal(copy.spec.boot.disk_controller, DC_AHCI);
	assert_memory_equal(&copy.spec, &d.spec, sizeof(d.spec));
	assert_int_equal(decode("{\"id\":\"" ID "\",\"state\":\"stopped\",\"generation\":1,"
				"\"name\":\"w\",\"vcpus\":1,\"max_vcpus\":1,\"memory_mib\":64,"
				"\"memory_target_mib\":64,\"sched\":{\"weight\":1,\"cap\":0},"
				"\"boot\":{\"type\":\"hvm\",\"firmware\":\"seabios\","
				"\"disk_controller\":\"scsi\"}}"),
			 -EINVAL);
}

static void test_misfits(void **state)
{
	(void)state;
	assert_int_equal(decode_with("\"name\":\"w\",\"max_vcpus\":1"), 0);
	assert_int_equal(decode_with("\"name\":\"w\",\"max_vcpus\":1,\"pinning\":[[],[]]"),
			 -EINVAL);
	assert_int_equal(decode_with("\"name\":\"w\",\"max_vcpus\":65"), -EINVAL);
	assert_int_equal(decode_with("\"name\":\"w\",\"max_vcpus\":0"), -EINVAL);
	assert_int_equal(
	    decode_with(
		"\"name\":\"0123456789012345678901234567890123456789012345678901234567890123"
		"\",\"max_vcpus\":1"),
	    -EINVAL);
	assert_int_equal(decode_with("\"name\":\"w\",\"max_vcpus\":1,\"pci\":[\"0000:03:00.00\"]"),
			 -EINVAL);
	assert_int_equal(decode_with("\"name\":\"w\",\"max_vcpus\":1,\"disks\":[{\"id\":\"xvdaa\","
				     "\"path\":\"/a\",\"format\":\"raw\"}]"),
			 -EINVAL);
	assert_int_equal(decode_with("\"name\":\"w\",\"max_vcpus\":1,\"nics\":{}"), -EINVAL);
	assert_int_equal(decode_with("\"name\":\"w\",\"max_vcpus\":1,\"job_id\":7"), 0);
	assert_int_equal(decode("{\"id\":\"" ID "\",\"state\":\"sleeping\"}"), -EINVAL);
	assert_int_equal(decode("[]"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_misfits),
	    cmocka_unit_test(test_disk_controller),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

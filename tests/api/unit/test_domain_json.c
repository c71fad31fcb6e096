// SPDX-License-Identifier: MIT
/* Checking and normalising domain bodies: every error names its member. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../../api/domain_json.h"

static struct dom_spec spec;

/* body into the static spec: 0, or -EINVAL with e set. */
static int create(const char *body, struct verr *e)
{
	json_t *in = jv_parse_object(body, strlen(body), e);
	int rc;

	if (!in)
		return -EINVAL;
	rc = domain_spec_from_json(in, &spec, e);
	json_decref(in);
	return rc;
}

#define BOOT "\"boot\":{\"type\":\"pvh\",\"kernel\":\"/k\"}"

static void test_create_defaults(void **state)
{
	struct verr e;

	(void)state;
	assert_int_equal(create("{\"name\":\"web1\",\"vcpus\":2,\"memory_mib\":512," BOOT "}", &e),
			 0);
	assert_string_equal(spec.name, "web1");
	assert_int_equal(spec.vcpus, 2);
	assert_int_equal(spec.max_vcpus, 2);
	assert_int_equal(spec.memory_target_mib, 512);
	assert_int_equal(spec.weight, 256);
	assert_int_equal(spec.cap, 0);
	assert_int_equal(spec.boot.type, BOOT_PVH);
	assert_string_equal(spec.boot.kernel, "/k");
	assert_string_equal(spec.boot.cmdline, "");
	assert_int_equal(spec.ndisks, 0);
	assert_int_equal(spec.npins, 0);
}

/* Every member filled in: what comes out is typed and normalised. */
static void test_create_full(void **state)
{
	struct verr e;

	(void)state;
	assert_int_equal(
	    create("{\"name\":\"db\",\"vcpus\":1,\"max_vcpus\":2,\"memory_mib\":64,"
		   "\"memory_target_mib\":32,\"sched\":{\"cap\":50},\"pinning\":[[3,1]],"
		   "\"boot\":{\"type\":\"hvm\",\"firmware\":\"ovmf\",\"disk_controller\":\"ahci\"},"
		   "\"disks\":[{\"id\":\"xvdb\",\"path\":\"/d.img\",\"format\":\"qcow2\","
		   "\"readonly\":true}],\"nics\":[{\"id\":\"0\"}],\"pci\":[\"0000:03:00.0\"]}",
		   &e),
	    0);
	assert_int_equal(spec.max_vcpus, 2);
	assert_int_equal(spec.memory_target_mib, 32);
	assert_int_equal(spec.weight, 256);
	assert_int_equal(spec.cap, 50);
	assert_int_equal(spec.npins, 1);
	assert_int_equal(spec.pins[0].n, 2);
	assert_int_equal(spec.pins[0].cpu[0], 3);
	assert_int_equal(spec.boot.type, BOOT_HVM);
	assert_int_equal(spec.boot.firmware, FW_OVMF);
	assert_int_equal(spec.boot.disk_controller, DC_AHCI);
	assert_int_equal(spec.ndisks, 1);
	assert_string_equal(spec.disks[0].path, "/d.img");
	assert_int_equal(spec.disks[0].format, DISK_QCOW2);
	assert_true(spec.disks[0].readonly);
	assert_int_equal(spec.nnics, 1);
	assert_string_equal(spec.nics[0].bridge, "xenbr0");
	assert_int_equal(strncmp(spec.nics[0].mac, "00:16:3e:", 9), 0);
	assert_int_equal(spec.npci, 1);
	assert_string_equal(spec.pci[0], "0000:03:00.0");
}

static void expect_error(const char *body, const char *pointer)
{
	struct verr e = {"", ""};

	if (!create(body, &e))
		fail_msg("accepted: %s", body);
	if (strcmp(e.pointer, pointer))
		fail_msg("%s: pointer %s, wanted %s (%s)", body, e.pointer, pointer, e.detail);
	assert_true(strlen(e.detail) > 0);
}

static void test_create_errors(void **state)
{
	struct verr e;

	(void)state;
	expect_error("", "");
	expect_error("{", "");
	expect_error("[]", "");
	expect_error("{\"a\":1,\"a\":2}", "");
	expect_error("{\"vcpus\":2,\"memory_mib\":512," BOOT "}", "/name");
	expect_error("{\"name\":\"w\",\"vcpus\":2,\"memory_mib\":512," BOOT ",\"x\":1}", "/x");
	expect_error("{\"name\":\"w\",\"vcpus\":true,\"memory_mib\":512," BOOT "}", "/vcpus");
	expect_error("{\"name\":\"w\",\"vcpus\":-1,\"memory_mib\":512," BOOT "}", "/vcpus");
	expect_error("{\"name\":\"w\",\"vcpus\":1,\"memory_mib\":15," BOOT "}", "/memory_mib");
	expect_error("{\"name\":\"w\",\"vcpus\":1,\"memory_mib\":64,\"memory_target_mib\":65," BOOT
		     "}",
		     "/memory_target_mib");
	expect_error("{\"name\":\"-w\",\"vcpus\":1,\"memory_mib\":64," BOOT "}", "/name");
	/* jansson refuses NUL escapes outright. */
	expect_error("{\"name\":\"w\\u0000x\",\"vcpus\":1,\"memory_mib\":64," BOOT "}", "");
	expect_error("{\"name\":\"w\",\"vcpus\":1,\"memory_mib\":64}", "/boot");
	expect_error("{\"name\":\"w\",\"vcpus\":1,\"memory_mib\":64,\"boot\":{\"type\":\"hvm\","
		     "\"firmware\":\"uefi\"}}",
		     "/boot/firmware");
	/* The disk controller: ide or ahci, an HVM guest's only (a PVH guest has no QEMU). */
	expect_error("{\"name\":\"w\",\"vcpus\":1,\"memory_mib\":64,\"boot\":{\"type\":\"hvm\","
		     "\"disk_controller\":\"sata\"}}",
		     "/boot/disk_controller");
	expect_error("{\"name\":\"w\",\"vcpus\":1,\"memory_mib\":64,\"boot\":{\"type\":\"hvm\","
		     "\"disk_controller\":\"AHCI\"}}",
		     "/boot/disk_controller");
	expect_error("{\"name\":\"w\",\"vcpus\":1,\"memory_mib\":64,\"boot\":{\"type\":\"hvm\","
		     "\"disk_controller\":1}}",
		     "/boot/disk_controller");
	expect_error("{\"name\":\"w\",\"vcpus\":1,\"memory_mib\":64,\"boot\":{\"type\":\"pvh\","
		     "\"kernel\":\"/k\",\"disk_controller\":\"ahci\"}}",
		     "/boot/disk_controller");
	assert_int_equal(create("{\"name\":\"w\",\"vcpus\":1,\"memory_mib\":64,\"boot\":{"
				"\"type\":\"hvm\"}}",
				&e),
			 0);
	assert_int_equal(spec.boot.disk_controller, DC_IDE); /* libxl's default */
	expect_error("{\"name\":\"w\",\"vcpus\":1,\"memory_mib\":64," BOOT
		     ",\"disks\":[{\"id\":\"xvda\",\"path\":\"/a\",\"format\":\"vmdk\"}]}",
		     "/disks/0/format");
	expect_error("{\"name\":\"w\",\"vcpus\":1,\"memory_mib\":64," BOOT ",\"disks\":{}}",
		     "/disks");
	expect_error("{\"name\":\"w\",\"vcpus\":1,\"memory_mib\":64," BOOT
		     ",\"nics\":[{\"id\":\"8\"}]}",
		     "/nics/0/id");
	expect_error("{\"name\":\"w\",\"vcpus\":1,\"memory_mib\":64," BOOT
		     ",\"nics\":[{\"id\":\"0\",\"bridge\":\"a b\"}]}",
		     "/nics/0/bridge");
	expect_error("{\"name\":\"w\",\"vcpus\":1,\"memory_mib\":64," BOOT
		     ",\"pinning\":[[0],[1]]}",
		     "/pinning");
	expect_error(
	    "{\"name\":\"w\",\"vcpus\":1,\"memory_mib\":64," BOOT
	    ",\"disks\":[{\"id\":\"xvda\",\"path\":\"/a\"},{\"id\":\"xvda\",\"path\":\"/b\"}]}",
	    "/disks/1/id");
	expect_error("{\"name\":\"w\",\"vcpus\":1,\"memory_mib\":64," BOOT
		     ",\"pci\":[\"0000:03:00.0\",7]}",
		     "/pci/1");
}

/* A PATCH body into a typed patch, checked against max_vcpus 4 and memory_mib 512. */
static void test_patch(void **state)
{
	struct dom_patch patch;
	struct verr e;
	json_t *p;

	(void)state;
	p = json_pack("{s:i, s:{s:i}, s:[[i, i], []]}", "vcpus", 4, "sched", "cap", 100, "pinning",
		      3, 1);
	assert_int_equal(domain_patch_from_json(p, 4, 512, &patch, &e), 0);
	assert_true(patch.has_vcpus);
	assert_int_equal(patch.vcpus, 4);
	assert_false(patch.has_memory_target);
	assert_false(patch.has_weight);
	assert_true(patch.has_cap);
	assert_int_equal(patch.cap, 100);
	assert_true(patch.has_pinning);
	assert_int_equal(patch.npins, 2);
	assert_int_equal(patch.pins[0].n, 2);
	assert_int_equal(patch.pins[0].cpu[0], 3);
	assert_int_equal(patch.pins[0].cpu[1], 1);
	assert_int_equal(patch.pins[1].n, 0);
	json_decref(p);
	p = json_pack("{s:i}", "memory_target_mib", 512);
	assert_int_equal(domain_patch_from_json(p, 4, 512, &patch, &e), 0);
	assert_true(patch.has_memory_target);
	assert_int_equal(patch.memory_target_mib, 512);
	assert_false(patch.has_vcpus);
	json_decref(p);
	p = json_pack("{s:i}", "vcpus", 5);
	assert_int_equal(domain_patch_from_json(p, 4, 512, &patch, &e), -EINVAL);
	assert_string_equal(e.pointer, "/vcpus");
	json_decref(p);
	p = json_pack("{s:i}", "memory_target_mib", 513);
	assert_int_equal(domain_patch_from_json(p, 4, 512, &patch, &e), -EINVAL);
	assert_string_equal(e.pointer, "/memory_target_mib");
	json_decref(p);
	p = json_pack("{s:{s:i}}", "sched", "weight", 70000);
	assert_int_equal(domain_patch_from_json(p, 4, 512, &patch, &e), -EINVAL);
	assert_string_equal(e.pointer, "/sched/weight");
	json_decref(p);
	p = json_pack("{s:[[],[],[],[],[]]}", "pinning");
	assert_int_equal(domain_patch_from_json(p, 4, 512, &patch, &e), -EINVAL);
	assert_string_equal(e.pointer, "/pinning");
	json_decref(p);
	p = json_pack("{s:i}", "name", 1);
	assert_int_equal(domain_patch_from_json(p, 4, 512, &patch, &e), -EINVAL);
	json_decref(p);
	p = json_object();
	assert_int_equal(domain_patch_from_json(p, 4, 512, &patch, &e), -EINVAL);
	json_decref(p);
}

static void test_checks(void **state)
{
	(void)state;
	assert_true(check_bdf("0000:03:00.0"));
	assert_true(check_bdf("ffff:ff:1f.7"));
	assert_false(check_bdf("0000:03:20.0"));
	assert_false(check_bdf("0000:03:00.8"));
	assert_false(check_bdf("0000:3:00.0"));
	assert_false(check_bdf("0000:0A:00.0"));
	assert_true(check_mac("00:16:3e:00:00:01"));
	assert_false(check_mac("01:16:3e:00:00:01"));
	assert_false(check_mac("00:16:3E:00:00:01"));
	assert_false(check_mac("00-16-3e-00-00-01"));
	assert_true(check_abs_path("/var/lib/keel/a.img"));
	assert_false(check_abs_path("var/a"));
	assert_false(check_abs_path("/a/../b"));
	assert_false(check_abs_path("/a/.."));
	assert_false(check_abs_path("/a\nb"));
	assert_true(check_domain_name("web-1.prod_a"));
	assert_false(check_domain_name("0b3c1c52-5a39-4d67-9e7b-6a8a3e1f4f55"));
	assert_false(check_domain_name(".hidden"));
}

static void test_action_options(void **state)
{
	struct verr e;
	unsigned t;
	json_t *o = json_pack("{s:i}", "timeout_s", 30);

	(void)state;
	assert_int_equal(action_options(NULL, "shutdown", 60, &t, &e), 0);
	assert_int_equal(t, 60);
	assert_int_equal(action_options(o, "shutdown", 60, &t, &e), 0);
	assert_int_equal(t, 30);
	/* Every action takes the same body (the contract cannot tell them apart). */
	assert_int_equal(action_options(o, "start", 60, &t, &e), 0);
	json_decref(o);
	o = json_pack("{s:i}", "grace", 30);
	assert_int_equal(action_options(o, "shutdown", 60, &t, &e), -EINVAL);
	assert_string_equal(e.pointer, "/grace");
	json_decref(o);
	o = json_pack("{s:i}", "timeout_s", 3601);
	assert_int_equal(action_options(o, "reboot", 60, &t, &e), -EINVAL);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_defaults), cmocka_unit_test(test_create_full),
	    cmocka_unit_test(test_create_errors),   cmocka_unit_test(test_patch),
	    cmocka_unit_test(test_checks),	    cmocka_unit_test(test_action_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

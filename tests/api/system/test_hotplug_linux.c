// SPDX-License-Identifier: MIT
/*
 * controld/hotplug_linux.c against the real kernel (root): a sparse file on a loop device,
 * bytes written through /dev/loopN read back from the file, a read-only attachment that
 * refuses writes, finding an attachment again by file, detaching (lazily while the device
 * is open); a bridge made by the test and a netdev named vif7.0 added to it and up
 * (/sys/class/net/<br>/brif/), a missing bridge and a missing netdev refused. The test's
 * files, devices and links are removed on every exit, failed or not. Test setup uses ip(8).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../../controld/hotplug.h"

#define BRIDGE "keelhpbr0"
#define VIF    "vif7.0"
#define PEER   "keelhp7p"

#define FILE_TEMPLATE "/tmp/keel-hotplug-XXXXXX"
static char file[] = FILE_TEMPLATE;
static struct hotplug_disk attached[4];
static unsigned nattached;

static void cleanup(void)
{
	struct hotplug *hp = hotplug_linux();
	bool lazy;

	for (unsigned i = 0; i < nattached; i++)
		hp->ops->disk_detach(hp, attached[i].dev, &lazy);
	nattached = 0;
	unlink(file);
	if (system("ip link del " VIF " 2>/dev/null; ip link del " BRIDGE " 2>/dev/null")) {
	}
}

static int setup(void **state)
{
	int fd;

	(void)state;
	memcpy(file, FILE_TEMPLATE, sizeof(file));
	fd = mkstemp(file);
	if (fd < 0 || ftruncate(fd, 64 << 20)) /* sparse: 64 MiB of nothing */
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cleanup();
	return 0;
}

static void attach(const char *f, bool ro, struct hotplug_disk *out)
{
	struct hotplug *hp = hotplug_linux();

	assert_int_equal(hp->ops->disk_attach(hp, f, ro, out), 0);
	attached[nattached++] = *out;
	assert_int_equal(out->major, 7); /* LOOP_MAJOR */
}

static void test_disk_roundtrip(void **state)
{
	struct hotplug *hp = hotplug_linux();
	struct hotplug_disk d, found;
	char buf[512], back[512];
	bool lazy;
	int fd;

	(void)state;
	attach(file, false, &d);
	memset(buf, 0x5a, sizeof(buf));
	snprintf(buf, sizeof(buf), "keel hotplug");
	fd = open(d.dev, O_RDWR | O_SYNC);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, buf, sizeof(buf), 1 << 20), sizeof(buf));
	assert_int_equal(fsync(fd), 0);
	close(fd);
	fd = open(file, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, back, sizeof(back), 1 << 20), sizeof(back));
	close(fd);
	assert_memory_equal(buf, back, sizeof(buf));
	/* A restarted controld finds it by its file, and by the device it recorded. */
	assert_int_equal(hp->ops->disk_find(hp, file, NULL, &found), 0);
	assert_string_equal(found.dev, d.dev);
	assert_int_equal(found.minor, d.minor);
	assert_int_equal(hp->ops->disk_find(hp, file, d.dev, &found), 0);
	assert_int_equal(hp->ops->disk_find(hp, "/etc/hostname", d.dev, &found), -ENOENT);
	assert_int_equal(hp->ops->disk_detach(hp, d.dev, &lazy), 0);
	assert_false(lazy);
	nattached = 0;
	assert_int_equal(hp->ops->disk_find(hp, file, NULL, &found), -ENOENT);
}

static void test_disk_readonly_and_lazy(void **state)
{
	struct hotplug *hp = hotplug_linux();
	struct hotplug_disk d, found;
	char buf[512] = "x";
	bool lazy;
	int fd;

	(void)state;
	attach(file, true, &d);
	fd = open(d.dev, O_RDWR);
	if (fd >= 0) {
		assert_true(pwrite(fd, buf, sizeof(buf), 0) < 0);
		close(fd);
	} else {
		assert_int_equal(errno, EROFS);
	}
	/* Held open (as xen-blkback holds it): detached when the last user closes. */
	fd = open(d.dev, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(hp->ops->disk_detach(hp, d.dev, &lazy), 0);
	assert_true(lazy);
	/* On its way out: not found for reuse. */
	assert_int_equal(hp->ops->disk_find(hp, file, NULL, &found), -ENOENT);
	close(fd);
	nattached = 0;
	assert_int_equal(hp->ops->disk_attach(hp, "/nonexistent/keel.img", false, &found), -ENOENT);
}

static unsigned long sysfs_number(const char *path, int base)
{
	char line[32] = "";
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	return strtoul(line, NULL, base);
}

static void test_bridge(void **state)
{
	struct hotplug *hp = hotplug_linux();
	char p[128];

	(void)state;
	assert_int_equal(hp->ops->bridge_check(hp, BRIDGE), -ENODEV);
	assert_int_equal(hp->ops->bridge_add(hp, BRIDGE, VIF), -ENODEV);
	assert_int_equal(system("ip link add " BRIDGE " mtu 1400 type bridge"), 0);
	assert_int_equal(hp->ops->bridge_check(hp, BRIDGE), 0);
	assert_int_equal(hp->ops->bridge_check(hp, "lo"), -EINVAL);
	assert_int_equal(hp->ops->bridge_check(hp, "../x"), -EINVAL);
	/* netback has not made the netdev yet. */
	assert_int_equal(hp->ops->bridge_add(hp, BRIDGE, VIF), -ENODEV);
	/* A dummy netdev where the kernel has the module, else a veth. */
	assert_int_equal(system("ip link add " VIF " type dummy 2>/dev/null || "
				"ip link add " VIF " type veth peer name " PEER),
			 0);
	assert_int_equal(hp->ops->bridge_add(hp, BRIDGE, VIF), 0);
	snprintf(p, sizeof(p), "/sys/class/net/%s/brif/%s", BRIDGE, VIF);
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "/sys/class/net/%s/flags", VIF);
	assert_true(sysfs_number(p, 16) & IFF_UP);
	snprintf(p, sizeof(p), "/sys/class/net/%s/mtu", VIF);
	assert_int_equal(sysfs_number(p, 10), 1400); /* the bridge's, as vif-bridge sets it */
	/* Again (a restarted controld): fine. */
	assert_int_equal(hp->ops->bridge_add(hp, BRIDGE, VIF), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_disk_roundtrip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_disk_readonly_and_lazy, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bridge, setup, teardown),
	};

	if (geteuid()) {
		fprintf(stderr, "test_hotplug_linux: needs root (loop devices, bridges)\n");
		return 1;
	}
	cleanup(); /* what a killed run left */
	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* qemu-dm-glue's QEMU command line (qemu-dm-glue/dm_argv.c): libxl's shape, checks, escaping. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dm_argv.h"

static const struct dm_disk disks[] = {{"/var/lib/keel/images/web,1.img", "raw", 0},
				       {"/var/lib/keel/images/data.qcow2", "qcow2", 1}};
static const struct dm_nic nics[] = {{0, "00:16:3e:00:00:01", "rtl8139"},
				     {1, "00:16:3e:00:00:02", "e1000"}};

static struct dm_config base(void)
{
	return (struct dm_config){.qemu = "/usr/libexec/xen-qemu-system-i386",
				  .domid = 7,
				  .name = "web1",
				  .memory_mib = 64,
				  .vcpus = 1,
				  .max_vcpus = 1,
				  .serial_socket = "/run/keel/qemu/7-serial.sock"};
}

/* The whole command line, one space between arguments. */
static char *joined(const struct dm_argv *a)
{
	size_t n = 1;
	char *s;

	for (unsigned i = 0; i < a->argc; i++)
		n += strlen(a->argv[i]) + 1;
	s = calloc(1, n);
	assert_non_null(s);
	for (unsigned i = 0; i < a->argc; i++) {
		strcat(s, a->argv[i]);
		if (i + 1 < a->argc)
			strcat(s, " ");
	}
	assert_null(a->argv[a->argc]);
	return s;
}

static void test_minimal(void **state)
{
	struct dm_config c = base();
	struct dm_argv a;
	char *s;

	(void)state;
	assert_int_equal(dm_argv_build(&c, &a), 0);
	s = joined(&a);
	assert_string_equal(
	    s, "/usr/libexec/xen-qemu-system-i386 -xen-domid 7 -no-shutdown -nodefaults "
	       "-no-user-config -name web1 -display none -chardev "
	       "socket,id=serial0,path=/run/keel/qemu/7-serial.sock,server=on,wait=off "
	       "-serial chardev:serial0 -machine xenfv,suppress-vmdesc=on -m 64");
	free(s);
	dm_argv_free(&a);
	assert_null(a.argv);
}

static void test_devices(void **state)
{
	struct dm_config c = base();
	struct dm_argv a;
	char *s;

	(void)state;
	c.disks = disks;
	c.ndisks = 2;
	c.nics = nics;
	c.nnics = 2;
	c.vcpus = 2;
	c.max_vcpus = 4;
	c.runas = "997:996";
	c.chroot = "/run/keel/qemu/root";
	assert_int_equal(dm_argv_build(&c, &a), 0);
	s = joined(&a);
	/* -smp only with more than one possible vCPU; the comma in a path doubled. */
	assert_non_null(strstr(s, " -m 64 -smp 2,maxcpus=4 "));
	assert_non_null(strstr(s, " -drive file=/var/lib/keel/images/web,,1.img,if=ide,index=0,"
				  "media=disk,format=raw,cache=writeback -drive "
				  "file=/var/lib/keel/images/data.qcow2,if=ide,index=1,media=disk,"
				  "format=qcow2,cache=writeback -boot order=c "));
	assert_non_null(strstr(s, " -netdev tap,id=net0,ifname=vif7.0-emu,script=no,downscript=no "
				  "-device rtl8139,id=nic0,netdev=net0,mac=00:16:3e:00:00:01,"
				  "romfile= -netdev tap,id=net1,ifname=vif7.1-emu,script=no,"
				  "downscript=no -device e1000,id=nic1,netdev=net1,"
				  "mac=00:16:3e:00:00:02,romfile= "));
	/* Deprivileged last: QEMU opens everything first, then chroots and drops to the user. */
	const char *tail = " -runas 997:996 -chroot /run/keel/qemu/root";
	assert_int_equal(strcmp(s + strlen(s) - strlen(tail), tail), 0);
	free(s);
	dm_argv_free(&a);
	dm_argv_free(&a); /* twice: harmless */
}

/* AHCI: the controller once, then per disk a drive without an interface and an ide-hd on its
 * port (libxl's hdtype=ahci); six ports, xvda..xvdf. */
static void test_ahci(void **state)
{
	struct dm_disk d[2] = {{"/var/lib/keel/images/web,1.img", "raw", 0},
			       {"/var/lib/keel/images/data.qcow2", "qcow2", 5}};
	struct dm_config c = base();
	struct dm_argv a;
	char *s;

	(void)state;
	c.disk_controller = DM_AHCI;
	c.disks = d;
	c.ndisks = 2;
	assert_int_equal(dm_argv_build(&c, &a), 0);
	s = joined(&a);
	assert_non_null(strstr(s,
			       " -device ahci,id=ahci0 -drive file=/var/lib/keel/images/web,,1.img,"
			       "if=none,id=ahcidisk-0,format=raw,cache=writeback -device "
			       "ide-hd,bus=ahci0.0,unit=0,drive=ahcidisk-0 -drive "
			       "file=/var/lib/keel/images/data.qcow2,if=none,id=ahcidisk-5,"
			       "format=qcow2,cache=writeback -device ide-hd,bus=ahci0.5,unit=0,"
			       "drive=ahcidisk-5 -boot order=c"));
	assert_null(strstr(s, "if=ide"));
	free(s);
	dm_argv_free(&a);
	/* Without disks the controller is still there (as libxl): nothing else. */
	c.ndisks = 0;
	assert_int_equal(dm_argv_build(&c, &a), 0);
	s = joined(&a);
	assert_non_null(strstr(s, " -device ahci,id=ahci0"));
	assert_null(strstr(s, "ahcidisk"));
	free(s);
	dm_argv_free(&a);
}

/* QMP as libxl's dm_restrict: the control monitor, -S, -xen-domid-restrict, a uid per domain
 * and its own chroot (the caller's values, passed through). */
static void test_restricted(void **state)
{
	struct dm_config c = base();
	struct dm_argv a;
	char *s;

	(void)state;
	c.qmp_socket = "/run/keel/qemu/7-qmp.sock";
	c.restrict_domid = true;
	c.runas = "131079:131072";
	c.chroot = "/run/keel/qemu/root-7";
	assert_int_equal(dm_argv_build(&c, &a), 0);
	s = joined(&a);
	assert_non_null(
	    strstr(s, " -xen-domid 7 -no-shutdown -chardev "
		      "socket,id=libxl-cmd,path=/run/keel/qemu/7-qmp.sock,server=on,wait=off -mon "
		      "chardev=libxl-cmd,mode=control -S -xen-domid-restrict -nodefaults "));
	const char *tail = " -runas 131079:131072 -chroot /run/keel/qemu/root-7";
	assert_int_equal(strcmp(s + strlen(s) - strlen(tail), tail), 0);
	free(s);
	dm_argv_free(&a);
	/* QMP without the restriction: no -xen-domid-restrict. */
	c.restrict_domid = false;
	assert_int_equal(dm_argv_build(&c, &a), 0);
	s = joined(&a);
	assert_non_null(strstr(s, "mode=control -S -nodefaults "));
	assert_null(strstr(s, "-xen-domid-restrict"));
	free(s);
	dm_argv_free(&a);
}

static void test_refused(void **state)
{
	struct dm_disk d[2] = {{"/a", "raw", 0}, {"/b", "raw", 0}};
	struct dm_nic n = {0, "00:16:3e:00:00:01", "virtio"};
	struct dm_argv a = {NULL, 0};
	struct dm_config c;

	(void)state;
#define REFUSED(change)                                                                            \
	do {                                                                                       \
		c = base();                                                                        \
		change;                                                                            \
		assert_int_equal(dm_argv_build(&c, &a), -EINVAL);                                  \
		assert_null(a.argv);                                                               \
	} while (0)
	REFUSED(c.qemu = "");
	REFUSED(c.qemu = NULL);
	REFUSED(c.name = "a,b");
	REFUSED(c.serial_socket = "");
	/* Restricted, QEMU cannot say "running" in xenstore: QMP is the only way to know. */
	REFUSED(c.restrict_domid = true);
	REFUSED((c.restrict_domid = true, c.qmp_socket = ""));
	REFUSED(c.domid = 0);
	REFUSED(c.domid = 0x7FF0);
	REFUSED(c.memory_mib = 0);
	REFUSED(c.vcpus = 0);
	REFUSED((c.vcpus = 2, c.max_vcpus = 1));
	REFUSED((c.disks = d, c.ndisks = 2));		      /* index 0 twice */
	REFUSED((d[1].index = 4, c.disks = d, c.ndisks = 2)); /* IDE has 4 */
	REFUSED((d[1].index = 6, c.disk_controller = DM_AHCI, c.disks = d, c.ndisks = 2));
	REFUSED((d[1].index = 1, c.disk_controller = DM_AHCI, c.disks = d, c.ndisks = 2,
		 d[0].index = 1)); /* a port twice */
	REFUSED(c.disk_controller = (enum dm_disk_controller)2);
	REFUSED(c.disk_controller = (enum dm_disk_controller) - 1);
	d[0].index = 0;
	REFUSED((d[1].index = 1, c.disk_controller = DM_AHCI, d[1].format = "vmdk", c.disks = d,
		 c.ndisks = 2));
	REFUSED((d[1].format = "raw", d[1].path = "", c.disks = d, c.ndisks = 2));
	REFUSED((c.nics = &n, c.nnics = 1));
	REFUSED((n.model = "e1000", n.mac = "00:16:3e:00:00:01,x", c.nics = &n, c.nnics = 1));
#undef REFUSED
	/* The largest domid Xen gives still names a tap Linux accepts. */
	c = base();
	c.domid = 0x7FEF;
	n.mac = "00:16:3e:00:00:01";
	n.devid = 63;
	c.nics = &n;
	c.nnics = 1;
	assert_int_equal(dm_argv_build(&c, &a), 0);
	dm_argv_free(&a);
}

static void test_tap_name(void **state)
{
	char b[16];

	(void)state;
	assert_int_equal(dm_tap_name(3, 0, b, sizeof(b)), 0);
	assert_string_equal(b, "vif3.0-emu");
	assert_int_equal(dm_tap_name(32751, 63, b, sizeof(b)), 0);
	assert_string_equal(b, "vif32751.63-emu");
	assert_int_equal(dm_tap_name(65535, 100, b, sizeof(b)), -ENAMETOOLONG);
	assert_int_equal(dm_tap_name(3, 0, b, 5), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_minimal),    cmocka_unit_test(test_devices),
	    cmocka_unit_test(test_restricted), cmocka_unit_test(test_ahci),
	    cmocka_unit_test(test_refused),    cmocka_unit_test(test_tap_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

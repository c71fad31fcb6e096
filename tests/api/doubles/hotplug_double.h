/* SPDX-License-Identifier: MIT */
/*
 * TEST DOUBLE of dom0's device plumbing (controld/hotplug.h): loop devices and bridge
 * ports are records in memory. Every file attaches and every bridge exists but those whose
 * name starts with "missing" (as the hypervisor double's cmdline test.* words, so that the
 * test daemon can be made to refuse); unit tests inject errors, make a NIC's netdev appear
 * late, and read the records.
 */
#ifndef KEEL_TESTS_HOTPLUG_DOUBLE_H
#define KEEL_TESTS_HOTPLUG_DOUBLE_H

#include "../../../controld/hotplug.h"

#define HP_DOUBLE_MAX 16

struct hp_double_disk {
	char file[256];
	struct hotplug_disk ld;
	bool readonly, attached;
};

struct hotplug_double {
	struct hotplug hp;
	/* Negative errno to inject, 0 = none. */
	int attach_err, bridge_check_err, bridge_add_err;
	unsigned attach_ok;   /* attaches that succeed before attach_err applies */
	unsigned netdev_late; /* bridge_add says -ENODEV this many times first */
	unsigned attaches, detaches, finds, bridge_adds;
	struct hp_double_disk disks[HP_DOUBLE_MAX]; /* /dev/loopN is disks[N] */
	unsigned ndisks;
	char ports[HP_DOUBLE_MAX][2][16]; /* bridge, ifname */
	unsigned nports;
};

/* A fresh double (static storage: one per process; a new call resets it). */
struct hotplug_double *hotplug_double_new(void);
/* How many loop devices are attached now. */
unsigned hotplug_double_attached(const struct hotplug_double *d);

#endif

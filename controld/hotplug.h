/* SPDX-License-Identifier: MIT */
/*
 * What Xen's hotplug scripts (/etc/xen/scripts/block, vif-bridge) do for dom0's stock
 * backends, done by controld itself: a disk file becomes a block device that xen-blkback
 * can open (a loop device; the backend's physical-device is its major:minor), and the
 * netdev xen-netback creates for a NIC (vif<domid>.<handle>) joins its bridge, up. The
 * shipped implementation is hotplug_linux.c (loop ioctls, bridge ioctls, sysfs); tests
 * link a double. Every call is short and runs on the loop thread. Negative errno.
 */
#ifndef KEEL_CONTROLD_HOTPLUG_H
#define KEEL_CONTROLD_HOTPLUG_H

#include <stdbool.h>

/* A disk file attached to a block device. */
struct hotplug_disk {
	char dev[32]; /* "/dev/loop3" */
	unsigned major, minor;
};

struct hotplug;
struct hotplug_ops {
	/* Attaches file to a free block device (read-only if readonly). -ENOENT: no file. */
	int (*disk_attach)(struct hotplug *hp, const char *file, bool readonly,
			   struct hotplug_disk *out);
	/*
	 * An attachment of file that is not being detached, for a restarted controld: dev
	 * the one to look for ("/dev/loop3", from the store), or NULL for any. -ENOENT: none.
	 */
	int (*disk_find)(struct hotplug *hp, const char *file, const char *dev,
			 struct hotplug_disk *out);
	/* Detaches dev. *lazy: it is still open (a backend), the kernel detaches it on close. */
	int (*disk_detach)(struct hotplug *hp, const char *dev, bool *lazy);
	/* 0 if bridge is a bridge; -ENODEV if there is no such netdev, -EINVAL if not one. */
	int (*bridge_check)(struct hotplug *hp, const char *bridge);
	/* Adds netdev ifname to bridge (already there: fine) and brings ifname up. -ENODEV:
	 * ifname does not exist (yet). */
	int (*bridge_add)(struct hotplug *hp, const char *bridge, const char *ifname);
};

struct hotplug {
	const struct hotplug_ops *ops;
};

/* The shipped implementation: Linux's loop driver and bridges. */
struct hotplug *hotplug_linux(void);

#endif

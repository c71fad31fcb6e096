// SPDX-License-Identifier: MIT
/*
 * hotplug.h on Linux. Disks: loop devices (Documentation/admin-guide/blockdev, linux/loop.h):
 * a free one from /dev/loop-control (LOOP_CTL_GET_FREE), bound with LOOP_CONFIGURE (Linux
 * 5.8+), else LOOP_SET_FD + LOOP_SET_STATUS64; its binding is read back from sysfs
 * (/sys/block/loopN/loop/backing_file, autoclear). LOOP_CLR_FD on a device still open (by
 * xen-blkback) only marks it autoclear: the kernel unbinds it at the last close
 * (drivers/block/loop.c, loop_clr_fd). NICs: the bridge ioctls of net/bridge/br_ioctl.c
 * (SIOCBRADDIF), SIOCSIFMTU (the bridge's, as Xen's vif-bridge) and SIOCSIFFLAGS, on an
 * AF_UNIX socket; no tools are run.
 */
#include "hotplug.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/loop.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Another process may take the free device between GET_FREE and the binding. */
#define LOOP_TRIES 8

/* The first line of a sysfs file, without its newline. */
static int sysfs_line(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int disk_fill(int loopfd, int n, struct hotplug_disk *out)
{
	struct stat st;

	if (fstat(loopfd, &st))
		return -errno;
	snprintf(out->dev, sizeof(out->dev), "/dev/loop%d", n);
	out->major = major(st.st_rdev);
	out->minor = minor(st.st_rdev);
	return 0;
}

static int loop_bind(int loopfd, int filefd, const char *file, bool readonly)
{
	struct loop_config c = {.fd = (unsigned)filefd};

	c.info.lo_flags = readonly ? LO_FLAGS_READ_ONLY : 0;
	str_copy((char *)c.info.lo_file_name, file, sizeof(c.info.lo_file_name));
	if (!ioctl(loopfd, LOOP_CONFIGURE, &c))
		return 0;
	if (errno != EINVAL && errno != ENOTTY)
		return -errno;
	/* A kernel before LOOP_CONFIGURE. */
	if (ioctl(loopfd, LOOP_SET_FD, filefd))
		return -errno;
	if (ioctl(loopfd, LOOP_SET_STATUS64, &c.info)) {
		int rc = -errno;
		ioctl(loopfd, LOOP_CLR_FD, 0);
		return rc;
	}
	return 0;
}

static int linux_disk_attach(struct hotplug *hp, const char *file, bool readonly,
			     struct hotplug_disk *out)
{
	int ctl = -1, filefd, loopfd = -1, rc = -EBUSY;
	char dev[32];

	(void)hp;
	filefd = open(file, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (filefd < 0)
		return -errno;
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		rc = errno == ENOENT ? -ENXIO : -errno; /* no loop driver: not the file's fault */
		goto out;
	}
	for (int i = 0; i < LOOP_TRIES && rc == -EBUSY; i++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0) {
			rc = -errno;
			break;
		}
		snprintf(dev, sizeof(dev), "/dev/loop%d", n);
		loopfd = open(dev, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
		if (loopfd < 0) {
			rc = -errno;
			break;
		}
		rc = loop_bind(loopfd, filefd, file, readonly);
		if (!rc && (rc = disk_fill(loopfd, n, out)))
			ioctl(loopfd, LOOP_CLR_FD, 0);
		close(loopfd);
	}
out:
	if (ctl >= 0)
		close(ctl);
	close(filefd); /* the loop device holds its own reference */
	return rc;
}

/* "/dev/loopN" -> N, or -1. */
static int loop_number(const char *dev)
{
	char *end;
	long n;

	if (strncmp(dev, "/dev/loop", 9) || !dev[9])
		return -1;
	n = strtol(dev + 9, &end, 10);
	return *end || n < 0 || n > INT_MAX ? -1 : (int)n;
}

/* Whether loop n is bound to file (a real path) and not on its way out. */
static bool loop_serves(int n, const char *real, struct hotplug_disk *out)
{
	char p[96], line[PATH_MAX + 16];
	unsigned ma, mi;

	snprintf(p, sizeof(p), "/sys/block/loop%d/loop/backing_file", n);
	if (sysfs_line(p, line, sizeof(line)) || strcmp(line, real))
		return false;
	snprintf(p, sizeof(p), "/sys/block/loop%d/loop/autoclear", n);
	if (sysfs_line(p, line, sizeof(line)) || strcmp(line, "0"))
		return false;
	snprintf(p, sizeof(p), "/sys/block/loop%d/dev", n);
	if (sysfs_line(p, line, sizeof(line)) || sscanf(line, "%u:%u", &ma, &mi) != 2)
		return false;
	snprintf(out->dev, sizeof(out->dev), "/dev/loop%d", n);
	out->major = ma;
	out->minor = mi;
	return true;
}

static int linux_disk_find(struct hotplug *hp, const char *file, const char *dev,
			   struct hotplug_disk *out)
{
	char real[PATH_MAX];
	int want = dev ? loop_number(dev) : -1;
	bool found = false;
	struct dirent *e;
	DIR *dir;

	(void)hp;
	if (dev && want < 0)
		return -EINVAL;
	if (!realpath(file, real))
		return -errno;
	if (dev)
		return loop_serves(want, real, out) ? 0 : -ENOENT;
	dir = opendir("/sys/block");
	if (!dir)
		return -errno;
	while ((e = readdir(dir)) && !found) {
		char path[300];
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		want = loop_number(path);
		found = want >= 0 && loop_serves(want, real, out);
	}
	closedir(dir);
	return found ? 0 : -ENOENT;
}

static int linux_disk_detach(struct hotplug *hp, const char *dev, bool *lazy)
{
	int n = loop_number(dev), fd, rc = 0;
	char p[64], line[PATH_MAX + 16];

	(void)hp;
	*lazy = false;
	if (n < 0)
		return -EINVAL;
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* ENXIO: not bound (detached already). */
	if (ioctl(fd, LOOP_CLR_FD, 0) && errno != ENXIO)
		rc = -errno;
	close(fd);
	snprintf(p, sizeof(p), "/sys/block/loop%d/loop/backing_file", n);
	if (!rc && !sysfs_line(p, line, sizeof(line)))
		*lazy = true; /* still bound: someone has it open */
	return rc;
}

static bool ifname_ok(const char *name)
{
	size_t n = strlen(name);

	return n && n < IFNAMSIZ && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

static int linux_bridge_check(struct hotplug *hp, const char *bridge)
{
	char p[64];

	(void)hp;
	if (!ifname_ok(bridge))
		return -EINVAL;
	snprintf(p, sizeof(p), "/sys/class/net/%s", bridge);
	if (access(p, F_OK))
		return -ENODEV;
	snprintf(p, sizeof(p), "/sys/class/net/%s/bridge", bridge);
	return access(p, F_OK) ? -EINVAL : 0;
}

/* Whether ifname is a port of bridge already (a restarted controld). */
static bool bridge_has(const char *bridge, const char *ifname)
{
	char p[96];

	snprintf(p, sizeof(p), "/sys/class/net/%s/brif/%s", bridge, ifname);
	return !access(p, F_OK);
}

/* ioctl req on netdev name (set in ifr here). */
static int if_ioctl(int s, const char *name, unsigned long req, struct ifreq *ifr)
{
	str_copy(ifr->ifr_name, name, sizeof(ifr->ifr_name));
	return ioctl(s, req, ifr) ? -errno : 0;
}

static int linux_bridge_add(struct hotplug *hp, const char *bridge, const char *ifname)
{
	struct ifreq mtu = {0}, port = {0}, flags = {0};
	int s, rc;

	rc = linux_bridge_check(hp, bridge);
	if (rc)
		return rc;
	if (!ifname_ok(ifname))
		return -EINVAL;
	port.ifr_ifindex = (int)if_nametoindex(ifname);
	if (!port.ifr_ifindex)
		return -ENODEV;
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	/* As Xen's vif-bridge: the port takes the bridge's MTU before it joins. */
	rc = if_ioctl(s, bridge, SIOCGIFMTU, &mtu);
	rc = rc ?: if_ioctl(s, ifname, SIOCSIFMTU, &mtu);
	if (!rc && !bridge_has(bridge, ifname))
		rc = if_ioctl(s, bridge, SIOCBRADDIF, &port);
	rc = rc ?: if_ioctl(s, ifname, SIOCGIFFLAGS, &flags);
	flags.ifr_flags |= IFF_UP;
	rc = rc ?: if_ioctl(s, ifname, SIOCSIFFLAGS, &flags);
	close(s);
	return rc;
}

static const struct hotplug_ops linux_ops = {
    .disk_attach = linux_disk_attach,
    .disk_find = linux_disk_find,
    .disk_detach = linux_disk_detach,
    .bridge_check = linux_bridge_check,
    .bridge_add = linux_bridge_add,
};

static struct hotplug linux_hotplug = {&linux_ops};

struct hotplug *hotplug_linux(void)
{
	return &linux_hotplug;
}

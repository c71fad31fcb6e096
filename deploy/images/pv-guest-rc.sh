#!/bin/sh
# SPDX-License-Identifier: MIT
# The PV test guest's start-up (busybox init's sysinit; "down" at shutdown), built into its
# initramfs by deploy/images/pv-guest. Every step reports a "keel-guest: ..." line on the
# console, which the emulator tests read through the REST API.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
say() { echo "keel-guest: $*"; }
up() { cut -d' ' -f1 /proc/uptime; }

if [ "$1" = down ]; then
	say "stopping at $(up) s"
	umount /mnt 2>/dev/null && say "disk xvda unmounted"
	exit 0
fi

/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
hostname keel-guest
# ctrl-alt-del (Linux's answer to control/shutdown = reboot) signals init, which unmounts
# the disk first, instead of restarting at once.
echo 0 >/proc/sys/kernel/ctrl-alt-del
say "init at $(up) s on $(uname -r) with $(grep -c ^processor /proc/cpuinfo) CPU(s)"

moddir=/lib/modules/$(uname -r)
while read -r ko; do
	err=$(insmod "$moddir/$ko" 2>&1) || say "module $(basename "$ko" .ko) failed: ${err##*: }"
done </etc/keel-guest/modules

# The front ends connect asynchronously once xenbus has probed them.
n=100
while [ ! -b /dev/xvda ] && [ "$n" -gt 0 ] && [ -d /sys/bus/xen/devices/vbd-51712 ]; do
	usleep 100000
	n=$((n - 1))
done
if [ -b /dev/xvda ]; then
	if ! mount -t ext4 /dev/xvda /mnt 2>/dev/null; then
		# Few inodes: a small inode table is quicker to write in an emulator.
		mke2fs -q -N 512 /dev/xvda && mount -t ext4 /dev/xvda /mnt && say "disk xvda formatted"
	fi
	if grep -q " /mnt " /proc/mounts; then
		boots=$(($(cat /mnt/boots 2>/dev/null || echo 0) + 1))
		echo "$boots" >/mnt/boots
		sync
		say "disk xvda mounted, boot $boots on it, $(df -k /mnt | awk 'NR == 2 {print $2}') KiB"
	else
		say "disk xvda not mountable"
	fi
else
	say "disk none"
fi

if ip link set eth0 up 2>/dev/null; then
	if udhcpc -i eth0 -n -q -t 10 -T 1 -s /etc/keel-guest/udhcpc.script >/dev/null 2>&1; then
		say "eth0 $(ip -4 -o addr show dev eth0 | awk '{print $4}')"
	else
		say "eth0 no-lease"
	fi
	echo "keel-guest $(hostname) up at $(up) s" >/srv/index.html
	httpd -p 80 -h /srv && say "httpd on port 80"
else
	say "eth0 none"
fi
say "ready at $(up) s"

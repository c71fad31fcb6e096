#!/bin/sh
# SPDX-License-Identifier: MIT
# /init of the HVM test guest (packed by deploy/images/hvm-guest). Every line it prints starts
# "keel-hvm-guest:" and goes to the serial port (ttyS0): the marker, which disk
# driver Linux chose (ata_piix or ahci for QEMU's disk, vbd = xen-blkfront for the PV disk), the
# read rate of each disk, then ACPI power-off. keel.dd=N on the command line sets the MiB read
# (default 32: several passes over the small disk, so a watcher sampling the hypervisor's
# counters through the API gets several samples inside each read).
export PATH=/bin
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s /bin
# The kernel logs to port 0xE9 (earlycon): our lines go to the serial port explicitly.
exec >/dev/ttyS0 2>&1

say() {
	echo "keel-hvm-guest: $*"
}

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

mode=unknown mib=32
for word in $(cat /proc/cmdline); do
	case "$word" in
	keel.mode=*) mode=${word#*=} ;;
	keel.dd=*) mib=${word#*=} ;;
	esac
done
say "Linux $(uname -r) up after $(uptime_s) s, mode $mode"
# What the kernel found out about the hypervisor and the platform, kept short: every byte on
# ttyS0 is a few port accesses the device model answers.
dmesg | grep -E 'Hypervisor detected|Xen version|Booting paravirtualized|xen: |clocksource: Switched|ACPI: PM-Timer|unplug' |
	sed 's/^/keel-hvm-guest: dmesg: /'

while read -r module; do
	# xen-blkfront refuses to load (ENODEV) when Linux does not run as a Xen guest (nopv).
	insmod "/lib/modules/$module" 2>/dev/null || say "module $module not loaded"
done </etc/modules

# The driver of the first ancestor device that has one, other than the SCSI disk driver:
# the PCI IDE function's for sda, the xenbus device's for xvda.
driver_of() {
	p=$(readlink -f "/sys/block/$1/device")
	while [ -n "$p" ] && [ "$p" != /sys/devices ]; do
		if [ -e "$p/driver" ]; then
			n=$(basename "$(readlink "$p/driver")")
			[ "$n" != sd ] && echo "$n" && return
		fi
		p=${p%/*}
	done
	echo none
}

# Disks appear asynchronously (libata probes, xenbus connects): wait up to 20 s for the
# first one and 2 s more for the others.
disks=
for i in $(seq 200); do
	disks=$(ls /sys/block | grep -E '^(sd|xvd)[a-z]$')
	[ -n "$disks" ] && break
	sleep 0.1
done
[ -n "$disks" ] && sleep 2
disks=$(ls /sys/block | grep -E '^(sd|xvd)[a-z]$')
[ -n "$disks" ] || say "no disk found"

for d in $disks; do
	say "disk $d driver $(driver_of "$d") size $(($(cat "/sys/block/$d/size") / 2048)) MiB"
done
# read_disk D MIB: MIB MiB of /dev/D read past the page cache, in passes of at most its size.
read_disk() {
	size=$(($(cat "/sys/block/$1/size") / 2048)) left=$2
	[ "$size" -gt 0 ] || return 1
	while [ "$left" -gt 0 ]; do
		n=$left
		[ "$n" -gt "$size" ] && n=$size
		dd if="/dev/$1" of=/dev/null bs=1M count="$n" iflag=direct 2>/dev/null || return 1
		left=$((left - n))
	done
}

for d in $disks; do
	# A line before each read, so a watcher (the REST test's sampling of the device model's
	# requests) knows when it starts.
	say "dd $d: reading $mib MiB"
	t0=$(uptime_s)
	if read_disk "$d" "$mib"; then
		t1=$(uptime_s)
		awk -v d="$d" -v m="$mib" -v a="$t0" -v b="$t1" 'BEGIN {
			s = b - a
			if (s > 0) r = sprintf("%.2f MB/s", m * 1.048576 / s); else r = "faster than the clock"
			printf "keel-hvm-guest: dd %s %d MiB in %.2f s: %s\n", d, m, s, r
		}'
	else
		say "dd $d failed"
	fi
done
say "powering off after $(uptime_s) s"
poweroff -f

# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by make-disk.sh, which defines in_root (a command in the image's root): the
# installed host made lean the way the operator of a small host with known hardware would, so
# that it boots in Bochs (one CPU at about 10 MIPS) in minutes. Measured before (stock Debian settings, 28 min without a login
# prompt): unpacking the 35 MiB MODULES=most initramfs took 290 s of guest time, udev's
# coldplug loaded floppy, parport, USB, sound... at 10-70 s each, and systemd's 90 s start
# timeouts then failed journald, systemd-modules-load and dev-hvc0.device.
# Nothing here is part of Keel's packages: a host that boots at native speed needs none of it.

# lean_host MNT LOG: the image's root mounted at MNT, with the packages installed, before
# update-grub; apt's and systemctl's output appended to LOG.
lean_host() {
	local mnt=$1 log=$2
	# The initramfs holds the root disk's drivers only (MODULES=dep would probe the build
	# machine's loop device, so they are listed) and is lz4-compressed: 8.4 MiB, 19 MiB
	# unpacked in 18 s of guest time, instead of 35 MiB of gzip in 290 s.
	in_root apt-get install -y -q --no-install-recommends lz4 >>"$log" 2>&1 || {
		in_root apt-get update -q >>"$log" 2>&1
		in_root apt-get install -y -q --no-install-recommends lz4 >>"$log" 2>&1
	}
	printf 'MODULES=list\nCOMPRESS=lz4\n' >"$mnt/etc/initramfs-tools/conf.d/keel-test-host"
	printf 'ata_piix\nsd_mod\next4\n' >>"$mnt/etc/initramfs-tools/modules"

	# udev loads no driver by modalias (an empty 80-drivers.rules in /etc hides the one in
	# /lib, in the initramfs too): the host's hardware is known, its drivers are listed.
	# Keel's own modules-load.d file adds the Xen drivers.
	: >"$mnt/etc/udev/rules.d/80-drivers.rules"
	printf '# The emulated host'"'"'s NIC (Bochs: e1000).\ne1000\n' >"$mnt/etc/modules-load.d/keel-test-host.conf"
	# No wireless: systemd-networkd's nl80211 lookup made the kernel load cfg80211, which
	# blocked networkd past its 3 min watchdog (killed and restarted).
	printf 'blacklist cfg80211\n' >"$mnt/etc/modprobe.d/keel-test-host.conf"

	# Dom0's kernel command line, from /etc/default/grub as on any Debian host (21_keel copies
	# it into the Keel entry). rodata=off and pti=off skip the two W+X page table walks
	# (16 s each), cryptomgr.notests the crypto self-tests, watchdog_thresh=60 the soft
	# lockup reports of a slow CPU; systemd's start jobs (device units included) get 10 min;
	# journald copies every message to the console, so the serial log says why a unit failed.
	local cmdline="rodata=off pti=off cryptomgr.notests watchdog_thresh=60"
	cmdline="$cmdline systemd.default_timeout_start_sec=600 systemd.journald.forward_to_console=1"
	sed -i "s/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT=\"$cmdline\"/" "$mnt/etc/default/grub"
	# Device units have a timeout of their own (90 s; on the command line only from systemd
	# 254): dev-hvc0.device, which the getty on hvc0 needs, appears once udev's coldplug
	# reaches hvc0, which took longer. systemd-modules-load sets its own 90 s: at 10 MIPS it
	# had loaded 3 of its 8 modules then, and was killed.
	mkdir -p "$mnt/etc/systemd/system.conf.d" "$mnt/etc/systemd/system/systemd-modules-load.service.d"
	printf '[Manager]\nDefaultDeviceTimeoutSec=600s\n' >"$mnt/etc/systemd/system.conf.d/keel-test-host.conf"
	printf '[Service]\nTimeoutStartSec=600s\n' \
		>"$mnt/etc/systemd/system/systemd-modules-load.service.d/keel-test-host.conf"
	# The journal stays in memory: nothing to flush to disk (23 s here).
	mkdir -p "$mnt/etc/systemd/journald.conf.d"
	printf '[Journal]\nStorage=volatile\n' >"$mnt/etc/systemd/journald.conf.d/keel-test-host.conf"

	# Periodic jobs a test host that lives for minutes does not need, the VGA console's getty,
	# and modules and mounts nothing here uses (DRM: 30 s of CPU; fuse, dm_mod: 10 s each;
	# binfmt_misc: 70 s in all).
	{
		in_root systemctl mask apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer \
			e2scrub_all.timer e2scrub_reap.service fstrim.timer man-db.timer logrotate.timer \
			systemd-tmpfiles-clean.timer getty@tty1.service modprobe@drm.service \
			modprobe@fuse.service modprobe@dm_mod.service modprobe@efi_pstore.service \
			sys-fs-fuse-connections.mount systemd-binfmt.service \
			proc-sys-fs-binfmt_misc.automount
		# The login prompt on dom0's console, hvc0 (systemd-getty-generator adds it from
		# console=hvc0 as well).
		in_root systemctl enable serial-getty@hvc0.service
		in_root update-initramfs -u -k all
	} >>"$log" 2>&1
}

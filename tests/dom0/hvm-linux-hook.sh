# SPDX-License-Identifier: MIT
# dom0.d hook of the HVM Linux test (sourced by dom0/init after qemu-hook.sh, whose
# firmware_domain and run_with_qemu it uses; runs with keel.test=hvmlinux on the kernel command
# line): the disk deploy/images/hvm-guest builds, booted by hvmloader, SeaBIOS and SYSLINUX
# from QEMU's IDE disk into Debian's unmodified kernel. Lines start "hvm-linux-MODE:".
HVM_GUEST=/usr/lib/keel/hvm-guest

# pv_disk D FILE: dom0's xen-blkback serves FILE read-only (through a loop device) to D as
# its first PV disk, with the nodes controld writes for a PVH guest's disk
# (controld/running_paths.c, controld/devices.c); prints the loop device. The virtual device
# is xvda's number (major 202, 51712), as libxl's: an HVM guest that keeps its emulated disks
# refuses an IDE-style number such as 768 (xen-blkfront.c, blkfront_probe).
pv_disk() {
	loop=$(losetup -f) && losetup -r "$loop" "$2" || return 1
	fe=/local/domain/$1/device/vbd/51712 be=/local/domain/0/backend/vbd/$1/51712
	xenstore-write "$fe/backend" "$be" "$fe/backend-id" 0 "$fe/state" 1 \
		"$fe/virtual-device" 51712 "$fe/device-type" disk \
		"$be/frontend" "$fe" "$be/frontend-id" "$1" "$be/online" 1 "$be/state" 1 \
		"$be/params" "$2" "$be/type" phy "$be/mode" r "$be/dev" xvda \
		"$be/device-type" disk || return 1
	xenstore-chmod -r "$fe" "n$1" && xenstore-chmod -r "$be" n0 "r$1" || return 1
	xenstore-write "$be/physical-device" "$(stat -L -c '%t:%T' "$loop")" \
		"$be/physical-device-path" "$loop" "$be/hotplug-status" connected || return 1
	echo "$loop"
}

# hvm_linux MODE: one boot of the entry MODE (nopv: no Xen enlightenments; pvhvm and both:
# with the PV disk as well, both keeps the emulated one next to it).
hvm_linux() {
	tag=hvm-linux-$1 mib=128 loop=
	d=$(firmware_domain "$tag" $mib) || {
		echo "$tag: FAIL building the domain"; return; }
	echo "$tag: domain $d built"
	disk=$HVM_GUEST/$1.qcow2 format=qcow2
	[ "$1" = pvhvm ] && disk=$HVM_GUEST/disk.img format=raw
	if [ "$1" != nopv ]; then
		loop=$(pv_disk "$d" "$HVM_GUEST/disk.img") || echo "$tag: FAIL setting up the PV disk"
	fi
	# The disk on QEMU's AHCI controller (libxl's hdtype=ahci): SeaBIOS reads it by DMA, where
	# on IDE it takes PIO with a few device-model requests per sector (~30 ms each in the
	# emulator: the kernel alone would take 15 minutes).
	# dom0's clock runs ahead of the emulator's wall clock while the CPUs idle: a Linux boot
	# takes 1,000-3,000 s of it.
	QEMU_WAIT_S=3600 run_with_qemu "$tag" "$d" $mib -boot order=c -device ahci,id=ahci \
		-drive "id=hd,if=none,file=$disk,format=$format" -device ide-hd,drive=hd,bus=ahci.0
	if [ -n "$loop" ]; then
		xenstore-rm "/local/domain/0/backend/vbd/$d"
		losetup -d "$loop" || echo "$tag: FAIL detaching $loop"
	fi
}

if grep -qw keel.test=hvmlinux /proc/cmdline; then
	modes=$(sed -n 's/.*keel.hvmlinux=\([a-z,]*\).*/\1/p' /proc/cmdline | tr , ' ')
	( (for m in ${modes:-nopv}; do hvm_linux "$m"; done) >/dev/console 2>&1 &)
fi

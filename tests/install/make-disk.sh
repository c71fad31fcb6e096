#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A disk image of an installed Debian 12 host with Keel's packages, for the emulator: the
# root of make-root.sh copied onto an ext4 filesystem filling the whole disk (no partition
# table; GRUB and Linux find it by UUID), the packages installed with apt, and update-grub run
# with that filesystem mounted, so the entries name its UUID as on a real host. Settings for
# Bochs (1 CPU at about 10 MIPS, 2 GiB): dom0 512M and 1 vCPU, the Keel entry as GRUB's
# default, e1000 by DHCP (systemd-networkd), root without a password on dom0's console
# (hvc0), the lean settings of lean-host.sh, and keel-emu-token.service, which prints an API
# token for the test. Usage: make-disk.sh DEB_DIR ROOT IMAGE
set -euo pipefail
debs=$(realpath "$1") root=$(realpath "$2") image=$(realpath -m "$3")
here=$(dirname "$(realpath "$0")")
# shellcheck source=tests/install/lean-host.sh
. "$here/lean-host.sh"
mnt=$image.mnt
# Bochs' flat disks: a whole number of cylinders of 16 heads x 63 sectors.
cylinders=3200
mounted=()
cleanup() {
	for m in "${mounted[@]}"; do umount -l "$m" || true; done
	rmdir "$mnt" 2>/dev/null || true
}
trap cleanup EXIT

rm -f "$image" "$image.lock"
truncate -s $((cylinders * 16 * 63 * 512)) "$image"
mkfs.ext4 -q -F -L keelhost "$image"
mkdir -p "$mnt"
mount -o loop "$image" "$mnt"
mounted=("$mnt")
cp -a "$root/." "$mnt/"
for fs in proc sys dev; do
	mount --bind "/$fs" "$mnt/$fs"
	mounted=("$mnt/$fs" "${mounted[@]}")
done
in_root() { chroot "$mnt" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

uuid=$(blkid -s UUID -o value "$image")
echo "UUID=$uuid / ext4 errors=remount-ro 0 1" >"$mnt/etc/fstab"
echo keelhost >"$mnt/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 keelhost\n' >"$mnt/etc/hosts"
in_root passwd -d root >/dev/null
mkdir -p "$mnt/etc/systemd/network"
# The host keeps its own name (DHCP's would go through systemd-hostnamed).
printf '[Match]\nName=e*\n\n[Network]\nDHCP=ipv4\n\n[DHCPv4]\nUseHostname=false\n' >"$mnt/etc/systemd/network/20-wired.network"
in_root systemctl enable systemd-networkd >/dev/null 2>&1
sed -i 's/^GRUB_DEFAULT=.*/GRUB_DEFAULT="Debian GNU\/Linux, with Keel"/; s/^GRUB_TIMEOUT=.*/GRUB_TIMEOUT=0/; s/^#\?GRUB_TERMINAL=.*/GRUB_TERMINAL=console/' "$mnt/etc/default/grub"

mkdir -p "$mnt/tmp/debs"
cp "$debs"/keel_*.deb "$debs"/keel-hypervisor_*.deb "$mnt/tmp/debs/"
pkgs=$(cd "$mnt/tmp/debs" && find . -name '*.deb' | sed 's|^\./|/tmp/debs/|')
# shellcheck disable=SC2086 # one word per package file
in_root apt-get install -y -q --no-install-recommends $pkgs >"$image.log" 2>&1 ||
	{ tail -20 "$image.log"; exit 1; }
rm -rf "$mnt/tmp/debs"
sed -i 's/^KEEL_DOM0_MEM=.*/KEEL_DOM0_MEM="512M"/; s/^KEEL_DOM0_VCPUS=.*/KEEL_DOM0_VCPUS="1"/' "$mnt/etc/default/keel"
cp "$here/keel-emu-token.service" "$mnt/etc/systemd/system/"
in_root systemctl enable keel-emu-token.service >>"$image.log" 2>&1
lean_host "$mnt" "$image.log"
# grub-probe follows the loop device to its backing file: the image gets the same path
# inside the root.
mkdir -p "$mnt$(dirname "$image")"
touch "$mnt$image"
mount --bind "$image" "$mnt$image"
mounted=("$mnt$image" "${mounted[@]}")
# And the root must be the image's filesystem in the mount table as well, not only the
# directory chroot enters: update-grub runs after pivot_root, in a mount namespace of its own.
# root=UUID= needs /dev/disk/by-uuid, which udev would make (none runs here): a tmpfs of that
# namespace holds the one link.
loopdev=$(findmnt -n -o SOURCE "$mnt")
made_dev_disk=
[ -d /dev/disk ] || { mkdir /dev/disk; made_dev_disk=1; }
unshare -m sh -ec "mount --make-rprivate /; cd '$mnt'; mkdir -p .oldroot; pivot_root . .oldroot
	umount -l /.oldroot; rmdir /.oldroot
	mount -t tmpfs tmpfs /dev/disk; mkdir /dev/disk/by-uuid; ln -s '$loopdev' /dev/disk/by-uuid/$uuid
	exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin update-grub" >>"$image.log" 2>&1 ||
	{ tail -20 "$image.log"; exit 1; }
[ -z "$made_dev_disk" ] || rmdir /dev/disk
umount "$mnt$image"
mounted=("${mounted[@]:1}")
rm -f "$mnt$image"
grep -q "root=UUID=$uuid" "$mnt/boot/grub/grub.cfg" || { echo "make-disk: grub.cfg does not name UUID=$uuid"; exit 1; }
echo "make-disk: $image ($(du -h "$image" | cut -f1) used), root UUID=$uuid"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds a minimal installed Debian 12 system in ROOT (debootstrap from Debian's archive) with
# what a Keel host has before Keel: a stock kernel (linux-image-amd64 and its initramfs), GRUB
# for BIOS, systemd, and the libraries Keel's packages depend on. Made once and reused: a
# complete root carries ROOT/.keel-root-ready. Usage: make-root.sh ROOT [MIRROR]
set -euo pipefail
root=$1
mirror=${2:-http://deb.debian.org/debian}
# Bumped when what this script installs changes, so a kept root is made again.
stamp="bookworm+security v2"
[ "$(cat "$root/.keel-root-ready" 2>/dev/null)" = "$stamp" ] && exit 0
rm -rf "$root"
mkdir -p "$(dirname "$root")"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 ||
	{ tail -20 "$root.log"; exit 1; }

mounted=()
cleanup() { for m in "${mounted[@]}"; do umount -l "$m" || true; done; }
trap cleanup EXIT
for fs in proc sys dev; do
	mount --bind "/$fs" "$root/$fs"
	mounted=("$root/$fs" "${mounted[@]}")
done
# No daemon starts inside the chroot (policy-rc.d(8)); no device to install GRUB's boot code to.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
echo 'grub-pc grub-pc/install_devices multiselect' | chroot "$root" debconf-set-selections
# The suites a Debian 12 host follows (the packages' library versions come from there).
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
SOURCES
chroot "$root" apt-get update -q >>"$root.log" 2>&1 || { tail -20 "$root.log"; exit 1; }
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get dist-upgrade -y -q >>"$root.log" 2>&1 ||
	{ tail -20 "$root.log"; exit 1; }
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	linux-image-amd64 grub-pc systemd-sysv python3 openssl \
	libuv1 libmicrohttpd12 libjansson4 libsqlite3-0 libcurl4 libgnutls30 \
	libxenstore4 libxencall1 libxenevtchn1 libxenforeignmemory1 libxengnttab1 \
	>>"$root.log" 2>&1 || { tail -20 "$root.log"; exit 1; }
chroot "$root" apt-get clean
echo "$stamp" >"$root/.keel-root-ready"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs every Debian 12 package that Keel's build, tests and emulators need.
# Idempotent: when everything is already installed it changes nothing.
# Run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config git python3
  clang libclang-rt-14-dev clang-format
  # userspace libraries
  libcmocka-dev libuv1-dev libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3
  libcurl4-openssl-dev libgnutls28-dev libxen-dev
  # boot images and emulated hosts
  grub-pc-bin grub-common xorriso mtools
  # the HVM test guest's boot loader and qcow2 overlays (deploy/images/hvm-guest)
  syslinux syslinux-common qemu-utils
  bochs bochs-term bochsbios vgabios
  qemu-system-x86
  # Xen's own clients, for compatibility tests of keel-xenstored
  xenstore-utils xen-utils-4.17
  # the HVM device model dom0 runs (issue 15): Debian's QEMU built for Xen
  qemu-system-xen seabios
  # Xen itself, for the side-by-side exit-path benchmark
  xen-hypervisor-4.17-amd64
  # the Debian-kernel guest and dom0 images: busybox, depmod (kmod)
  busybox-static kmod
  # the guests' NAT in dom0 (nft, packed into dom0's image)
  nftables
  # bzImage payloads in every kernel compression (deploy/images/bzimage.py and its test)
  python3-zstandard python3-lz4 lz4 zstd xz-utils bzip2
  # load generation for the benchmarks
  wrk
  # the OpenAPI linter runs on Node
  nodejs npm
  # the web dashboard's browser tests (Playwright drives Debian's Chromium)
  chromium
  # the API contract test (python3, stdlib plus these)
  python3-yaml python3-jsonschema openssl
  # the property-based API test (tests/api/system/stateful_test.py)
  python3-hypothesis
  # controld's hotplug system test makes a bridge and a vif with ip(8)
  iproute2
  # the Ansible collection (ansible/keel_cloud) and its tests (tests/ansible)
  ansible-core python3-pytest python3-pytest-xdist python3-pytest-forked pyflakes3 pylint
  python3-venv
  # Debian packages of Keel and the install tests (deploy/build-debs.sh, tests/install)
  debhelper lintian debootstrap rsync curl
)

missing=()
for p in "${PACKAGES[@]}"; do
  # NodeSource's nodejs bundles npm and conflicts with Debian's npm package.
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup: done"

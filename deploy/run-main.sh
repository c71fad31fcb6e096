#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: build Keel and the guest images, boot Keel on the emulated host
# (Bochs with VT-x, or QEMU+KVM with nested VMX where /dev/kvm has it) with a
# stock Debian kernel as a PVH guest, and show the serial console until the
# guest has reached its /init, powered off, and Keel is idle again.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/build.sh
deploy/images/linux-guest build
exec tests/harness/keel-emu run --follow --workdir build/emu/main deploy/emulated-host.desc

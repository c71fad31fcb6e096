#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: build Keel, boot it on the emulated host (Bochs with VT-x, or
# QEMU+KVM with nested VMX where /dev/kvm has it) and show its serial console
# until the hypervisor reports it is ready.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/build.sh
exec tests/harness/keel-emu run --follow --workdir build/emu/main deploy/emulated-host.desc

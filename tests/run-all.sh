#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds with sanitizers and runs every test: unit (host, cmocka, ASan+UBSan), system
# (daemons), lint, fuzz and emu (emulated hosts). Arguments go to ctest, e.g. -L unit,
# -L store or -R emu_boot_vmx. Without arguments, tests labelled `manual` (emulator runs of
# most of an hour: Debian's kernel as HVM guests) are left out; -L manual runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/build.sh -DKEEL_SANITIZE=ON
if [ $# -eq 0 ]; then
	set -- -LE manual
fi
ctest --test-dir build --output-on-failure -j2 "$@"

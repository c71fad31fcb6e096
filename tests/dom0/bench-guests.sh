#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark of guests' PV devices on Keel (issue 11), not a test: boots the emulated host with
# the guests test's dom0 (tests/dom0/bench-guests.desc) and runs tests/dom0/bench_guests.py,
# which prints a Debian guest's disk and network throughput next to dom0's own in the same
# run, and the guest's start to first console output and to /init.
# Usage: tests/dom0/bench-guests.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
deploy/build.sh >/dev/null
ctest --test-dir build -R '^(linux_images|dom0_image|dom0_test_image)$' >/dev/null
work=$(mktemp -d /tmp/keel-bench-guests.XXXXXX)
trap 'rm -rf "$work"' EXIT
status=0
tests/harness/keel-emu run --workdir "$work/emu" tests/dom0/bench-guests.desc || status=$?
grep -v '^ok: ' "$work/emu/host-command-0.log" || true
exit "$status"

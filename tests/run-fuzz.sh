#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets with clang into build-fuzz/ and runs each for
# KEEL_FUZZ_SECONDS (default 10: a smoke run inside the whole suite; set it higher to fuzz for real). Crashes land in build-fuzz/ as crash-* files.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${KEEL_FUZZ_SECONDS:-10}
CC=clang cmake -S . -B build-fuzz -G Ninja -DKEEL_FUZZ=ON -DKEEL_FUZZ_SECONDS="$secs" >/dev/null
ninja -C build-fuzz
cd build-fuzz && ctest --output-on-failure -j2 -L fuzz "$@"

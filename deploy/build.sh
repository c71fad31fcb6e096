#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures and builds everything into build/ (programs in build/bin, boot images in build/boot).
# Extra arguments go to cmake's configure step, e.g. -DKEEL_SANITIZE=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja "$@" >/dev/null
ninja -C build

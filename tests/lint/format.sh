#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fails when any C file of the repository (hypervisor, test guests, userspace, tests)
# deviates from the repository's one .clang-format.
set -euo pipefail
cd "$(dirname "$0")/../.."
mapfile -t files < <(git ls-files -- '*.c' '*.h' | grep -v /node_modules/)
[ "${#files[@]}" -gt 0 ] || { echo "no files found"; exit 1; }
bad=0
for f in "${files[@]}"; do
  if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (run: clang-format -i $f)"
    bad=1
  fi
done
echo "${#files[@]} files checked"
exit $bad

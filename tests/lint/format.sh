#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fails when a userspace C file deviates from the repository's .clang-format. The folders
# checked are those whose files are all clean; the hypervisor's join once it is formatted.
set -euo pipefail
cd "$(dirname "$0")/../.."
dirs=(store controld api tests/api tests/store tests/fuzz tests/lint)
mapfile -t files < <(git ls-files -- "${dirs[@]/%//*.c}" "${dirs[@]/%//*.h}")
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

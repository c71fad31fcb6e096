#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks that the daemons listening on sockets were linked hardened (cmake/userspace.cmake):
# position-independent, full RELRO (GNU_RELRO and BIND_NOW), stack protector and fortified
# libc calls present. Usage: hardening.sh BINARY...
set -euo pipefail
fail=0
for bin in "$@"; do
  hdr=$(readelf -h "$bin"); seg=$(readelf -lW "$bin"); dyn=$(readelf -dW "$bin")
  syms=$(readelf -sW --dyn-syms "$bin")
  check() { if ! eval "$2"; then echo "$bin: $1"; fail=1; fi; }
  check "not PIE" 'grep -q "Type: *DYN" <<<"$hdr"'
  check "no GNU_RELRO segment" 'grep -q GNU_RELRO <<<"$seg"'
  check "not BIND_NOW" 'grep -Eq "BIND_NOW|FLAGS_1.*NOW" <<<"$dyn"'
  check "no stack protector" 'grep -q __stack_chk_fail <<<"$syms"'
  check "no fortified calls" 'grep -Eq "__[a-z]+_chk" <<<"$syms"'
  [ $fail -ne 0 ] || echo "$bin: hardened"
done
exit $fail

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `cmake --install` into a scratch DESTDIR: the programs, both units (pointing at installed
# programs, accepted by systemd-analyze), tmpfiles.d, the config, and no test doubles.
# Then the config is kept on a reinstall. Usage: install_test.sh BUILD_DIR
set -uo pipefail
build=$1
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
fail=0
check() { if eval "$2"; then echo "PASS $1"; else echo "FAIL $1"; fail=1; fi; }

DESTDIR=$dest cmake --install "$build" >"$dest.log" 2>&1 || { cat "$dest.log"; exit 1; }
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
root=$dest$prefix
etc=$dest/etc
[ "$prefix" = /usr ] || etc=$root/etc
for f in sbin/keel-controld sbin/keel-xenstored bin/keel; do
  check "$f" "[ -x '$root/$f' ]"
done
for u in keel-controld keel-xenstored; do
  unit=$root/lib/systemd/system/$u.service
  check "$u.service" "[ -f '$unit' ]"
  exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
  check "$u.service runs an installed program ($exe)" "[ -x '$dest$exe' ]"
done
check "controld wants keel-xenstored" "grep -q '^Wants=keel-xenstored.service' '$root/lib/systemd/system/keel-controld.service'"
check "tmpfiles makes /run/keel" "grep -q '^d /run/keel 0700' '$root/lib/tmpfiles.d/keel.conf'"
check "config installed" "[ -f '$etc/keel/controld.conf' ]"
check "no test double installed" "! find '$dest' -name '*-test' -o -name '*double*' | grep -q ."
if command -v systemd-analyze >/dev/null; then
  # Unit syntax only: the machine running the test need not have the programs installed.
  out=$(systemd-analyze verify --man=no "$root"/lib/systemd/system/keel-*.service 2>&1 |
        grep -v "is not executable\|Command .* is not\|not found\|Failed to prepare filename\|Unit .* not found" || true)
  check "systemd-analyze accepts the units" "[ -z \"\$out\" ] || { echo \"\$out\"; false; }"
fi
echo "# edited by the admin" >>"$etc/keel/controld.conf"
DESTDIR=$dest cmake --install "$build" >/dev/null 2>&1
check "a reinstall keeps an edited config" "grep -q 'edited by the admin' '$etc/keel/controld.conf'"
rm -f "$dest.log"
exit $fail

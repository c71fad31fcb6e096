#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The test mode (tests/api/try-api.sh) comes up labelled as such, its printed token works
# over TCP, its hypervisor is the double, and Ctrl-C (SIGTERM here) leaves nothing behind.
# Usage: try_api_test.sh BUILD_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
port=$((20000 + RANDOM % 20000))
KEEL_BUILD=$1 "$here/../try-api.sh" "$port" >"$out" 2>&1 &
pid=$!
fail=0
check() { if eval "$2"; then echo "PASS $1"; else echo "FAIL $1"; fail=1; fi; }
for _ in $(seq 100); do grep -q '^An admin token' "$out" && break; sleep 0.1; done
check "labelled TEST MODE" "grep -q 'TEST MODE' '$out'"
token=$(sed -n 's/^An admin token: *//p' "$out")
work=$(sed -n 's/^Unix socket.*: *\(.*\)\/controld.sock$/\1/p' "$out")
check "token works over TCP" "curl -sf -H 'Authorization: Bearer $token' http://127.0.0.1:$port/v1/host | grep -q keel-test-double"
check "Unix socket answers" "curl -sf --unix-socket '$work/controld.sock' http://localhost/v1/domains | grep -q items"
kill -TERM "$pid"
wait "$pid" 2>/dev/null
check "scratch directory removed" "[ -n '$work' ] && [ ! -e '$work' ]"
[ $fail = 0 ] || cat "$out"
rm -f "$out"
exit $fail

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# TEST MODE: try the REST API on any Linux machine, without the hypervisor. Starts
# keel-xenstored and keel-controld-test (the daemon with its hypervisor replaced by the test
# double of the test suite: domains are simulated, nothing runs) from the build tree, in a
# scratch directory, and prints curl examples. Nothing is installed; Ctrl-C stops both.
#   tests/api/try-api.sh [PORT]       (after deploy/build.sh; PORT default 8080, loopback only)
# KEEL_BUILD names another build directory (default build/).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
port=${1:-8080}
build=${KEEL_BUILD:-$root/build}
xenstored=$build/bin/keel-xenstored
controld=$build/tests/bin/keel-controld-test
for p in "$xenstored" "$controld"; do
  [ -x "$p" ] || { echo "try-api: $p is missing; run deploy/build.sh first" >&2; exit 1; }
done
work=$(mktemp -d /tmp/keel-try.XXXXXX)
cleanup() { kill "${cpid:-}" "${xpid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT INT TERM

"$xenstored" --db "$work/xs.db" --socket "$work/xs.sock" --quiet &
xpid=$!
for _ in $(seq 100); do [ -S "$work/xs.sock" ] && break; sleep 0.05; done
XENSTORED_PATH=$work/xs.sock KEEL_TEST_HV_STATE=$work/hv.json \
  "$controld" --unix "$work/controld.sock" --listen "127.0.0.1:$port" \
  --ready-file "$work/ready.json" --set "images_dir=$work/images" 2>"$work/controld.log" &
cpid=$!
for _ in $(seq 100); do [ -s "$work/ready.json" ] && break; sleep 0.05; done
[ -s "$work/ready.json" ] || { cat "$work/controld.log" >&2; exit 1; }
token=$(curl -sf --unix-socket "$work/controld.sock" -H 'Content-Type: application/json' \
  -d '{"name":"try","scope":"admin"}' http://localhost/v1/tokens |
  sed -n 's/.*"token": *"\([^"]*\)".*/\1/p')

cat <<MSG
=====================================================================================
 TEST MODE - keel-controld-test: the hypervisor is a TEST DOUBLE. Domains are simulated;
 nothing boots. For trying the API and clients only; never for a real host.
=====================================================================================
Unix socket (root, acts as admin):   $work/controld.sock
TCP (bearer token):                  http://127.0.0.1:$port
An admin token:                      $token

  curl --unix-socket $work/controld.sock http://localhost/v1/host
  curl -H "Authorization: Bearer $token" http://127.0.0.1:$port/v1/domains
  curl -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \\
       -d '{"name":"web1","vcpus":2,"memory_mib":512,"boot":{"type":"pvh","kernel":"/var/lib/keel/vmlinuz"}}' \\
       http://127.0.0.1:$port/v1/domains
  curl -X POST -H "Authorization: Bearer $token" http://127.0.0.1:$port/v1/domains/web1/actions/start
  curl -N -H "Authorization: Bearer $token" http://127.0.0.1:$port/v1/events
  KEEL_SOCKET=$work/controld.sock $build/bin/keel list

Log: $work/controld.log. Ctrl-C stops both daemons and removes $work.
MSG
wait "$cpid"

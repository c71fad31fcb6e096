#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark of dom0 on Keel (issue 10), not a test: prints
#   1. wall time from starting the emulated host to the REST API answering through the port
#      forward (what the main job waits for), and to dom0's init being ready;
#   2. GET /v1/domains/Domain-0 requests/s and p99 with wrk over TLS through Bochs' slirp
#      forward to controld in dom0, next to the same wrk against keel-controld-test (the
#      hypervisor test double) with the same certificate on this machine, and their ratio.
# Usage: tests/dom0/bench-dom0.sh [seconds per wrk run, default 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
deploy/build.sh >/dev/null
cmake --build build --target dom0-image >/dev/null
cmake -S . -B build-bench -G Ninja -DKEEL_SANITIZE=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build-bench keel-controld-test keel-xenstored >/dev/null
ca=build/dom0/ca.crt
token=$(cat build/dom0/admin.token)
work=$(mktemp -d /tmp/keel-bench-dom0.XXXXXX)
cleanup() {
	[ -n "${emu:-}" ] && kill -TERM "$emu" 2>/dev/null && wait "$emu" 2>/dev/null
	[ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -n "${xspid:-}" ] && kill -TERM "$xspid" 2>/dev/null && wait "$xspid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

start=$(date +%s.%N)
tests/harness/keel-emu run --stay --workdir "$work/emu" tests/dom0/bench-dom0.desc \
	>"$work/emu.log" 2>&1 &
emu=$!
until [ -s "$work/emu/forwards" ]; do sleep 0.2; done
port=$(awk '$1 == 18443 {print $2}' "$work/emu/forwards")
# No connection through the forward before dom0 is ready (see deploy/run-main.sh).
until grep -q '^(Domain-0) dom0-init: ready' "$work/emu/serial.log" 2>/dev/null; do
	kill -0 "$emu" 2>/dev/null || { cat "$work/emu.log"; exit 1; }
	sleep 1
done
until curl -sf --max-time 10 --cacert "$ca" -H "Authorization: Bearer $token" \
	"https://127.0.0.1:$port/v1/host" >/dev/null 2>&1; do
	kill -0 "$emu" 2>/dev/null || { cat "$work/emu.log"; exit 1; }
	sleep 1
done
ready=$(date +%s.%N)
init_s=$(awk '/dom0-init: ready/ {print $2; exit}' "$work/emu.log")
printf 'dom0 on Keel (Bochs): REST API answering %.1f s after start (dom0 init ready at %s s by keel-emu)\n' \
	"$(echo "$ready - $start" | bc)" "${init_s:-?}"

# The reference: the same daemon code on this machine with the hypervisor test double.
build-bench/bin/keel-xenstored --db "$work/xs.db" --socket "$work/xs.sock" 2>"$work/xs.log" &
xspid=$!
for _ in $(seq 100); do [ -S "$work/xs.sock" ] && break; sleep 0.05; done
XENSTORED_PATH=$work/xs.sock KEEL_TEST_HV_STATE=$work/hv.json \
	build-bench/tests/bin/keel-controld-test --unix "$work/s.sock" --listen 127.0.0.1:0 \
	--tls-cert build/dom0/controld.crt --tls-key build/dom0/controld.key \
	--ready-file "$work/ready" --set request_log=off 2>"$work/log" &
pid=$!
for _ in $(seq 200); do [ -s "$work/ready" ] && break; sleep 0.05; done
lport=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['tcp_port'])" "$work/ready")
ltoken=$(curl -sf --unix-socket "$work/s.sock" -H 'Content-Type: application/json' \
	-d '{"name":"bench","scope":"admin"}' http://localhost/v1/tokens |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -sf --unix-socket "$work/s.sock" -H 'Content-Type: application/json' \
	-d '{"name":"Domain-0","vcpus":1,"memory_mib":384,"boot":{"type":"pvh","kernel":"/k"}}' \
	http://localhost/v1/domains >/dev/null

run() { # label url token -> prints a line, sets rps
	wrk -t1 -c4 -d"${secs}s" --latency -H "Authorization: Bearer $3" "$2" >"$work/wrk" 2>&1 || true
	rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk")
	local p99
	p99=$(awk '$1=="99%" {print $2}' "$work/wrk")
	printf '  %-44s %10s req/s   p99 %8s\n' "$1" "${rps:-0}" "${p99:-?}"
}
echo "GET /v1/domains/Domain-0, wrk -t1 -c4 -d${secs}s, TLS, $(nproc) CPUs:"
run "dom0 on Keel in Bochs, through slirp" "https://127.0.0.1:$port/v1/domains/Domain-0" "$token"
remote=${rps:-0}
run "keel-controld-test on this machine" "https://127.0.0.1:$lport/v1/domains/Domain-0" "$ltoken"
printf '  ratio dom0-in-Bochs / host: %s\n' "$(echo "scale=4; $remote / ${rps:-1}" | bc)"

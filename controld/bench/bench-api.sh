#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Load benchmark of controld's REST API (issue 7, item 9). Prints requests/s and latency
# percentiles of:
#   1. GET /v1/domains/{id}            with 1,000 domains
#   2. GET /v1/domains?limit=100       with 1,000 domains (100-item pages)
#   3. create/start/destroy/delete churn
# It builds an optimised test daemon (hypervisor test double) and keel-xenstored (its real
# store) in build-bench/, runs them on
# 127.0.0.1 with request logging off, and drives it with wrk from Debian. Not a test: it
# prints numbers. Usage: controld/bench/bench-api.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
here=controld/bench
cmake -S . -B build-bench -G Ninja -DKEEL_SANITIZE=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build-bench keel-controld-test keel-xenstored >/dev/null
work=$(mktemp -d /tmp/keel-bench.XXXXXX)
cleanup() {
  [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "${xspid:-}" ] && kill -TERM "$xspid" 2>/dev/null && wait "$xspid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
build-bench/bin/keel-xenstored --db "$work/xs.db" --socket "$work/xs.sock" 2>"$work/xs.log" &
xspid=$!
for _ in $(seq 100); do [ -S "$work/xs.sock" ] && break; sleep 0.05; done
XENSTORED_PATH=$work/xs.sock KEEL_TEST_HV_STATE=$work/hv.json \
  build-bench/tests/bin/keel-controld-test --unix "$work/s.sock" --listen 127.0.0.1:0 \
  --ready-file "$work/ready" --set request_log=off --set max_connections=4096 2>"$work/log" &
pid=$!
for _ in $(seq 200); do [ -s "$work/ready" ] && break; sleep 0.05; done
port=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['tcp_port'])" "$work/ready")

# An admin token and 1,000 domains, over the Unix socket.
id=$(python3 - "$work/s.sock" "$work/token" <<'PY'
import http.client, json, socket, sys
class U(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX); self.sock.connect(sys.argv[1])
c = U("localhost")
def post(path, body):
    c.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    r = c.getresponse(); data = json.loads(r.read()); assert r.status == 201, data; return data
open(sys.argv[2], "w").write(post("/v1/tokens", {"name": "bench", "scope": "admin"})["token"])
ids = [post("/v1/domains", {"name": "bench-%04d" % i, "vcpus": 1, "memory_mib": 64,
                            "boot": {"type": "pvh", "kernel": "/k"}})["id"] for i in range(1000)]
print(ids[500])
PY
)
export KEEL_TOKEN=$(cat "$work/token")
base=http://127.0.0.1:$port
echo "controld bench: $(nproc) CPUs, wrk -t2 -c32 -d${secs}s, 1000 domains, optimised build, request log off"
summary() { # label file
  local rps p50 p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$2")
  p50=$(awk '$1=="50%" {print $2}' "$2")
  p99=$(awk '$1=="99%" {print $2}' "$2")
  printf '%-34s %10s req/s   p50 %8s   p99 %8s   %s\n' "$1" "$rps" "$p50" "$p99" \
    "$(grep -h 'failed responses' "$2" | head -1)"
}
wrk -t2 -c32 -d"${secs}s" --latency -s $here/auth.lua "$base/v1/domains/$id" >"$work/get1" 2>&1
summary "GET /v1/domains/{id}" "$work/get1"
wrk -t2 -c32 -d"${secs}s" --latency -s $here/auth.lua "$base/v1/domains?limit=100" >"$work/page" 2>&1
summary "GET /v1/domains?limit=100" "$work/page"
wrk -t2 -c8 -d"${secs}s" --latency -s $here/auth.lua "$base/v1/domains?limit=100" >"$work/page8" 2>&1
summary "GET /v1/domains?limit=100 (c=8)" "$work/page8"
wrk -t2 -c2 -d"${secs}s" --latency -s $here/churn.lua "$base" >"$work/churn" 2>&1
summary "churn create/start/destroy/delete" "$work/churn"
grep -h "churn:" "$work/churn" || true

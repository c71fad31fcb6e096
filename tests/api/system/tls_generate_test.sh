#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tls_generate: the test daemon's first start without TLS files makes a self-signed pair,
# logs its paths and fingerprint, and serves TLS with it (curl trusts exactly that
# certificate); a restart keeps it; half a pair stops the daemon without touching it.
# usage: tls_generate_test.sh KEEL_CONTROLD_TEST KEEL_XENSTORED
set -uo pipefail
daemon=$1 xenstored=$2
work=$(mktemp -d /tmp/keel-tls-test.XXXXXX)
fail=0
stop() { [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=; }
cleanup() {
  stop
  [ -n "${xspid:-}" ] && kill -TERM "$xspid" 2>/dev/null && wait "$xspid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
check() { if eval "$2"; then echo "PASS $1"; else echo "FAIL $1"; fail=1; fi; }

"$xenstored" --db "$work/xs.db" --socket "$work/xs.sock" 2>"$work/xs.log" &
xspid=$!
for _ in $(seq 100); do [ -S "$work/xs.sock" ] && break; sleep 0.05; done

start() { # log file
  rm -f "$work/ready"
  XENSTORED_PATH=$work/xs.sock KEEL_TEST_HV_STATE=$work/hv.json \
    "$daemon" --unix "$work/s.sock" --listen 127.0.0.1:0 --ready-file "$work/ready" \
    --tls-cert "$work/tls/c.crt" --tls-key "$work/tls/c.key" --set tls_generate=on \
    --set "images_dir=$work/images" 2>"$1" &
  pid=$!
  for _ in $(seq 200); do [ -s "$work/ready" ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
}
healthz() {
  port=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['tcp_port'])" "$work/ready")
  curl -sf --cacert "$work/tls/c.crt" "https://localhost:$port/healthz" >/dev/null
}

start "$work/log1"
check "first start serves TLS with the generated certificate" healthz
logged=$(sed -n 's/.*generated a self-signed TLS certificate .* fingerprint \([0-9A-F:]*\).*/\1/p' "$work/log1")
want=$(openssl x509 -in "$work/tls/c.crt" -noout -fingerprint -sha256 | sed 's/.*=//')
check "the log names the certificate's path and its SHA-256 fingerprint ($want)" \
  "[ -n '$want' ] && [ '$logged' = '$want' ] && grep -q '$work/tls/c.crt' '$work/log1'"
check "the key is readable by root only" "[ \$(stat -c %a '$work/tls/c.key') = 600 ]"
stop

start "$work/log2"
check "a restart keeps the pair" \
  "healthz && ! grep -q 'generated' '$work/log2' && [ \"\$(openssl x509 -in '$work/tls/c.crt' -noout -fingerprint -sha256 | sed 's/.*=//')\" = '$want' ]"
stop

rm "$work/tls/c.key"
start "$work/log3"
wait "$pid" 2>/dev/null
rc=$?
pid=
check "half a pair: controld does not start ($rc) and says why" \
  "[ $rc -ne 0 ] && grep -q 'not replacing' '$work/log3' && [ ! -e '$work/tls/c.key' ]"
exit $fail

#!/bin/sh
# SPDX-License-Identifier: MIT
# Host side of the dom0 emulator test: controld in dom0 answers through the emulator's port
# forward with TLS (the build's CA) and the build's admin token. keel-emu runs this once dom0
# is ready, with KEEL_EMU_PORT_18443 and KEEL_BUILD set.
set -eu
port=${KEEL_EMU_PORT_18443:?}
dir=${KEEL_BUILD:?}/dom0
url=https://127.0.0.1:$port
get() {
	curl -sS --fail-with-body --max-time 30 --retry 20 --retry-delay 3 --retry-all-errors \
		--cacert "$dir/ca.crt" -H "Authorization: Bearer $(cat "$dir/admin.token")" "$url$1"
}
echo "GET /v1/host"
host=$(get /v1/host)
echo "$host"
echo "GET /v1/domains"
doms=$(get /v1/domains)
echo "$doms"

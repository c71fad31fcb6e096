#!/bin/sh
# SPDX-License-Identifier: MIT
# Host side of install_emu_boot: keel-controld of the installed host answers through the
# emulator's port forward. Its certificate is the self-signed one its first start made and
# announced in the journal (copied to the console): the served certificate's SHA-256 must be
# the announced fingerprint, and with that certificate as the only CA, curl checks the name
# (the host's, keelhost). /healthz answers without a token; /v1/host and /v1/domains refuse a
# request without one and answer with the token keel-emu-token.service printed, which also
# uploads an image.
# keel-emu runs this once the expects are met, with KEEL_EMU_PORT_8443 and KEEL_EMU_SERIAL.
set -eu
port=${KEEL_EMU_PORT_8443:?}
serial=${KEEL_EMU_SERIAL:?}
work=${KEEL_EMU_WORKDIR:?}
# Keel's console splits dom0's long lines, each piece behind "(Domain-0) ": joined again, the
# fixed-length fingerprint and token are found whole wherever a line was split.
joined=$(tr -d '\r\n' <"$serial" | sed 's/(Domain-0) //g')
announced=$(echo "$joined" |
	grep -a -o -E 'for keelhost, SHA-256 fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}' | head -n 1 |
	sed 's/.* //')
token=$(echo "$joined" | grep -a -o -E 'keel-emu-token: keel_[0-9a-f]{16}_[0-9a-f]{64}' |
	tail -n 1 | sed 's/.* //')
[ -n "$announced" ] || { echo "no self-signed certificate announced on the console"; exit 1; }
[ -n "$token" ] || { echo "no token on the console"; exit 1; }

# The certificate served through the forward.
for _ in $(seq 30); do
	openssl s_client -connect "127.0.0.1:$port" -servername keelhost </dev/null 2>/dev/null |
		openssl x509 >"$work/served.crt" 2>/dev/null && break
	sleep 5
done
served=$(openssl x509 -in "$work/served.crt" -noout -fingerprint -sha256 | sed 's/.*=//')
echo "announced $announced"
echo "served    $served"
[ "$(echo "$served" | tr a-f A-F)" = "$(echo "$announced" | tr a-f A-F)" ] ||
	{ echo "the served certificate is not the announced one"; exit 1; }

url=https://keelhost:$port
req() { # expected-status path [curl args]
	want=$1 path=$2
	shift 2
	got=$(curl -sS --max-time 60 --resolve "keelhost:$port:127.0.0.1" --cacert "$work/served.crt" \
		-o "$work/body" -w '%{http_code}' "$@" "$url$path")
	echo "$path -> $got: $(head -c 300 "$work/body")"
	[ "$got" = "$want" ] || { echo "expected $want"; exit 1; }
}
req 200 /healthz
req 401 /v1/host
req 200 /v1/host -H "Authorization: Bearer $token"
python3 -c 'import json, sys; h = json.load(open(sys.argv[1])); assert h["hypervisor"]["version"] and h["cpus"] >= 1' \
	"$work/body" || { echo "not a host with a hypervisor version"; exit 1; }
req 200 /v1/domains -H "Authorization: Bearer $token"
grep -q '"Domain-0"' "$work/body" || { echo "Domain-0 not listed"; exit 1; }
# An upload lands in dom0's images directory, writable under the unit's ProtectSystem=strict
# (its StateDirectory), with the SHA-256 of what was sent.
head -c 65536 /dev/urandom >"$work/upload.img"
req 201 /v1/images/emu-check -X PUT -H "Authorization: Bearer $token" \
	-H 'Content-Type: application/octet-stream' --data-binary "@$work/upload.img"
sum=$(sha256sum "$work/upload.img" | cut -d' ' -f1)
python3 -c 'import json, sys; i = json.load(open(sys.argv[1])); assert i["sha256"] == sys.argv[2] and i["size"] == 65536' \
	"$work/body" "$sum" || { echo "the upload's size or SHA-256 differs"; exit 1; }
echo "installed host: REST API answers"

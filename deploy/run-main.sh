#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: build Keel, dom0's image and the guest images; boot Keel on the emulated host
# (Bochs with VT-x, or QEMU+KVM with nested VMX where /dev/kvm has it) with Debian's stock
# kernel as dom0 running keel-xenstored and keel-controld; forward 127.0.0.1:18443 to
# controld; print the ready lines once the REST API answers; stay up until interrupted
# (SIGINT/SIGTERM end the emulator). The serial console streams to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
port=18443
deploy/build.sh >&2
cmake --build build --target dom0-image >&2
ca=$root/build/dom0/ca.crt
token=$root/build/dom0/admin.token

tests/harness/keel-emu run --follow --follow-to-stderr --stay --workdir build/emu/main \
	deploy/emulated-host.desc >&2 &
emu=$!
stop() {
	kill -TERM "$emu" 2>/dev/null || true
	wait "$emu" 2>/dev/null || true
	exit 0
}
trap stop INT TERM

# Ready when controld in dom0 answers through the forward with the build's CA and token. No
# connection before dom0's init is ready: Bochs' slirp, asked to forward to a guest that has
# no address yet, then lost dom0's DHCP offers (3 of 3 runs that polled from the start).
serial=build/emu/main/serial.log
until grep -q '^(Domain-0) dom0-init: ready' "$serial" 2>/dev/null; do
	if ! kill -0 "$emu" 2>/dev/null; then
		wait "$emu" || true
		echo "keel: the emulated host stopped before dom0 was ready" >&2
		exit 1
	fi
	sleep 2
done
until curl -sf --max-time 10 --cacert "$ca" -H "Authorization: Bearer $(cat "$token")" \
	"https://127.0.0.1:$port/v1/host" >/dev/null 2>&1; do
	if ! kill -0 "$emu" 2>/dev/null; then
		wait "$emu" || true
		echo "keel: the emulated host stopped before the REST API answered" >&2
		exit 1
	fi
	sleep 2
done
echo "keel: REST API ready at https://127.0.0.1:$port"
echo "keel: token file $token"
echo "keel: CA certificate $ca"
wait "$emu"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The keel CLI against the test daemon: commands, --json output and exit codes.
# usage: cli_test.sh KEEL KEEL_CONTROLD_TEST KEEL_XENSTORED
set -uo pipefail
keel=$1 daemon=$2 xenstored=$3
work=$(mktemp -d /tmp/keel-cli-test.XXXXXX)
pass=0 fail=0
cleanup() {
  [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "${xspid:-}" ] && kill -TERM "$xspid" 2>/dev/null && wait "$xspid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

check() { # name expected-exit command...
  local name=$1 want=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" = "$want" ]; then pass=$((pass + 1)); echo "PASS $name"
  else fail=$((fail + 1)); echo "FAIL $name: exit $got, wanted $want"; cat "$work/out" "$work/err"; fi
}
expect_out() { # name pattern
  if grep -q -- "$2" "$work/out"; then pass=$((pass + 1)); echo "PASS $1"
  else fail=$((fail + 1)); echo "FAIL $1: no '$2' in output:"; cat "$work/out"; fi
}

mkdir -p "$work/sysfs/0000:03:00.0"
echo 0x8086 >"$work/sysfs/0000:03:00.0/vendor"
"$xenstored" --db "$work/xs.db" --socket "$work/xs.sock" 2>"$work/xs.log" &
xspid=$!
for _ in $(seq 100); do [ -S "$work/xs.sock" ] && break; sleep 0.05; done
XENSTORED_PATH=$work/xs.sock KEEL_TEST_HV_STATE=$work/hv.json \
  "$daemon" --unix "$work/s.sock" --listen 127.0.0.1:0 --ready-file "$work/ready" \
  --set "pci_sysfs=$work/sysfs" --set shutdown_timeout=2 --set request_log=off \
  --set "images_dir=$work/images" 2>"$work/log" &
pid=$!
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.05; done
port=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['tcp_port'])" "$work/ready")
export KEEL_SOCKET=$work/s.sock

cat >"$work/web1.conf" <<'CONF'
# a small PVH guest
name = web1
vcpus = 2
memory = 512
kernel = /var/lib/keel/vmlinuz
cmdline = console=hvc0
disk = xvda:/var/lib/keel/web1.img
disk = xvdb:/var/lib/keel/seed.iso:ro
nic = 0:xenbr0
CONF
check create 0 "$keel" create "$work/web1.conf"
expect_out create-says-created "created web1"
check create-again 4 "$keel" create "$work/web1.conf"
printf 'name = bad\nvcpus = two\n' >"$work/bad.conf"
check create-bad-file 2 "$keel" create "$work/bad.conf"
# The error names the line and what it wants, without the whole usage text (issue 16).
if grep -q "line 2: vcpus = two: want a whole number" "$work/err" && ! grep -q "usage:" "$work/err"
then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL create-bad-file-says-why"; cat "$work/err"; fi
# A usage error shows the command's synopsis, not the whole usage text.
check unknown-command 2 "$keel" bogus
if grep -q "unknown command 'bogus'" "$work/err" && ! grep -q "commands:" "$work/err"
then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL unknown-command-says-why"; cat "$work/err"; fi
check start-without-domain 2 "$keel" start
if grep -qx "usage: keel start|pause|unpause|destroy DOMAIN" "$work/err"
then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL start-usage-line"; cat "$work/err"; fi
# Sizes take the hypervisor's suffixes (mem=64M).
printf 'name = sized\nvcpus = 1\nmemory = 1G\nmemory_target = 512M\nkernel = /k\n' >"$work/sized.conf"
check create-size-suffix 0 "$keel" --json create "$work/sized.conf"
expect_out create-size-is-mib '"memory_mib": 1024'
printf 'name = x\nvcpus = 99\nmemory = 64\nkernel = /k\n' >"$work/range.conf"
check create-out-of-range 8 "$keel" create "$work/range.conf"
check list 0 "$keel" list
expect_out list-shows-web1 "web1 .*stopped"
check start 0 "$keel" start web1
check list-json 0 "$keel" --json list -s running
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[0]['name']=='web1' and d[0]['state']=='running'" "$work/out" \
  && { pass=$((pass + 1)); echo "PASS list-json-parses"; } || { fail=$((fail + 1)); echo "FAIL list-json-parses"; }
check start-again 4 "$keel" start web1
check stats 0 "$keel" stats web1
expect_out stats-line "^web1: cpu [0-9]*\.[0-9]\{9\} s, vcpus online 2, memory 524288 KiB, at 20"
# A PVH guest: VM exits on the hypervisor's clock, no device-model line.
expect_out stats-exits-line "^  vm exits [0-9]*, at hypervisor time [0-9]* ns$"
if grep -q "device model" "$work/out"
then fail=$((fail + 1)); echo "FAIL stats-pvh-no-device-model"; cat "$work/out"
else pass=$((pass + 1)); echo "PASS stats-pvh-no-device-model"; fi
check stats-json 0 "$keel" --json stats web1
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['name']=='web1' and d['cpu_time_ns']>0" "$work/out" \
  && { pass=$((pass + 1)); echo "PASS stats-json-parses"; } || { fail=$((fail + 1)); echo "FAIL stats-json-parses"; }
check pause 0 "$keel" pause web1
check unpause 0 "$keel" unpause web1
check console 0 "$keel" console web1
expect_out console-output "Linux version"
# -f: the recent output, then live output; a restart prints the new boot (timeout ends it).
( sleep 0.5; "$keel" -q destroy web1 && "$keel" -q start web1 ) &
restarter=$!
check console-follow 124 timeout 2 "$keel" console -f web1
[ "$(grep -c 'Linux version' "$work/out")" -ge 2 ] && { pass=$((pass + 1)); echo "PASS console-follow-live"; } \
  || { fail=$((fail + 1)); echo "FAIL console-follow-live"; cat "$work/out"; }
wait "$restarter"
# -i: standard input is typed on the console (the double's guests echo it back).
check console-type 0 sh -c "printf 'whoami\\n' | '$keel' console -i web1"
expect_out console-typed-echo "whoami"
check console-type-missing 3 sh -c "printf 'x' | '$keel' console -i nosuch"
check shutdown 0 "$keel" shutdown -t 5 web1
expect_out shutdown-done "shut down"
check show 0 "$keel" show web1
expect_out show-stopped '"state": "stopped"'
check missing 3 "$keel" start nosuch
check pci-list 0 "$keel" pci list
expect_out pci-listed "0000:03:00.0"
check pci-assign 0 "$keel" pci assign web1 0000:03:00.0
check pci-unassign 0 "$keel" pci unassign web1 0000:03:00.0
check token-create 0 "$keel" token create ci -s read
tok=$(cat "$work/out")
check tcp-read 0 "$keel" --url "http://127.0.0.1:$port" --token "$tok" host
check tcp-forbidden 5 "$keel" --url "http://127.0.0.1:$port" --token "$tok" destroy web1
check tcp-no-token 5 env -u KEEL_TOKEN "$keel" --url "http://127.0.0.1:$port" list
check destroy-stopped 4 "$keel" destroy web1
check stats-stopped 4 "$keel" stats web1
check stats-missing 3 "$keel" stats nosuch
check delete 0 "$keel" delete web1
# Only root is trusted on the Unix socket: anyone else who can reach it needs a token.
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
  chmod 755 "$work" && chmod 666 "$work/s.sock"
  check unix-nonroot-needs-token 5 setpriv --reuid=65534 --regid=65534 --clear-groups "$keel" list
  check unix-nonroot-with-token 0 setpriv --reuid=65534 --regid=65534 --clear-groups "$keel" --token "$tok" list
  chmod 600 "$work/s.sock" && chmod 700 "$work"
fi
# Images: upload (named after the file, or -n), list, download (the same bytes), delete.
head -c 200000 /dev/urandom >"$work/vmlinuz.bin"
check image-upload 0 "$keel" image upload "$work/vmlinuz.bin"
expect_out image-upload-sha "$(sha256sum "$work/vmlinuz.bin" | cut -d' ' -f1)"
check image-upload-again 4 "$keel" image upload "$work/vmlinuz.bin"
check image-upload-named 0 "$keel" -q image upload -n initrd "$work/vmlinuz.bin"
check image-upload-bad-name 8 "$keel" image upload -n ../escape "$work/vmlinuz.bin"
check image-list 0 "$keel" image list
expect_out image-listed "vmlinuz.bin .*200000"
check image-download 0 "$keel" image download initrd -o "$work/back.bin"
cmp -s "$work/vmlinuz.bin" "$work/back.bin" && { pass=$((pass + 1)); echo "PASS image-download-same"; } \
  || { fail=$((fail + 1)); echo "FAIL image-download-same"; }
check image-download-missing 3 "$keel" image download nosuch -o "$work/none.bin"
[ ! -e "$work/none.bin" ] && [ ! -e "$work/none.bin.part" ] && { pass=$((pass + 1)); echo "PASS image-download-missing-leaves-nothing"; } \
  || { fail=$((fail + 1)); echo "FAIL image-download-missing-leaves-nothing"; }
check image-delete 0 "$keel" image delete initrd
check image-delete-again 3 "$keel" image delete initrd
# Disks: blank (sparse), a copy (a job, followed), grown; the errors' exit codes.
check disk-create 0 "$keel" image create vol1 --size 1M
expect_out disk-create-is-disk "vol1 .*disk .*1048576"
check disk-create-again 4 "$keel" image create vol1 --size 1M
check disk-create-size-first 0 "$keel" -q image create -s 512K vol3
check disk-listed 0 "$keel" image list
expect_out disk-listed-sparse "vol3 .*disk .*524288  -  "
check disk-create-bad-size 2 "$keel" image create vol2 --size 1GB
check disk-create-no-size 2 "$keel" image create vol2
check disk-create-odd-size 8 "$keel" image create vol2 --size 1000
check disk-copy 0 "$keel" image copy vmlinuz.bin vol2
expect_out disk-copy-done "copied vmlinuz.bin to vol2: 200000 bytes"
cmp -s "$work/vmlinuz.bin" "$work/images/vol2" && { pass=$((pass + 1)); echo "PASS disk-copy-same"; } \
  || { fail=$((fail + 1)); echo "FAIL disk-copy-same"; }
check disk-copy-missing 3 "$keel" image copy nosuch vol4
check disk-copy-taken 4 "$keel" image copy vmlinuz.bin vol1
check disk-resize 0 "$keel" --json image resize vol1 2M
expect_out disk-resized '"size": 2097152'
check disk-resize-shrink 8 "$keel" image resize vol1 1M
check disk-resize-bad-size 2 "$keel" image resize vol1 big
check disk-resize-missing 3 "$keel" image resize nosuch 1M
printf 'name = disky\nvcpus = 1\nmemory = 64\nkernel = /k\ndisk = xvda:vol1\n' >"$work/disky.conf"
"$keel" -q create "$work/disky.conf" && "$keel" -q start disky
check disk-resize-in-use 4 "$keel" image resize vol1 4M
check disk-delete-in-use 4 "$keel" image delete vol1
"$keel" -q destroy disky && "$keel" -q delete disky
check disk-resize-stopped 0 "$keel" -q image resize vol1 4M
check disk-delete 0 "$keel" image delete vol1
"$keel" image delete vol2 && "$keel" image delete vol3
check unreachable 6 "$keel" --socket "$work/none.sock" list
check usage 2 "$keel" frobnicate
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]

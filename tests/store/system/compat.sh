#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Compatibility test: Debian's xenstore-utils and Xen's test-xenstore against keel-xenstored,
# on a private socket and database (tests may run in parallel).
# usage: compat.sh path/to/keel-xenstored
set -euo pipefail

daemon=$1
work=$(mktemp -d /tmp/keel-xs-compat.XXXXXX)
export XENSTORED_PATH=$work/socket
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	echo "--- daemon log:" >&2
	cat "$work/log" >&2 || true
	exit 1
}

start() { # start [daemon options]
	"$daemon" --db "$work/db" "$@" >>"$work/log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		[ -S "$XENSTORED_PATH" ] && return 0
		kill -0 "$pid" 2>/dev/null || fail "daemon exited at start"
		sleep 0.05
	done
	fail "daemon did not create its socket"
}

expect() { # expect "what" expected actual
	[ "$2" == "$3" ] || fail "$1: expected [$2], got [$3]"
}

start

# write / read / exists / list / ls / rm
xenstore-write /compat/a 1 /compat/b/c "hello world" || fail "xenstore-write"
expect read "hello world" "$(xenstore-read /compat/b/c)"
expect read-two "1
hello world" "$(xenstore-read /compat/a /compat/b/c)"
xenstore-exists /compat/a || fail "xenstore-exists on a node"
if xenstore-exists /compat/none 2>/dev/null; then fail "xenstore-exists on nothing"; fi
if xenstore-read /compat/none 2>/dev/null; then fail "xenstore-read on nothing"; fi
expect list "a
b" "$(xenstore-list /compat)"
expect ls 'a = "1"
b = ""
 c = "hello world"' "$(xenstore-ls /compat)"
# relative paths of a socket client are dom0's
xenstore-write rel/x 5
expect relative "5" "$(xenstore-read /local/domain/0/rel/x)"

# chmod, permissions in xenstore-ls -p
xenstore-chmod /compat/a n0 r5 b7 || fail "xenstore-chmod"
xenstore-ls -p /compat | grep -q 'a = "1".*(n0,r5,b7)' || fail "xenstore-ls -p: $(xenstore-ls -p /compat)"
xenstore-chmod -r /compat b3 || fail "xenstore-chmod -r"
xenstore-ls -p /compat | grep -q 'c = "hello world".*(b3)' || fail "chmod -r did not recurse"

# watch: fires at registration and on change
xenstore-watch -n 2 /compat/w >"$work/watch.out" &
wpid=$!
for _ in $(seq 100); do
	[ -s "$work/watch.out" ] && break
	sleep 0.05
done
xenstore-write /compat/w/x 1
for _ in $(seq 100); do
	kill -0 $wpid 2>/dev/null || break
	sleep 0.05
done
kill $wpid 2>/dev/null && fail "xenstore-watch did not get its second event"
wait $wpid || true
expect watch "/compat/w
/compat/w/x" "$(cat "$work/watch.out")"

xenstore-rm /compat/b || fail "xenstore-rm"
if xenstore-exists /compat/b/c 2>/dev/null; then fail "xenstore-rm left the child"; fi
xenstore-rm /compat/nothing || fail "xenstore-rm of a missing node with a parent"
if xenstore-rm /compat/no/thing 2>/dev/null; then fail "xenstore-rm without a parent"; fi
xenstore-rm -t /compat/a 2>/dev/null || true

# CONTROL through Xen's xenstore-control
expect control "OK" "$(/usr/lib/xen-4.17/bin/xenstore-control check)"

# Xen's own test suite, every test.
/usr/lib/xen-4.17/bin/test-xenstore >"$work/test-xenstore.out" 2>&1 ||
	fail "test-xenstore: $(cat "$work/test-xenstore.out")"
n=$(grep -c ' ns' "$work/test-xenstore.out" || true)
expect "test-xenstore tests passed" 12 "$n"
if grep -q failed "$work/test-xenstore.out"; then fail "test-xenstore: $(cat "$work/test-xenstore.out")"; fi
# and a few seconds of its random mode, iterated
timeout 60 /usr/lib/xen-4.17/bin/test-xenstore -r 2 -i 3 >"$work/random.out" 2>&1 ||
	fail "test-xenstore -r: $(cat "$work/random.out")"

# Quotas from the command line, Xen's -W/--watch-nb included, read back with GET_QUOTA.
get_quota() { # get_quota NAME: the value, or "error ENAME"
	python3 - "$XENSTORED_PATH" "$1" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
p = sys.argv[2].encode() + b"\0"
s.sendall(struct.pack("<4I", 25, 1, 0, len(p)) + p)  # GET_QUOTA
t, _, _, n = struct.unpack("<4I", s.recv(16, socket.MSG_WAITALL))
print(("" if t == 25 else "error ") + s.recv(n, socket.MSG_WAITALL).rstrip(b"\0").decode())
PY
}
expect "default watch quota" 128 "$(get_quota watches)"
kill "$pid" && wait "$pid" || true
start -W 7 --quota transactions=3
expect "-W" 7 "$(get_quota watches)"
expect "--quota" 3 "$(get_quota transactions)"
kill "$pid" && wait "$pid" || true
start --watch-nb 0
expect "--watch-nb 0 (no limit)" 0 "$(get_quota watches)"
"$daemon" --db "$work/db2" -W x >/dev/null 2>&1 && fail "-W x accepted"
"$daemon" --db "$work/db2" --quota watches=-1 >/dev/null 2>&1 && fail "--quota watches=-1 accepted"

echo "compat: xenstore-utils and test-xenstore pass"

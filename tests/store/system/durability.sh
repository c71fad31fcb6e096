#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Durability test: every acknowledged write survives kill -9 of keel-xenstored, the whole
# tree survives a restart, and a damaged database stops the daemon with a clear error.
# usage: durability.sh path/to/keel-xenstored
set -euo pipefail

daemon=$1
work=$(mktemp -d /tmp/keel-xs-durability.XXXXXX)
export XENSTORED_PATH=$work/socket
pid=
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	cat "$work/log" >&2 || true
	exit 1
}

start() {
	rm -f "$XENSTORED_PATH"
	"$daemon" --db "$work/db" >>"$work/log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		[ -S "$XENSTORED_PATH" ] && return 0
		kill -0 "$pid" 2>/dev/null || fail "daemon exited at start"
		sleep 0.05
	done
	fail "daemon did not create its socket"
}

start
# A writer that records each acknowledged write; killed at a random moment.
(
	i=0
	while :; do
		xenstore-write "/dur/k$((i % 50))" "v$i" 2>/dev/null && echo "$i" >"$work/acked"
		i=$((i + 1))
	done
) &
writer=$!
sleep 1.5
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
pid=
kill "$writer" 2>/dev/null || true
wait "$writer" 2>/dev/null || true
last=$(cat "$work/acked")
[ "$last" -gt 10 ] || fail "too few writes acknowledged ($last)"

start
# The last acknowledged write (and the 49 before it) must be there.
for j in $(seq $((last > 49 ? last - 49 : 0)) "$last"); do
	got=$(xenstore-read "/dur/k$((j % 50))") || fail "k$((j % 50)) lost after kill -9"
	# a write that was sent but not acknowledged may have landed too: never older
	n=${got#v}
	[ "$n" -ge "$j" ] || fail "/dur/k$((j % 50)) = $got, acknowledged v$j was lost"
done
xenstore-write /dur/tree/a/b/c deep
kill "$pid"
wait "$pid" || fail "daemon did not stop cleanly on SIGTERM"
pid=
start
[ "$(xenstore-read /dur/tree/a/b/c)" == deep ] || fail "tree lost across restart"
kill "$pid"
wait "$pid" || true
pid=

# A damaged database: the daemon refuses to start and says why; the file is left alone.
size=$(stat -c %s "$work/db")
dd if=/dev/urandom of="$work/db" bs=4096 seek=1 count=2 conv=notrunc status=none
cp "$work/db" "$work/db.before"
if "$daemon" --db "$work/db" >"$work/bad.log" 2>&1; then
	fail "daemon started on a damaged database"
fi
grep -q "keel-xenstored: cannot use database" "$work/bad.log" || fail "no clear error: $(cat "$work/bad.log")"
cmp -s "$work/db" "$work/db.before" || fail "the damaged database was modified"
# Not a database at all.
head -c 10000 /dev/zero | tr '\0' 'x' >"$work/junk"
if "$daemon" --db "$work/junk" >"$work/junk.log" 2>&1; then fail "daemon started on junk"; fi
grep -q "not a database" "$work/junk.log" || fail "no clear error for junk: $(cat "$work/junk.log")"
echo "durability: acknowledged writes ($last) survived kill -9; damaged databases refused (size $size)"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The fan-out benchmark (1000 connections x 1 watch, 100 writes) run N times, one line per
# run: the load average and emulators running at its start, then mean, p99 and worst (ms)
# from the write's acknowledgement to the last event read, for 1 and 2 reader threads; and
# how many runs kept the worst under 5 ms. Prints numbers; asserts nothing.
# usage: fanout-runs.sh [N [path/to/keel-xenstore-bench [bench options, e.g. --daemon D]]]
set -euo pipefail
n=${1:-10}
bench=${2:-$(dirname "$0")/../../build/bin/keel-xenstore-bench}
shift $(($# < 2 ? $# : 2))
ok1=0 ok2=0
for i in $(seq "$n"); do
	emus=$(pgrep -c -x bochs-bin || true)
	"$bench" --only fanout "$@" | awk -v run="$i" -v emus="$emus" '
		/load average at start/ { load = $5 }
		/1 reader: ack/ { m1 = $9; p1 = $13; w1 = $15 }
		/2 readers: ack/ { m2 = $9; p2 = $13; w2 = $15 }
		END { printf "run %2d  load %5s  emulators %s  1 reader: %5.2f mean %5.2f p99 %6.2f worst" \
		      "  | 2 readers: %5.2f mean %5.2f p99 %6.2f worst\n", run, load, emus, m1, p1, w1, m2, p2, w2 }'
done | awk '{ print } $13 + 0 < 5 { a++ } $22 + 0 < 5 { b++ }
	END { printf "worst < 5 ms: %d of %d runs with 1 reader, %d of %d with 2\n", a, NR, b, NR }'

#!/bin/sh
# SPDX-License-Identifier: MIT
# keel-fpu-check on the host (label unit): PASS with exit 0 when nothing disturbs the
# registers, and FAIL with exit 1, naming the register, when a worker clobbers its own AVX
# upper halves or x87 stack on purpose. Usage: fpu_check_test.sh PATH-TO-keel-fpu-check
set -u
check=$1
status=0

# expect EXIT REGEX ARGS...: the program exits EXIT and prints one line matching REGEX.
expect() {
	want=$1 regex=$2
	shift 2
	out=$("$check" --iterations=200 --spins=5000 "$@")
	got=$?
	echo "$* -> exit $got: $out"
	if [ "$got" != "$want" ] || ! printf '%s\n' "$out" | grep -Eq "$regex"; then
		echo "FAIL: expected exit $want and a line matching /$regex/"
		status=1
	fi
}

expect 0 '^KEEL-FPU: PASS [0-9]+ processes on [0-9]+ CPUs, [0-9]+ iterations, [1-9][0-9]* context switches.*, 0 mismatches$'
expect 1 '^KEEL-FPU: FAIL .*1 mismatches: worker 0 iteration 100: ymm0 lane 4 is 0, not ' --corrupt=avx
expect 1 '^KEEL-FPU: FAIL .*1 mismatches: worker 0 iteration 100: x87 register 0 is -?nan, not 100$' --corrupt=x87
expect 2 '^$' --iterations=x
exit $status

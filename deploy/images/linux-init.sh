#!/bin/sh
# SPDX-License-Identifier: MIT
# /init of the Debian-kernel test guest (packed by deploy/images/linux-guest). It prints a
# marker, runs the checks the kernel command line asks for, prints the "Test result:" line
# Keel's self-test mode reads, and then powers off, reboots or panics as keel.action= says.
#   keel.hotplug=N  take cpu1 offline and online again N times, then run a process on it
#   keel.fpu        keel-fpu-check (AVX/x87 state across switches) and float arithmetic
#                   in several shell children at once
export PATH=/bin
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox --install -s /bin

# The guest's uptime, for the marker lines: how long each check took.
uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

online_cpus() {
	grep -c ^processor /proc/cpuinfo
}

cpus=$(online_cpus)
echo "KEEL-LINUX-MARKER: /init reached on $(uname -r) with $cpus CPU(s), up $(uptime_s) s"

action=poweroff hotplug=0 fpu=no
for word in $(cat /proc/cmdline); do
	case "$word" in
	keel.action=*) action=${word#*=} ;;
	keel.hotplug=*) hotplug=${word#*=} ;;
	keel.fpu) fpu=yes ;;
	esac
done

result=PASS
fail() {
	echo "KEEL-CHECK-FAIL: $*"
	result=FAIL
}

# Issue 12 item 6: an event-channel port reused with its pending bit still set made the
# kernel BUG in dummy_handler when cpu1 came back.
hotplug_check() {
	cpu1=/sys/devices/system/cpu/cpu1/online
	if [ ! -w $cpu1 ]; then
		fail "hotplug: $cpu1 is not writable"
		return
	fi
	start=$(uptime_s)
	# Two busy loops, free to migrate, keep both CPUs ticking and sending each other
	# reschedule IPIs, so cpu1's ports have events pending when they are closed.
	busy=
	for i in 1 2; do
		(while :; do :; done) &
		busy="$busy $!"
	done
	round=1
	while [ "$round" -le "$1" ]; do
		echo 0 >$cpu1 || fail "hotplug round $round: writing 0 to $cpu1 failed"
		[ "$(cat $cpu1)" = 0 ] && [ "$(online_cpus)" = 1 ] ||
			fail "hotplug round $round: cpu1 still online"
		echo 1 >$cpu1 || fail "hotplug round $round: writing 1 to $cpu1 failed"
		[ "$(cat $cpu1)" = 1 ] && [ "$(online_cpus)" = 2 ] ||
			fail "hotplug round $round: cpu1 not back online"
		echo "KEEL-HOTPLUG: round $round: cpu1 offline and online again"
		round=$((round + 1))
	done
	kill $busy
	# Field 39 of /proc/PID/stat: the CPU the process last ran on.
	ran_on=$(taskset -c 1 awk '{ print $39 }' /proc/self/stat)
	[ "$ran_on" = 1 ] || fail "hotplug: a process pinned to cpu1 ran on cpu '$ran_on'"
	echo "KEEL-HOTPLUG: $1 rounds done; a process pinned to cpu1 ran on cpu $ran_on;" \
		"online: $(cat /sys/devices/system/cpu/online); uptime $start-$(uptime_s) s"
}

# Issue 12 item 7: user processes lost their AVX state (XSAVEC offered but broken in Bochs).
fpu_check() {
	start=$(uptime_s)
	if [ -x /bin/keel-fpu-check ]; then
		keel-fpu-check --iterations=300 --spins=20000 --max-seconds=60 ||
			fail "keel-fpu-check"
	else
		fail "fpu: keel-fpu-check is not in this image (build its CMake target)"
	fi
	echo "KEEL-FPU-TIME: uptime $start-$(uptime_s) s"
	# The harmonic number H(1000) in double (SSE), alone and in four children at once.
	harmonic='BEGIN { s = 0; for (i = 1; i <= 1000; i++) s += 1 / i; printf "%.12f\n", s }'
	alone=$(awk "$harmonic")
	together=$(
		for c in 0 1 0 1; do taskset -c $((c % cpus)) awk "$harmonic" & done
		wait
	)
	[ "$alone" = 7.485470860550 ] || fail "fpu: H(1000) came out as $alone"
	set -- $together
	[ $# = 4 ] || fail "fpu: $# of 4 children printed H(1000)"
	for h in $together; do
		[ "$h" = "$alone" ] || fail "fpu: H(1000) in a child came out as $h"
	done
	echo "KEEL-FPU-SHELL: H(1000) = $alone, in 4 children:" $together "(up $(uptime_s) s)"
}

[ "$hotplug" -gt 0 ] 2>/dev/null && hotplug_check "$hotplug"
[ "$fpu" = yes ] && fpu_check

# The result line Keel's self-test mode looks for; what follows is the test's second half.
echo "Test result: $result linux-init"
case "$action" in
reboot) echo "keel: rebooting"; reboot -f ;;
panic) echo "keel: panicking"; echo c >/proc/sysrq-trigger ;;
*) echo "keel: powering off"; poweroff -f ;;
esac
sleep 1000

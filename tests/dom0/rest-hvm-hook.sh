# SPDX-License-Identifier: MIT
# dom0.d hook of the REST HVM phase of emu_hvm (rest_hvm.py, from the host through the API;
# runs with keel.test=qemu): what only dom0 sees of the two runs of the guest controld starts
# with boot.type hvm (domain rest-hvm): its QEMU, the user it runs as (qemu_user_base + domid),
# its chroot, -xen-domid-restrict in its command line, its tap on the bridge;
# in the second run controld is restarted under the running guest (QEMU must outlive it and
# be adopted), then QEMU is killed (SIGKILL), as a device model that dies;
# after each run no QEMU, no device-model node and no tap are left. Lines "rest-hvm-hook:".

# The pid of a QEMU with "-name rest-hvm" other than $1, or nothing.
rest_hvm_qemu() {
	for p in $(pidof xen-qemu-system-i386); do
		[ "$p" = "$1" ] && continue
		case "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" in
		*"-name rest-hvm "*)
			echo "$p"
			return
			;;
		esac
	done
}

# controld stopped (SIGTERM) and started again, as dom0/init starts it.
rest_hvm_restart_controld() {
	old=$(pidof keel-controld)
	kill "$old"
	while kill -0 "$old" 2>/dev/null; do usleep 100000; done
	setsid keel-controld --config /etc/keel/controld.conf </dev/null >/dev/console 2>&1 &
	n=300
	until netstat -ltn | grep -q ':18443 ' || [ "$n" -eq 0 ]; do
		usleep 100000
		n=$((n - 1))
	done
	echo "rest-hvm-hook: run 2: controld $old restarted as $(pidof keel-controld)"
}

rest_hvm_watch() {
	prev=
	# Cheap until controld starts its first device model (it makes the socket directory).
	while [ ! -d /run/keel/qemu ]; do sleep 2; done
	for run in 1 2; do
		q=
		for i in $(seq 1200); do
			q=$(rest_hvm_qemu "$prev")
			[ -n "$q" ] && break
			sleep 1
		done
		[ -n "$q" ] || { echo "rest-hvm-hook: FAIL no QEMU for run $run"; return; }
		prev=$q
		d=$(tr '\0' '\n' <"/proc/$q/cmdline" | sed -n '/^-xen-domid$/{n;p;q}')
		node=/local/domain/0/device-model/$d
		tap=vif$d.0-emu
		# Restricted, QEMU cannot say "running" in xenstore: controld learns it over QMP and
		# then bridges the tap (and unpauses the guest).
		for i in $(seq 600); do
			[ -e "/sys/class/net/$tap/master" ] && break
			kill -0 "$q" 2>/dev/null || break
			sleep 0.5
		done
		sleep 1
		uid=$(awk '/^Uid:/ {print $2}' "/proc/$q/status" 2>/dev/null)
		gid=$(awk '/^Gid:/ {print $2}' "/proc/$q/status" 2>/dev/null)
		br=$(readlink "/sys/class/net/$tap/master" 2>/dev/null)
		root=$(readlink "/proc/$q/root" 2>/dev/null)
		restrict=no
		tr '\0' '\n' <"/proc/$q/cmdline" | grep -qx -- -xen-domid-restrict && restrict=yes
		st=$(xenstore-read "$node/state" 2>/dev/null)
		# Two lines: dom0's console breaks longer ones.
		echo "rest-hvm-hook: run $run: QEMU pid $q for domain $d, uid ${uid:-?}, gid ${gid:-?}, root ${root:-?}, tap $tap on ${br##*/}"
		echo "rest-hvm-hook: run $run: restrict $restrict, xenstore state ${st:-none}"
		if [ "$run" = 2 ]; then
			rest_hvm_restart_controld
			sleep 8 # the new controld adopts the guest and its QEMU
			kill -0 "$q" 2>/dev/null && echo "rest-hvm-hook: run 2: QEMU pid $q outlived controld"
			echo "rest-hvm-hook: run 2: killing QEMU pid $q (SIGKILL)"
			kill -9 "$q"
		fi
		for i in $(seq 600); do
			kill -0 "$q" 2>/dev/null || xenstore-exists "$node" 2>/dev/null ||
				[ -e "/sys/class/net/$tap" ] || [ -e "/run/keel/qemu/root-$d" ] || break
			sleep 0.5
		done
		left=
		kill -0 "$q" 2>/dev/null && left="$left QEMU"
		xenstore-exists "$node" 2>/dev/null && left="$left device-model-node"
		[ -e "/sys/class/net/$tap" ] && left="$left tap"
		[ -e "/run/keel/qemu/root-$d" ] && left="$left chroot"
		echo "rest-hvm-hook: run $run: after the guest: ${left:-nothing} left"
	done
}

if grep -qw keel.test=qemu /proc/cmdline; then
	(rest_hvm_watch >/dev/console 2>&1 &)
fi

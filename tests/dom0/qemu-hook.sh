# SPDX-License-Identifier: MIT
# dom0.d hook of the QEMU test (sourced by dom0/init; runs with keel.test=qemu on the kernel
# command line), after the ioreq test's device model is done. Two HVM domains, each with
# Debian's qemu-system-xen as its device model, started as libxl starts it (xenfv machine, no
# display). Lines start "hvm-qemu:" and "hvm-firmware:".

# serial_lines TAG N [all]: prints the lines of TAG's serial log after the first N, prefixed
# (a last line without its newline only with "all"), and records how many it has printed in
# /run/TAG-serial.seen.
serial_lines() {
	log=/run/$1-serial.log
	total=$(grep -c '' "$log" 2>/dev/null) || total=0
	[ "$3" = all ] || [ "$(tail -c 1 "$log" 2>/dev/null)" = "" ] || total=$((total - 1))
	[ "$total" -gt "$2" ] && sed -n "$(($2 + 1)),${total}p" "$log" | sed "s/^/$1: serial: /"
	echo "$total" >"/run/$1-serial.seen"
}

# follow_serial TAG: TAG's serial log as it grows, once a second, until /run/TAG-serial.stop
# exists; then the rest of it.
follow_serial() {
	echo 0 >"/run/$1-serial.seen"
	until [ -e "/run/$1-serial.stop" ]; do
		serial_lines "$1" "$(cat "/run/$1-serial.seen")"
		sleep 1
	done
	serial_lines "$1" "$(cat "/run/$1-serial.seen")" all
}

# run_with_qemu TAG DOMID MIB [QEMU ARGS...]: what a toolstack does around a device model
# (waiting QEMU_WAIT_S seconds of dom0's time, default 900, for the domain to end):
# QEMU's device-model node removed first (a domid is reused: a stale "running" would let the
# guest start before QEMU), QEMU started, the domain unpaused once QEMU says "running", waited
# for until it ends; then QEMU gets SIGTERM (it destroys its ioreq server and exits) before the
# domain is destroyed and the nodes removed.
run_with_qemu() {
	tag=$1 d=$2 mib=$3
	shift 3
	t0=$(cut -d' ' -f1 /proc/uptime)
	xenstore-rm "/local/domain/0/device-model/$d" 2>/dev/null
	/usr/libexec/xen-qemu-system-i386 -xen-domid "$d" -no-shutdown -nodefaults \
		-no-user-config -name "$tag" -display none -serial "file:/run/$tag-serial.log" \
		-machine xenfv,suppress-vmdesc=on -m "$mib" "$@" >"/run/$tag-qemu.out" 2>&1 &
	q=$!
	state=
	for i in $(seq 600); do
		state=$(xenstore-read "/local/domain/0/device-model/$d/state" 2>/dev/null)
		[ "$state" = running ] && break
		kill -0 "$q" 2>/dev/null || break
		sleep 0.5
	done
	echo "$tag: device model state '$state' after $(awk -v a="$t0" '{print $1 - a}' /proc/uptime) s"
	sed "s/^/$tag: qemu: /" "/run/$tag-qemu.out"
	# The guest's serial output as it comes (a guest that hangs still shows how far it got).
	rm -f "/run/$tag-serial.stop"
	follow_serial "$tag" &
	follow=$!
	/usr/libexec/keel/ioreq-dm unpause "$d"
	t0=$(cut -d' ' -f1 /proc/uptime)
	echo "$tag: domain $(/usr/libexec/keel/ioreq-dm wait-end "$d" "${QEMU_WAIT_S:-900}")"
	echo "$tag: from unpause to the end $(awk -v a="$t0" '{print $1 - a}' /proc/uptime) s of dom0 time"
	touch "/run/$tag-serial.stop"
	wait "$follow"
	kill -TERM "$q" 2>/dev/null
	for i in $(seq 60); do kill -0 "$q" 2>/dev/null || break; sleep 0.5; done
	if kill -0 "$q" 2>/dev/null; then
		echo "$tag: device model stopped by SIGKILL"
		kill -9 "$q"
	else
		echo "$tag: device model exited"
	fi
	/usr/libexec/keel/ioreq-dm destroy "$d"
	xenstore-rm "/local/domain/0/device-model/$d" "/local/domain/$d" 2>/dev/null
	sed "s/^/$tag: qemu: /" "/run/$tag-qemu.out" | tail -n 5
	echo "$tag: done"
}

# The qemudev test guest finds QEMU's chipset and powers off through QEMU's ACPI.
qemu_test() {
	d=$(/usr/libexec/keel/ioreq-dm build qemu-hvm /usr/lib/keel/guests/qemudev.elf) || {
		echo "hvm-qemu: FAIL building the domain"; return; }
	echo "hvm-qemu: domain $d built"
	run_with_qemu hvm-qemu "$d" 32
}

# firmware_domain TAG MIB: a paused HVM domain that starts in Debian's hvmloader and SeaBIOS as
# Xen's toolstack starts them (hvmloader/* and platform/* in xenstore, SeaBIOS as module
# "firmware"); prints its id. hvmloader's and SeaBIOS's own lines go to Keel's console (port 0xE9).
firmware_domain() {
	fd=$(/usr/libexec/keel/ioreq-dm build-firmware "$1" "$2" \
		/usr/lib/xen-4.17/boot/hvmloader firmware=/usr/share/seabios/bios-256k.bin) || return 1
	/usr/libexec/keel/ioreq-dm introduce "$fd" || return 1
	home=/local/domain/$fd
	xenstore-write "$home/hvmloader/bios" seabios "$home/hvmloader/allow-memory-relocate" 0 \
		"$home/platform/acpi" 1 "$home/platform/acpi_s3" 0 "$home/platform/acpi_s4" 0 \
		"$home/platform/device-model" qemu_xen || return 1
	xenstore-chmod -r "$home" "n$fd" || return 1
	echo "$fd"
}

# QEMU with an IDE disk whose boot sector (tests/hypervisor/guests/hvm/mbr.S) says where it is
# and powers off through ACPI.
firmware_test() {
	dd if=/dev/zero of=/run/hvm-disk.img bs=1M count=1 2>/dev/null
	dd if=/usr/lib/keel/guests/mbr.bin of=/run/hvm-disk.img conv=notrunc 2>/dev/null
	d=$(firmware_domain hvmloader-hvm 64) || {
		echo "hvm-firmware: FAIL building the domain"; return; }
	echo "hvm-firmware: domain $d built"
	run_with_qemu hvm-firmware "$d" 64 \
		-drive file=/run/hvm-disk.img,if=ide,index=0,media=disk,format=raw -boot order=c
}

wait_ioreq_test() {
	while [ -e /run/keel-ioreq-test ]; do sleep 1; done
}
if grep -qw keel.test=qemu /proc/cmdline; then
	( (wait_ioreq_test; qemu_test; firmware_test) >/dev/console 2>&1 &)
fi

# SPDX-License-Identifier: MIT
# dom0.d hook of the QEMU test (sourced by dom0/init; runs with keel.test=qemu on the kernel
# command line): first an HVM domain with the qemudev test guest, Debian's qemu-system-xen as its
# device model (xenfv machine, as libxl starts it, without display), unpaused once QEMU says
# "running" in xenstore; the guest powers off through QEMU's ACPI. Lines start "hvm-qemu:".
qemu_test() {
	log=/run/qemu-serial.log
	domid=$(/usr/libexec/keel/ioreq-dm build qemu-hvm /usr/lib/keel/guests/qemudev.elf) || {
		echo "hvm-qemu: FAIL building the domain"; return; }
	echo "hvm-qemu: domain $domid built"
	t0=$(cut -d' ' -f1 /proc/uptime)
	xenstore-rm "/local/domain/0/device-model/$domid" 2>/dev/null # a domid is reused
	/usr/libexec/xen-qemu-system-i386 -xen-domid "$domid" -no-shutdown -nodefaults \
		-no-user-config -name qemu-hvm -display none -serial "file:$log" \
		-machine xenfv,suppress-vmdesc=on -m 32 >/run/qemu.out 2>&1 &
	qemu=$!
	state=
	for i in $(seq 600); do
		state=$(xenstore-read "/local/domain/0/device-model/$domid/state" 2>/dev/null)
		[ "$state" = running ] && break
		kill -0 "$qemu" 2>/dev/null || break
		sleep 0.5
	done
	echo "hvm-qemu: device model state '$state' after $(awk -v a="$t0" '{print $1 - a}' /proc/uptime) s"
	sed 's/^/hvm-qemu: qemu: /' /run/qemu.out
	/usr/libexec/keel/ioreq-dm unpause "$domid"
	echo "hvm-qemu: domain $(/usr/libexec/keel/ioreq-dm wait-end "$domid" 300)"
	sed 's/^/hvm-qemu: serial: /' "$log"
	# As the toolstack does when a guest has ended: the device model goes first (SIGTERM:
	# QEMU destroys its ioreq server and exits), then the domain.
	kill -TERM "$qemu" 2>/dev/null
	for i in $(seq 60); do kill -0 "$qemu" 2>/dev/null || break; sleep 0.5; done
	if kill -0 "$qemu" 2>/dev/null; then
		echo "hvm-qemu: device model stopped by SIGKILL"
		kill -9 "$qemu"
	else
		echo "hvm-qemu: device model exited"
	fi
	/usr/libexec/keel/ioreq-dm destroy "$domid"
	xenstore-rm "/local/domain/0/device-model/$domid" 2>/dev/null
	sed 's/^/hvm-qemu: qemu: /' /run/qemu.out | tail -n 5
	echo "hvm-qemu: done"
}

# Then Debian's hvmloader and SeaBIOS as Xen's toolstack starts them (hvmloader/* and
# platform/* in xenstore, SeaBIOS as module "firmware"), QEMU with an IDE disk whose boot
# sector (tests/hypervisor/guests/hvm/mbr.S) says where it is and powers off through ACPI.
# Lines start "hvm-firmware:"; hvmloader's and SeaBIOS's own go to Keel's console (0xE9).
firmware_test() {
	dd if=/dev/zero of=/run/hvm-disk.img bs=1M count=1 2>/dev/null
	dd if=/usr/lib/keel/guests/mbr.bin of=/run/hvm-disk.img conv=notrunc 2>/dev/null
	d=$(/usr/libexec/keel/ioreq-dm build-firmware hvmloader-hvm 64 \
		/usr/lib/xen-4.17/boot/hvmloader firmware=/usr/share/seabios/bios-256k.bin) || {
		echo "hvm-firmware: FAIL building the domain"; return; }
	/usr/libexec/keel/ioreq-dm introduce "$d" || echo "hvm-firmware: FAIL introducing $d"
	home=/local/domain/$d
	xenstore-write "$home/hvmloader/bios" seabios "$home/hvmloader/allow-memory-relocate" 0 \
		"$home/platform/acpi" 1 "$home/platform/acpi_s3" 0 "$home/platform/acpi_s4" 0 \
		"$home/platform/device-model" qemu_xen
	xenstore-chmod -r "$home" "n$d"
	echo "hvm-firmware: domain $d built"
	xenstore-rm "/local/domain/0/device-model/$d" 2>/dev/null # a domid is reused
	/usr/libexec/xen-qemu-system-i386 -xen-domid "$d" -no-shutdown -nodefaults \
		-no-user-config -name hvmloader-hvm -display none -serial file:/run/fw-serial.log \
		-drive file=/run/hvm-disk.img,if=ide,index=0,media=disk,format=raw -boot order=c \
		-machine xenfv,suppress-vmdesc=on -m 64 >/run/fw-qemu.out 2>&1 &
	q=$!
	for i in $(seq 600); do
		[ "$(xenstore-read "/local/domain/0/device-model/$d/state" 2>/dev/null)" = running ] && break
		kill -0 "$q" 2>/dev/null || break
		sleep 0.5
	done
	sed 's/^/hvm-firmware: qemu: /' /run/fw-qemu.out
	/usr/libexec/keel/ioreq-dm unpause "$d"
	t0=$(cut -d' ' -f1 /proc/uptime)
	echo "hvm-firmware: domain $(/usr/libexec/keel/ioreq-dm wait-end "$d" 900)"
	echo "hvm-firmware: from unpause to the end $(awk -v a="$t0" '{print $1 - a}' /proc/uptime) s of dom0 time"
	sed 's/^/hvm-firmware: serial: /' /run/fw-serial.log
	kill -TERM "$q" 2>/dev/null
	for i in $(seq 60); do kill -0 "$q" 2>/dev/null || break; sleep 0.5; done
	/usr/libexec/keel/ioreq-dm destroy "$d"
	xenstore-rm "/local/domain/0/device-model/$d" "/local/domain/$d" 2>/dev/null
	echo "hvm-firmware: done"
}
wait_ioreq_test() {
	while [ -e /run/keel-ioreq-test ]; do sleep 1; done
}
if grep -qw keel.test=qemu /proc/cmdline; then
	( (wait_ioreq_test; qemu_test; firmware_test) >/dev/console 2>&1 &)
fi

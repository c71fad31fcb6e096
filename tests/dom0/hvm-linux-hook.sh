# SPDX-License-Identifier: MIT
# dom0.d hook of the HVM Linux test (sourced by dom0/init after qemu-hook.sh, whose
# firmware_domain and run_with_qemu it uses; runs with keel.test=hvmlinux on the kernel command
# line): the disk deploy/images/hvm-guest builds, booted by hvmloader, SeaBIOS and SYSLINUX
# from QEMU's IDE disk into Debian's unmodified kernel. Lines start "hvm-linux-MODE:".
HVM_GUEST=/usr/lib/keel/hvm-guest

# hvm_linux MODE: one boot of the entry MODE (nopv: no Xen enlightenments).
hvm_linux() {
	tag=hvm-linux-$1 mib=128
	d=$(firmware_domain "$tag" $mib) || {
		echo "$tag: FAIL building the domain"; return; }
	echo "$tag: domain $d built"
	run_with_qemu "$tag" "$d" $mib -boot order=c \
		-drive "file=$HVM_GUEST/$1.qcow2,if=ide,index=0,media=disk,format=qcow2"
}

if grep -qw keel.test=hvmlinux /proc/cmdline; then
	( (hvm_linux nopv) >/dev/console 2>&1 &)
fi

# SPDX-License-Identifier: MIT
# dom0.d hook of the ioreq emulator test (sourced by dom0/init): with keel.test=ioreq on the
# kernel command line, the test device model builds and serves the ioreq test guest in the
# background (ioreq_dm.c); its lines reach Keel's serial log through dom0's console.
# /run/keel-ioreq-test exists while it runs (the QEMU hook waits for it: host memory
# accounting).
if grep -qw keel.test=ioreq /proc/cmdline; then
	touch /run/keel-ioreq-test
	( (/usr/libexec/keel/ioreq-dm /usr/lib/keel/guests/ioreq.elf; rm -f /run/keel-ioreq-test) \
		>/dev/console 2>&1 &)
fi

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The HVM test guest's disk (deploy/images/hvm-guest) booted by plain QEMU (TCG, `-machine pc`,
no Xen), so the image is known good apart from Keel: SeaBIOS boots SYSLINUX from the IDE disk,
Debian's kernel (byte for byte the package's) runs /init, which finds the disk, reads it with
dd and powers off through ACPI (QEMU exits by itself). The default disk.img is booted from
QEMU's IDE disk (ata_piix), the nopv.qcow2 overlay from an AHCI disk (ahci, as Keel's
emu_hvm_linux boots it); without Xen both entries take the emulated path.
Usage: hvm_guest_qemu.py BUILD_DIR
"""
import os
import re
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(SRC, "deploy", "images"))
import debian_image  # noqa: E402

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(SRC, "build"))
IMAGES = os.path.join(BUILD, "boot", "hvm-guest")
BOOT_LIMIT_S = 90
# (what, regex) in the order the serial log must show them.
EXPECT = [("SYSLINUX on the serial port", r"^SYSLINUX \d"),
          ("the marker", r"^keel-hvm-guest: Linux \S+ up after [\d.]+ s, mode %(mode)s$"),
          ("the disk's driver", r"^keel-hvm-guest: disk sda driver %(driver)s size \d+ MiB$"),
          ("a read rate", r"^keel-hvm-guest: dd sda \d+ MiB in [\d.]+ s: [\d.]+ MB/s$"),
          ("init's last line", r"^keel-hvm-guest: powering off")]

failures = []


def check(ok, what):
    print("%s: %s" % ("ok" if ok else "FAIL", what))
    if not ok:
        failures.append(what)


def kernel_unmodified(disk):
    root, version = debian_image.kernel_tree(os.path.join(BUILD, "linux"))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "vmlinuz")
        subprocess.run(["mcopy", "-i", disk, "::vmlinuz", out], check=True,
                       env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))
        ours = open(out, "rb").read()
    return ours == open(os.path.join(root, "boot", "vmlinuz-" + version), "rb").read()


IDE = "file=%s,if=ide,format=%s,snapshot=on"
AHCI = "id=hd,if=none,file=%s,format=%s,snapshot=on -device ahci,id=ahci -device ide-hd,drive=hd,bus=ahci.0"


def boot(image, fmt, mode, driver, drive):
    log = os.path.join(BUILD, "tests", "hvm-guest-%s.log" % mode)
    kernel_log = os.path.join(BUILD, "tests", "hvm-guest-%s-e9.log" % mode)
    os.makedirs(os.path.dirname(log), exist_ok=True)
    for f in (log, kernel_log):
        if os.path.exists(f):
            os.remove(f)
    t0 = time.monotonic()
    try:
        rc = subprocess.run(["qemu-system-x86_64", "-machine", "pc", "-accel", "tcg", "-m", "256",
                             "-nodefaults", "-display", "none", "-no-reboot",
                             "-serial", "file:" + log, "-debugcon", "file:" + kernel_log,
                             "-drive"] + (drive % (image, fmt)).split(),
                            timeout=BOOT_LIMIT_S).returncode
    except subprocess.TimeoutExpired:
        rc = "timeout"
    took = time.monotonic() - t0
    text = open(log, errors="replace").read() if os.path.exists(log) else ""
    lines = text.splitlines()
    print("--- %s (%.1f s) ---\n%s---" % (log, took, text))
    check(rc == 0, "%s: QEMU exited by itself within %d s (%s)" % (mode, BOOT_LIMIT_S, rc))
    at = 0
    for what, regex in EXPECT:
        regex = regex % {"mode": mode, "driver": driver}
        found = next((i for i in range(at, len(lines)) if re.search(regex, lines[i])), None)
        check(found is not None, "%s: %s, in order (/%s/)" % (mode, what, regex))
        at = found if found is not None else at
    klog = open(kernel_log, errors="replace").read() if os.path.exists(kernel_log) else ""
    check(re.search(r"^\[ *[\d.]+\] Linux version ", klog, re.M),
          "%s: the kernel's log on port 0xE9 (earlycon)" % mode)
    check(re.search(r"reboot: Power down", klog), "%s: ACPI power-off in the kernel's log" % mode)
    check(not re.search(r"Kernel panic|BUG:|Oops", text + klog), "%s: no panic or oops" % mode)


def main():
    disk = os.path.join(IMAGES, "disk.img")
    check(kernel_unmodified(disk), "the disk's vmlinuz is the Debian package's, unchanged")
    boot(disk, "raw", "pvhvm", "ata_piix", IDE)
    boot(os.path.join(IMAGES, "nopv.qcow2"), "qcow2", "nopv", "ahci", AHCI)
    if failures:
        print("FAILED: %d check(s)" % len(failures))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())

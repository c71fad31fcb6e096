#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""dom0's image for the QEMU test: initramfs-test.cpio (make_test_initrd.py) followed by a
cpio archive with Debian's qemu-system-xen (/usr/libexec/xen-qemu-system-i386, installed by
deploy/setup.sh) and the shared libraries it needs, Xen's hvmloader and SeaBIOS, the qemudev
test guest, a boot sector and the hook that runs them (qemu-hook.sh, /etc/keel/dom0.d/85-qemu.sh). A separate image, so the other dom0
tests do not carry QEMU's 36 MB.
Usage: make_qemu_initrd.py BUILD_DIR QEMUDEV_ELF MBR_BIN  ->  BUILD_DIR/boot/dom0/initramfs-qemu.cpio
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(SRC, "deploy", "images"))
import debian_image  # noqa: E402

QEMU = "/usr/libexec/xen-qemu-system-i386"
# HVM firmware as Xen's toolstack loads it: hvmloader (xen-utils-4.17) and SeaBIOS (seabios).
FIRMWARE = ["/usr/lib/xen-4.17/boot/hvmloader", "/usr/share/seabios/bios-256k.bin"]


def main():
    build, guest, mbr = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    images = os.path.join(build, "boot", "dom0")
    if not os.path.exists(QEMU):
        print("%s missing: deploy/setup.sh installs qemu-system-xen" % QEMU, file=sys.stderr)
        return 1
    img = debian_image.Image()
    img.add(QEMU, open(QEMU, "rb").read(), 0o755)
    for lib in debian_image.shared_libraries([QEMU]):
        img.add(lib, open(os.path.realpath(lib), "rb").read(), 0o755)
    for f in FIRMWARE:
        img.add(f, open(f, "rb").read())
    img.add("usr/lib/keel/guests/qemudev.elf", open(guest, "rb").read())
    img.add("usr/lib/keel/guests/mbr.bin", open(mbr, "rb").read())
    img.add("etc/keel/dom0.d/85-qemu.sh", open(os.path.join(HERE, "qemu-hook.sh"), "rb").read())
    debian_image.write_appended(os.path.join(images, "initramfs-qemu.cpio"),
                                os.path.join(images, "initramfs-test.cpio"), img.entries)
    return 0


if __name__ == "__main__":
    sys.exit(main())

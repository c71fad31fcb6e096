#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""dom0's image for the QEMU test: initramfs-test.cpio (make_test_initrd.py; dom0's image
already has Debian's qemu-system-xen, hvmloader and SeaBIOS) followed by a cpio archive with
the qemudev test guest, a boot sector and the hook that runs them (qemu-hook.sh,
/etc/keel/dom0.d/85-qemu.sh) and the REST phase's hook (rest-hvm-hook.sh).
Usage: make_qemu_initrd.py BUILD_DIR QEMUDEV_ELF MBR_BIN  ->  BUILD_DIR/boot/dom0/initramfs-qemu.cpio
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(SRC, "deploy", "images"))
import debian_image  # noqa: E402


def main():
    build, guest, mbr = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    images = os.path.join(build, "boot", "dom0")
    img = debian_image.Image()
    img.add("usr/lib/keel/guests/qemudev.elf", open(guest, "rb").read())
    img.add("usr/lib/keel/guests/mbr.bin", open(mbr, "rb").read())
    img.add("etc/keel/dom0.d/85-qemu.sh", open(os.path.join(HERE, "qemu-hook.sh"), "rb").read())
    # The REST phase (rest_hvm.py): the hook that watches its QEMU from dom0. controld runs
    # with dom0's shipped config (QEMU deprivileged: qemu_user_base in dom0/controld.conf).
    img.add("etc/keel/dom0.d/86-rest-hvm.sh",
            open(os.path.join(HERE, "rest-hvm-hook.sh"), "rb").read())
    debian_image.write_appended(os.path.join(images, "initramfs-qemu.cpio"),
                                os.path.join(images, "initramfs-test.cpio"), img.entries)
    return 0


if __name__ == "__main__":
    sys.exit(main())

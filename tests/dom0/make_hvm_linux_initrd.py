#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""dom0's image for the HVM Linux test: initramfs-qemu.cpio (make_qemu_initrd.py: QEMU,
hvmloader, SeaBIOS and qemu-hook.sh) followed by a cpio archive with the HVM test guest's disk
(deploy/images/hvm-guest: disk.img and its overlays, in /usr/lib/keel/hvm-guest/) and the hook
that boots it (hvm-linux-hook.sh, /etc/keel/dom0.d/86-hvm-linux.sh, after qemu-hook.sh).
Usage: make_hvm_linux_initrd.py BUILD_DIR  ->  BUILD_DIR/boot/dom0/initramfs-hvm-linux.cpio
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(SRC, "deploy", "images"))
import debian_image  # noqa: E402

DISKS = ["disk.img", "nopv.qcow2", "both.qcow2"]


def main():
    build = os.path.abspath(sys.argv[1])
    images = os.path.join(build, "boot", "dom0")
    guest = os.path.join(build, "boot", "hvm-guest")
    img = debian_image.Image()
    for name in DISKS:
        img.add("usr/lib/keel/hvm-guest/" + name, open(os.path.join(guest, name), "rb").read())
    img.add("etc/keel/dom0.d/86-hvm-linux.sh",
            open(os.path.join(HERE, "hvm-linux-hook.sh"), "rb").read())
    debian_image.write_appended(os.path.join(images, "initramfs-hvm-linux.cpio"),
                                os.path.join(images, "initramfs-qemu.cpio"), img.entries)
    return 0


if __name__ == "__main__":
    sys.exit(main())

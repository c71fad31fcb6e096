#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""dom0's image for the dom0 emulator test: build/boot/dom0/initramfs.cpio followed by a
second cpio archive with the test's probes (Linux unpacks concatenated archives into one
root): /etc/keel/dom0.d/60-probe.sh (probe-hook.sh), /usr/libexec/keel/hypercall-probe, and
/etc/keel/dom0.d/70-guests.sh (guests-hook.sh: a fixed address and a port forward for the
guests test's web-serving guest, and a way to restart controld from the host).
/etc/keel/dom0.d/80-ioreq.sh (ioreq-hook.sh) with the test device model and its guest.
Usage: make_test_initrd.py BUILD_DIR PROBE_BINARY IOREQ_DM IOREQ_GUEST
  ->  BUILD_DIR/boot/dom0/initramfs-test.cpio
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(SRC, "deploy", "images"))
import debian_image  # noqa: E402


def main():
    build, probe, ioreq_dm, ioreq_guest = os.path.abspath(sys.argv[1]), *sys.argv[2:5]
    images = os.path.join(build, "boot", "dom0")
    img = debian_image.Image()
    for name, hook in (("60-probe.sh", "probe-hook.sh"), ("70-guests.sh", "guests-hook.sh"),
                       ("80-ioreq.sh", "ioreq-hook.sh")):
        img.add("etc/keel/dom0.d/" + name, open(os.path.join(HERE, hook), "rb").read())
    img.add("usr/libexec/keel/hypercall-probe", open(probe, "rb").read(), 0o755)
    img.add("usr/libexec/keel/ioreq-dm", open(ioreq_dm, "rb").read(), 0o755)
    img.add("usr/lib/keel/guests/ioreq.elf", open(ioreq_guest, "rb").read())
    debian_image.write_appended(os.path.join(images, "initramfs-test.cpio"),
                                os.path.join(images, "initramfs.cpio"), img.entries)
    return 0


if __name__ == "__main__":
    sys.exit(main())

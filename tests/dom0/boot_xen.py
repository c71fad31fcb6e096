#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boots Xen 4.17 (Debian's xen-hypervisor package) under QEMU TCG with Debian's kernel and
dom0's image (dom0/build-image) as its dom0, and checks that keel-xenstored serves dom0's own
kernel through /dev/xen/xenbus_backend on a real hypervisor: the daemon says so, init saw
the kernel's first write (control/feature-poweroff), and a store write reaches the kernel's
control/sysrq watch, which the kernel answers over the ring (tests/dom0/xenbus-hook.sh).
Usage: boot_xen.py BUILD_DIR
"""
import gzip
import os
import re
import shutil
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boot_qemu as bq  # noqa: E402

XEN = "/boot/xen-4.17-amd64.gz"  # xen-hypervisor-4.17-amd64 (deploy/setup.sh)
WORK = os.path.join(bq.BUILD, "tests", "dom0img-xen")
# smap=0 smep=0: under QEMU TCG, Xen 4.17's PV dom0 dies at its first bounce frame with
# SMAP on (#PF in create_bounce_frame); the hardware features are not what is tested here.
XEN_ARGS = "console=com1 com1=115200,8n1 dom0_mem=600M smap=0 smep=0 loglvl=all"


def main():
    os.makedirs(WORK, exist_ok=True)
    if not os.path.exists(XEN):
        sys.exit("%s missing: deploy/setup.sh installs xen-hypervisor-4.17-amd64" % XEN)
    xen = os.path.join(WORK, "xen")  # QEMU's multiboot loader takes Xen's 32-bit ELF
    with gzip.open(XEN) as src, open(xen, "wb") as dst:
        shutil.copyfileobj(src, dst)
    initrd = bq.initrd_with_hook(WORK, ("xenbus-hook.sh", "status-hook.sh"))
    port = bq.free_port()
    serial_path = os.path.join(WORK, "serial.log")
    cmd = ["qemu-system-x86_64", "-machine", "q35", "-cpu", "max", "-m", "1024", "-smp", "1",
           "-nographic", "-no-reboot", "-kernel", xen, "-append", XEN_ARGS,
           "-initrd", "%s console=hvc0 panic=-1,%s" %
           (os.path.join(bq.IMAGES, "vmlinuz"), initrd),
           "-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:%d-:7777" % port,
           "-device", "e1000,netdev=n0"]
    bq.boot(cmd, port, serial_path, lambda status, elapsed, serial, lines: checks(
        elapsed, serial, lines, port))


def checks(elapsed, serial, lines, port):
    bq.check("Building a PV Dom0" in serial, "Xen built dom0 from Debian's kernel")
    if elapsed:
        print("QEMU start to dom0's init ready on Xen: %.1f s" % elapsed)
        check_xenbus(serial, lines, bq.fetch(port, "xenstore-ls") or "")
    bq.check("Kernel panic" not in serial and "Dom0 crashed" not in serial,
             "no crash of dom0")


def check_xenbus(serial, lines, listing):
    bq.check("xenfs mounted" in lines and "privcmd present" in lines,
             "dom0 has Xen's devices (xenfs, privcmd)")
    served = [m.group(1) for m in (re.fullmatch(r"xenbus served port (\d+)", x)
                                   for x in lines) if m]
    bq.check(len(served) == 1, "init: the kernel wrote through keel-xenstored (%s)" %
             [x for x in lines if x.startswith("xenbus")])
    bq.check(bool(served) and
             ("keel-xenstored: serving dom0's kernel on port %s" % served[0]) in serial,
             "keel-xenstored said it serves dom0's kernel on that port")
    bq.check(re.search(r'^/local/domain/0/control/feature-poweroff = "1"$', listing, re.M),
             "the store holds the kernel's own write (control/feature-poweroff)")
    bq.check(re.search(r'^/local/domain/0/name = "Domain-0"$', listing, re.M),
             "init wrote /local/domain/0/name after the kernel was served")
    bq.check("sysrq cleared" in lines and
             re.search(r'^/local/domain/0/control/sysrq = ""$', listing, re.M),
             "the kernel heard its control/sysrq watch and cleared the node")
    bq.check("sysrq: HELP" in serial, "the kernel handled the sysrq key it was sent")


if __name__ == "__main__":
    main()

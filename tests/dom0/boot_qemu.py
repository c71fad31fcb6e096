#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boots Debian's kernel with dom0's image (dom0/build-image) under QEMU TCG as a plain
Linux machine, no Xen, and checks from the serial log and from the host side (through
QEMU's port forward to eth0) that: /init ran; the modules that need no hypervisor loaded
and Xen's refused with ENODEV; DHCP configured eth0; keel-xenstored serves Debian's
xenstore tools; the admin token is in the store as a hash only; keel-controld refused to
start, saying that /dev/xen/privcmd is missing; the keel CLI runs. Usage: boot_qemu.py BUILD_DIR
"""
import hashlib
import ipaddress
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(SRC, "deploy", "images"))
import debian_image  # noqa: E402

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(SRC, "build"))
IMAGES = os.path.join(BUILD, "boot", "dom0")
WORK = os.path.join(BUILD, "tests", "dom0img")
BOOT_LIMIT_S = 180
FORWARD_GRACE_S = 20  # after init is ready, for the forwarded status to answer
# Loadable without a hypervisor (bridge needs stp and llc, from modules.dep).
# e1000, the guests' bridge, tun for HVM guests' taps (QEMU), loop devices for their disks,
# nftables NAT (with dependencies).
PLAIN_MODULES = ["e1000", "llc", "stp", "bridge", "tun", "loop", "crc32c_generic", "libcrc32c",
                 "nfnetlink", "nf_tables", "nf_defrag_ipv4", "nf_defrag_ipv6", "nf_conntrack",
                 "nf_nat", "nft_chain_nat", "nft_nat", "nft_masq"]
# Their init returns -ENODEV unless xen_domain(); xenfs then lacks xen-privcmd's symbols.
XEN_MODULES = ["xen-evtchn", "xen-privcmd", "xen-gntdev", "xen-gntalloc", "xen-blkback",
               "xen-netback"]
CONTROLD_REFUSAL = ("keel-controld: error: not starting: no hypervisor reachable: "
                    "/dev/xen/privcmd: No such file or directory")

failures = []


def check(ok, what):
    print("%s: %s" % ("ok" if ok else "FAIL", what))
    if not ok:
        failures.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def initrd_with_hook(work=None, hooks=("status-hook.sh",)):
    """dom0's image followed by a second archive holding the test's hooks (files of this
    directory, run by init in the order given): Linux unpacks concatenated cpio archives in
    order into the same root."""
    here = os.path.dirname(os.path.abspath(__file__))
    d = 0o040755
    entries = [("etc", d, b"", 0, 0), ("etc/keel", d, b"", 0, 0),
               ("etc/keel/dom0.d", d, b"", 0, 0)]
    for i, name in enumerate(hooks):
        entries.append(("etc/keel/dom0.d/%d-%s" % (50 + i, name), 0o100644,
                        open(os.path.join(here, name), "rb").read(), 0, 0))
    path = os.path.join(work or WORK, "initramfs-test.cpio")
    with open(path, "wb") as out:
        out.write(open(os.path.join(IMAGES, "initramfs.cpio"), "rb").read())
        out.write(debian_image.cpio_newc(entries))
    return path


def fetch(port, name):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/%s" % (port, name), timeout=3) as r:
            return r.read().decode()
    except OSError:
        return None


def serial_status(serial_path):
    """init's report lines as the serial console shows them."""
    text = open(serial_path, "rb").read().decode(errors="replace")
    return text, [ln[len("dom0-init: "):].rstrip("\r") for ln in text.splitlines()
                  if ln.startswith("dom0-init: ")]


def boot_until_ready(qemu, port, serial_path):
    """Waits until init reports ready on the console, then for its status file through the
    port forward (eth0). Returns (status text or None, seconds to ready)."""
    t0 = time.monotonic()
    ready_at = None
    while time.monotonic() - t0 < BOOT_LIMIT_S:
        if qemu.poll() is not None:
            check(False, "QEMU ran until init was ready (exited with %d)" % qemu.returncode)
            return None, 0
        if ready_at is None and "ready" in serial_status(serial_path)[1]:
            ready_at = time.monotonic() - t0
        if ready_at is not None:
            status = fetch(port, "status")
            if status and "ready" in status.splitlines():
                return status, ready_at
            if time.monotonic() - t0 > ready_at + FORWARD_GRACE_S:
                check(False, "dom0's status answered through eth0 and the host port forward")
                return None, ready_at
        time.sleep(0.5)
    check(False, "init reported ready within %d s" % BOOT_LIMIT_S)
    return None, 0


def check_status(status, serial, lines, port):
    """lines: init's report from the serial console; status: the same file fetched through
    eth0 (None if that failed, then only the console is checked)."""
    if status is not None:
        check(status.splitlines() == lines, "status through eth0 equals the console's report")
    version = os.listdir(os.path.join(BUILD, "linux", "kernel", "lib", "modules"))[0]
    check("kernel " + version in lines, "/init ran on Debian's kernel %s" % version)

    reported = {m.group(1): m.group(2) for m in
                (re.fullmatch(r"module (\S+) (.*)", x) for x in lines) if m}
    check(sorted(reported) == sorted(PLAIN_MODULES + XEN_MODULES + ["xenfs"]),
          "init loaded exactly the modules and dependencies asked for: %s" % sorted(reported))
    for m in PLAIN_MODULES:
        check(reported.get(m) == "loaded", "module %s loaded (%s)" % (m, reported.get(m)))
    for m in XEN_MODULES:
        check(reported.get(m) == "failed No such device",
              "module %s refused without Xen (%s)" % (m, reported.get(m)))
    check(reported.get("xenfs", "").startswith("failed"), "xenfs not loaded without Xen")
    loaded = {ln.split()[0] for ln in (fetch(port, "modules") or "").splitlines()}
    for m in PLAIN_MODULES:
        check(m in loaded, "/proc/modules lists %s" % m)
    for m in XEN_MODULES + ["xenfs"]:
        check(m.replace("-", "_") not in loaded, "/proc/modules does not list %s" % m)
    check("privcmd absent" in lines and "xenfs absent" in lines,
          "no /dev/xen/privcmd and no xenfs without Xen")

    eth0 = [x.split()[1] for x in lines if x.startswith("eth0 ")]
    ok = len(eth0) == 1 and "/" in eth0[0]
    addr = ipaddress.ip_interface(eth0[0]) if ok else None
    check(ok and addr.network == ipaddress.ip_network("10.0.2.0/24"),
          "DHCP gave eth0 an address in QEMU's user network (%s)" % eth0)
    check(ok and ("lease of %s obtained" % addr.ip) in serial, "udhcpc logged the lease")

    check(any(re.fullmatch(r"xenstored running \d+", x) for x in lines),
          "keel-xenstored answered xenstore-exists")
    token = open(os.path.join(BUILD, "dom0", "admin.token")).read().strip()
    _, tid, secret = token.split("_")
    check("token " + tid in lines, "init wrote the admin token's record with xenstore-write")
    listing = fetch(port, "xenstore-ls") or ""
    check(re.search(r'^/keel/controld/tokens/%s = ".*%s' %
                    (tid, hashlib.sha256(secret.encode()).hexdigest()), listing, re.M),
          "xenstore-ls in dom0 shows the token record with the secret's SHA-256")
    check(secret not in listing, "the token's secret is not in the store")
    check(re.search(r'^/local/domain/0/name = "Domain-0"$', listing, re.M) and
          re.search(r'^/local/domain/0/domid = "0"$', listing, re.M),
          "xenstore-ls in dom0 shows /local/domain/0 with its name and domid")

    cli = fetch(port, "keel-cli") or ""
    check("cannot reach controld at /run/keel/controld.sock" in cli and
          cli.rstrip().endswith("exit 6"),
          "the keel CLI runs in dom0 and exits 6 with no controld (%r)" % cli[-80:])

    uptime = [x.split()[1] for x in lines if x.startswith("uptime ")]
    check(len(uptime) == 1 and re.fullmatch(r"\d+\.\d+", uptime[0]) is not None,
          "init reported the kernel's uptime at ready (%s s)" % uptime)

    check(CONTROLD_REFUSAL in serial, "keel-controld said it needs /dev/xen/privcmd")
    check("controld exited 1" in lines, "keel-controld exited with status 1")


def main():
    os.makedirs(WORK, exist_ok=True)
    secret = open(os.path.join(BUILD, "dom0", "admin.token")).read().strip().split("_")[2]
    check(secret.encode() not in open(os.path.join(IMAGES, "initramfs.cpio"), "rb").read(),
          "the image holds no token secret")
    port = free_port()
    serial_path = os.path.join(WORK, "serial.log")
    cmd = ["qemu-system-x86_64", "-machine", "q35", "-cpu", "max", "-m", "512", "-smp", "1",
           "-nographic", "-no-reboot", "-kernel", os.path.join(IMAGES, "vmlinuz"),
           "-initrd", initrd_with_hook(), "-append", "console=ttyS0 panic=-1",
           "-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:%d-:7777" % port,
           "-device", "e1000,netdev=n0"]
    boot(cmd, port, serial_path, lambda status, elapsed, serial, lines: checks(
        status, elapsed, serial, lines, port))


def checks(status, elapsed, serial, lines, port):
    if elapsed:
        print("dom0 image: %.1f MB; QEMU start to init ready: %.1f s" %
              (os.path.getsize(os.path.join(IMAGES, "initramfs.cpio")) / 1e6, elapsed))
        check_status(status, serial, lines, port)
    check("Kernel panic" not in serial, "no kernel panic")


def boot(cmd, port, serial_path, checks):
    """Runs QEMU (cmd, serial console into serial_path) until init is ready and its status
    answers through the port forward; calls checks(status text or None, seconds to ready or
    0, the serial log, init's report lines) while dom0 still runs, stops QEMU and exits
    with the failures counted."""
    with open(serial_path, "wb") as log:
        qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            status, elapsed = boot_until_ready(qemu, port, serial_path)
            checks(status, elapsed, *serial_status(serial_path))
        finally:
            qemu.terminate()
            try:
                qemu.wait(10)
            except subprocess.TimeoutExpired:
                qemu.kill()
                qemu.wait()
    if failures:
        print("serial log: %s" % serial_path)
        sys.exit("%d check(s) failed" % len(failures))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""emu_hvm's REST phase (host-command of hvm.desc): an HVM guest through the API only. A disk
image is uploaded, a domain with boot.type hvm, that disk and a NIC on xenbr0 is created and
started (controld builds it with hvmloader and SeaBIOS and runs Debian's qemu-system-xen as
its device model, deprivileged as libxl's dm_restrict: -xen-domid-restrict, readiness over
QMP, uid 131072 + domid, its own chroot); the marker appears in GET .../console (QEMU's
COM1), a byte typed through the console input reaches COM1 and the guest powers off through QEMU's ACPI: the
domain is stopped. Started again, a dom0 hook
(rest-hvm-hook.sh) restarts controld (QEMU outlives it and the new controld adopts it), then
kills QEMU under the guest, which waits for input: the domain is crashed and the event stream says why; destroyed, the host's free
memory is back and dom0 has no QEMU, device-model node or tap left.
The disk and marker are parameters (KEEL_HVM_DISK: an image file; KEEL_HVM_MARKER: a regular
expression); by default the boot sector tests/hypervisor/guests/hvm/mbr.S on a 1 MiB disk.
"""
import json
import os
import re
import sys
import threading
import time
import urllib.request

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rest_client import (BASE, BUILD, CTX, TOKEN, call, check, failures, free_mib,  # noqa: E402
                         serial, start, state, wait_console, wait_for, wait_state)

NAME = "rest-hvm"
QEMU_UID_BASE = 131072  # qemu_user_base in dom0's shipped controld.conf (dom0/controld.conf)
MARKER = os.environ.get("KEEL_HVM_MARKER", r"keel-mbr: booted from QEMU's disk through SeaBIOS")


WAIT_INPUT = 0x1b0  # mbr.S: the flag byte that makes it wait for input before powering off


def disk_image():
    path = os.environ.get("KEEL_HVM_DISK")
    if path:
        return open(path, "rb").read()
    mbr = bytearray(open(os.path.join(BUILD, "boot", "guests", "mbr.bin"), "rb").read())
    mbr[WAIT_INPUT] = 1  # it powers off only after a byte typed on COM1 (mbr.S)
    return bytes(mbr) + bytes((1 << 20) - len(mbr))


class Events(threading.Thread):
    """domain.* events from GET /v1/events, as they come."""

    def __init__(self):
        super().__init__(daemon=True)
        self.seen = []
        self.connected = 0

    def run(self):
        # Connected again whenever the stream ends: controld is restarted meanwhile.
        while True:
            req = urllib.request.Request(BASE + "/v1/events?types=domain",
                                         headers={"Authorization": "Bearer " + TOKEN})
            try:
                with urllib.request.urlopen(req, context=CTX, timeout=900) as r:
                    self.connected += 1
                    kind = None
                    for raw in r:
                        line = raw.decode("utf-8", "replace").rstrip("\n")
                        if line.startswith("event:"):
                            kind = line[6:].strip()
                        elif line.startswith("data:") and kind:
                            self.seen.append((kind, json.loads(line[5:])))
            except (OSError, ValueError):
                pass
            time.sleep(0.3)


def hook_line(pattern, limit):
    """The first match of the dom0 hook's pattern in the serial log within limit seconds."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        m = re.search(pattern, serial(), re.M)
        if m:
            return m
        time.sleep(1)
    check(False, "dom0: /%s/ within %d s" % (pattern, limit))
    return None


def main():
    before = free_mib()
    status, meta = call("PUT", "/v1/images/%s-disk" % NAME, raw=disk_image())
    check(status == 201, "disk image uploaded (%s %s)" % (status, meta))
    spec = {"name": NAME, "vcpus": 1, "memory_mib": 64,
            "boot": {"type": "hvm", "firmware": "seabios"},
            "disks": [{"id": "xvda", "path": "%s-disk" % NAME}],
            "nics": [{"id": "0", "bridge": "xenbr0"}]}
    status, d = call("POST", "/v1/domains", spec)
    check(status == 201, "create %s with boot.type hvm (%s %s)" % (NAME, status, d))

    # Run 1: to the marker on COM1, then the guest's own power-off.
    t0 = start(NAME)
    if wait_console(NAME, MARKER, 600):
        print("rest_hvm: marker on the API's console %.1f s after start" % (time.monotonic() - t0))
    # What it cost so far, from the hypervisor's counters: firmware's PCI enumeration and
    # every byte on COM1 went to QEMU.
    status, st = call("GET", "/v1/domains/%s/stats" % NAME)
    dm = st.get("device_model", {}) if status == 200 else {}
    print("rest_hvm: stats %s" % st, flush=True)
    check(status == 200 and st.get("vm_exits", 0) > 0 and st.get("hypervisor_time_ns", 0) > 0
          and dm.get("pio", 0) > 0 and dm.get("pci_config", 0) > 0,
          "GET .../stats: VM exits and the device model's PIO and PCI config requests (%s %s)"
          % (status, st))
    # The boot sector waits for a byte on COM1: typed through the API's console input.
    if not os.environ.get("KEEL_HVM_DISK"):
        status, typed = call("POST", "/v1/domains/%s/console" % NAME, {"input": "q"})
        check(status == 200 and typed.get("accepted") == 1,
              "a byte typed on the console (COM1) through the API (%s %s)" % (status, typed))
    check(wait_state(NAME, "stopped", 300), "%s stopped after the guest powered off" % NAME)
    m = hook_line(r"rest-hvm-hook: run 1: QEMU pid \d+ for domain (\d+), uid (\S+), gid (\S+), "
                  r"root (\S+), tap \S+ on (\S*)", 60)
    r = hook_line(r"rest-hvm-hook: run 1: restrict (\S+), xenstore state (\S+)", 60)
    if m and r:
        domid, uid, gid, root, br = m.groups()
        restrict, xs_state = r.groups()
        check(br == "xenbr0", "run 1: QEMU's tap on xenbr0 (%s)" % br)
        # As dom0's shipped controld.conf says: deprivileged as libxl's dm_restrict, a uid per
        # domain (qemu_user_base 131072:131072).
        want = (str(QEMU_UID_BASE + int(domid)), str(QEMU_UID_BASE),
                "/run/keel/qemu/root-" + domid)
        check((uid, gid, root) == want,
              "run 1: QEMU runs as uid base + domid, the base's gid, chrooted to its own root "
              "(want %s, got %s)" % (want, (uid, gid, root)))
        check(restrict == "yes", "run 1: QEMU's command line has -xen-domid-restrict")
        # Restricted, its xenstore handle is /dev/null: the guest ran on QMP's word alone.
        check(xs_state == "none", "run 1: QEMU wrote no \"running\" to xenstore (%s)" % xs_state)
    m = hook_line(r"rest-hvm-hook: run 1: after the guest: (.*) left", 120)
    check(m and m.group(1) == "nothing", "run 1: no QEMU, node, tap or chroot left (%s)" %
          (m.group(1) if m else None))

    # Run 2: its QEMU killed under the running guest (nothing typed: it waits), crashed, with
    # the reason as an event.
    events = Events()
    events.start()
    time.sleep(1)
    start(NAME)
    # controld restarted under the running guest: QEMU outlives it and is adopted.
    m = hook_line(r"rest-hvm-hook: run 2: controld \d+ restarted as (\d+)", 600)
    check(m and m.group(1), "run 2: controld restarted in dom0 (%s)" % (m.group(0) if m else None))
    check(wait_for(lambda: events.connected >= 2, 60, "the event stream connected again"),
          "event stream back after the restart")
    # Before the hook's kill (8 s after the restart, in dom0's time).
    check(state(NAME) == "running", "%s running after controld's restart (%s)" % (NAME, state(NAME)))
    hook_line(r"keel-controld: info: domain rest-hvm \(domid \d+\): its qemu \(pid \d+\) adopted", 5)
    hook_line(r"rest-hvm-hook: run 2: QEMU pid \d+ outlived controld", 120)
    hook_line(r"rest-hvm-hook: run 2: killing QEMU", 120)
    check(wait_state(NAME, "crashed", 120), "%s crashed when its device model died" % NAME)
    wait_for(lambda: any(k == "domain.state" and e.get("to") == "crashed" for k, e in events.seen),
             30, "a domain.state event to crashed")
    crash = [e for k, e in events.seen if k == "domain.state" and e.get("to") == "crashed"]
    check(crash and "device model" in crash[0].get("reason", ""),
          "the crash event names the device model (%s)" % (crash[0] if crash else None))
    status, _ = call("POST", "/v1/domains/%s/actions/destroy" % NAME)
    check(status == 200, "destroy %s (%s)" % (NAME, status))
    m = hook_line(r"rest-hvm-hook: run 2: after the guest: (.*) left", 120)
    check(m and m.group(1) == "nothing", "run 2: no QEMU, node or tap left (%s)" %
          (m.group(1) if m else None))
    check(free_mib() == before, "host free memory back (%s MiB, was %s)" % (free_mib(), before))
    status, _ = call("DELETE", "/v1/domains/" + NAME)
    check(status == 204, "delete %s (%s)" % (NAME, status))
    check(state(NAME) is None, "%s gone" % NAME)
    if failures:
        print("rest_hvm: %d check(s) failed" % len(failures))
        sys.exit(1)
    print("rest_hvm: all checks passed")


if __name__ == "__main__":
    main()

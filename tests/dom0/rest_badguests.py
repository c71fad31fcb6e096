#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host side of the bad-guests emulator test (badguests.desc, issue 11 "Bad input"): a
well-behaved ticker guest from the REST API keeps ticking while the badfront test guest,
uploaded as an image, misbehaves in one domain per behaviour: garbage in its xenstore ring
(three times, each way of breaking the ring first once), console ring garbage and an event
flood, a blkfront gone wrong on a disk controld plumbed. Each bad domain says what it saw
and is then destroyed. Afterwards keel-xenstored and controld still answer, the ticker still
ticks, and the host's free memory is back to its value before. Keel's serial log must show
no hypervisor exception or panic and dom0's kernel no oops (the desc forbids them). keel-emu
runs this with KEEL_EMU_PORT_18443, KEEL_BUILD and KEEL_EMU_SERIAL set."""
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from rest_client import (blank_disk, call, check, failures, free_mib, serial, start,
                         upload_guest, wait_for, wait_state)

# name, command line, with a disk, what dom0's daemon or kernel says of it (%d: its domid).
BEHAVIOURS = [
    ("bad-console", "console=garbage flood=5", False,
     r"keel-controld: warn: console of domid %d: the guest broke its ring"),
    ("bad-xs", "xs=garbage watches=200", False,
     r"keel-xenstored: domain %d broke its xenstore ring \(ring error 3\)"),
    ("bad-xsprod", "xs=garbage xsfirst=prod watches=20", False,
     r"keel-xenstored: domain %d broke its xenstore ring \(ring error 2\)"),
    ("bad-xsback", "xs=garbage xsfirst=back watches=20", False,
     r"keel-xenstored: domain %d broke its xenstore ring \(ring error 2\)"),
    ("bad-blk", "blk=garbage", True, r"xen-blkback: backend/vbd/%d/\d+: using 1 queues"),
]


def ticks(name):
    return len(re.findall(r"^\(%s\) tick \d+" % re.escape(name), serial(), re.M))


def lines(name):
    return re.findall(r"^\(%s\) (.*)$" % re.escape(name), serial(), re.M)


def create(name, image, cmdline, disks=()):
    spec = {"name": name, "vcpus": 1, "memory_mib": 32,
            "boot": {"type": "pvh", "kernel": image, "cmdline": cmdline}}
    if disks:
        spec["disks"] = list(disks)
    status, d = call("POST", "/v1/domains", spec)
    return check(status == 201, "create %s (%s %s)" % (name, status, d))


def destroy(name):
    status, _ = call("POST", "/v1/domains/%s/actions/destroy" % name)
    check(status in (200, 202), "destroy %s (%s)" % (name, status))
    wait_for(lambda: re.search(r"^keel: domain \d+ \(%s\) vcpu 0: ran" % re.escape(name),
                               serial(), re.M), 60, "Keel freed %s" % name)
    status, _ = call("DELETE", "/v1/domains/" + name)
    check(status in (200, 202, 204), "delete %s (%s)" % (name, status))


def daemon_lines(pattern):
    return len(re.findall(r"^\(Domain-0\) .*" + pattern, serial(), re.M))


def misbehave(name, cmdline, disk, other, noticed):
    create(name, "badfront", "%s other=%d stay=1" % (cmdline, other),
           [{"id": "xvda", "path": "bad-disk"}] if disk else ())
    seen = daemon_lines(noticed.replace("%d", r"\d+"))
    before = ticks("good-ticker")
    t0 = start(name)
    done = wait_for(lambda: any(l.startswith("badfront: done") for l in lines(name)), 240,
                    "%s: badfront done" % name)
    took = time.monotonic() - t0
    said = lines(name)
    for line in said:
        print("   (%s) %s" % (name, line), flush=True)
    check(done and not any(l.startswith("check failed") for l in said),
          "%s: every check of the guest held" % name)
    # Its domid is known once it is built: dom0 noticed this domain, not an earlier one.
    status, d = call("GET", "/v1/domains/" + name)
    mine = noticed % (d.get("domid") or -1 if status == 200 else -1)
    wait_for(lambda: daemon_lines(noticed.replace("%d", r"\d+")) > seen and daemon_lines(mine),
             10, "dom0 says /%s/" % mine)
    during = ticks("good-ticker") - before
    # period=500: about two ticks a second of guest time; Bochs runs slower than that.
    check(during >= took / 10, "ticker ticked %d times during %s's %.0f s" % (during, name, took))
    status, _ = call("GET", "/v1/domains")
    check(status == 200, "GET /v1/domains answers after %s (%s)" % (name, status))
    status, _ = call("GET", "/v1/domains/%s/console" % name)
    check(status == 200, "%s's console answers (%s)" % (name, status))
    destroy(name)


def main():
    upload_guest("ticker-guest", "ticker.elf")
    upload_guest("badfront", "badfront.elf")
    blank_disk("bad-disk", 8)
    before = free_mib()
    create("good-ticker", "ticker-guest", "period=500")
    start("good-ticker")
    wait_for(lambda: ticks("good-ticker") >= 2, 60, "good-ticker ticking")
    status, d = call("GET", "/v1/domains/good-ticker")
    other = d.get("domid", 0) if status == 200 else 0
    for name, cmdline, disk, noticed in BEHAVIOURS:
        misbehave(name, cmdline, disk, other, noticed)
    # Everything still answers: the API, keel-xenstored behind it, the ticker.
    n = ticks("good-ticker")
    wait_for(lambda: ticks("good-ticker") > n + 2, 30, "good-ticker still ticking")
    check(wait_state("good-ticker", "running", 10), "good-ticker running")
    status, _ = call("GET", "/v1/domains/good-ticker/console")
    check(status == 200, "good-ticker's console answers (%s)" % status)
    destroy("good-ticker")
    wait_for(lambda: re.search(r"^\(Domain-0\) keel-xenstored: domain %d is gone" % other,
                               serial(), re.M), 30, "keel-xenstored releases good-ticker")
    time.sleep(3)
    after = free_mib()
    check(after == before, "host free memory back (%s MiB before, %s after)" % (before, after))
    print("%s (%d failed)" % ("FAIL" if failures else "PASS", len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host side of the guests emulator test (guests.desc): Debian guests from the REST API alone,
on Keel with dom0, through the emulator's port forward. The emulated host comes with the
images debian-vmlinux and debian-initrd (dom0/build-image). A guest is created and started,
its console shows the test guest's /init lines ("keel-guest: ..."), input typed through the
API reaches its shell, a graceful shutdown through xenstore's control/shutdown stops it, and
the host's free memory returns to its value before. keel-emu runs this with
KEEL_EMU_PORT_18443, KEEL_BUILD and KEEL_EMU_SERIAL set; it prints the numbers it measures.
"""
import json
import os
import re
import ssl
import sys
import time
import urllib.error
import urllib.request

PORT = os.environ["KEEL_EMU_PORT_18443"]
BUILD = os.environ["KEEL_BUILD"]
BASE = "https://127.0.0.1:%s" % PORT
CTX = ssl.create_default_context(cafile=os.path.join(BUILD, "dom0", "ca.crt"))
TOKEN = open(os.path.join(BUILD, "dom0", "admin.token")).read().strip()
# In Bochs the kernel's W+X checks of its own and the user page tables take 37 s of a 90 s
# boot: the test guests skip them (rodata=off, pti=off), as they skip the crypto self-tests.
CMDLINE = "console=hvc0 cryptomgr.notests watchdog_thresh=60 rodata=off pti=off"
failures = []


def check(ok, what):
    print("%s: %s" % ("ok" if ok else "FAIL", what), flush=True)
    if not ok:
        failures.append(what)
    return ok


def call(method, path, body=None, timeout=120):
    req = urllib.request.Request(BASE + path, method=method,
                                 headers={"Authorization": "Bearer " + TOKEN})
    if body is not None:
        req.data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, context=CTX, timeout=timeout) as r:
            raw = r.read()
            kind = r.headers.get("Content-Type", "")
            return r.status, json.loads(raw) if raw and "json" in kind else raw.decode()
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, json.loads(raw) if raw else None


def console(name):
    status, text = call("GET", "/v1/domains/%s/console" % name)
    return text if status == 200 and isinstance(text, str) else ""


def wait_console(name, pattern, limit):
    """The first match of pattern on the guest's console within limit seconds, or None."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        m = re.search(pattern, console(name), re.M)
        if m:
            return m
        time.sleep(2)
    check(False, "%s: /%s/ on the console within %d s" % (name, pattern, limit))
    print("--- %s's console ---\n%s\n---" % (name, console(name)[-3000:]), flush=True)
    return None


def state(name):
    status, d = call("GET", "/v1/domains/" + name)
    return d.get("state") if status == 200 else None


def wait_state(name, want, limit):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if state(name) == want:
            return True
        time.sleep(1)
    return check(False, "%s %s within %d s (is %s)" % (name, want, limit, state(name)))


def free_mib():
    status, host = call("GET", "/v1/host")
    return host["free_memory_mib"] if status == 200 else None


def images_present():
    status, images = call("GET", "/v1/images")
    names = {i["name"]: i for i in (images or {}).get("items", [])} if status == 200 else {}
    for n in ("debian-vmlinux", "debian-initrd"):
        check(n in names and len(names[n].get("sha256", "")) == 64,
              "image %s pre-seeded (%s)" % (n, names.get(n)))


def create(name, memory_mib=128, disks=(), nics=()):
    spec = {"name": name, "vcpus": 1, "memory_mib": memory_mib,
            "boot": {"type": "pvh", "kernel": "debian-vmlinux", "initrd": "debian-initrd",
                     "cmdline": CMDLINE}}
    if disks:
        spec["disks"] = list(disks)
    if nics:
        spec["nics"] = list(nics)
    status, d = call("POST", "/v1/domains", spec)
    return check(status == 201, "create %s (%s %s)" % (name, status, d))


def start(name):
    t0 = time.monotonic()
    status, job = call("POST", "/v1/domains/%s/actions/start" % name)
    check(status in (200, 202), "start %s (%s %s)" % (name, status, job))
    return t0


def one_guest():
    """Console, input, graceful shutdown, memory back."""
    before = free_mib()
    create("deb1")
    t0 = start("deb1")
    # The kernel's first lines reach hvc0 in one burst once its console driver is up.
    if wait_console("deb1", r"\S", 120):
        print("deb1: start to first console output %.1f s" % (time.monotonic() - t0),
              flush=True)
    m = wait_console("deb1", r"^keel-guest: init at ([\d.]+) s", 400)
    if m:
        print("deb1: start to /init %.1f s (guest uptime %s s)" %
              (time.monotonic() - t0, m.group(1)), flush=True)
    if not wait_console("deb1", r"^keel-guest: ready at", 120):
        return
    # Typed on the console: the shell evaluates it, so the answer is not the echo.
    status, r = call("POST", "/v1/domains/deb1/console", {"input": "echo keel-$((6*7))\n"})
    check(status == 200 and r.get("accepted") == 19, "console input accepted (%s %s)" %
          (status, r))
    check(wait_console("deb1", r"^keel-42\s*$", 60) is not None,
          "the guest's shell ran the typed command")
    t1 = time.monotonic()
    status, job = call("POST", "/v1/domains/deb1/actions/shutdown", {"timeout_s": 120})
    check(status in (200, 202), "shutdown deb1 (%s %s)" % (status, job))
    check(wait_console("deb1", r"^keel-guest: stopping", 60) is not None,
          "the guest's init saw the power-off request")
    if wait_state("deb1", "stopped", 150):
        print("deb1: graceful shutdown took %.1f s" % (time.monotonic() - t1), flush=True)
    after = free_mib()
    check(after == before, "host free memory back (%s MiB before, %s after)" % (before, after))


def main():
    images_present()
    one_guest()
    if failures:
        print("rest_guests: %d check(s) failed" % len(failures))
        sys.exit(1)
    print("rest_guests: all checks passed")


if __name__ == "__main__":
    main()

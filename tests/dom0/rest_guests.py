#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host side of the guests emulator test (guests.desc): Debian guests from the REST API alone,
on Keel with dom0, through the emulator's port forwards. The emulated host comes with the
images debian-vmlinux and debian-initrd (dom0/build-image). A guest with a blank disk and a
NIC is created and started; its console shows the test guest's /init lines ("keel-guest:
..."): xen-blkfront's /dev/xvda formatted and mounted, xen-netfront's DHCP address from
dom0. Input typed through the API reaches its shell, which pings dom0, fetches a page from
this machine through dom0's NAT and writes to its disk; its web server answers this machine
through the forwards; a reboot through control/shutdown keeps the disk's data. A second
guest on its own disk and the first ping each other; a third on the first one's disk is
refused. Graceful shutdowns stop both and the host's free memory returns to its value
before; eight small guests started and destroyed three times leak nothing. keel-emu runs this with
KEEL_EMU_PORT_18443, KEEL_BUILD and KEEL_EMU_SERIAL set; it prints the numbers it measures.
"""
import http.server
import os
import sys
import threading
import time
import urllib.request

from rest_client import (blank_disk, call, check, failures, free_mib, start, state,
                         upload_guest, wait_console, wait_state)

# In Bochs the kernel's W+X checks of its own and the user page tables take 37 s of a 90 s
# boot: the test guests skip them (rodata=off, pti=off), as they skip the crypto self-tests.
CMDLINE = "console=hvc0 cryptomgr.notests watchdog_thresh=60 rodata=off pti=off"


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


def typed(name, command, answer, limit=60):
    """Types command on the guest's shell; True when answer shows on its console."""
    status, r = call("POST", "/v1/domains/%s/console" % name, {"input": command + "\n"})
    if not check(status == 200 and r.get("accepted") == len(command) + 1,
                 "%s: typed %r (%s %s)" % (name, command, status, r)):
        return False
    return wait_console(name, answer, limit) is not None


class HostServer(threading.Thread):
    """An HTTP server on this machine, which a guest reaches at 10.0.2.2 (slirp's host
    address) through dom0's NAT: it records the paths asked for."""

    def __init__(self):
        super().__init__(daemon=True)
        seen = self.seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append(self.path)
                body = b"host-says-hello\n"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]

    def run(self):
        self.httpd.serve_forever()


def boot_checks(name, t0, boot):
    """What the test guest's init reports, in order; returns its eth0 address."""
    if wait_console(name, r"\S", 180):
        print("%s: start to first console output %.1f s" % (name, time.monotonic() - t0),
              flush=True)
    m = wait_console(name, r"^keel-guest: init at ([\d.]+) s", 400)
    if m:
        print("%s: start to /init %.1f s (guest uptime %s s)" %
              (name, time.monotonic() - t0, m.group(1)), flush=True)
    m = wait_console(name, r"^keel-guest: disk xvda mounted, boot (\d+) on it", 120)
    check(m is not None and int(m.group(1)) == boot,
          "%s: /dev/xvda mounted, boot %d recorded on it (%s)" %
          (name, boot, m.group(1) if m else None))
    m = wait_console(name, r"^keel-guest: eth0 ([\d.]+)/24", 120)
    check(m is not None, "%s: xen-netfront has an address from dom0's DHCP" % name)
    wait_console(name, r"^keel-guest: ready at", 120)
    return m.group(1) if m else None


def first_guest(host):
    """A disk and a NIC: the network both ways, input, a reboot keeping the disk's data."""
    blank_disk("disk1")
    create("deb1", disks=[{"id": "xvda", "path": "disk1"}],
           nics=[{"id": "0", "mac": "00:16:3e:4b:00:32"}])
    ip = boot_checks("deb1", start("deb1"), 1)
    check(ip == "192.168.100.50", "deb1 has the address dom0 keeps for its MAC (%s)" % ip)
    check(typed("deb1", "echo keel-$((6*7))", r"^keel-42\s*$"),
          "the guest's shell ran the typed command")
    check(typed("deb1", "ping -c 2 -W 5 192.168.100.1 >/dev/null && echo dom0-$((2*2))",
                r"^dom0-4\s*$"), "deb1 pings dom0 over netfront/netback and the bridge")
    check(typed("deb1", "wget -q -O - http://10.0.2.2:%d/from-guest" % host.port,
                r"^host-says-hello\s*$") and "/from-guest" in host.seen,
          "deb1 reaches this machine through dom0's NAT and slirp (%s)" % host.seen)
    # From this machine to the guest's web server: slirp to dom0, dom0's DNAT to the guest.
    fwd = os.environ.get("KEEL_EMU_PORT_18080")
    try:
        with urllib.request.urlopen("http://127.0.0.1:%s/" % fwd, timeout=60) as r:
            page = r.read().decode()
    except OSError as e:
        page = str(e)
    check(page.startswith("keel-guest keel-guest up at"),
          "the guest's port 80 forwarded to this machine (%r)" % page[:80])
    check(typed("deb1", "dd if=/dev/urandom of=/mnt/data bs=64k count=16 2>/dev/null; "
                "sync; md5sum /mnt/data > /mnt/data.md5; echo written-$((5*5))",
                r"^written-25\s*$"), "deb1 writes 1 MiB to its disk")
    t1 = time.monotonic()
    status, job = call("POST", "/v1/domains/deb1/actions/reboot", {"timeout_s": 120})
    check(status in (200, 202), "reboot deb1 (%s %s)" % (status, job))
    boot_checks("deb1", t1, 2)
    check(typed("deb1", "md5sum -c /mnt/data.md5 && echo same-$((7*7))", r"^same-49\s*$"),
          "the data written before the reboot reads back the same")


def two_guests():
    """A second guest on its own disk: the two ping each other over dom0's bridge."""
    blank_disk("disk2")
    create("deb2", disks=[{"id": "xvda", "path": "disk2"}],
           nics=[{"id": "0", "mac": "00:16:3e:4b:00:33"}])
    status, d = call("POST", "/v1/domains", {
        "name": "deb3", "vcpus": 1, "memory_mib": 64,
        "boot": {"type": "pvh", "kernel": "debian-vmlinux", "initrd": "debian-initrd",
                 "cmdline": CMDLINE},
        "disks": [{"id": "xvda", "path": "disk1"}]})
    check(status == 201, "create deb3 on deb1's disk (%s)" % status)
    status, r = call("POST", "/v1/domains/deb3/actions/start")
    check(status == 409, "a writable disk is never shared by two running domains (%s %s)" %
          (status, r))
    call("DELETE", "/v1/domains/deb3")
    ip2 = boot_checks("deb2", start("deb2"), 1)
    check(ip2 is not None and typed("deb1", "ping -c 3 -W 5 %s >/dev/null && echo peer-$((3*3))"
                                    % ip2, r"^peer-9\s*$"), "deb1 pings deb2 (%s)" % ip2)
    check(typed("deb2", "ping -c 3 -W 5 192.168.100.50 >/dev/null && echo peer-$((4*4))",
                r"^peer-16\s*$"), "deb2 pings deb1")


def stop_all(before):
    for name in ("deb1", "deb2"):
        t1 = time.monotonic()
        status, job = call("POST", "/v1/domains/%s/actions/shutdown" % name, {"timeout_s": 120})
        check(status in (200, 202), "shutdown %s (%s %s)" % (name, status, job))
        if wait_state(name, "stopped", 150):
            print("%s: graceful shutdown took %.1f s" % (name, time.monotonic() - t1),
                  flush=True)
    time.sleep(3)
    after = free_mib()
    check(after == before, "host free memory back (%s MiB before, %s after)" % (before, after))


def leak_loop(rounds=3, count=8):
    """Eight small guests started and destroyed, round after round: nothing leaks."""
    upload_guest("ticker-guest", "ticker.elf")
    names = ["tick%d" % i for i in range(count)]
    for n in names:
        call("POST", "/v1/domains", {"name": n, "vcpus": 1, "memory_mib": 16,
                                     "boot": {"type": "pvh", "kernel": "ticker-guest",
                                              "cmdline": "period=1000"}})
    before = free_mib()
    for rnd in range(rounds):
        t0 = time.monotonic()
        for n in names:
            status, _ = call("POST", "/v1/domains/%s/actions/start" % n)
            check(status in (200, 202), "round %d: start %s (%s)" % (rnd, n, status))
        check(all(state(n) == "running" for n in names), "round %d: %d running" % (rnd, count))
        for n in names:
            status, _ = call("POST", "/v1/domains/%s/actions/destroy" % n)
            check(status in (200, 202), "round %d: destroy %s (%s)" % (rnd, n, status))
        time.sleep(3)
        after = free_mib()
        check(after == before, "round %d: free memory back (%s MiB, %s after) in %.1f s" %
              (rnd, before, after, time.monotonic() - t0))
    for n in names:
        call("DELETE", "/v1/domains/" + n)


def main():
    images_present()
    host = HostServer()
    host.start()
    before = free_mib()
    first_guest(host)
    two_guests()
    stop_all(before)
    leak_loop()
    if failures:
        print("rest_guests: %d check(s) failed" % len(failures))
        sys.exit(1)
    print("rest_guests: all checks passed")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host side of the guests emulator test (guests.desc): Debian guests from the REST API alone,
on Keel with dom0, through the emulator's port forwards. The emulated host comes with the
images debian-vmlinux and debian-initrd (dom0/build-image). A guest with a blank disk and a
NIC is created and started; its console shows the test guest's /init lines ("keel-guest:
..."): xen-blkfront's /dev/xvda formatted and mounted, xen-netfront's DHCP address from
dom0. Input typed through the API reaches its shell, which pings dom0, fetches a page from
this machine through dom0's NAT and writes to its disk; its web server answers this machine
through the forwards; controld restarted in dom0 adopts it with its console, disk and NIC;
a reboot through control/shutdown keeps the disk's data. A second
guest on its own disk and the first ping each other; a third on the first one's disk is
refused. Kernels that are no PVH ELF, an initrd larger than the domain, memory the host
lacks and too many vCPUs are refused with 4xx naming the field. Graceful shutdowns stop both and the host's free memory returns to its value
before; eight small guests started and destroyed three times leak nothing; the keel.cloud Ansible collection
starts a guest, converges without change and removes it. keel-emu runs this with
KEEL_EMU_PORT_18443, KEEL_BUILD and KEEL_EMU_SERIAL set; it prints the numbers it measures.
"""
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from rest_client import (BASE, BUILD, TOKEN, blank_disk, call, check, failures, free_mib,
                         start, state, upload_guest, wait_console, wait_for, wait_state)

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


def restart_controld():
    """Through the test's hook in dom0 (guests-hook.sh): controld stopped and started again."""
    port = os.environ.get("KEEL_EMU_PORT_7777")
    try:
        with urllib.request.urlopen("http://127.0.0.1:%s/cgi-bin/restart-controld" % port,
                                    timeout=120) as r:
            said = r.read().decode()
    except (OSError, ValueError) as e:
        said = str(e)
    check("restarted as" in said, "controld restarted in dom0 (%s)" % said.strip())


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
    # The CPU time Keel counts for it, as the dashboard's chart reads it.
    st1, a = call("GET", "/v1/domains/deb1/stats")
    typed("deb1", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo spun-$((9*9))",
          r"^spun-81\s*$")
    st2, b = call("GET", "/v1/domains/deb1/stats")
    check(st1 == st2 == 200 and b["cpu_time_ns"] > a["cpu_time_ns"] > 0,
          "deb1's CPU time from Keel grows while it works (%s, %s)" %
          ((a or {}).get("cpu_time_ns"), (b or {}).get("cpu_time_ns")))
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
    restart_controld()
    check(state("deb1") == "running", "deb1 still running after controld's restart (%s)" %
          state("deb1"))
    check(typed("deb1", "md5sum -c /mnt/data.md5 && ping -c 1 -W 5 192.168.100.1 >/dev/null "
                "&& echo kept-$((8*8))", r"^kept-64\s*$"),
          "after controld's restart the guest's console, disk and network still work")
    t1 = time.monotonic()
    status, job = call("POST", "/v1/domains/deb1/actions/reboot", {"timeout_s": 120})
    check(status in (200, 202), "reboot deb1 (%s %s)" % (status, job))
    # The job ends once the domain is built again (its console starts afresh): the old
    # boot's lines must not be read as the new one's.
    wait_for(lambda: (call("GET", "/v1/jobs/%s" % (job or {}).get("id"))[1] or {}).get("state")
             == "succeeded", 180, "deb1's reboot job done")
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


def refused_start(name, boot, memory_mib, want, field, what):
    """A domain Keel cannot build: its start is refused with want, naming field, and the
    host's free memory is unchanged."""
    before = free_mib()
    status, d = call("POST", "/v1/domains", {"name": name, "vcpus": 1,
                                             "memory_mib": memory_mib, "boot": boot})
    check(status == 201, "create %s (%s %s)" % (name, status, d))
    status, r = call("POST", "/v1/domains/%s/actions/start" % name)
    check(status == want and (r or {}).get("field") == field,
          "%s: start refused %d naming %s (%s %s)" % (what, want, field, status, r))
    check(state(name) == "stopped" and free_mib() == before,
          "%s: nothing left running, free memory unchanged" % what)
    call("DELETE", "/v1/domains/" + name)


def bad_requests():
    """What Keel refuses to build, on the real hypervisor (the issue's "Bad input")."""
    upload_guest("ticker-guest", "ticker.elf")
    status, meta = call("PUT", "/v1/images/not-a-kernel",
                        raw=b"#!/bin/sh\necho this is no ELF\n" * 64)
    check(status == 201, "upload a shell script as image not-a-kernel (%s %s)" % (status, meta))
    refused_start("bad1", {"type": "pvh", "kernel": "not-a-kernel"}, 32, 422, "/boot/kernel",
                  "a kernel that is not an ELF with a PVH note")
    refused_start("bad2", {"type": "pvh", "kernel": "ticker-guest",
                           "initrd": "debian-vmlinux"},
                  16, 422, "/boot/initrd", "an initrd larger than the domain")
    status, host = call("GET", "/v1/host")
    refused_start("bad3", {"type": "pvh", "kernel": "ticker-guest"},
                  host["memory_mib"] * 2, 507, "/memory_mib",
                  "memory the host does not have")
    status, r = call("POST", "/v1/domains", {"name": "bad4", "vcpus": 65, "memory_mib": 32,
                                             "boot": {"type": "pvh", "kernel": "ticker-guest"}})
    check(status == 400, "more vCPUs than allowed refused at create (%s %s)" % (status, r))


def leak_loop(rounds=3, count=8):
    """Eight small guests started and destroyed, round after round: nothing leaks."""
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


def ansible_play(want):
    """ansible-playbook with the keel.cloud collection (built by the ansible tests' fixture)
    against this emulated host; returns its recap's changed count, or None."""
    work = tempfile.mkdtemp(prefix="keel-ansible-")
    inv = os.path.join(work, "hosts.yml")
    with open(inv, "w") as f:
        json.dump({"all": {"hosts": {"emulated": {
            "keel_url": BASE, "keel_token": TOKEN,
            "keel_ca_cert": os.path.join(BUILD, "dom0", "ca.crt")}}}}, f)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEEL_")}
    env.update(ANSIBLE_COLLECTIONS_PATH=os.path.join(BUILD, "ansible", "collections"),
               ANSIBLE_NOCOLOR="1", ANSIBLE_HOME=os.path.join(work, "home"),
               ANSIBLE_LOCAL_TEMP=os.path.join(work, "tmp"), ANSIBLE_RETRY_FILES_ENABLED="0")
    p = subprocess.run(["ansible-playbook", "-i", inv,
                        os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                     "ansible-guest.yml"), "-e", "want=" + want],
                       capture_output=True, text=True, env=env, timeout=600)
    shutil.rmtree(work, ignore_errors=True)
    m = re.search(r"emulated\s*:\s*ok=\d+\s+changed=(\d+).*failed=0", p.stdout)
    if not m:
        print(p.stdout[-2000:], p.stderr[-2000:], flush=True)
    return int(m.group(1)) if m else None


def ansible_phase():
    """The Ansible collection against this host (issue 18): a guest started, converged again
    without change, removed; the host's memory back."""
    before = free_mib()
    check(ansible_play("started") == 1, "ansible: ans1 created and started")
    check(state("ans1") == "running", "ansible: ans1 running (%s)" % state("ans1"))
    check(ansible_play("started") == 0, "ansible: a second run changes nothing")
    check(ansible_play("absent") == 1 and state("ans1") is None, "ansible: ans1 removed")
    check(free_mib() == before, "ansible: host free memory back")


def main():
    images_present()
    bad_requests()
    host = HostServer()
    host.start()
    before = free_mib()
    first_guest(host)
    two_guests()
    stop_all(before)
    leak_loop()
    ansible_phase()
    if failures:
        print("rest_guests: %d check(s) failed" % len(failures))
        sys.exit(1)
    print("rest_guests: all checks passed")


if __name__ == "__main__":
    main()

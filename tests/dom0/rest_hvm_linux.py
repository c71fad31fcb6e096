#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""emu_rest_hvm_linux's host command (rest-hvm-linux.desc): Debian's unmodified kernel as an
HVM guest made through the REST API only. The disk deploy/images/hvm-guest builds (SYSLINUX,
Debian's bzImage, a busybox initramfs) is uploaded and a domain with boot.type hvm on QEMU's
AHCI controller (disk_controller ahci) is created and started: controld builds it with
hvmloader and SeaBIOS and runs Debian's qemu-system-xen. The default SYSLINUX entry boots
Linux as PVHVM: it finds Xen, and xen-blkfront takes the PV disk controld offers as xvda
(dom0's blkback on the same file) next to the AHCI disk QEMU emulates (QEMU's unplug takes
IDE disks, not AHCI ones). Its /init reads 8 MiB of each; while each read runs, this script
samples GET .../stats: the VM exits and the device model's requests per second during it.
The guest powers off through ACPI (stopped); destroyed and deleted, the host's memory is back.
Numbers printed: the upload, boot time to the marker, each dd's rate (the guest's own
clock), exits and device-model requests per second during each dd (the hypervisor's clock).
"""
import os
import re
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rest_client import BUILD, call, check, console, failures, free_mib, start, state, wait_state  # noqa: E402,E501

NAME = "rest-hvm-linux"
MARKER = r"^keel-hvm-guest: Linux \S+ up after ([\d.]+) s, mode (\S+)"
BOOT_LIMIT = 3600  # s of this machine's time: one Linux boot through firmware in Bochs


def sample(name):
    """(seconds on the hypervisor's clock, VM exits, device-model requests, by type) or None."""
    status, s = call("GET", "/v1/domains/%s/stats" % name)
    if status != 200 or "vm_exits" not in s:
        return None
    dm = s.get("device_model") or {}
    return (s["hypervisor_time_ns"] / 1e9, s["vm_exits"],
            dm.get("pio", 0) + dm.get("mmio", 0) + dm.get("pci_config", 0), dm)


def watch_reads(name):
    """Polls the console until /init's last line, and the stats while a dd runs. Returns the
    console text and per disk the samples taken inside its read: its "reading" line was on
    the console read before the sample and its result line not on the one read after.
    Polls slowly otherwise: each request is work for dom0, whose time the guest shares."""
    inside = {}
    end = time.monotonic() + BOOT_LIMIT
    text = ""
    # The start is a job: the domain runs once QEMU is up (tens of seconds in Bochs).
    if not wait_state(name, "running", 600):
        return text, inside
    reading = []
    while time.monotonic() < end and (reading or state(name) == "running"):
        before = text
        reading = [d for d in re.findall(r"^keel-hvm-guest: dd (\w+): reading", before, re.M)
                   if not re.search(r"^keel-hvm-guest: dd %s (\d+ MiB in|failed)" % d, before,
                                    re.M)]
        s = sample(name) if reading else None
        now = console(name)
        if not now and state(name) != "running":  # a stopped domain's console reads empty
            break
        text = now or text
        if re.search(r"^keel-hvm-guest: powering off", text, re.M):
            break
        for disk in reading:
            if s and not re.search(r"^keel-hvm-guest: dd %s (\d+ MiB in|failed)" % disk,
                                   text, re.M):
                inside.setdefault(disk, []).append(s)
        time.sleep(0.5 if reading else 2)
    return text, inside


def report_rates(disk, samples):
    if len(samples) < 2:
        print("rest_hvm_linux: dd %s: %d sample(s) inside the read: no rate" %
              (disk, len(samples)))
        return None
    (t0, e0, r0, d0), (t1, e1, r1, d1) = samples[0], samples[-1]
    dt = t1 - t0
    if dt <= 0:
        return None
    kinds = ", ".join("%s %d" % (k, d1.get(k, 0) - d0.get(k, 0))
                      for k in ("pio", "mmio", "pci_config", "buffered"))
    print("rest_hvm_linux: dd %s: over %.1f s inside the read: %.0f VM exits/s, %.0f "
          "device-model requests/s (%s)" % (disk, dt, (e1 - e0) / dt, (r1 - r0) / dt, kinds),
          flush=True)
    return (r1 - r0) / dt


def upload(image, path):
    data = open(path, "rb").read()
    t = time.monotonic()
    status, meta = call("PUT", "/v1/images/" + image, raw=data, timeout=1800)
    check(status == 201, "%s uploaded as %s (%s %s)" % (os.path.basename(path), image, status,
                                                       meta))
    print("rest_hvm_linux: %.1f MiB uploaded in %.1f s" % (len(data) / 2**20,
                                                           time.monotonic() - t), flush=True)


def run_guest(name, image, mode):
    """Creates NAME on IMAGE (AHCI), starts it, watches it to its power-off (stopped); the
    console's text and the samples inside each read."""
    spec = {"name": name, "vcpus": 1, "memory_mib": 128,
            "boot": {"type": "hvm", "firmware": "seabios", "disk_controller": "ahci"},
            "disks": [{"id": "xvda", "path": image}]}
    status, d = call("POST", "/v1/domains", spec)
    check(status == 201, "create %s with boot.type hvm on AHCI (%s %s)" % (name, status, d))
    t0 = start(name)
    text, inside = watch_reads(name)
    m = re.search(MARKER, text, re.M)
    if check(m is not None, "%s: the marker on the API's console (QEMU's COM1)" % name):
        print("rest_hvm_linux: %s: marker seen %.0f s after the start request (guest uptime "
              "%s s), mode %s" % (name, time.monotonic() - t0, m.group(1), m.group(2)),
              flush=True)
        check(m.group(2) == mode, "%s: SYSLINUX's default entry, %s (%s)" % (name, mode,
                                                                              m.group(2)))
    else:
        print("--- %s's console ---\n%s\n---" % (name, text[-3000:]), flush=True)
    for line in re.findall(r"^keel-hvm-guest: (?:dmesg|disk|dd) .*$", text, re.M):
        print("rest_hvm_linux: %s: guest: %s" % (name, line.rstrip()), flush=True)
    check(re.search(r"^keel-hvm-guest: disk sda driver ahci ", text, re.M) is not None,
          "%s: the emulated disk sda through ahci" % name)
    check(re.search(r"^keel-hvm-guest: powering off", text, re.M) is not None,
          "%s: /init's last line" % name)
    check(wait_state(name, "stopped", 600), "%s stopped after the guest's ACPI power-off" % name)
    status, _ = call("DELETE", "/v1/domains/" + name)
    check(status == 204, "delete %s (%s)" % (name, status))
    check(state(name) is None, "%s gone" % name)
    return text, inside


def dd_rate(text, disk):
    r = re.search(r"^keel-hvm-guest: dd %s (\d+) MiB in ([\d.]+) s: ([\d.]+) MB/s" % disk,
                  text, re.M)
    return float(r.group(3)) if check(r is not None, "dd of %s" % disk) else None


def main():
    before = free_mib()
    guest = os.path.join(BUILD, "boot", "hvm-guest")
    upload("hvm-linux-nopv", os.path.join(guest, "nopv.img"))
    upload("hvm-linux-pvhvm", os.path.join(guest, "disk.img"))

    # The unmodified OS: Linux with nopv takes no Xen path (no xen-blkfront: xvda unused).
    text, _ = run_guest(NAME + "-nopv", "hvm-linux-nopv", "nopv")
    check(not re.search(r"^keel-hvm-guest: disk xvda", text, re.M), "nopv: no PV disk")
    dd_rate(text, "sda")

    # PVHVM: the PV disk next to the AHCI one, read one after the other, sampled.
    text, inside = run_guest(NAME, "hvm-linux-pvhvm", "pvhvm")
    check(re.search(r"^keel-hvm-guest: dmesg: .*Booting paravirtualized kernel on Xen HVM",
                    text, re.M) is not None, "Linux booted as PVHVM")
    check(re.search(r"^keel-hvm-guest: disk xvda driver vbd ", text, re.M) is not None,
          "the PV disk xvda through xen-blkfront")
    rates = {disk: dd_rate(text, disk) for disk in ("sda", "xvda")}
    dm = {disk: report_rates(disk, inside.get(disk, [])) for disk in ("sda", "xvda")}
    # The emulated disk's read goes through QEMU (AHCI's registers); the PV disk's does not.
    check(dm["sda"] is not None and dm["sda"] > 0,
          "device-model requests during the AHCI read, from GET .../stats (%s/s)" % dm["sda"])
    check(dm["xvda"] is not None and dm["sda"] is not None and dm["xvda"] < dm["sda"],
          "fewer device-model requests during the PV read (%s/s) than the AHCI read (%s/s)"
          % (dm["xvda"], dm["sda"]))
    if rates["sda"] and rates["xvda"]:
        print("rest_hvm_linux: PV disk %.2f MB/s, emulated AHCI disk %.2f MB/s: %.1f times" %
              (rates["xvda"], rates["sda"], rates["xvda"] / rates["sda"]), flush=True)
        check(rates["xvda"] > rates["sda"], "the PV disk reads faster than the emulated one")

    for image in ("hvm-linux-nopv", "hvm-linux-pvhvm"):
        status, _ = call("DELETE", "/v1/images/" + image)
        check(status == 204, "delete the disk image %s (%s)" % (image, status))
    time.sleep(2)
    check(free_mib() == before, "host free memory back (%s MiB, was %s)" % (free_mib(), before))
    if failures:
        print("rest_hvm_linux: %d check(s) failed" % len(failures))
        sys.exit(1)
    print("rest_hvm_linux: all checks passed")


if __name__ == "__main__":
    main()

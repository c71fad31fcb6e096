#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host side of the guests benchmark (bench-guests.sh): a Debian guest with a 96 MiB disk and
a NIC, started through the REST API, and dom0 itself, measured in the same emulator run:
  - PV disk: 64 MiB written with O_DIRECT (and read back, O_DIRECT) by dd in the guest on its
    ext4 disk, next to 64 MiB written (fsync'd) and read by dd in dom0 on the same disk's
    backing file once the guest has stopped; the ratio guest/dom0 (the issue's goal: >= 0.7);
  - PV network: 32 MiB fetched by the guest from dom0's web server over netfront/netback and
    the bridge, next to the same fetch inside dom0 over loopback; their ratio;
  - start of the domain to its first console output and to its /init.
Times are the guest's and dom0's own clocks (/proc/uptime), which in Bochs advance with the
emulated instructions, so both sides are in the same emulated seconds."""
import os
import re
import sys
import urllib.request

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rest_client as rc  # noqa: E402
import rest_guests as rg  # noqa: E402

HOOK = "http://127.0.0.1:%s/cgi-bin/" % os.environ.get("KEEL_EMU_PORT_7777")


def dom0(cgi):
    with urllib.request.urlopen(HOOK + cgi, timeout=900) as r:
        nums = [float(x) for x in re.findall(r"[\d.]+", r.read().decode())]
    return [nums[i + 1] - nums[i] for i in range(0, len(nums), 2)]


def guest_timed(name, command, tag):
    """Runs command on the guest's shell between two readings of its clock: seconds."""
    rg.typed(name, "a=$(cut -d' ' -f1 /proc/uptime); %s; b=$(cut -d' ' -f1 /proc/uptime); "
             "echo %s $a $b" % (command, tag), r"^%s [\d.]+ [\d.]+" % tag, 900)
    m = re.findall(r"^%s ([\d.]+) ([\d.]+)" % tag, rc.console(name), re.M)
    return float(m[-1][1]) - float(m[-1][0]) if m else None


def rate(mib, secs):
    return mib / secs if secs else float("nan")


def main():
    rc.blank_disk("benchdisk", 96)
    rg.create("bench", disks=[{"id": "xvda", "path": "benchdisk"}],
              nics=[{"id": "0", "mac": "00:16:3e:4b:00:40"}])
    t0 = rg.start("bench")
    rg.boot_checks("bench", t0, 1)
    gw = guest_timed("bench", "dd if=/dev/zero of=/mnt/bench bs=1M count=64 oflag=direct "
                     "2>/dev/null", "wrote")
    gr = guest_timed("bench", "dd if=/mnt/bench of=/dev/null bs=1M iflag=direct 2>/dev/null",
                     "read")
    (nl,) = dom0("dom0-net")
    gn = guest_timed("bench", "wget -q -O /dev/null http://192.168.100.1:7777/big", "fetched")
    rc.call("POST", "/v1/domains/bench/actions/shutdown", {"timeout_s": 120})
    rc.wait_state("bench", "stopped", 150)
    dw, dr = dom0("dom0-disk?benchdisk")
    print("\nPV disk, 64 MiB dd (MiB per emulated second):")
    print("  write  guest %.1f (O_DIRECT)   dom0 %.1f (fsync)   ratio %.2f" %
          (rate(64, gw), rate(64, dw), rate(64, gw) / rate(64, dw)))
    print("  read   guest %.1f (O_DIRECT)   dom0 %.1f           ratio %.2f" %
          (rate(64, gr), rate(64, dr), rate(64, gr) / rate(64, dr)))
    print("PV network, 32 MiB over HTTP (MiB per emulated second):")
    print("  guest from dom0 %.1f   dom0 loopback %.1f   ratio %.2f" %
          (rate(32, gn), rate(32, nl), rate(32, gn) / rate(32, nl)))
    if rc.failures:
        sys.exit(1)


if __name__ == "__main__":
    main()

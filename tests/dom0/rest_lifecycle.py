#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host side of the dom0 emulator test: the REST API in dom0 acting on Keel's real domains,
through the emulator's port forward (TLS with the build's CA, the build's admin token).
Boot-time domains appear in the API; pausing "ticker" stops its console ticks and unpausing
resumes them; destroying it ends it in the hypervisor with an SSE event saying so; "crasher",
which crashed at boot, is listed as crashed and forgetting it releases it in Keel. Then a
guest from the REST API alone: the ticker test guest uploaded as an image, a domain created
from it and started (controld builds it through Keel's domctl), its ticks on the console,
destroyed, and the host's free memory back to its value before. keel-emu runs this with
KEEL_EMU_PORT_18443, KEEL_BUILD and KEEL_EMU_SERIAL set."""
import re
import sys
import threading
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from rest_client import (BASE, CTX, TOKEN, call, check, failures, free_mib, serial, upload_guest,
                         wait_for)


def ticks(name="ticker"):
    return len(re.findall(r"^\(%s\) tick \d+" % name, serial(), re.M))


def domain(name):
    status, d = call("GET", "/v1/domains/" + name)
    return d if status == 200 else None


events = []


def follow_events():
    req = urllib.request.Request(BASE + "/v1/events?types=domain",
                                 headers={"Authorization": "Bearer " + TOKEN})
    try:
        with urllib.request.urlopen(req, context=CTX, timeout=600) as r:
            for line in r:
                events.append(line.decode("utf-8", "replace").rstrip("\n"))
    except Exception as e:  # the run ends while the stream is open
        events.append("stream ended: %s" % e)


def built_from_rest():
    upload_guest("ticker-guest", "ticker.elf")
    before = free_mib()
    status, d = call("POST", "/v1/domains", {
        "name": "rest-ticker", "vcpus": 1, "memory_mib": 32,
        "boot": {"type": "pvh", "kernel": "ticker-guest", "cmdline": "period=500"}})
    check(status == 201, "create rest-ticker (%s %s)" % (status, d))
    t0 = time.monotonic()
    status, job = call("POST", "/v1/domains/rest-ticker/actions/start")
    check(status in (200, 202), "start rest-ticker (%s %s)" % (status, job))
    if wait_for(lambda: ticks("rest-ticker") >= 1, 60, "rest-ticker's first tick"):
        print("start to first console line: %.1f s" % (time.monotonic() - t0))
    check((domain("rest-ticker") or {}).get("state") == "running", "rest-ticker running")
    check(re.search(r"^keel: domain \d+ \(rest-ticker\)", serial(), re.M) is not None,
          "Keel names the domain controld built")
    status, _ = call("POST", "/v1/domains/rest-ticker/actions/destroy")
    check(status in (200, 202), "destroy rest-ticker (%s)" % status)
    wait_for(lambda: re.search(r"^keel: domain \d+ \(rest-ticker\) vcpu 0: ran", serial(),
                               re.M), 30, "Keel freed rest-ticker")
    after = free_mib()
    check(after == before, "host free memory back (%s MiB before, %s after)" % (before, after))
    status, _ = call("DELETE", "/v1/domains/rest-ticker")
    check(status in (200, 204), "delete rest-ticker (%s)" % status)


def main():
    status, doms = call("GET", "/v1/domains")
    check(status == 200, "GET /v1/domains answers (%s)" % status)
    by_name = {d["name"]: d for d in (doms or {}).get("items", [])}
    print("domains:", {n: (d["domid"], d["state"]) for n, d in by_name.items()})
    check(by_name.get("Domain-0", {}).get("state") == "running", "Domain-0 listed running")
    check(by_name.get("ticker", {}).get("state") == "running", "boot-time ticker listed running")
    check(by_name.get("crasher", {}).get("state") == "crashed", "boot-time crasher listed crashed")

    threading.Thread(target=follow_events, daemon=True).start()
    time.sleep(2)

    # Pause: the ticks stop (one may still be on its way); unpause: they come back.
    wait_for(lambda: ticks() >= 2, 60, "ticker ticking")
    status, _ = call("POST", "/v1/domains/ticker/actions/pause")
    check(status in (200, 202), "pause ticker (%s)" % status)
    time.sleep(3)
    paused_at = ticks()
    time.sleep(8)
    check(ticks() == paused_at, "no ticks while paused (%d then %d)" % (paused_at, ticks()))
    check((domain("ticker") or {}).get("state") == "paused", "ticker state paused")
    status, _ = call("POST", "/v1/domains/ticker/actions/unpause")
    check(status in (200, 202), "unpause ticker (%s)" % status)
    wait_for(lambda: ticks() > paused_at, 30, "ticks again after unpause")

    # Destroy: Keel ends it (and reaps it: its report lines), an SSE event says so.
    status, _ = call("POST", "/v1/domains/ticker/actions/destroy")
    check(status in (200, 202), "destroy ticker (%s)" % status)
    wait_for(lambda: re.search(r"^keel: domain \d+ \(ticker\) destroyed by domain 0", serial(),
                               re.M), 30, "Keel destroyed ticker")
    wait_for(lambda: re.search(r"^keel: domain \d+ \(ticker\) vcpu 0: ran", serial(), re.M), 30,
             "Keel freed ticker")
    wait_for(lambda: any("ticker" in e and "stopped" in e for e in events), 30,
             "an SSE event with ticker stopped")
    check((domain("ticker") or {}).get("state") == "stopped", "ticker state stopped")

    # The crashed domain is kept for the toolstack until it is forgotten.
    status, _ = call("DELETE", "/v1/domains/crasher")
    check(status in (200, 202, 204), "forget crasher (%s)" % status)
    wait_for(lambda: re.search(r"^keel: domain \d+ \(crasher\) (released|destroyed) by domain 0",
                               serial(), re.M), 30, "Keel released crasher")
    built_from_rest()
    print("events seen:", len(events))
    for e in events[:40]:
        print("  ", e[:200])
    print("%s (%d failed)" % ("FAIL" if failures else "PASS", len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

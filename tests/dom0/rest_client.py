# SPDX-License-Identifier: MIT
"""The REST API in the emulated dom0 as the emulator tests' host scripts reach it: through
keel-emu's port forward (KEEL_EMU_PORT_18443), TLS with the build's CA, the build's admin
token; Keel's serial log (KEEL_EMU_SERIAL); the checks a script records."""
import json
import os
import re
import ssl
import time
import urllib.error
import urllib.request

PORT = os.environ["KEEL_EMU_PORT_18443"]
BUILD = os.environ["KEEL_BUILD"]
BASE = "https://127.0.0.1:%s" % PORT
CTX = ssl.create_default_context(cafile=os.path.join(BUILD, "dom0", "ca.crt"))
TOKEN = open(os.path.join(BUILD, "dom0", "admin.token")).read().strip()
failures = []


def check(ok, what):
    print("%s: %s" % ("ok" if ok else "FAIL", what), flush=True)
    if not ok:
        failures.append(what)
    return ok


def call(method, path, body=None, timeout=120, raw=None):
    """(status, body): JSON bodies decoded, other text as a string; raw is uploaded as is."""
    req = urllib.request.Request(BASE + path, method=method,
                                 headers={"Authorization": "Bearer " + TOKEN})
    if raw is not None:
        req.data = raw
        req.add_header("Content-Type", "application/octet-stream")
    elif body is not None:
        req.data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, context=CTX, timeout=timeout) as r:
            data = r.read()
            kind = r.headers.get("Content-Type", "")
            return r.status, json.loads(data) if data and "json" in kind else data.decode()
    except urllib.error.HTTPError as e:
        data = e.read()
        return e.code, json.loads(data) if data else None


def serial():
    with open(os.environ["KEEL_EMU_SERIAL"], "rb") as f:
        return f.read().decode("utf-8", "replace")


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


def start(name):
    t0 = time.monotonic()
    status, job = call("POST", "/v1/domains/%s/actions/start" % name)
    check(status in (200, 202), "start %s (%s %s)" % (name, status, job))
    return t0


def blank_disk(name, mib=32):
    status, r = call("POST", "/v1/images", {"name": name, "size_bytes": mib << 20})
    check(status == 201, "blank disk %s of %d MiB (%s %s)" % (name, mib, status, r))


def upload_guest(image, elf):
    """PUTs build/boot/guests/ELF as image IMAGE; True on 201."""
    data = open(os.path.join(BUILD, "boot", "guests", elf), "rb").read()
    status, meta = call("PUT", "/v1/images/" + image, raw=data)
    return check(status == 201, "upload %s as image %s (%s %s)" % (elf, image, status, meta))


def wait_for(pred, limit, what):
    """True once pred() holds, polled until limit seconds; a failed check otherwise."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.5)
    return check(False, "%s within %d s" % (what, limit))

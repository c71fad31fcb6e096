#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Contract test of controld against openapi.yaml.

Starts keel-xenstored and the test daemon (hypervisor test double) in a temporary directory, exercises every operation of the spec
over the Unix socket and over TCP, validates every response against the schema documented
for its status code, and checks behaviour: errors, auth, ETags, idempotency, jobs, events,
restart. Prints 'N passed, N failed' and exits non-zero on any failure.
"""
import argparse
import calendar
import hashlib
import http.client
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

import jsonschema
import yaml

SPEC = None
CALLS = []  # (method, template, status)
REQUEST_IDS = []  # (X-Request-Id, method, path, status) of every Client request
PASSED = []
FAILED = []


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=10):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


def templates():
    out = []
    for tmpl in SPEC["paths"]:
        rx = "^" + re.sub(r"\{[^}]+\}", "[^/]+", tmpl) + "$"
        out.append((tmpl, re.compile(rx)))
    # Literal segments win over parameters (/v1/domains/x/disks vs /v1/domains/{d}).
    out.sort(key=lambda t: -t[0].count("/") * 10 + t[0].count("{"))
    return out


def deref(obj):
    while isinstance(obj, dict) and "$ref" in obj:
        node = SPEC
        for part in obj["$ref"][2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        obj = node
    return obj


def validate_response(method, path, status, headers, body):
    tmpl = None
    for t, rx in TEMPLATES:
        if rx.match(path.split("?")[0]) and method.lower() in SPEC["paths"][t]:
            tmpl = t
            break
    assert tmpl, f"{method} {path}: no operation in openapi.yaml"
    op = SPEC["paths"][tmpl][method.lower()]
    CALLS.append((method, tmpl, status))
    responses = op["responses"]
    assert str(status) in responses, f"{method} {tmpl}: status {status} is not documented"
    resp = deref(responses[str(status)])
    for h in resp.get("headers", {}):
        if status < 300 and h not in ("WWW-Authenticate",):
            assert headers.get(h), f"{method} {tmpl} {status}: header {h} missing"
    content = resp.get("content")
    if not content:
        return
    ctype = (headers.get("Content-Type") or "").split(";")[0].strip()
    assert ctype in content, f"{method} {tmpl} {status}: Content-Type {ctype!r} not in {list(content)}"
    schema = content[ctype].get("schema")
    if not schema or not ctype.endswith("json") or body is None:
        return
    root = dict(schema)
    root["components"] = SPEC["components"]
    jsonschema.Draft202012Validator(root).validate(json.loads(body))


class Client:
    def __init__(self, unix=None, port=None, token=None):
        self.unix, self.port, self.token = unix, port, token

    def conn(self, timeout=10):
        if self.unix:
            return UnixConnection(self.unix, timeout)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def req(self, method, path, body=None, headers=None, raw=None, ctype="application/json"):
        h = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None and ctype:
            h.setdefault("Content-Type", ctype)
        if self.token:
            h.setdefault("Authorization", "Bearer " + self.token)
        c = self.conn()
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        text = r.read()
        hdrs = {k: v for k, v in r.getheaders()}
        c.close()
        REQUEST_IDS.append((hdrs.get("X-Request-Id"), method, path.split("?")[0], r.status))
        validate_response(method, path, r.status, hdrs, text)
        js = None
        if text and "json" in (hdrs.get("Content-Type") or ""):
            js = json.loads(text)
        return r.status, hdrs, js if js is not None else text.decode(errors="replace")


class Sse:
    """A Server-Sent Events reader over a raw socket."""

    def __init__(self, client, path, headers=None):
        if client.unix:
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.s.connect(client.unix)
        else:
            self.s = socket.create_connection(("127.0.0.1", client.port))
        h = dict(headers or {})
        if client.token:
            h["Authorization"] = "Bearer " + client.token
        lines = [f"GET {path} HTTP/1.1", "Host: localhost"] + [f"{k}: {v}" for k, v in h.items()]
        self.s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buf = b""
        self.status = None
        self.events = []
        self.path = path
        # Subscribed once the headers are back: events after this point reach us.
        deadline = time.time() + 5
        while self.status is None and self._fill(deadline):
            self._parse()

    def _fill(self, deadline):
        left = deadline - time.time()
        if left <= 0:
            return False
        r, _, _ = select.select([self.s], [], [], left)
        if not r:
            return False
        chunk = self.s.recv(65536)
        if not chunk:
            return False
        self.buf += chunk
        return True

    def _parse(self):
        if self.status is None and b"\r\n\r\n" in self.buf:
            head, self.buf = self.buf.split(b"\r\n\r\n", 1)
            first = head.split(b"\r\n")[0].decode()
            self.status = int(first.split()[1])
            hdrs = dict(l.decode().split(": ", 1) for l in head.split(b"\r\n")[1:])
            validate_response("GET", self.path, self.status, hdrs, None)
            self.chunked = hdrs.get("Transfer-Encoding") == "chunked"
            self.body = b""
        if self.status is None:
            return
        # De-chunk what is complete.
        while self.chunked and b"\r\n" in self.buf:
            size_line, rest = self.buf.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            if len(rest) < size + 2:
                break
            self.body += rest[:size]
            self.buf = rest[size + 2:]
        if not self.chunked:
            self.body += self.buf
            self.buf = b""
        while b"\n\n" in self.body:
            frame, self.body = self.body.split(b"\n\n", 1)
            ev = {}
            for line in frame.decode().split("\n"):
                if line.startswith(":") or ": " not in line:
                    continue
                k, v = line.split(": ", 1)
                ev[k] = v
            if "event" in ev:
                ev["json"] = json.loads(ev["data"])
                self.events.append(ev)

    def wait(self, pred, timeout=5):
        deadline = time.time() + timeout
        while True:
            self._parse()
            for ev in self.events:
                if pred(ev):
                    return ev
            if not self._fill(deadline):
                raise AssertionError(f"SSE {self.path}: no matching event; got {[e['event'] for e in self.events]}")

    def close(self):
        self.s.close()


class Store:
    """keel-xenstored in the test's directory: the real store controld keeps its state in."""

    def __init__(self, binary, work):
        self.binary, self.work = binary, work
        self.sock = os.path.join(work, "xenstored.sock")
        self.proc = None

    def start(self):
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        self.log = open(os.path.join(self.work, "xenstored.log"), "a")
        self.proc = subprocess.Popen([self.binary, "--db", os.path.join(self.work, "xs.db"),
                                      "--socket", self.sock], stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(200):
            if os.path.exists(self.sock):
                return
            if self.proc.poll() is not None:
                raise RuntimeError("keel-xenstored exited at start; see " + self.log.name)
            time.sleep(0.025)
        raise RuntimeError("keel-xenstored did not create its socket")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=20)
        self.log.close()
        return rc


class Daemon:
    def __init__(self, binary, work, store=None, extra=None):
        self.binary, self.work = binary, work
        self.sock = os.path.join(work, "controld.sock")
        self.store = store
        self.extra = extra or []
        self.proc = None

    def start(self):
        ready = os.path.join(self.work, "ready.json")
        if os.path.exists(ready):
            os.unlink(ready)
        env = dict(os.environ)
        env.pop("XENSTORED_PATH", None)
        if self.store:
            env["XENSTORED_PATH"] = self.store.sock
        env["KEEL_TEST_HV_STATE"] = os.path.join(self.work, "hv.json")
        self.log = open(os.path.join(self.work, "controld.log"), "a")
        self.proc = subprocess.Popen(
            [self.binary, "--unix", self.sock, "--listen", "127.0.0.1:0", "--ready-file", ready,
             "--set", "shutdown_timeout=5", "--set", "pci_sysfs=" + os.path.join(self.work, "sysfs"),
             "--set", "drain_timeout=10", "--set", "images_dir=" + os.path.join(self.work, "images"),
             "--set", "image_max_mib=1"] + self.extra,
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(200):
            if os.path.exists(ready) and os.path.getsize(ready):
                self.port = json.load(open(ready))["tcp_port"]
                return
            if self.proc.poll() is not None:
                raise RuntimeError("controld exited at start; see " + self.log.name)
            time.sleep(0.025)
        raise RuntimeError("controld did not become ready")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=20)
        self.log.close()
        return rc


def start_host(daemon, xenstored, work, token_name, extra=None):
    """keel-xenstored and the test daemon in work, and an admin token made over the Unix socket.

    Returns (Daemon, token); the Daemon's store is the started keel-xenstored.
    """
    store = Store(xenstored, work)
    store.start()
    d = Daemon(daemon, work, store, extra)
    d.start()
    st, _, js = Client(unix=d.sock).req("POST", "/v1/tokens", {"name": token_name, "scope": "admin"})
    assert st == 201, (st, js)
    return d, js["token"]


def make_pci_sysfs(work):
    """make_sysfs's devices in work/sys/devices; work/sysfs, the daemon's pci_sysfs, points there
    (the root must be the devices directory, with drivers/ beside it)."""
    devices = os.path.join(work, "sys", "devices")
    os.makedirs(devices)
    make_sysfs(devices)
    os.symlink(devices, os.path.join(work, "sysfs"))


def make_sysfs(root):
    for bdf, vendor, device, cls, driver in [("0000:00:1f.2", "0x8086", "0x2922", "0x010601", "ahci"),
                                             ("0000:03:00.0", "0x8086", "0x10d3", "0x020000", "pciback"),
                                             ("0000:04:00.0", "0x10de", "0x1eb8", "0x030200", None)]:
        d = os.path.join(root, bdf)
        os.makedirs(d)
        for k, v in (("vendor", vendor), ("device", device), ("class", cls)):
            with open(os.path.join(d, k), "w") as f:
                f.write(v + "\n")
        if driver:
            os.makedirs(os.path.join(root, "..", "drivers", driver), exist_ok=True)
            os.symlink(os.path.join("..", "..", "drivers", driver), os.path.join(d, "driver"))


def domain_body(name, **kw):
    b = {"name": name, "vcpus": 2, "memory_mib": 256,
         "boot": {"type": "pvh", "kernel": "/var/lib/keel/vmlinuz", "cmdline": "console=hvc0"}}
    b.update(kw)
    return b


def wait_job(c, job_id, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        st, _, j = c.req("GET", f"/v1/jobs/{job_id}")
        assert st == 200
        if j["state"] != "running":
            return j
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def check_problem(st, js, status, field=None):
    assert st == status, f"expected {status}, got {st}: {js}"
    assert js["status"] == status
    if field is not None:
        assert js.get("field") == field, f"expected field {field!r}, got {js.get('field')!r}: {js}"


# --- the tests -------------------------------------------------------------------------------

def t_health_and_auth(ctx):
    anon = Client(port=ctx.d.port)
    st, _, body = anon.req("GET", "/healthz")
    assert st == 200 and body.strip() == "ok"
    st, h, js = anon.req("GET", "/v1/domains")
    check_problem(st, js, 401, "Authorization")
    assert h["WWW-Authenticate"].startswith("Bearer")
    st, h, js = anon.req("GET", "/v1/domains", headers={"Authorization": "Basic abc"})
    check_problem(st, js, 401)
    bogus = "keel_" + "0" * 16 + "_" + "0" * 64
    st, _, js = anon.req("GET", "/v1/domains", headers={"Authorization": "Bearer " + bogus})
    check_problem(st, js, 401)
    st, _, js = ctx.read.req("POST", "/v1/domains", domain_body("nope"))
    check_problem(st, js, 403)
    st, _, js = ctx.operate.req("DELETE", "/v1/tokens/0123456789abcdef")
    check_problem(st, js, 403)
    st, _, _ = ctx.read.req("GET", "/v1/host")
    assert st == 200


def t_tokens(ctx):
    st, h, js = ctx.unix.req("POST", "/v1/tokens", {"name": "ci", "scope": "read"})
    assert st == 201 and js["token"].startswith("keel_" + js["id"])
    st, _, lst = ctx.admin.req("GET", "/v1/tokens")
    assert any(t["id"] == js["id"] for t in lst["items"])
    assert all("hash" not in t and "token" not in t for t in lst["items"])
    t = Client(port=ctx.d.port, token=js["token"])
    assert t.req("GET", "/v1/host")[0] == 200
    st, _, err = ctx.admin.req("POST", "/v1/tokens", {"name": "x", "scope": "root"})
    check_problem(st, err, 400, "/scope")
    st, _, _ = ctx.admin.req("DELETE", f"/v1/tokens/{js['id']}")
    assert st == 204
    st, _, err = t.req("GET", "/v1/host")
    check_problem(st, err, 401)
    st, _, err = ctx.admin.req("DELETE", f"/v1/tokens/{js['id']}")
    check_problem(st, err, 404)


def t_create_validation(ctx):
    c = ctx.admin
    st, h, d = c.req("POST", "/v1/domains", domain_body("val1", disks=[{"id": "xvda", "path": "/srv/a.img"}],
                                                         nics=[{"id": "0"}]))
    assert st == 201 and h["Location"] == f"/v1/domains/{d['id']}" and h["ETag"] == '"1"'
    assert d["state"] == "stopped" and d["domid"] is None and d["nics"][0]["mac"].startswith("00:16:3e:")
    st, _, js = c.req("POST", "/v1/domains", domain_body("val1"))
    check_problem(st, js, 409, "/name")
    cases = [
        (None, b'{"name": ', ""),
        (None, b'[1,2]', ""),
        (None, b'{"name":"a","name":"b"}', ""),
        (domain_body("v2", bogus=1), None, "/bogus"),
        (domain_body("v2", vcpus="2"), None, "/vcpus"),
        (domain_body("v2", vcpus=2.5), None, "/vcpus"),
        (domain_body("v2", vcpus=0), None, "/vcpus"),
        (domain_body("v2", vcpus=65), None, "/vcpus"),
        (domain_body("v2", memory_mib=8), None, "/memory_mib"),
        (domain_body("v2", memory_mib=2**62), None, "/memory_mib"),
        (domain_body("v2", max_vcpus=1), None, "/max_vcpus"),
        (domain_body("bad name"), None, "/name"),
        (domain_body("0b3c1c52-5a39-4d67-9e7b-6a8a3e1f4f55"), None, "/name"),
        (domain_body("v2", boot={"type": "pvh"}), None, "/boot/kernel"),
        (domain_body("v2", boot={"type": "xen"}), None, "/boot/type"),
        (domain_body("v2", boot={"type": "hvm", "kernel": "/k"}), None, "/boot/kernel"),
        (domain_body("v2", boot={"type": "hvm", "disk_controller": "sata"}), None, "/boot/disk_controller"),
        (domain_body("v2", boot={"type": "pvh", "kernel": "/k", "disk_controller": "ahci"}), None,
         "/boot/disk_controller"),
        (domain_body("v2", boot={"type": "pvh", "kernel": "rel/ative"}), None, "/boot/kernel"),
        (domain_body("v2", disks=[{"id": "xvda", "path": "/a/../b"}]), None, "/disks/0/path"),
        (domain_body("v2", disks=[{"id": "sda", "path": "/a"}]), None, "/disks/0/id"),
        (domain_body("v2", disks=[{"id": "xvda", "path": "/a"}, {"id": "xvda", "path": "/b"}]), None, "/disks/1/id"),
        (domain_body("v2", nics=[{"id": "0", "mac": "01:00:00:00:00:01"}]), None, "/nics/0/mac"),
        (domain_body("v2", pci=["3:0.0"]), None, "/pci/0"),
        (domain_body("v2", pinning=[[0, 64]]), None, "/pinning/0/1"),
        (domain_body("v2", sched={"weight": 0}), None, "/sched/weight"),
    ]
    for body, raw, field in cases:
        st, _, js = c.req("POST", "/v1/domains", body, raw=raw)
        check_problem(st, js, 400, field)
    st, _, js = c.req("POST", "/v1/domains", raw=b"name=x", ctype="text/plain")
    check_problem(st, js, 415)
    st, _, lst = c.req("GET", "/v1/domains?name_prefix=v2")
    assert lst["total"] == 0, "a rejected create must leave nothing behind"
    st, _, js = c.req("POST", "/v1/domains", domain_body("val3", boot={"type": "hvm"}))
    assert st == 201 and js["boot"] == {"type": "hvm", "firmware": "seabios", "disk_controller": "ide"}
    st, _, js = c.req("POST", "/v1/domains", domain_body("val4", boot={"type": "hvm", "disk_controller": "ahci"}))
    assert st == 201 and js["boot"]["disk_controller"] == "ahci", js


def t_list_get_patch(ctx):
    c = ctx.admin
    ids = {}
    for i in range(5):
        st, _, d = c.req("POST", "/v1/domains", domain_body(f"page{i}", max_vcpus=4))
        assert st == 201
        ids[d["name"]] = d["id"]
    seen, cursor = [], None
    while True:
        st, _, page = c.req("GET", "/v1/domains?name_prefix=page&limit=2" + (f"&cursor={cursor}" if cursor else ""))
        assert st == 200 and page["total"] == 5 and len(page["items"]) <= 2
        seen += [d["name"] for d in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"page{i}" for i in range(5)], seen
    st, _, page = c.req("GET", "/v1/domains?state=running,paused&name_prefix=page")
    assert page["total"] == 0
    # A dashboard polling the list gets 304 until some domain changes.
    st, h, _ = c.req("GET", "/v1/domains?name_prefix=page")
    st, _, _ = c.req("GET", "/v1/domains?name_prefix=page", headers={"If-None-Match": h["ETag"]})
    assert st == 304
    c.req("PATCH", "/v1/domains/page1", {"vcpus": 2})
    st, h2, _ = c.req("GET", "/v1/domains?name_prefix=page", headers={"If-None-Match": h["ETag"]})
    assert st == 200 and h2["ETag"] != h["ETag"]
    for q, field in (("limit=0", "limit"), ("limit=501", "limit"), ("limit=abc", "limit"),
                     ("state=flying", "state"), ("colour=red", "colour")):
        st, _, js = c.req("GET", "/v1/domains?" + q)
        check_problem(st, js, 400, field)
    st, h, d = c.req("GET", f"/v1/domains/{ids['page0']}")
    assert st == 200 and d["name"] == "page0"
    etag = h["ETag"]
    st, h2, d2 = c.req("GET", "/v1/domains/page0")
    assert d2["id"] == ids["page0"]
    st, _, _ = c.req("GET", "/v1/domains/page0", headers={"If-None-Match": etag})
    assert st == 304
    st, _, js = c.req("GET", "/v1/domains/nosuch")
    check_problem(st, js, 404)
    st, _, js = c.req("PATCH", "/v1/domains/page0", {"vcpus": 3}, headers={"If-Match": '"999"'})
    check_problem(st, js, 412, "If-Match")
    st, _, js = c.req("PATCH", "/v1/domains/page0", {"vcpus": 3}, headers={"If-Match": 'garbage'})
    check_problem(st, js, 400, "If-Match")
    st, h, d = c.req("PATCH", "/v1/domains/page0", {"vcpus": 3, "sched": {"cap": 50}, "pinning": [[0, 1], []],
                                                    "memory_target_mib": 128},
                     headers={"If-Match": etag}, ctype="application/merge-patch+json")
    assert st == 200 and d["vcpus"] == 3 and d["sched"] == {"weight": 256, "cap": 50}
    assert d["memory_target_mib"] == 128 and h["ETag"] != etag
    for body, field in (({"vcpus": 5}, "/vcpus"), ({"memory_target_mib": 300}, "/memory_target_mib"),
                        ({"name": "x"}, "/name"), ({}, "")):
        st, _, js = c.req("PATCH", "/v1/domains/page0", body)
        check_problem(st, js, 400, field)
    st, _, _ = c.req("DELETE", "/v1/domains/page4", headers={"If-Match": '"1"'})
    assert st == 204
    st, _, js = c.req("DELETE", "/v1/domains/page4")
    check_problem(st, js, 404)


def t_lifecycle(ctx):
    c = ctx.admin
    events = Sse(ctx.unix, "/v1/events?types=domain,job")
    st, _, d = c.req("POST", "/v1/domains", domain_body("life", disks=[{"id": "xvda", "path": "/srv/life.img"}],
                                                         nics=[{"id": "0", "bridge": "br0"}]))
    did = d["id"]
    events.wait(lambda e: e["event"] == "domain.created" and e["json"]["id"] == did)
    console = Sse(ctx.unix, "/v1/domains/life/console/stream")
    watch = Sse(ctx.unix, "/v1/events?types=store&watch=/local/domain")
    st, h, j = c.req("POST", "/v1/domains/life/actions/start")
    assert st == 200 and j["state"] == "succeeded" and h["Location"] == f"/v1/jobs/{j['id']}"
    st, _, d = c.req("GET", "/v1/domains/life")
    assert d["state"] == "running" and isinstance(d["domid"], int)
    domid = d["domid"]
    events.wait(lambda e: e["event"] == "domain.state" and e["json"]["to"] == "running")
    console.wait(lambda e: e["event"] == "console.output" and "Linux version" in e["json"]["data"])
    st, _, text = c.req("GET", "/v1/domains/life/console")
    assert st == 200 and "Booting paravirtualized kernel" in text
    # The Xen-tool paths of a running domain are in the store.
    watch.wait(lambda e: e["json"]["path"] == f"/local/domain/{domid}/name" and e["json"]["value"] == "life")
    watch.wait(lambda e: e["json"]["path"] == f"/local/domain/0/backend/vif/{domid}/0/bridge")
    # What the build set up, as xl writes it: the xenstore and console rings' pages and ports.
    for leaf, value in (("store/ring-ref", str(0xfeffc)), ("store/port", "1"),
                        ("console/ring-ref", str(0xfeffd)), ("console/port", "2")):
        watch.wait(lambda e: e["json"]["path"] == f"/local/domain/{domid}/{leaf}" and e["json"]["value"] == value)
    watch.wait(lambda e: e["json"]["path"] == f"/local/domain/{domid}/control/feature-poweroff")
    st, _, js = c.req("POST", "/v1/domains/life/actions/start")
    check_problem(st, js, 409)
    st, _, js = c.req("POST", "/v1/domains/life/actions/unpause")
    check_problem(st, js, 409)
    st, _, js = c.req("DELETE", "/v1/domains/life")
    check_problem(st, js, 409)
    st, _, js = c.req("POST", "/v1/domains/life/actions/fly")
    check_problem(st, js, 404) if st != 404 or js else None
    st, _, j = c.req("POST", "/v1/domains/life/actions/pause")
    assert st == 200 and c.req("GET", "/v1/domains/life")[2]["state"] == "paused"
    st, _, j = c.req("POST", "/v1/domains/life/actions/unpause")
    assert st == 200 and c.req("GET", "/v1/domains/life")[2]["state"] == "running"
    st, _, d = c.req("PATCH", "/v1/domains/life", {"vcpus": 1, "memory_target_mib": 200})
    assert st == 200
    watch.wait(lambda e: e["json"]["path"] == f"/local/domain/{domid}/memory/target" and e["json"]["value"] == str(200 * 1024))
    watch.wait(lambda e: e["json"]["path"] == f"/local/domain/{domid}/cpu/1/availability" and e["json"]["value"] == "offline")
    # Devices on a running domain.
    st, h, d = c.req("POST", "/v1/domains/life/disks", {"id": "xvdb", "path": "/srv/data.img", "readonly": True})
    assert st == 201 and [x["id"] for x in d["disks"]] == ["xvda", "xvdb"]
    watch.wait(lambda e: e["json"]["path"] == f"/local/domain/0/backend/vbd/{domid}/51728/mode" and e["json"]["value"] == "r")
    st, _, js = c.req("POST", "/v1/domains/life/disks", {"id": "xvdb", "path": "/srv/x.img"})
    check_problem(st, js, 409)
    st, _, js = c.req("POST", "/v1/domains/life/disks", {"id": "xvdc"})
    check_problem(st, js, 400, "/path")
    st, _, d = c.req("DELETE", "/v1/domains/life/disks/xvdb")
    assert st == 200 and len(d["disks"]) == 1
    st, _, js = c.req("DELETE", "/v1/domains/life/disks/xvdq")
    check_problem(st, js, 404)
    st, _, d = c.req("POST", "/v1/domains/life/nics", {"id": "1", "mac": "00:16:3e:00:00:01"})
    assert st == 201 and len(d["nics"]) == 2
    st, _, d = c.req("DELETE", "/v1/domains/life/nics/1")
    assert st == 200 and len(d["nics"]) == 1
    # Graceful shutdown: the (double's) guest honours control/shutdown.
    st, h, j = c.req("POST", "/v1/domains/life/actions/shutdown", {"timeout_s": 5})
    assert st == 202 and j["state"] == "running" and j["kind"] == "domain.shutdown"
    assert c.req("GET", "/v1/domains/life")[2]["state"] in ("shutting_down", "stopped")
    j = wait_job(c, j["id"])
    assert j["state"] == "succeeded" and j["message"] == "shut down" and j["progress"] == 100, j
    d = c.req("GET", "/v1/domains/life")[2]
    assert d["state"] == "stopped" and d["domid"] is None
    events.wait(lambda e: e["event"] == "job.finished" and e["json"]["id"] == j["id"])
    st, _, js = c.req("POST", "/v1/domains/life/actions/shutdown")
    check_problem(st, js, 409)
    st, _, js = c.req("POST", "/v1/domains/life/actions/shutdown", {"timeout_s": -1})
    check_problem(st, js, 400, "/timeout_s")
    # Reboot: a new domid, running again.
    c.req("POST", "/v1/domains/life/actions/start")
    old = c.req("GET", "/v1/domains/life")[2]["domid"]
    st, _, j = c.req("POST", "/v1/domains/life/actions/reboot")
    assert st == 202
    j = wait_job(c, j["id"])
    d = c.req("GET", "/v1/domains/life")[2]
    assert j["state"] == "succeeded" and d["state"] == "running" and d["domid"] != old
    st, _, j = c.req("POST", "/v1/domains/life/actions/destroy")
    assert st == 200 and c.req("GET", "/v1/domains/life")[2]["state"] == "stopped"
    # A guest that ignores the request is destroyed at the timeout.
    c.req("POST", "/v1/domains", domain_body("stubborn", boot={"type": "pvh", "kernel": "/k",
                                                                "cmdline": "test.ignore_shutdown"}))
    c.req("POST", "/v1/domains/stubborn/actions/start")
    st, _, j = c.req("POST", "/v1/domains/stubborn/actions/shutdown", {"timeout_s": 1})
    assert st == 202
    time.sleep(0.4)
    running = c.req("GET", f"/v1/jobs/{j['id']}")[2]
    assert running["state"] == "running" and 0 <= running["progress"] <= 90
    j = wait_job(c, j["id"])
    assert j["state"] == "succeeded" and "destroyed" in j["message"], j
    st, _, _ = c.req("DELETE", "/v1/domains/life")
    assert st == 204
    events.wait(lambda e: e["event"] == "domain.deleted" and e["json"]["id"] == did)
    for s in (events, console, watch):
        s.close()


def t_console_input(ctx):
    """Typing on a guest's console: the real console service (controld/consoles.c) over the
    test double of its devices, whose guests echo their input ring to their output ring."""
    c = ctx.operate
    ctx.admin.req("POST", "/v1/domains", domain_body("typist"))
    st, _, js = c.req("POST", "/v1/domains/typist/console", {"input": "x"})
    check_problem(st, js, 409)  # stopped: nothing to type on
    assert ctx.admin.req("POST", "/v1/domains/typist/actions/start")[0] == 200
    console = Sse(ctx.unix, "/v1/domains/typist/console/stream")
    st, _, js = c.req("POST", "/v1/domains/typist/console", {"input": "uname -r\n\u0003"})
    assert st == 200 and js == {"accepted": 10}, (st, js)
    console.wait(lambda e: e["event"] == "console.output" and "uname -r" in e["json"]["data"])
    st, _, text = c.req("GET", "/v1/domains/typist/console")
    assert st == 200 and "uname -r\n?" in text, text  # Ctrl-C shown as '?'
    # More than the ring holds at once (1 KiB): it takes what fits, the echo frees it again.
    st, _, js = c.req("POST", "/v1/domains/typist/console", {"input": "y" * 1024})
    assert st == 200 and 0 < js["accepted"] <= 1024, js
    for body, field in (({}, "/input"), ({"input": ""}, "/input"), ({"input": 7}, "/input"),
                        ({"input": "z" * 1025}, "/input"), ({"input": "x", "more": 1}, "/more")):
        st, _, js = c.req("POST", "/v1/domains/typist/console", body)
        check_problem(st, js, 400, field)
    st, _, js = c.req("POST", "/v1/domains/typist/console", raw=b'{"input": "a\\u0000b"}')
    check_problem(st, js, 400)
    st, _, js = ctx.read.req("POST", "/v1/domains/typist/console", {"input": "x"})
    check_problem(st, js, 403)
    st, _, js = c.req("POST", "/v1/domains/nobody/console", {"input": "x"})
    check_problem(st, js, 404)
    assert ctx.admin.req("POST", "/v1/domains/typist/actions/destroy")[0] == 200
    st, _, js = c.req("POST", "/v1/domains/typist/console", {"input": "x"})
    check_problem(st, js, 409)
    console.close()
    assert ctx.admin.req("DELETE", "/v1/domains/typist")[0] == 204


def t_guest_events(ctx):
    """Hypervisor events: a guest that crashes or powers itself off."""
    c = ctx.admin
    events = Sse(ctx.unix, "/v1/events?types=domain")
    c.req("POST", "/v1/domains", domain_body("crashy", boot={"type": "pvh", "kernel": "/k", "cmdline": "test.crash"}))
    c.req("POST", "/v1/domains", domain_body("halty", boot={"type": "pvh", "kernel": "/k", "cmdline": "test.halt"}))
    assert c.req("POST", "/v1/domains/crashy/actions/start")[0] == 200
    assert c.req("POST", "/v1/domains/halty/actions/start")[0] == 200
    events.wait(lambda e: e["event"] == "domain.state" and e["json"]["name"] == "crashy" and e["json"]["to"] == "crashed")
    events.wait(lambda e: e["event"] == "domain.state" and e["json"]["name"] == "halty"
                and e["json"]["from"] == "running" and e["json"]["to"] == "stopped")
    d = c.req("GET", "/v1/domains/crashy")[2]
    assert d["state"] == "crashed" and d["domid"] is None
    st, _, js = c.req("POST", "/v1/domains/crashy/actions/pause")
    check_problem(st, js, 409)
    assert c.req("DELETE", "/v1/domains/crashy")[0] == 204
    assert c.req("DELETE", "/v1/domains/halty")[0] == 204
    events.close()


def t_start_failures(ctx):
    """A start the hypervisor refuses leaves the domain stopped and nothing behind."""
    c = ctx.admin
    watch = Sse(ctx.unix, "/v1/events?types=store&watch=/local/domain")
    for name, cmdline, status in (("nomem", "test.nomem", 507), ("badunpause", "test.fail_unpause", 502)):
        c.req("POST", "/v1/domains", domain_body(name, boot={"type": "pvh", "kernel": "/k", "cmdline": cmdline}))
        st, _, js = c.req("POST", f"/v1/domains/{name}/actions/start")
        check_problem(st, js, status)
        d = c.req("GET", f"/v1/domains/{name}")[2]
        assert d["state"] == "stopped" and d["domid"] is None, d
    # The second one got as far as its store paths (events read values late: they are gone)...
    ev = watch.wait(lambda e: re.match(r"^/local/domain/\d+/name$", e["json"]["path"]))
    domid = ev["json"]["path"].split("/")[3]
    watch.close()
    # ...and they were removed again: a watch's first event says the node does not exist.
    probe = Sse(ctx.unix, f"/v1/events?types=store&watch=/local/domain/{domid}")
    first = probe.wait(lambda e: e["event"] == "store.changed")
    assert first["json"]["path"] == f"/local/domain/{domid}" and first["json"]["value"] is None, first
    probe.close()
    for name in ("nomem", "badunpause"):
        assert c.req("DELETE", f"/v1/domains/{name}")[0] == 204
    # A kernel that is not an ELF: 422 naming it, the domain stays stopped.
    script = os.path.join(ctx.work, "not-a-kernel")
    with open(script, "w") as f:
        f.write("#!/bin/sh\necho hello\n")
    c.req("POST", "/v1/domains", domain_body("notelf", boot={"type": "pvh", "kernel": script}))
    st, _, js = c.req("POST", "/v1/domains/notelf/actions/start")
    check_problem(st, js, 422, "/boot/kernel")
    assert js["type"] == "urn:keel:problem:invalid-kernel" and js["title"] == "kernel is not a PVH ELF", js
    assert c.req("GET", "/v1/domains/notelf")[2]["state"] == "stopped"
    assert c.req("DELETE", "/v1/domains/notelf")[0] == 204


def t_devices(ctx):
    """dom0's side of disks and NICs (the test daemon's hotplug double: files and bridges whose
    name starts with "missing" are absent): a start refuses what dom0 lacks with a 422 naming
    it and leaves nothing; a started domain's backends get what Linux's backends wait for."""
    c = ctx.admin
    for name, kw, field, words in (
            ("nodisk", {"disks": [{"id": "xvda", "path": "/srv/ok.img"},
                                  {"id": "xvdb", "path": "/srv/missing.img"}]}, "/disks/1/path", "disk xvdb"),
            ("nobridge", {"nics": [{"id": "0", "bridge": "missingbr"}]}, "/nics/0/bridge", "NIC 0")):
        c.req("POST", "/v1/domains", domain_body(name, **kw))
        st, _, js = c.req("POST", f"/v1/domains/{name}/actions/start")
        check_problem(st, js, 422, field)
        assert js["type"] == "urn:keel:problem:device-unavailable" and words in js["detail"], js
        d = c.req("GET", f"/v1/domains/{name}")[2]
        assert d["state"] == "stopped" and d["domid"] is None, d
        assert c.req("DELETE", f"/v1/domains/{name}")[0] == 204
    watch = Sse(ctx.unix, "/v1/events?types=store&watch=/local/domain/0/backend")
    c.req("POST", "/v1/domains", domain_body("plumbed", disks=[{"id": "xvda", "path": "/srv/plumbed.img"}],
                                             nics=[{"id": "0"}]))
    assert c.req("POST", "/v1/domains/plumbed/actions/start")[0] == 200
    domid = c.req("GET", "/v1/domains/plumbed")[2]["domid"]
    vbd, vif = f"/local/domain/0/backend/vbd/{domid}/51712", f"/local/domain/0/backend/vif/{domid}/0"
    watch.wait(lambda e: e["json"]["path"] == f"{vbd}/physical-device"
               and re.match(r"^7:[0-9a-f]+$", e["json"]["value"] or ""))
    watch.wait(lambda e: e["json"]["path"] == f"{vbd}/hotplug-status" and e["json"]["value"] == "connected")
    watch.wait(lambda e: e["json"]["path"] == f"{vif}/handle" and e["json"]["value"] == "0")
    watch.wait(lambda e: e["json"]["path"] == f"{vif}/script")
    watch.close()
    # A disk added while it runs whose file is missing is refused and not kept.
    st, _, js = c.req("POST", "/v1/domains/plumbed/disks", {"id": "xvdb", "path": "/srv/missing-data.img"})
    check_problem(st, js, 422, "/path")
    assert [x["id"] for x in c.req("GET", "/v1/domains/plumbed")[2]["disks"]] == ["xvda"]
    assert c.req("POST", "/v1/domains/plumbed/actions/destroy")[0] == 200
    # Its backends are gone: a watch's first event says the node does not exist.
    probe = Sse(ctx.unix, f"/v1/events?types=store&watch={vbd}")
    first = probe.wait(lambda e: e["event"] == "store.changed")
    assert first["json"]["path"] == vbd and first["json"]["value"] is None, first
    probe.close()
    assert c.req("DELETE", "/v1/domains/plumbed")[0] == 204


def t_pci(ctx):
    c = ctx.admin
    st, _, lst = c.req("GET", "/v1/host/pci")
    assert [d["bdf"] for d in lst["items"]] == ["0000:00:1f.2", "0000:03:00.0", "0000:04:00.0"]
    assert lst["items"][1]["driver"] == "pciback" and lst["items"][2]["driver"] is None
    c.req("POST", "/v1/domains", domain_body("gpu1"))
    c.req("POST", "/v1/domains", domain_body("gpu2"))
    st, _, d = c.req("POST", "/v1/domains/gpu1/pci", {"bdf": "0000:03:00.0"})
    assert st == 200 and d["pci"] == ["0000:03:00.0"]
    st, _, js = c.req("POST", "/v1/domains/gpu2/pci", {"bdf": "0000:03:00.0"})
    check_problem(st, js, 409)
    st, _, js = c.req("POST", "/v1/domains/gpu2/pci", {"bdf": "0000:3:00.0"})
    check_problem(st, js, 400, "/bdf")
    st, _, lst = c.req("GET", "/v1/host/pci")
    assert lst["items"][1]["assigned_to"] == d["id"]
    st, _, d = c.req("POST", "/v1/domains/gpu1/actions/start")
    assert st == 200
    st, _, d = c.req("DELETE", "/v1/domains/gpu1/pci/0000:03:00.0")
    assert st == 200 and d["pci"] == []
    st, _, js = c.req("DELETE", "/v1/domains/gpu1/pci/0000:03:00.0")
    check_problem(st, js, 404)
    st, _, js = ctx.operate.req("POST", "/v1/domains/gpu2/pci", {"bdf": "0000:04:00.0"})
    check_problem(st, js, 403)
    c.req("POST", "/v1/domains/gpu1/actions/destroy")


def t_jobs_events_metrics(ctx):
    c = ctx.admin
    # Jobs of its own, so the scenario stands alone.
    c.req("POST", "/v1/domains", domain_body("jobs1"))
    for action in ("start", "pause", "unpause", "destroy"):
        c.req("POST", f"/v1/domains/jobs1/actions/{action}")
    st, _, page = c.req("GET", "/v1/jobs?limit=2")
    assert st == 200 and len(page["items"]) == 2 and page["next_cursor"]
    st, _, page2 = c.req("GET", f"/v1/jobs?limit=2&cursor={page['next_cursor']}")
    assert page2["items"][0]["id"] != page["items"][0]["id"]
    st, _, f = c.req("GET", "/v1/jobs?state=failed")
    assert all(j["state"] == "failed" for j in f["items"])
    for q, field in (("state=weird", "state"), ("state=running,failed", "state"),
                     ("domain_id=xyz", "domain_id"), ("limit=0", "limit")):
        st, _, js = c.req("GET", "/v1/jobs?" + q)
        check_problem(st, js, 400, field)
    st, _, js = c.req("GET", "/v1/jobs/00000000-0000-4000-8000-000000000000")
    check_problem(st, js, 404)
    # Last-Event-ID replays what a reconnecting client missed.
    s = Sse(ctx.unix, "/v1/events")
    st, _, d = c.req("POST", "/v1/domains", domain_body("ev1"))
    first = s.wait(lambda e: e["event"] == "domain.created" and e["json"]["id"] == d["id"])
    s.close()
    c.req("PATCH", "/v1/domains/ev1", {"vcpus": 1})
    s = Sse(ctx.unix, "/v1/events?domain=ev1", headers={"Last-Event-ID": first["id"]})
    s.wait(lambda e: e["event"] == "domain.updated" and e["json"]["vcpus"] == 1)
    s.close()
    # A client that was away longer than the ring of 1024 events is told to resync.
    for i in range(1030):
        c.req("PATCH", "/v1/domains/ev1", {"memory_target_mib": 16 + i % 200})
    s = Sse(ctx.unix, "/v1/events?domain=ev1", headers={"Last-Event-ID": first["id"]})
    s.wait(lambda e: e["event"] == "resync")
    s.close()
    for q, field in (("types=bogus", "types"), ("watch=relative", "watch"), ("watch=/a,/b,/c,/d,/e", "watch")):
        st, _, js = c.req("GET", "/v1/events?" + q)
        check_problem(st, js, 400, field)
    st, _, js = c.req("GET", "/v1/events?domain=nosuch")
    check_problem(st, js, 404)
    st, _, js = ctx.read.req("GET", "/v1/events?watch=/local")
    check_problem(st, js, 403)
    s = Sse(ctx.unix, "/v1/events", headers={"Last-Event-ID": "x1"})
    assert s.status == 400
    s.close()
    st, h, text = c.req("GET", "/metrics")
    assert st == 200 and 'keel_domains{state="stopped"}' in text
    assert re.search(r'keel_http_requests_total\{code="2xx"\} [1-9]', text)
    st, _, host = c.req("GET", "/v1/host")
    assert host["cpus"] >= 1 and host["hypervisor"]["version"]


def t_stats(ctx):
    """A domain's CPU time from the hypervisor (the test double: real time x vCPUs online while
    it runs): it grows while running, stands still while paused, and a stopped domain has none."""
    c = ctx.read
    ctx.admin.req("POST", "/v1/domains", domain_body("cpu1", vcpus=2, max_vcpus=2))
    st, _, js = c.req("GET", "/v1/domains/cpu1/stats")
    check_problem(st, js, 409)
    assert js["type"].endswith("invalid-state") and "stopped" in js["detail"], js
    st, _, js = c.req("GET", "/v1/domains/nosuch/stats")
    check_problem(st, js, 404)
    st, _, js = c.req("GET", "/v1/domains/cpu1/stats?x=1")
    check_problem(st, js, 400, "x")
    ctx.admin.req("POST", "/v1/domains/cpu1/actions/start")
    st, h, a = c.req("GET", "/v1/domains/cpu1/stats")
    assert st == 200 and h.get("Cache-Control") == "no-store", (st, h)
    assert a["name"] == "cpu1" and a["vcpus_online"] == 2 and a["memory_kib"] == 256 * 1024, a
    # The double's vCPUs exit once per 10 us of their time; a PVH domain has no device model.
    assert "device_model" not in a and a["vm_exits"] >= 0, a
    time.sleep(0.3)
    st, _, b = c.req("GET", "/v1/domains/cpu1/stats")
    hv_ns = b["hypervisor_time_ns"] - a["hypervisor_time_ns"]
    assert hv_ns >= 0.25e9 and b["vm_exits"] - a["vm_exits"] >= 2 * hv_ns / 10000 * 0.9, (a, b)
    wall_ns = (parse_ts(b["sampled_at"]) - parse_ts(a["sampled_at"])) * 1e9
    used = b["cpu_time_ns"] - a["cpu_time_ns"]
    # Two busy vCPUs: twice the time between the samples (the clocks read differ by < 20 ms).
    assert wall_ns >= 0.25e9 and abs(used - 2 * wall_ns) < 0.04e9, (a, b)
    # In /metrics too, as seconds, read at the call (not from a cache).
    st, _, text = c.req("GET", "/metrics")
    m = re.search(r'^keel_domain_cpu_seconds_total\{domain="cpu1"\} (\d+\.\d{9})$', text, re.M)
    assert m and float(m.group(1)) * 1e9 >= b["cpu_time_ns"], text
    assert re.search(r'^keel_domain_memory_bytes\{domain="cpu1"\} 268435456$', text, re.M), text
    assert "# TYPE keel_domain_cpu_seconds_total counter" in text
    m = re.search(r'^keel_domain_vm_exits_total\{domain="cpu1"\} (\d+)$', text, re.M)
    assert m and int(m.group(1)) >= b["vm_exits"], text
    assert "# TYPE keel_domain_device_model_requests_total counter" in text
    # One vCPU online: half the pace.
    ctx.admin.req("PATCH", "/v1/domains/cpu1", {"vcpus": 1})
    st, _, a = c.req("GET", "/v1/domains/cpu1/stats")
    time.sleep(0.3)
    st, _, b = c.req("GET", "/v1/domains/cpu1/stats")
    wall_ns = (parse_ts(b["sampled_at"]) - parse_ts(a["sampled_at"])) * 1e9
    assert a["vcpus_online"] == 1 and abs(b["cpu_time_ns"] - a["cpu_time_ns"] - wall_ns) < 0.04e9, (a, b)
    # Paused: it stands still.
    ctx.admin.req("POST", "/v1/domains/cpu1/actions/pause")
    st, _, a = c.req("GET", "/v1/domains/cpu1/stats")
    time.sleep(0.2)
    st, _, b = c.req("GET", "/v1/domains/cpu1/stats")
    assert st == 200 and b["cpu_time_ns"] == a["cpu_time_ns"] and b["sampled_at"] > a["sampled_at"], (a, b)
    # Destroyed: stopped again, gone from the metrics; the next start begins at 0 again.
    ctx.admin.req("POST", "/v1/domains/cpu1/actions/destroy")
    st, _, js = c.req("GET", "/v1/domains/cpu1/stats")
    check_problem(st, js, 409)
    st, _, text = c.req("GET", "/metrics")
    assert 'domain="cpu1"' not in text
    ctx.admin.req("POST", "/v1/domains/cpu1/actions/start")
    st, _, js = c.req("GET", "/v1/domains/cpu1/stats")
    assert st == 200 and js["cpu_time_ns"] < a["cpu_time_ns"], (js, a)
    ctx.admin.req("POST", "/v1/domains/cpu1/actions/destroy")
    ctx.admin.req("DELETE", "/v1/domains/cpu1")


def parse_ts(ts):
    """An API Timestamp (RFC 3339, UTC, milliseconds) as seconds since the epoch."""
    return calendar.timegm(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")) + int(ts[20:23]) / 1000


def t_idempotency(ctx):
    c = ctx.admin
    body = domain_body("idem1")
    st1, h1, d1 = c.req("POST", "/v1/domains", body, headers={"Idempotency-Key": "k-1"})
    st2, h2, d2 = c.req("POST", "/v1/domains", body, headers={"Idempotency-Key": "k-1"})
    assert st1 == st2 == 201 and d1 == d2 and h2.get("Idempotent-Replayed") == "true"
    assert h1["Location"] == h2["Location"]
    st, _, js = c.req("POST", "/v1/domains", domain_body("idem2"), headers={"Idempotency-Key": "k-1"})
    check_problem(st, js, 422, "Idempotency-Key")
    st, _, js = c.req("POST", "/v1/domains", domain_body("idem3"), headers={"Idempotency-Key": "bad key"})
    check_problem(st, js, 400, "Idempotency-Key")
    st, _, js = c.req("POST", "/v1/domains", domain_body("idem3"), headers={"Idempotency-Key": "x" * 256})
    check_problem(st, js, 400, "Idempotency-Key")
    st, _, j1 = c.req("POST", "/v1/domains/idem1/actions/start", headers={"Idempotency-Key": "start-1"})
    st2, _, j2 = c.req("POST", "/v1/domains/idem1/actions/start", headers={"Idempotency-Key": "start-1"})
    assert st == st2 == 200 and j1["id"] == j2["id"], "a retried start must not be a second start"
    st, _, lst = c.req("GET", "/v1/domains?name_prefix=idem")
    assert lst["total"] == 1


def read_head(s):
    """Reads from socket s until the end of a response head (or EOF); returns all bytes read."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def raw_request(ctx, text):
    s = socket.create_connection(("127.0.0.1", ctx.d.port), timeout=5)
    s.sendall(text)
    data = read_head(s)
    s.close()
    return int(data.split()[1]), data


def t_limits(ctx):
    auth = ("Authorization: Bearer " + ctx.admin.token + "\r\n").encode()
    # A body over 1 MiB is refused from its Content-Length, before it is read.
    st, _ = raw_request(ctx, b"POST /v1/domains HTTP/1.1\r\nHost: x\r\n" + auth +
                        b"Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{")
    assert st == 413, st
    # Methods outside the contract get 405 with Allow.
    st, data = raw_request(ctx, b"PUT /v1/domains/x HTTP/1.1\r\nHost: x\r\n" + auth + b"Content-Length: 0\r\n\r\n")
    assert st == 405 and b"Allow: GET, PATCH, DELETE" in data, data
    st, _ = raw_request(ctx, b"GET /v2/nothing HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n")
    assert st == 404
    # A NUL in a body is refused.
    st, _ = raw_request(ctx, b"POST /v1/tokens HTTP/1.1\r\nHost: x\r\n" + auth +
                        b"Content-Type: application/json\r\nContent-Length: 3\r\n\r\n{\x00}")
    assert st == 400


def images_left(ctx):
    """What the images directory holds, hidden files (uploads in progress) included."""
    return sorted(os.listdir(os.path.join(ctx.work, "images")))


def t_images(ctx):
    c = ctx.admin
    kernel = b"\x7fELF" + os.urandom(300 * 1024)
    st, h, im = c.req("PUT", "/v1/images/kern", raw=kernel, ctype="application/octet-stream")
    assert st == 201 and h["Location"] == "/v1/images/kern", (st, im)
    assert im["name"] == "kern" and im["size"] == len(kernel), im
    assert im["sha256"] == hashlib.sha256(kernel).hexdigest() and im["path"] == "/var/lib/keel/images/kern"
    assert open(os.path.join(ctx.work, "images", "kern"), "rb").read() == kernel
    # A name that exists is a 409, and the image is unchanged.
    st, _, js = c.req("PUT", "/v1/images/kern", raw=b"other", ctype="application/octet-stream")
    check_problem(st, js, 409)
    st, _, lst = ctx.read.req("GET", "/v1/images")
    assert st == 200 and [i["name"] for i in lst["items"]] == ["kern"], lst
    st, _, got = ctx.read.req("GET", "/v1/images/kern")
    assert st == 200 and got["sha256"] == im["sha256"] and got["size"] == len(kernel)
    conn = ctx.admin.conn()
    conn.request("GET", "/v1/images/kern/content", headers={"Authorization": "Bearer " + c.token})
    r = conn.getresponse()
    body = r.read()
    conn.close()
    assert r.status == 200 and body == kernel and r.getheader("Content-Type") == "application/octet-stream"
    assert int(r.getheader("Content-Length")) == len(kernel)
    CALLS.append(("GET", "/v1/images/{name}/content", 200))
    # An image put there by other means gets its SHA-256 computed once.
    with open(os.path.join(ctx.work, "images", "byhand"), "wb") as f:
        f.write(b"#!/bin/sh\n")
    st, _, got = c.req("GET", "/v1/images/byhand")
    assert got["sha256"] == hashlib.sha256(b"#!/bin/sh\n").hexdigest(), got
    # Names: no path tricks, no hidden files; bad media type; read scope cannot upload.
    for name in ("..", ".hidden", "-x", "a%20b", "x" * 65):
        st, _, js = c.req("PUT", f"/v1/images/{name}", raw=b"x", ctype="application/octet-stream")
        check_problem(st, js, 400, "name")
        st, _, js = c.req("GET", f"/v1/images/{name}")
        check_problem(st, js, 400, "name")
    auth = ("Authorization: Bearer " + c.token + "\r\n").encode()
    for target in (b"/v1/images/..%2Fxenstored.db", b"/v1/images/%2e%2e", b"/v1/images/a%2Fb"):
        st, _ = raw_request(ctx, b"PUT " + target + b" HTTP/1.1\r\nHost: x\r\n" + auth +
                            b"Content-Type: application/octet-stream\r\nContent-Length: 1\r\n\r\nx")
        assert st == 400, (target, st)
    st, _, js = c.req("PUT", "/v1/images/j", raw=b"{}", ctype="application/json")
    check_problem(st, js, 415, "Content-Type")
    st, _, js = ctx.read.req("PUT", "/v1/images/r", raw=b"x", ctype="application/octet-stream")
    check_problem(st, js, 403)
    # Over the size limit (image_max_mib = 1): from its Content-Length, before it is read...
    st, _ = raw_request(ctx, b"PUT /v1/images/big HTTP/1.1\r\nHost: x\r\n" + auth +
                        b"Content-Type: application/octet-stream\r\nContent-Length: 2097152\r\n\r\n")
    assert st == 413, st
    # ...and, chunked, once the limit is passed: nothing is kept.
    conn = ctx.admin.conn()
    conn.putrequest("PUT", "/v1/images/big")
    conn.putheader("Authorization", "Bearer " + c.token)
    conn.putheader("Content-Type", "application/octet-stream")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    for _ in range(9):
        chunk = b"\0" * (256 * 1024)
        conn.send(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
    conn.send(b"0\r\n\r\n")
    r = conn.getresponse()
    js = json.loads(r.read())
    conn.close()
    check_problem(r.status, js, 413)
    CALLS.append(("PUT", "/v1/images/{name}", 413))
    # A partial upload (the client goes away) leaves nothing behind.
    s = socket.create_connection(("127.0.0.1", ctx.d.port), timeout=5)
    s.sendall(b"PUT /v1/images/partial HTTP/1.1\r\nHost: x\r\n" + auth +
              b"Content-Type: application/octet-stream\r\nContent-Length: 500000\r\n\r\n" + b"p" * 100000)
    time.sleep(0.3)
    assert any(n.startswith(".upload-") for n in images_left(ctx)), images_left(ctx)
    s.close()
    for _ in range(100):
        if not any(n.startswith(".upload-") for n in images_left(ctx)):
            break
        time.sleep(0.05)
    assert images_left(ctx) == [".byhand.sha256", ".kern.sha256", "byhand", "kern"], images_left(ctx)
    st, _, js = c.req("GET", "/v1/images/partial")
    check_problem(st, js, 404)
    # Domains take an image by name or as /var/lib/keel/images/NAME; one in use is not deleted.
    st, _, d = c.req("POST", "/v1/domains", domain_body("imgdom", boot={"type": "pvh", "kernel": "kern"},
                                                         disks=[{"id": "xvda", "path": "/var/lib/keel/images/byhand"}]))
    assert st == 201 and d["boot"]["kernel"] == "kern", d
    for name in ("kern", "byhand"):
        st, _, js = c.req("DELETE", f"/v1/images/{name}")
        check_problem(st, js, 409)
        assert "imgdom" in js["detail"], js
    watch = Sse(ctx.unix, "/v1/events?types=store&watch=/local/domain/0/backend/vbd")
    st, _, j = c.req("POST", "/v1/domains/imgdom/actions/start")
    assert st == 200, j
    domid = c.req("GET", "/v1/domains/imgdom")[2]["domid"]
    # The backend gets the file in dom0's images directory.
    watch.wait(lambda e: e["json"]["path"] == f"/local/domain/0/backend/vbd/{domid}/51712/params"
               and e["json"]["value"] == os.path.join(ctx.work, "images", "byhand"))
    watch.close()
    # A writable disk is never shared by two running domains (here by its name).
    c.req("POST", "/v1/domains", domain_body("imgdom2", disks=[{"id": "xvdb", "path": "byhand"}]))
    st, _, js = c.req("POST", "/v1/domains/imgdom2/actions/start")
    check_problem(st, js, 409)
    assert js["type"] == "urn:keel:problem:disk-in-use" and "imgdom" in js["detail"], js
    assert c.req("GET", "/v1/domains/imgdom2")[2]["state"] == "stopped"
    assert c.req("DELETE", "/v1/domains/imgdom2")[0] == 204
    c.req("POST", "/v1/domains/imgdom/actions/destroy")
    # An image that is not a kernel: start names it.
    c.req("POST", "/v1/domains", domain_body("notkernel", boot={"type": "pvh", "kernel": "/var/lib/keel/images/byhand"}))
    st, _, js = c.req("POST", "/v1/domains/notkernel/actions/start")
    check_problem(st, js, 422, "/boot/kernel")
    assert js["type"] == "urn:keel:problem:invalid-kernel", js
    for name in ("imgdom", "notkernel"):
        assert c.req("DELETE", f"/v1/domains/{name}")[0] == 204
    st, _, _ = c.req("DELETE", "/v1/images/kern")
    assert st == 204
    assert c.req("DELETE", "/v1/images/byhand")[0] == 204
    check_problem(*c.req("GET", "/v1/images/kern")[::2], 404)
    check_problem(*c.req("DELETE", "/v1/images/kern")[::2], 404)
    assert images_left(ctx) == [], images_left(ctx)


def allocated(ctx, name):
    return os.stat(os.path.join(ctx.work, "images", name)).st_blocks * 512


def t_volumes(ctx):
    """Disks: blank (sparse), copies (a job), growing, and who may use one (controld/README.md, Disks)."""
    c = ctx.admin
    st, h, v = c.req("POST", "/v1/images", {"name": "vol1", "size_bytes": 512 * 1024})
    assert st == 201 and h["Location"] == "/v1/images/vol1", (st, v)
    assert v["kind"] == "disk" and v["size"] == 512 * 1024 and v["sha256"] is None, v
    assert allocated(ctx, "vol1") < 512 * 1024, "a blank disk is sparse"
    assert c.req("GET", "/v1/images/vol1")[2] == v
    # Bodies: one of size_bytes or from, whole sectors, within image_max_mib (1 MiB here).
    for body, field in (({"name": "v", "size_bytes": 0}, "/size_bytes"),
                        ({"name": "v", "size_bytes": 1000}, "/size_bytes"),
                        ({"name": "v", "size_bytes": (1 << 40) + 512}, "/size_bytes"),
                        ({"name": "v", "size_bytes": -512}, "/size_bytes"),
                        ({"name": "v", "size_bytes": "1G"}, "/size_bytes"),
                        ({"name": "v"}, "/size_bytes"),
                        ({"name": "v", "size_bytes": 512, "from": "vol1"}, "/from"),
                        ({"name": "../v", "size_bytes": 512}, "/name"),
                        ({"name": ".v", "size_bytes": 512}, "/name"),
                        ({"size_bytes": 512}, "/name"),
                        ({"name": "v", "from": "a/b"}, "/from"),
                        ({"name": "v", "size_bytes": 512, "sparse": False}, "/sparse")):
        st, _, js = c.req("POST", "/v1/images", body)
        check_problem(st, js, 400, field)
    check_problem(*c.req("POST", "/v1/images", raw=b"[1]")[::2], 400)
    # Over image_max_mib (1 MiB here) is what an upload over it is: 413.
    check_problem(*c.req("POST", "/v1/images", {"name": "v", "size_bytes": (1 << 20) + 512})[::2], 413)
    check_problem(*ctx.operate.req("POST", "/v1/images", {"name": "v", "size_bytes": 512})[::2], 403)
    # A taken name is a 409, by a disk or an upload, either way round.
    st, _, js = c.req("POST", "/v1/images", {"name": "vol1", "size_bytes": 512})
    check_problem(st, js, 409, "/name")
    check_problem(*c.req("PUT", "/v1/images/vol1", raw=b"x", ctype="application/octet-stream")[::2], 409)
    golden = os.urandom(200 * 1024)
    assert c.req("PUT", "/v1/images/golden", raw=golden, ctype="application/octet-stream")[0] == 201
    check_problem(*c.req("POST", "/v1/images", {"name": "golden", "from": "vol1"})[::2], 409, "/name")
    # A copy is a job (image.copy); the disk appears whole or not at all.
    events = Sse(ctx.unix, "/v1/events?types=job")
    idem = {"Idempotency-Key": "copy-vol2"}
    st, h, job = c.req("POST", "/v1/images", {"name": "vol2", "from": "golden"}, headers=idem)
    assert st == 202 and job["kind"] == "image.copy" and job["domain_id"] is None, (st, job)
    assert h["Location"] == f"/v1/jobs/{job['id']}"
    j = wait_job(c, job["id"])
    assert j["state"] == "succeeded" and j["progress"] == 100 and "copied golden to vol2" in j["message"], j
    events.wait(lambda e: e["event"] == "job.finished" and e["json"]["id"] == job["id"])
    events.close()
    # The same request again under its Idempotency-Key: the same job, not a second copy.
    st, h, again = c.req("POST", "/v1/images", {"name": "vol2", "from": "golden"}, headers=idem)
    assert st == 202 and again["id"] == job["id"] and h.get("Idempotent-Replayed") == "true", (st, again)
    v2 = c.req("GET", "/v1/images/vol2")[2]
    assert v2["kind"] == "disk" and v2["size"] == len(golden) and v2["sha256"] is None, v2
    assert open(os.path.join(ctx.work, "images", "vol2"), "rb").read() == golden
    assert c.req("GET", "/v1/images/golden")[2]["kind"] == "image"
    # A sparse source stays sparse: only its data is copied.
    with open(os.path.join(ctx.work, "images", "holey"), "wb") as f:
        f.write(b"head")
        f.seek(1024 * 1024 - 4)
        f.write(b"tail")
    st, _, job = c.req("POST", "/v1/images", {"name": "holey2", "from": "holey"})
    assert st == 202 and wait_job(c, job["id"])["state"] == "succeeded"
    data = open(os.path.join(ctx.work, "images", "holey2"), "rb").read()
    assert len(data) == 1 << 20 and data[:4] == b"head" and data[-4:] == b"tail" and not data[4:-4].strip(b"\0")
    assert allocated(ctx, "holey2") < 512 * 1024, allocated(ctx, "holey2")
    st, _, js = c.req("POST", "/v1/images", {"name": "vol3", "from": "nosuch"})
    check_problem(st, js, 404, "/from")
    # Growing: never shrinking; the new space sparse.
    st, _, g = c.req("PATCH", "/v1/images/vol1", {"size_bytes": 1 << 20})
    assert st == 200 and g["size"] == 1 << 20 and g["kind"] == "disk", g
    assert os.path.getsize(os.path.join(ctx.work, "images", "vol1")) == 1 << 20
    st, _, js = c.req("PATCH", "/v1/images/vol1", {"size_bytes": 512})
    check_problem(st, js, 422, "/size_bytes")
    assert js["type"] == "urn:keel:problem:cannot-shrink", js
    for body in ({"size_bytes": (1 << 40) + 512}, {"size_bytes": 513}, {}, {"size_bytes": 512, "name": "x"}):
        check_problem(*c.req("PATCH", "/v1/images/vol1", body)[::2], 400)
    check_problem(*c.req("PATCH", "/v1/images/vol1", {"size_bytes": (1 << 20) + 512})[::2], 413)
    check_problem(*c.req("PATCH", "/v1/images/nosuch", {"size_bytes": 512})[::2], 404)
    check_problem(*c.req("PATCH", "/v1/images/..", {"size_bytes": 512})[::2], 400, "name")
    # An uploaded image grown becomes a disk (its SHA-256 would no longer say anything).
    st, _, g = c.req("PATCH", "/v1/images/golden", {"size_bytes": 400 * 1024})
    assert st == 200 and g["kind"] == "disk" and g["sha256"] is None, g
    # Used by domains: a running one blocks growing and copying from it; any blocks delete.
    c.req("POST", "/v1/domains", domain_body("vola", disks=[{"id": "xvda", "path": "vol1"}]))
    c.req("POST", "/v1/domains", domain_body("volb", disks=[{"id": "xvdb", "path": "/var/lib/keel/images/vol1"}]))
    st, _, js = c.req("DELETE", "/v1/images/vol1")
    check_problem(st, js, 409)
    assert "vola" in js["detail"], js
    assert c.req("PATCH", "/v1/images/vol1", {"size_bytes": 1 << 20})[0] == 200
    assert c.req("POST", "/v1/domains/vola/actions/start")[0] == 200
    st, _, js = c.req("PATCH", "/v1/images/vol1", {"size_bytes": 1 << 20})
    check_problem(st, js, 409)
    assert "vola" in js["detail"], js
    st, _, js = c.req("POST", "/v1/images", {"name": "vol4", "from": "vol1"})
    check_problem(st, js, 409, "/from")
    assert "vola" in js["detail"], js
    # A writable disk is never shared by two running domains, whichever started first.
    st, _, js = c.req("POST", "/v1/domains/volb/actions/start")
    check_problem(st, js, 409)
    assert js["type"] == "urn:keel:problem:disk-in-use" and "vola" in js["detail"], js
    assert c.req("POST", "/v1/domains/vola/actions/destroy")[0] == 200
    assert c.req("POST", "/v1/domains/volb/actions/start")[0] == 200
    st, _, js = c.req("POST", "/v1/domains/vola/actions/start")
    check_problem(st, js, 409)
    assert js["type"] == "urn:keel:problem:disk-in-use" and "volb" in js["detail"], js
    # Nor by adding it to a running domain.
    c.req("POST", "/v1/domains", domain_body("volc"))
    assert c.req("POST", "/v1/domains/volc/actions/start")[0] == 200
    st, _, js = c.req("POST", "/v1/domains/volc/disks", {"id": "xvdc", "path": "vol1", "readonly": True})
    check_problem(st, js, 409, "/path")
    assert js["type"] == "urn:keel:problem:disk-in-use", js
    assert c.req("GET", "/v1/domains/volc")[2]["disks"] == []
    assert c.req("POST", "/v1/domains/volc/actions/destroy")[0] == 200
    assert c.req("POST", "/v1/domains/volc/disks", {"id": "xvdc", "path": "vol1"})[0] == 201
    assert c.req("DELETE", "/v1/domains/volc")[0] == 204
    assert c.req("POST", "/v1/domains/volb/actions/destroy")[0] == 200
    # Read-only, it may be shared; and a copy of a disk read by a running guest is fine.
    for name in ("vola", "volb"):
        d = c.req("GET", f"/v1/domains/{name}")[2]
        disk = d["disks"][0]
        assert c.req("DELETE", f"/v1/domains/{name}/disks/{disk['id']}")[0] == 200
        st, _, js = c.req("POST", f"/v1/domains/{name}/disks", dict(disk, readonly=True))
        assert st == 201, (st, js)
        assert c.req("POST", f"/v1/domains/{name}/actions/start")[0] == 200
    st, _, job = c.req("POST", "/v1/images", {"name": "vol4", "from": "vol1"})
    assert st == 202 and wait_job(c, job["id"])["state"] == "succeeded", job
    for name in ("vola", "volb"):
        assert c.req("POST", f"/v1/domains/{name}/actions/destroy")[0] == 200
        assert c.req("DELETE", f"/v1/domains/{name}")[0] == 204
    # Not the room in dom0's filesystem: 507, nothing kept (with a limit above what is free).
    free = os.statvfs(os.path.join(ctx.work, "images"))
    too_big = (free.f_bavail * free.f_frsize // 512 + 1) * 512 + (1 << 30)
    if too_big <= 1 << 40:
        ctx.d.stop()
        ctx.d.extra = ["--set", "image_max_mib=1048576"]
        ctx.d.start()
        c.port = ctx.admin.port = ctx.read.port = ctx.operate.port = ctx.d.port
        before = images_left(ctx)
        st, _, js = c.req("POST", "/v1/images", {"name": "huge", "size_bytes": too_big})
        check_problem(st, js, 507)
        st, _, js = c.req("PATCH", "/v1/images/vol1", {"size_bytes": too_big})
        check_problem(st, js, 507)
        assert images_left(ctx) == before and os.path.getsize(os.path.join(ctx.work, "images", "vol1")) == 1 << 20
        ctx.d.stop()
        ctx.d.extra = []
        ctx.d.start()
        c.port = ctx.admin.port = ctx.read.port = ctx.operate.port = ctx.d.port
    for name in ("vol1", "vol2", "vol4", "golden", "holey", "holey2"):
        assert c.req("DELETE", f"/v1/images/{name}")[0] == 204, name
    assert images_left(ctx) == [], images_left(ctx)


def t_restart(ctx):
    c = ctx.admin
    c.req("POST", "/v1/domains", domain_body("keeper"))
    c.req("POST", "/v1/domains/keeper/actions/start")
    before = c.req("GET", "/v1/domains/keeper")[2]
    ahci = {"type": "hvm", "firmware": "seabios", "disk_controller": "ahci"}
    assert c.req("POST", "/v1/domains", domain_body("ahci-kept", boot=ahci))[0] == 201
    c.req("POST", "/v1/domains", domain_body("slow", boot={"type": "pvh", "kernel": "/k",
                                                            "cmdline": "test.ignore_shutdown"}))
    c.req("POST", "/v1/domains/slow/actions/start")
    st, _, job = c.req("POST", "/v1/domains/slow/actions/shutdown", {"timeout_s": 60})
    assert st == 202
    idem = {"Idempotency-Key": "k-restart"}
    assert c.req("POST", "/v1/domains", domain_body("idem-restart"), headers=idem)[0] == 201
    # SIGTERM ends open event streams and exits well before the drain deadline.
    c.req("POST", "/v1/domains", domain_body("evrun"))
    stream = Sse(ctx.unix, "/v1/events")
    assert c.req("PATCH", "/v1/domains/evrun", {"vcpus": 1})[0] == 200
    seen = stream.wait(lambda e: e["event"] == "domain.updated" and e["json"]["name"] == "evrun")
    t0 = time.time()
    rc = ctx.d.stop()
    assert rc == 0, f"controld exited {rc} on SIGTERM"
    assert time.time() - t0 < 6, "draining waited for an event stream (drain_timeout is 10 s)"
    stream.close()
    if ctx.d.store:
        # The store restarts too: the state is in its database.
        assert ctx.d.store.stop() == 0
        ctx.d.store.start()
    ctx.d.start()
    c.port = ctx.d.port
    ctx.admin.port = ctx.read.port = ctx.operate.port = ctx.d.port
    # An event id of the previous run names no event of this one: resuming with it gets a
    # resync (not this run's events as if they followed it), and ids go on growing.
    resumed = Sse(ctx.unix, "/v1/events", headers={"Last-Event-ID": seen["id"]})
    resumed.wait(lambda e: e["event"] == "resync")
    assert c.req("PATCH", "/v1/domains/evrun", {"vcpus": 2})[0] == 200
    later = resumed.wait(lambda e: e["event"] == "domain.updated" and e["json"]["name"] == "evrun"
                         and e["json"]["vcpus"] == 2)
    assert int(later["id"]) > int(seen["id"]), (seen["id"], later["id"])
    resumed.close()
    # An Idempotency-Key's promise outlives the restart.
    st, h, replay = c.req("POST", "/v1/domains", domain_body("idem-restart"), headers=idem)
    assert st == 201 and h.get("Idempotent-Replayed") == "true", (st, h)
    after = c.req("GET", "/v1/domains/keeper")[2]
    assert after["state"] == "running" and after["domid"] == before["domid"], (before, after)
    # An HVM guest's disk controller is in its record.
    assert c.req("GET", "/v1/domains/ahci-kept")[2]["boot"] == ahci
    assert after["id"] == before["id"]
    # Its console is served again: typed input comes back as output.
    st, _, js = c.req("POST", "/v1/domains/keeper/console", {"input": "still here"})
    assert st == 200 and js["accepted"] == 10, (st, js)
    st, _, lst = c.req("GET", "/v1/domains?limit=500")
    assert lst["total"] >= 3
    # Tokens survive too, and the interrupted shutdown goes on (destroyed at the timeout).
    assert ctx.read.req("GET", "/v1/host")[0] == 200
    j = c.req("GET", f"/v1/jobs/{job['id']}")[2]
    assert j["state"] == "running", j
    c.req("POST", "/v1/domains/slow/actions/destroy")
    j = wait_job(c, job["id"])
    assert j["state"] == "succeeded"
    assert c.req("GET", "/v1/domains/slow")[2]["state"] == "stopped"


def t_boot_time(ctx):
    """Domains the hypervisor built at boot (Domain-0, a GRUB line) are adopted at start."""
    c = ctx.admin
    assert ctx.d.stop() == 0
    # The double's state file plays the hypervisor's domains across the restart.
    path = os.path.join(ctx.work, "hv.json")
    hv = json.load(open(path)) if os.path.exists(path) else {"next_domid": 1, "doms": []}
    running = 2  # KEEL_DOMSTATE_running
    for domid, name, mem in ((0, "dom0", 1024), (4000, "grub guest", 256)):
        hv["doms"].append({"domid": domid, "name": name, "state": running, "reason": 0,
                           "max_vcpus": 2, "online": 2, "mem_mib": mem, "target_kib": mem * 1024,
                           "booted": True, "ignore_shutdown": False})
    json.dump(hv, open(path, "w"))
    ctx.d.start()
    c.port = ctx.admin.port = ctx.read.port = ctx.operate.port = ctx.d.port
    st, _, lst = c.req("GET", "/v1/domains?limit=500")
    assert st == 200
    by_name = {d["name"]: d for d in lst["items"]}
    d0 = by_name["Domain-0"]
    assert d0["state"] == "running" and d0["domid"] == 0 and d0["boot"] == {"type": "boot_time"}, d0
    assert d0["memory_mib"] == 1024 and d0["vcpus"] == 2
    st, _, js = c.req("POST", "/v1/domains/Domain-0/actions/shutdown")
    check_problem(st, js, 409)
    g = by_name["grub-guest"]
    assert g["state"] == "running" and g["domid"] == 4000, g
    # Keel built it at boot: its console is the hypervisor's, not served in dom0.
    st, _, js = c.req("POST", "/v1/domains/grub-guest/console", {"input": "x"})
    check_problem(st, js, 409)
    assert js["type"].endswith("no-console"), js
    events = Sse(ctx.unix, "/v1/events?types=domain")
    assert c.req("POST", "/v1/domains/grub-guest/actions/pause")[0] == 200
    assert c.req("GET", "/v1/domains/grub-guest")[2]["state"] == "paused"
    assert c.req("POST", "/v1/domains/grub-guest/actions/unpause")[0] == 200
    assert c.req("POST", "/v1/domains/grub-guest/actions/destroy")[0] == 200
    events.wait(lambda e: e["event"] == "domain.state" and e["json"]["name"] == "grub-guest"
                and e["json"]["to"] == "stopped")
    events.close()
    g = c.req("GET", "/v1/domains/grub-guest")[2]
    assert g["state"] == "stopped" and g["domid"] is None, g
    # controld cannot build it again.
    st, _, js = c.req("POST", "/v1/domains/grub-guest/actions/start")
    check_problem(st, js, 501)
    assert c.req("DELETE", "/v1/domains/grub-guest")[0] == 204


def t_shipped_refuses(ctx):
    if not ctx.args.shipped:
        return
    p = subprocess.run([ctx.args.shipped, "--unix", os.path.join(ctx.work, "x.sock")],
                       capture_output=True, text=True, timeout=10)
    assert p.returncode == 1 and "no hypervisor reachable" in p.stderr, (p.returncode, p.stderr)


def t_tls(ctx):
    """TCP with a certificate speaks TLS (libmicrohttpd + GnuTLS); tokens still rule."""
    import ssl
    key, cert = os.path.join(ctx.work, "tls.key"), os.path.join(ctx.work, "tls.crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1"],
                   check=True, capture_output=True)
    work = os.path.join(ctx.work, "tls")
    os.makedirs(work)
    d = Daemon(ctx.args.daemon, work, ctx.d.store, extra=["--tls-cert", cert, "--tls-key", key])
    d.start()
    try:
        tls = ssl.create_default_context(cafile=cert)
        tls.check_hostname = False
        def get(path, token=None):
            c = http.client.HTTPSConnection("127.0.0.1", d.port, timeout=10, context=tls)
            c.request("GET", path, headers={"Authorization": "Bearer " + token} if token else {})
            r = c.getresponse()
            body = r.read()
            validate_response("GET", path, r.status, dict(r.getheaders()), body)
            c.close()
            return r.status
        assert get("/healthz") == 200
        assert get("/v1/host") == 401
        assert get("/v1/host", ctx.admin.token) == 200
        # Plain HTTP to the TLS port gets no API answer.
        try:
            st = Client(port=d.port, token=ctx.admin.token).req("GET", "/v1/host")[0]
        except Exception:
            st = None
        assert st != 200
    finally:
        assert d.stop() == 0


def t_store_lost(ctx):
    """Without its store controld answers 502 and exits 1 (systemd restarts it)."""
    c = ctx.admin
    ctx.d.store.proc.kill()
    ctx.d.store.proc.wait()
    ctx.d.store.log.close()
    st, _, js = c.req("POST", "/v1/domains", domain_body("orphan"))
    check_problem(st, js, 502)
    assert ctx.d.proc.wait(timeout=10) == 1
    ctx.d.log.close()
    ctx.d.store.start()
    ctx.d.start()
    ctx.admin.port = ctx.read.port = ctx.operate.port = ctx.d.port
    st, _, lst = c.req("GET", "/v1/domains?name_prefix=orphan")
    assert st == 200 and lst["total"] == 0


def t_request_log(ctx):
    """One log line per request: method, path, status, bytes, time, peer, who, request id."""
    rx = re.compile(r"^keel-controld: info: (\S+) (\S+) (\d{3}) \d+ [\d.]+ms peer=\S+ who=\S+ id=(\S+)$")
    assert REQUEST_IDS
    # A line is written when its response has gone out: the last ones may lag a little.
    deadline = time.time() + 5
    while True:
        seen = {}
        for l in open(os.path.join(ctx.work, "controld.log")).read().splitlines():
            m = rx.match(l)
            if m:
                seen.setdefault(m.group(4), []).append((m.group(1), m.group(2), int(m.group(3))))
        missing = [r for r in REQUEST_IDS if r[0] not in seen]
        if not missing or time.time() > deadline:
            break
        time.sleep(0.1)
    for rid, method, path, status in REQUEST_IDS:
        assert rid and rid in seen, f"no log line for {method} {path} ({rid})"
        assert [x for x in seen[rid] if x == (method, path, status)] == [(method, path, status)], \
            (rid, seen[rid], method, path, status)


def t_coverage(ctx):
    ops = set()
    for tmpl, item in SPEC["paths"].items():
        for m in item:
            if m in ("get", "post", "put", "patch", "delete"):
                ops.add((m.upper(), tmpl))
    ok = {(m, t) for m, t, s in CALLS if 200 <= s < 300}
    missing = sorted(ops - ok)
    assert not missing, f"operations never exercised successfully: {missing}"


TESTS = [t_health_and_auth, t_tokens, t_create_validation, t_list_get_patch, t_lifecycle,
         t_console_input, t_guest_events, t_start_failures, t_devices, t_images, t_volumes,
         t_pci, t_jobs_events_metrics, t_stats, t_idempotency, t_limits, t_restart,
         t_shipped_refuses, t_tls,
         t_store_lost, t_request_log, t_boot_time]
# Each scenario is also its own CTest case (api_contract_<name>, see --list and --only);
# "coverage" runs them all and then checks that every operation was exercised.
SCENARIOS = {t.__name__[2:]: [t] for t in TESTS}
SCENARIOS["coverage"] = TESTS + [t_coverage]


class Ctx:
    pass


def run_tests(tests, ctx, only=None):
    """Runs each test (those whose name contains only), recording PASS/FAIL."""
    for t in tests:
        if only and only not in t.__name__:
            continue
        t0 = time.time()
        try:
            t(ctx)
            PASSED.append(t.__name__)
            print(f"PASS {t.__name__} ({time.time() - t0:.1f} s)")
        except Exception:
            FAILED.append(t.__name__)
            print(f"FAIL {t.__name__}")
            traceback.print_exc()


def main():
    global SPEC, TEMPLATES
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon")
    ap.add_argument("--spec")
    ap.add_argument("--shipped")
    ap.add_argument("--xenstored", help="the keel-xenstored binary")
    ap.add_argument("--only", help="run one scenario (see --list)")
    ap.add_argument("--list", action="store_true", help="print the scenarios' names")
    args = ap.parse_args()
    if args.list:
        print(";".join(SCENARIOS))
        return 0
    if not (args.daemon and args.spec and args.xenstored):
        ap.error("--daemon, --spec and --xenstored are required")
    if args.only and args.only not in SCENARIOS:
        ap.error(f"no scenario {args.only}; one of {', '.join(SCENARIOS)}")
    run = SCENARIOS[args.only] if args.only else TESTS + [t_coverage]
    SPEC = yaml.safe_load(open(args.spec))
    TEMPLATES = templates()
    with tempfile.TemporaryDirectory(prefix="keel-contract-") as work:
        make_pci_sysfs(work)
        ctx = Ctx()
        ctx.args, ctx.work = args, work
        store = Store(args.xenstored, work) if args.xenstored else None
        if store:
            store.start()
        ctx.d = Daemon(args.daemon, work, store)
        ctx.d.start()
        ctx.unix = Client(unix=ctx.d.sock)
        toks = {}
        for scope in ("read", "operate", "admin"):
            st, _, js = ctx.unix.req("POST", "/v1/tokens", {"name": "contract-" + scope, "scope": scope})
            toks[scope] = js["token"]
        ctx.read = Client(port=ctx.d.port, token=toks["read"])
        ctx.operate = Client(port=ctx.d.port, token=toks["operate"])
        ctx.admin = Client(port=ctx.d.port, token=toks["admin"])
        run_tests(run, ctx)
        rc = ctx.d.stop()
        if rc != 0:
            FAILED.append("clean_exit")
            print(f"FAIL clean_exit: controld exited {rc}")
        if store and store.stop() != 0:
            FAILED.append("store_clean_exit")
        if FAILED:
            print(open(os.path.join(work, "controld.log")).read()[-6000:])
            if store:
                print(open(store.log.name).read()[-3000:])
    print(f"{len(PASSED)} passed, {len(FAILED)} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())

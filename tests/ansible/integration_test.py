#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The keel.cloud collection against two Keel hosts (issue 18).

Starts two keel-controld-test instances, each with its own real keel-xenstored (the start-up
of tests/api/system/contract_test.py), installs the collection built by the
ansible_collection_build fixture and runs ansible-playbook: the example playbook places
guests on both hosts, converges twice (the second run changes nothing), changes a setting
(--check --diff first), stops and removes them; the inventory plugin lists both hosts; a
wrong token and an unreachable host fail only their own host. Every step is checked through
the API as well as in Ansible's recap.
"""
import argparse
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import traceback

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api", "system"))
import contract_test as ct  # noqa: E402

PLAYBOOK = "keel.cloud.place_guests"
BAD_TOKEN = "keel_" + "0" * 16 + "_" + "0" * 64
GUESTS = {"keel-a": ["web1", "web2"], "keel-b": ["db1"]}
PASSED, FAILED = [], []


class Run:
    """One ansible command's exit code, output and PLAY RECAP (host -> counters)."""

    def __init__(self, proc):
        self.rc, self.out = proc.returncode, proc.stdout + proc.stderr
        # Warnings are wrapped at the terminal's width: match messages on one line.
        self.flat = " ".join(self.out.split())
        self.recap = {}
        for m in re.finditer(r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)",
                             self.out, re.M):
            self.recap[m.group(1)] = dict(ok=int(m.group(2)), changed=int(m.group(3)),
                                          failed=int(m.group(5)))

    def __repr__(self):
        return f"rc={self.rc}\n{self.out[-4000:]}"


class Ctx:
    def ansible(self, cmd, *args, extra=None, env=None):
        """Runs an ansible command; KEEL_* come only from env (never from the caller's)."""
        full = dict((k, v) for k, v in os.environ.items() if not k.startswith("KEEL_"))
        full.update(env or {})
        full.update(ANSIBLE_COLLECTIONS_PATH=self.collections, ANSIBLE_NOCOLOR="1",
                    ANSIBLE_LOCAL_TEMP=os.path.join(self.work, "tmp"),
                    ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_HOME=os.path.join(self.work, "ansible-home"))
        argv = [cmd] + list(args)
        if extra:
            argv += ["-e", json.dumps(extra)]
        p = subprocess.run(argv, capture_output=True, text=True, env=full, cwd=self.work, timeout=240)
        return Run(p)

    def play(self, inventory, extra=None, *args):
        vars_ = {"disk_image": self.disk}
        vars_.update(extra or {})
        return self.ansible("ansible-playbook", "-i", inventory, PLAYBOOK, *args, extra=vars_)

    def domains(self, host):
        st, _, page = self.clients[host].req("GET", "/v1/domains?limit=500")
        assert st == 200, page
        return {d["name"]: d for d in page["items"]}


def write_inventory(path, hosts):
    """A YAML inventory of Keel hosts (name -> url, token, ca_cert) with their guests."""
    inv = {"keel_hosts": {"hosts": {}, "vars": {"ansible_connection": "local",
                                                "ansible_python_interpreter": "/usr/bin/python3"}}}
    for name, h in hosts.items():
        hv = {"keel_url": h["url"], "keel_token": h["token"], "guests": GUESTS.get(name, ["lost1"])}
        if h.get("ca_cert"):
            hv["keel_ca_cert"] = h["ca_cert"]
        inv["keel_hosts"]["hosts"][name] = hv
    with open(path, "w") as f:
        yaml.safe_dump(inv, f)
    return path


def random_file(work, name, size=64 * 1024):
    """A file of random bytes and its SHA-256."""
    path = os.path.join(work, name)
    data = os.urandom(size)
    with open(path, "wb") as f:
        f.write(data)
    return path, hashlib.sha256(data).hexdigest()


def tls_certificate(work):
    """A self-signed certificate for 127.0.0.1 (PREFIX.crt, PREFIX.key); it is its own CA."""
    prefix = os.path.join(work, "tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", prefix + ".key",
                    "-out", prefix + ".crt", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return prefix


def closed_port():
    """A TCP port nothing listens on (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def expect_recap(run, **per_host):
    for host, want in per_host.items():
        got = run.recap.get(host)
        assert got is not None, f"{host} not in the recap: {run}"
        for k, v in want.items():
            assert got[k] == v, f"{host}: {k}={got[k]}, expected {v}: {run}"


# --- the steps, in order: each leaves the hosts as the next expects ---------------------------

def t_create(ctx):
    r = ctx.play(ctx.inv)
    assert r.rc == 0, r
    expect_recap(r, **{"keel-a": dict(failed=0, changed=2), "keel-b": dict(failed=0, changed=2)})
    for host, names in GUESTS.items():
        doms = ctx.domains(host)
        assert sorted(doms) == sorted(names), (host, sorted(doms))
        for n in names:
            d = doms[n]
            assert d["state"] == "running" and d["sched"]["weight"] == 256, d
            assert d["disks"] == [{"id": "xvda", "path": "guest-disk", "format": "raw", "readonly": True}], d
            assert [n["id"] for n in d["nics"]] == ["0"], d
        img = ctx.clients[host].req("GET", "/v1/images/guest-disk")[2]
        assert img["sha256"] == ctx.disk_sha256, img


def t_converge_twice(ctx):
    for _ in range(2):
        r = ctx.play(ctx.inv)
        assert r.rc == 0, r
        expect_recap(r, **{"keel-a": dict(failed=0, changed=0), "keel-b": dict(failed=0, changed=0)})


def t_check_diff(ctx):
    before = {h: ctx.domains(h) for h in GUESTS}
    r = ctx.play(ctx.inv, {"guest_weight": 512}, "--check", "--diff")
    assert r.rc == 0, r
    expect_recap(r, **{"keel-a": dict(failed=0, changed=1), "keel-b": dict(failed=0, changed=1)})
    assert re.search(r'^-\s+"weight": 256,?$', r.out, re.M) and re.search(r'^\+\s+"weight": 512,?$', r.out, re.M), r
    for h in GUESTS:
        after = ctx.domains(h)
        assert all(after[n]["generation"] == before[h][n]["generation"] for n in after), "check mode changed a domain"


def t_change_setting(ctx):
    r = ctx.play(ctx.inv, {"guest_weight": 512, "guest_vcpus": 2})
    assert r.rc == 0, r
    expect_recap(r, **{"keel-a": dict(failed=0, changed=1), "keel-b": dict(failed=0, changed=1)})
    for host, names in GUESTS.items():
        for n in names:
            d = ctx.domains(host)[n]
            assert d["sched"]["weight"] == 512 and d["vcpus"] == 2 and d["state"] == "running", d
    r = ctx.play(ctx.inv, {"guest_weight": 512, "guest_vcpus": 2})
    expect_recap(r, **{"keel-a": dict(failed=0, changed=0), "keel-b": dict(failed=0, changed=0)})


def t_fixed_field(ctx):
    """memory_mib cannot change on an existing domain: the task fails and says so."""
    r = adhoc_domain(ctx, "keel-a", name="web1", memory_mib=128)
    assert r.rc != 0 and "memory_mib cannot change on an existing domain" in r.out, r
    assert ctx.domains("keel-a")["web1"]["memory_mib"] == 64


def t_inventory(ctx):
    cfg = os.path.join(ctx.work, "fleet.keel.yml")
    hosts = [dict(h, name=name) for name, h in ctx.hosts.items()]
    hosts.append({"name": "keel-down", "url": f"http://127.0.0.1:{closed_port()}", "token": "x"})
    hosts.append(dict(ctx.hosts["keel-b"], name="keel-badtoken", token=BAD_TOKEN))
    with open(cfg, "w") as f:
        yaml.safe_dump({"plugin": "keel.cloud.keel", "keel_hosts": hosts,
                        "keyed_groups": [{"key": "keel_vcpus | string", "prefix": "vcpus"}]}, f)
    r = ctx.ansible("ansible-inventory", "-i", cfg, "--list")
    assert r.rc == 0, r
    inv = json.loads(r.out[r.out.index("{"):r.out.rindex("}") + 1])
    hv = inv["_meta"]["hostvars"]
    assert sorted(hv) == ["db1", "web1", "web2"], r
    assert hv["db1"]["keel_host"] == "keel-b" and hv["web1"]["keel_host"] == "keel-a", hv
    assert hv["web2"]["keel_state"] == "running" and hv["web2"]["keel_domid"] is not None, hv["web2"]
    assert hv["web1"]["keel_addresses"][0]["mac"].startswith("00:16:3e:"), hv["web1"]
    assert sorted(inv["keel_state_running"]["hosts"]) == ["db1", "web1", "web2"], inv
    assert sorted(inv["keel_host_keel_a"]["hosts"]) == ["web1", "web2"], inv
    assert inv["keel_host_keel_b"]["hosts"] == ["db1"], inv
    assert sorted(inv["vcpus_2"]["hosts"]) == ["db1", "web1", "web2"], inv
    assert "Keel host keel-down skipped: cannot reach Keel at http://127.0.0.1:" in r.flat, r
    assert "Keel host keel-badtoken skipped: GET /v1/domains?limit=500: 401 Authentication required" in r.flat, r
    # A name on two Keel hosts is qualified by its host on both.
    body = {"name": "web2", "vcpus": 1, "memory_mib": 64, "boot": {"type": "pvh", "kernel": "/var/lib/keel/vmlinuz"}}
    assert ctx.clients["keel-b"].req("POST", "/v1/domains", body)[0] == 201
    try:
        r = ctx.ansible("ansible-inventory", "-i", cfg, "--list")
    finally:
        assert ctx.clients["keel-b"].req("DELETE", "/v1/domains/web2")[0] == 204
    inv = json.loads(r.out[r.out.index("{"):r.out.rindex("}") + 1])
    assert sorted(inv["_meta"]["hostvars"]) == ["db1", "web1", "web2.keel-a", "web2.keel-b"], r
    assert inv["keel_state_stopped"]["hosts"] == ["web2.keel-b"], inv
    # fail_on_errors: an unlistable host fails the whole source, naming it.
    with open(cfg, "w") as f:
        yaml.safe_dump({"plugin": "keel.cloud.keel", "keel_hosts": hosts, "fail_on_errors": True}, f)
    r = ctx.ansible("ansible-inventory", "-i", cfg, "--list")
    assert "Keel host keel-down: cannot reach Keel at http://127.0.0.1:" in r.flat, r
    assert '"db1"' not in r.out, r


def t_wrong_token_unreachable(ctx):
    """One good host, one with a wrong token, one unreachable: only the bad ones fail."""
    GUESTS["keel-a"].append("web3")
    try:
        bad = write_inventory(os.path.join(ctx.work, "bad.yml"), {
            "keel-a": ctx.hosts["keel-a"],
            "keel-badtoken": dict(ctx.hosts["keel-b"], token=BAD_TOKEN),
            "keel-down": dict(ctx.hosts["keel-a"], url=f"http://127.0.0.1:{closed_port()}")})
    finally:
        GUESTS["keel-a"].remove("web3")
    r = ctx.play(bad, {"guest_weight": 512, "guest_vcpus": 2})
    assert r.rc != 0, r
    expect_recap(r, **{"keel-a": dict(failed=0, changed=1), "keel-badtoken": dict(failed=1),
                       "keel-down": dict(failed=1)})
    assert re.search(r"keel-badtoken\].*GET /v1/images/guest-disk: 401 Authentication required", r.out), r
    assert re.search(r"keel-down\].*cannot reach Keel at http://127\.0\.0\.1:\d+: .*Connection refused", r.out), r
    assert ctx.domains("keel-a")["web3"]["state"] == "running"
    assert sorted(ctx.domains("keel-b")) == ["db1"]
    # Back to the fleet's two guests on keel-a.
    r = adhoc_domain(ctx, "keel-a", name="web3", state="absent", stop_method="destroy")
    assert r.rc == 0 and "web3" not in ctx.domains("keel-a"), r


def t_modules(ctx):
    """token, domain_info and image on both hosts (tests/ansible/playbooks/modules.yml asserts)."""
    one, one_sha = random_file(ctx.work, "one.bin", 1000)
    two, two_sha = random_file(ctx.work, "two.bin", 2000)
    r = ctx.ansible("ansible-playbook", "-i", ctx.inv, os.path.join(HERE, "playbooks", "modules.yml"),
                    extra={"file_one": one, "file_one_sha256": one_sha, "file_two": two, "file_two_sha256": two_sha})
    assert r.rc == 0, r
    expect_recap(r, **{"keel-a": dict(failed=0), "keel-b": dict(failed=0)})
    for host in GUESTS:
        toks = ctx.clients[host].req("GET", "/v1/tokens")[2]["items"]
        assert not [t for t in toks if t["name"] == "ops"], toks
        assert ctx.clients[host].req("GET", "/v1/images/extra")[0] == 404


def t_environment(ctx):
    """Without url, token and ca_cert the modules take KEEL_URL, KEEL_TOKEN and KEEL_CA_CERT,
    as the keel CLI does."""
    h = ctx.hosts["keel-b"]
    env = {"KEEL_URL": h["url"], "KEEL_TOKEN": h["token"], "KEEL_CA_CERT": h["ca_cert"]}
    r = ctx.ansible("ansible", "localhost", "-m", "keel.cloud.domain_info", "-a", "name=db1", env=env)
    assert r.rc == 0 and '"name": "db1"' in r.out, r
    cli = subprocess.run([ctx.cli, "list"], capture_output=True, text=True, timeout=30,
                         env=dict(os.environ, **env))
    assert cli.returncode == 0 and "db1" in cli.stdout, (cli.returncode, cli.stdout, cli.stderr)
    # The CA is checked: without it the host's self-signed certificate is refused.
    del env["KEEL_CA_CERT"]
    r = ctx.ansible("ansible", "localhost", "-m", "keel.cloud.domain_info", env=env)
    assert r.rc != 0 and "CERTIFICATE_VERIFY_FAILED" in r.out, r
    cli = subprocess.run([ctx.cli, "list"], capture_output=True, text=True, timeout=30,
                         env=dict((k, v) for k, v in dict(os.environ, **env).items() if k != "KEEL_CA_CERT"))
    assert cli.returncode == 6, (cli.returncode, cli.stdout, cli.stderr)


def adhoc_domain(ctx, host, **args):
    """The domain module once, ad hoc, on one Keel host (its url and token from the inventory)."""
    args.update(url="{{ keel_url }}", token="{{ keel_token }}")
    return ctx.ansible("ansible", host, "-i", ctx.inv, "-m", "keel.cloud.domain", "-a", json.dumps(args))


def t_devices(ctx):
    """Disks, NICs and PCI devices follow the lists given: added, kept, removed (web1 is stopped)."""
    disks = [{"id": "xvda", "path": "guest-disk", "readonly": True}]
    more = dict(disks=disks + [{"id": "xvdb", "path": "/srv/web1-data.img"}],
                nics=[{"id": "0"}, {"id": "1", "bridge": "xenbr1"}], pci=["0000:03:00.0"])
    for expect in ("CHANGED", "SUCCESS"):
        r = adhoc_domain(ctx, "keel-a", name="web1", **more)
        assert r.rc == 0 and f"keel-a | {expect}" in r.out, r
    d = ctx.domains("keel-a")["web1"]
    assert [x["id"] for x in d["disks"]] == ["xvda", "xvdb"] and d["pci"] == ["0000:03:00.0"], d
    assert [(n["id"], n["bridge"]) for n in d["nics"]] == [("0", "xenbr0"), ("1", "xenbr1")], d
    assert ctx.clients["keel-a"].req("GET", "/v1/host/pci")[2]["items"][1]["assigned_to"] == d["id"]
    r = adhoc_domain(ctx, "keel-a", name="web1", disks=disks, nics=[{"id": "0"}], pci=[])
    assert r.rc == 0 and "keel-a | CHANGED" in r.out, r
    for action in ("remove disk xvdb", "remove nic 1", "remove pci 0000:03:00.0"):
        assert f'"{action}"' in r.out, (action, r)
    d = ctx.domains("keel-a")["web1"]
    assert [x["id"] for x in d["disks"]] == ["xvda"] and [n["id"] for n in d["nics"]] == ["0"] and d["pci"] == [], d


def t_stop(ctx):
    r = ctx.play(ctx.inv, {"guest_weight": 512, "guest_vcpus": 2, "guest_state": "stopped"})
    assert r.rc == 0, r
    expect_recap(r, **{"keel-a": dict(failed=0, changed=1), "keel-b": dict(failed=0, changed=1)})
    for host, names in GUESTS.items():
        for n in names:
            d = ctx.domains(host)[n]
            assert d["state"] == "stopped" and d["domid"] is None, d
    jobs = ctx.clients["keel-a"].req("GET", "/v1/jobs?limit=500")[2]["items"]
    assert any(j["kind"] == "domain.shutdown" and j["state"] == "succeeded" for j in jobs), jobs


def t_remove(ctx):
    r = ctx.play(ctx.inv, {"guest_state": "absent"})
    assert r.rc == 0, r
    expect_recap(r, **{"keel-a": dict(failed=0, changed=1), "keel-b": dict(failed=0, changed=1)})
    for host in GUESTS:
        assert ctx.domains(host) == {}, ctx.domains(host)
    r = ctx.play(ctx.inv, {"guest_state": "absent"})
    expect_recap(r, **{"keel-a": dict(failed=0, changed=0), "keel-b": dict(failed=0, changed=0)})


TESTS = [t_create, t_converge_twice, t_check_diff, t_change_setting, t_fixed_field, t_inventory,
         t_wrong_token_unreachable, t_modules, t_environment, t_stop, t_devices, t_remove]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--xenstored", required=True)
    ap.add_argument("--spec", required=True)
    ap.add_argument("--collections", required=True, help="where the fixture installed keel.cloud")
    ap.add_argument("--cli", required=True, help="the keel CLI")
    args = ap.parse_args()
    ct.SPEC = yaml.safe_load(open(args.spec))
    ct.TEMPLATES = ct.templates()
    with tempfile.TemporaryDirectory(prefix="keel-ansible-") as work:
        ctx = Ctx()
        # ansible runs in the scratch directory: paths given relative to here are made absolute.
        ctx.work, ctx.collections, ctx.cli = work, os.path.abspath(args.collections), os.path.abspath(args.cli)
        os.makedirs(os.path.join(work, "tmp"))
        ctx.disk, ctx.disk_sha256 = random_file(work, "guest-disk.img")
        cert = tls_certificate(work)
        daemons, ctx.hosts, ctx.clients = [], {}, {}
        for name in GUESTS:
            hw = os.path.join(work, name)
            os.makedirs(hw)
            ct.make_pci_sysfs(hw)  # 0000:03:00.0 is bound to pciback, ready to assign
            # keel-b speaks HTTPS: its tasks verify it with ca_cert.
            tls = name == "keel-b"
            extra = ["--tls-cert", cert + ".crt", "--tls-key", cert + ".key"] if tls else None
            d, token = ct.start_host(args.daemon, args.xenstored, hw, "ansible", extra)
            daemons.append(d)
            ctx.hosts[name] = {"url": f"{'https' if tls else 'http'}://127.0.0.1:{d.port}", "token": token}
            if tls:
                ctx.hosts[name]["ca_cert"] = cert + ".crt"
            # The test's own checks go through the Unix socket (admin).
            ctx.clients[name] = ct.Client(unix=d.sock)
        ctx.inv = write_inventory(os.path.join(work, "hosts.yml"), ctx.hosts)
        for t in TESTS:
            t0 = time.time()
            try:
                t(ctx)
                PASSED.append(t.__name__)
                print(f"PASS {t.__name__} ({time.time() - t0:.1f} s)", flush=True)
            except Exception:
                FAILED.append(t.__name__)
                print(f"FAIL {t.__name__}", flush=True)
                traceback.print_exc()
                break  # the later steps build on this one
        for d in daemons:
            if d.stop() != 0 or d.store.stop() != 0:
                FAILED.append("clean_exit")
        if FAILED:
            for name in GUESTS:
                print(f"--- {name} controld.log (tail)")
                print(open(os.path.join(work, name, "controld.log")).read()[-3000:])
    print(f"{len(PASSED)} passed, {len(FAILED)} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())

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
    def ansible(self, cmd, *args, extra=None):
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=self.collections,
                   ANSIBLE_LOCAL_TEMP=os.path.join(self.work, "tmp"), ANSIBLE_NOCOLOR="1",
                   ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_HOST_KEY_CHECKING="0",
                   ANSIBLE_HOME=os.path.join(self.work, "ansible-home"))
        env.pop("KEEL_URL", None)
        env.pop("KEEL_TOKEN", None)
        argv = [cmd] + list(args)
        if extra:
            argv += ["-e", json.dumps(extra)]
        p = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=self.work, timeout=240)
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
    """A YAML inventory of Keel hosts (name -> url, token) with their guests."""
    inv = {"keel_hosts": {"hosts": {}, "vars": {"ansible_connection": "local",
                                                "ansible_python_interpreter": "/usr/bin/python3"}}}
    for name, (url, token) in hosts.items():
        inv["keel_hosts"]["hosts"][name] = {"keel_url": url, "keel_token": token,
                                            "guests": GUESTS.get(name, ["lost1"])}
    with open(path, "w") as f:
        yaml.safe_dump(inv, f)
    return path


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
    r = ctx.ansible("ansible", "keel-a", "-i", ctx.inv, "-m", "keel.cloud.domain", "-a",
                    "url={{ keel_url }} token={{ keel_token }} name=web1 memory_mib=128")
    assert r.rc != 0 and "memory_mib cannot change on an existing domain" in r.out, r
    assert ctx.domains("keel-a")["web1"]["memory_mib"] == 64


def t_inventory(ctx):
    cfg = os.path.join(ctx.work, "fleet.keel.yml")
    hosts = [{"name": h, "url": url, "token": tok} for h, (url, tok) in ctx.hosts.items()]
    hosts.append({"name": "keel-down", "url": f"http://127.0.0.1:{closed_port()}", "token": "x"})
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


def t_wrong_token_unreachable(ctx):
    """One good host, one with a wrong token, one unreachable: only the bad ones fail."""
    url_b = ctx.hosts["keel-b"][0]
    GUESTS["keel-a"].append("web3")
    try:
        bad = write_inventory(os.path.join(ctx.work, "bad.yml"), {
            "keel-a": ctx.hosts["keel-a"],
            "keel-badtoken": (url_b, "keel_" + "0" * 16 + "_" + "0" * 64),
            "keel-down": (f"http://127.0.0.1:{closed_port()}", ctx.hosts["keel-a"][1])})
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
    r = ctx.ansible("ansible", "keel-a", "-i", ctx.inv, "-m", "keel.cloud.domain", "-a",
                    "url={{ keel_url }} token={{ keel_token }} name=web3 state=absent stop_method=destroy")
    assert r.rc == 0 and "web3" not in ctx.domains("keel-a"), r


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
         t_wrong_token_unreachable, t_stop, t_remove]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--xenstored", required=True)
    ap.add_argument("--spec", required=True)
    ap.add_argument("--collections", required=True, help="where the fixture installed keel.cloud")
    args = ap.parse_args()
    ct.SPEC = yaml.safe_load(open(args.spec))
    ct.TEMPLATES = ct.templates()
    with tempfile.TemporaryDirectory(prefix="keel-ansible-") as work:
        ctx = Ctx()
        ctx.work, ctx.collections = work, args.collections
        os.makedirs(os.path.join(work, "tmp"))
        ctx.disk = os.path.join(work, "guest-disk.img")
        with open(ctx.disk, "wb") as f:
            f.write(os.urandom(64 * 1024))
        import hashlib
        ctx.disk_sha256 = hashlib.sha256(open(ctx.disk, "rb").read()).hexdigest()
        daemons, ctx.hosts, ctx.clients = [], {}, {}
        for name in GUESTS:
            hw = os.path.join(work, name)
            os.makedirs(hw)
            d, token = ct.start_host(args.daemon, args.xenstored, hw, "ansible")
            daemons.append(d)
            ctx.hosts[name] = (f"http://127.0.0.1:{d.port}", token)
            ctx.clients[name] = ct.Client(port=d.port, token=token)
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

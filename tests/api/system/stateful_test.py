#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Property-based stateful test of controld, generated from openapi.yaml (issue 16).

Hypothesis (Debian's python3-hypothesis) draws sequences of operations of the contract:
path, query, header parameters and bodies are generated from their schemas, domains
created along the way are reused as path parameters. After every request it checks that
the status is documented for the operation, that the body matches the schema of that
status, that nothing answers 5xx, and that a request conforming to the schema is not
refused as malformed (400): the schema must be as strict as the server. The daemon must
stay up. Runs for --seconds (default 45) of wall time; --seed reproduces a run.
"""
import argparse
import json
import os
import random
import socket
import sys
import tempfile
import time

import jsonschema
import yaml
from hypothesis import HealthCheck, Phase, settings, strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

import contract_test as ct

SPEC = None
DEADLINE = 0.0
STATS = {"requests": 0, "by_status": {}}
# Failures as first seen: the daemon's state carries over between examples, so Hypothesis
# cannot replay or shrink a sequence faithfully; what happened is reported from here.
FAILURES = []


def deref(schema):
    return ct.deref(schema)


def merged(schema):
    schema = deref(schema)
    if "allOf" in schema:
        out = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part = merged(part)
            for k, v in part.items():
                if k == "properties":
                    out.setdefault("properties", {}).update(v)
                elif k == "required":
                    out["required"] = sorted(set(out.get("required", [])) | set(v))
                else:
                    out.setdefault(k, v)
        return out
    return schema


def conforms(value, schema):
    root = dict(deref(schema))
    root["components"] = SPEC["components"]
    return jsonschema.Draft202012Validator(root).is_valid(value)


def at_most(schema):
    """x-keel-at-most: member -> the member (or the resource's value) it may not exceed."""
    return {k: v for k, v in merged(schema).get("x-keel-at-most", {}).items() if k != "description"}


def within_bounds(obj, schema):
    """x-keel-at-most holds; an absent bound takes its default (x-keel-default-from)."""
    defaults = merged(schema).get("x-keel-default-from", {})

    def value(k):
        if k not in obj:
            return value(defaults[k]) if k in defaults else None
        return len(obj[k]) if isinstance(obj[k], list) else obj[k]
    return all(value(b) is None or value(k) <= value(b) for k, b in at_most(schema).items() if k in obj)


def strategy(schema):
    """A Hypothesis strategy of the JSON values a schema (the subset openapi.yaml uses) accepts."""
    s = merged(schema)
    if "not" in s:
        inner = strategy({k: v for k, v in s.items() if k != "not"})
        return inner.filter(lambda v: not conforms(v, s["not"]))
    if "const" in s:
        return st.just(s["const"])
    if "enum" in s:
        return st.sampled_from(s["enum"])
    if "oneOf" in s:
        return st.one_of([strategy(x) for x in s["oneOf"]])
    t = s.get("type")
    if isinstance(t, list):
        return st.one_of([strategy({**s, "type": x}) for x in t])
    if t == "null":
        return st.none()
    if t == "boolean":
        return st.booleans()
    if t == "integer":
        lo, hi, m = s.get("minimum", -(2 ** 31)), s.get("maximum", 2 ** 31), s.get("multipleOf", 1)
        return st.integers(-(-lo // m), hi // m).map(lambda n: n * m)
    if t == "number":
        return st.floats(s.get("minimum", -1e9), s.get("maximum", 1e9), allow_nan=False)
    if t == "string":
        lo, hi = s.get("minLength", 0), s.get("maxLength", 64)
        if "pattern" in s:
            base = st.from_regex(s["pattern"], fullmatch=True)
        else:
            base = st.text(st.characters(blacklist_categories=("Cs",)), min_size=lo, max_size=hi)
        return base.filter(lambda v: lo <= len(v) <= hi and len(v.encode()) <= 4 * hi)
    if t == "array":
        key = s.get("x-keel-unique-by")
        unique = (lambda v: v[key]) if key else (lambda v: json.dumps(v)) if s.get("uniqueItems") else None
        return st.lists(strategy(s.get("items", {})), min_size=s.get("minItems", 0),
                        max_size=min(s.get("maxItems", 3), 3), unique_by=unique)
    if t == "object" or "properties" in s:
        props = s.get("properties", {})
        req = set(s.get("required", []))
        d = st.fixed_dictionaries({k: strategy(v) for k, v in props.items() if k in req},
                                  optional={k: strategy(v) for k, v in props.items() if k not in req})
        return d.filter(lambda o: len(o) >= s.get("minProperties", 0) and within_bounds(o, s))
    return st.none()


def operations():
    ops = []
    for tmpl, item in SPEC["paths"].items():
        common = item.get("parameters", [])
        for m, op in item.items():
            if m not in ("get", "post", "patch", "delete", "put"):
                continue
            params = [deref(p) for p in common + op.get("parameters", [])]
            body = op.get("requestBody")
            stream = any("text/event-stream" in (deref(r).get("content") or {})
                         for r in op["responses"].values())
            ops.append((m.upper(), tmpl, params, body, stream))
    return ops


def send(ctx, method, path, headers, body, ctype, stream):
    """One request over TCP with the admin token; returns (status, headers, body bytes)."""
    s = socket.create_connection(("127.0.0.1", ctx.d.port), timeout=10)
    data = json.dumps(body).encode() if body is not None else b""
    h = {"Host": "x", "Authorization": "Bearer " + ctx.token, "Connection": "close"}
    h.update(headers)
    if body is not None:
        h["Content-Type"] = ctype
        h["Content-Length"] = str(len(data))
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n"
    s.sendall(head.encode("latin-1") + data)
    head, _, rest = ct.read_head(s).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = dict(l.split(": ", 1) for l in lines[1:] if ": " in l)
    if stream and status == 200:
        s.close()
        return status, hdrs, None
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        rest += chunk
    s.close()
    return status, hdrs, rest


class Api(RuleBasedStateMachine):
    ctx = None

    def __init__(self):
        super().__init__()
        self.domains = []

    def request(self, op, data, domain_hint=True):
        method, tmpl, params, body_spec, stream = op
        path, query, headers = tmpl, [], {}
        for p in params:
            sch = p.get("schema", {})
            if p["in"] == "path":
                if p["name"] == "domain" and self.domains and domain_hint and data.draw(st.booleans()):
                    v = data.draw(st.sampled_from(self.domains))
                else:
                    v = data.draw(strategy(sch))
                path = path.replace("{" + p["name"] + "}", str(v))
            elif data.draw(st.booleans()) or p.get("required"):
                v = data.draw(strategy(sch))
                if p["in"] == "query":
                    # style form, explode false: an array is one comma-separated value.
                    v = ",".join(map(str, v)) if isinstance(v, list) else v
                    query.append((p["name"], str(v).lower() if isinstance(v, bool) else str(v)))
                elif p["in"] == "header":
                    headers[p["name"]] = str(v)
        body, ctype, body_schema = None, "application/json", None
        if body_spec and (body_spec.get("required") or data.draw(st.booleans())):
            ctype = sorted(body_spec["content"])[0]
            body_schema = body_spec["content"][ctype]["schema"]
            body = data.draw(strategy(body_schema))
        from urllib.parse import quote
        if query:
            path += "?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query)
        status, hdrs, raw = send(self.ctx, method, path, headers, body, ctype, stream)
        STATS["requests"] += 1
        STATS["by_status"][status] = STATS["by_status"].get(status, 0) + 1
        where = f"{method} {path} {json.dumps(body)[:300] if body is not None else ''} -> {status}"
        problem = None
        try:
            ct.validate_response(method, path, status, hdrs, raw)
        except AssertionError as e:
            problem = str(e)
        except Exception as e:
            problem = f"response does not match its schema: {e}"
        if not problem and status >= 500:
            problem = f"server error: {raw[:300]!r}"
        if not problem and status == 400 and not self.bounded_by_resource(body_schema, raw):
            problem = f"the schema allows what the server refuses: {raw[:300]!r}"
        if problem:
            FAILURES.append(f"{where}: {problem}")
            raise AssertionError(FAILURES[-1])
        return status, raw

    @staticmethod
    def bounded_by_resource(schema, raw):
        """A 400 naming a member bounded by the resource as it is (x-keel-at-most of a PATCH)."""
        if not schema or not raw:
            return False
        field = json.loads(raw).get("field", "")
        return field.lstrip("/") in at_most(schema) and "required" not in merged(schema)

    @rule(data=st.data())
    def create_domain(self, data):
        op = next(o for o in OPS if o[0] == "POST" and o[1] == "/v1/domains")
        status, raw = self.request(op, data)
        if status == 201:
            d = json.loads(raw)
            self.domains.append(data.draw(st.sampled_from([d["id"], d["name"]])))

    @rule(data=st.data())
    def any_operation(self, data):
        op = data.draw(st.sampled_from(OPS))
        self.request(op, data)

    @invariant()
    def daemon_up(self):
        assert self.ctx.d.proc.poll() is None, "controld exited"


def main():
    global SPEC, OPS, DEADLINE
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--spec", required=True)
    ap.add_argument("--xenstored", required=True)
    ap.add_argument("--seconds", type=float, default=45)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("KEEL_STATEFUL_SEED", "0")) or None)
    args = ap.parse_args()
    SPEC = ct.SPEC = yaml.safe_load(open(args.spec))
    ct.TEMPLATES = ct.templates()
    OPS = operations()
    seed = args.seed or random.randrange(1, 2 ** 31)
    print(f"seed {seed} (rerun with --seed {seed}); {len(OPS)} operations; {args.seconds:.0f} s")
    rc = 0
    with tempfile.TemporaryDirectory(prefix="keel-stateful-") as work:
        ctx = ct.Ctx()
        os.makedirs(os.path.join(work, "sysfs"))
        ctx.d, ctx.token = ct.start_host(args.daemon, args.xenstored, work, "stateful",
                                         extra=["--set", "request_log=off"])
        store = ctx.d.store
        Api.ctx = ctx
        # Hypothesis's caches go to the run's directory, not into the source tree.
        set_hypothesis_home_dir(os.path.join(work, "hypothesis"))
        DEADLINE = time.time() + args.seconds
        try:
            # Hypothesis has no wall-clock budget: run short batches until the time is up.
            batch = 0
            while time.time() < DEADLINE:
                Api._hypothesis_internal_use_seed = seed + batch
                run_state_machine_as_test(Api, settings=settings(
                    max_examples=10, stateful_step_count=20, deadline=None, database=None,
                    phases=[Phase.generate], suppress_health_check=list(HealthCheck)))
                batch += 1
        except Exception as e:
            print(f"FAIL (seed {seed + batch}): {FAILURES[0] if FAILURES else e}")
            rc = 1
        alive = ctx.d.proc.poll() is None
        if not alive:
            print(f"FAIL: controld exited {ctx.d.proc.returncode}")
            print(open(os.path.join(work, "controld.log")).read()[-4000:])
            rc = 1
        elif ctx.d.stop() != 0:
            print("FAIL: controld did not exit cleanly")
            rc = 1
        store.stop()
    print(f"{STATS['requests']} requests; statuses {dict(sorted(STATS['by_status'].items()))}")
    print("PASS" if rc == 0 else "FAILED")
    return rc


if __name__ == "__main__":
    sys.exit(main())

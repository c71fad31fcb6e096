#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""keel.cloud's module options against openapi.yaml, so the collection cannot drift from the API.

Each module's argument_spec (captured by running its main() with AnsibleModule replaced by a
recorder) is matched with the schema its options are sent as: every mapped option exists in
the schema with a compatible type, its choices are among the schema's values, its defaults are
the schema's, its suboptions' `required` is the schema's; and the other way round, every member
of DomainCreate is an option of the domain module and the fields the module patches are
exactly DomainPatch's. Prints one line per problem and exits 1 if there is any.
"""
import argparse
import importlib
import os
import sys

import yaml

TYPES = {"int": "integer", "str": "string", "path": "string", "bool": "boolean",
         "list": "array", "dict": "object"}
MODULES = ("domain", "domain_info", "image", "token")
PROBLEMS = []
CHECKED = []


class Captured(Exception):
    pass


def argument_spec_of(module_name):
    """The argument_spec a module's main() hands to AnsibleModule."""
    import ansible.module_utils.basic as basic

    class Recorder:
        def __init__(self, argument_spec, **kw):
            raise Captured(argument_spec)

    real = basic.AnsibleModule
    basic.AnsibleModule = Recorder
    try:
        mod = importlib.import_module("ansible_collections.keel.cloud.plugins.modules." + module_name)
        mod.main()
    except Captured as c:
        return c.args[0]
    finally:
        basic.AnsibleModule = real
    raise AssertionError(f"{module_name}: main() never built an AnsibleModule")


class Spec:
    def __init__(self, path):
        self.doc = yaml.safe_load(open(path))

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            cur = self.doc
            for part in node["$ref"][2:].split("/"):
                cur = cur[part]
            node = cur
        return node

    def schema(self, name):
        return self.resolve({"$ref": "#/components/schemas/" + name})

    def merged(self, node):
        """A schema with its oneOf alternatives merged: properties of all, const values as an enum."""
        node = self.resolve(node)
        if "oneOf" not in node:
            return node
        alts = [self.resolve(a) for a in node["oneOf"]]
        values = [a for a in alts if a.get("type") != "null"]
        if len(values) == 1 and values[0].get("type") != "object":
            return values[0]  # a nullable value (e.g. an image's sha256): the value's schema
        out = {"type": "object", "properties": {}, "required": None}
        for alt in node["oneOf"]:
            alt = self.resolve(alt)
            for k, v in alt.get("properties", {}).items():
                v = self.resolve(v)
                if "const" in v:
                    prev = out["properties"].get(k, {"type": "string", "enum": []})
                    out["properties"][k] = dict(prev, enum=prev["enum"] + [v["const"]])
                else:
                    out["properties"].setdefault(k, v)
            req = set(alt.get("required", []))
            out["required"] = req if out["required"] is None else out["required"] & req
        out["required"] = sorted(out["required"] or [])
        return out

    def operation(self, op_id):
        for item in self.doc["paths"].values():
            for op in item.values():
                if isinstance(op, dict) and op.get("operationId") == op_id:
                    return op
        raise KeyError(op_id)

    def query_param(self, op_id, name):
        for p in self.operation(op_id).get("parameters", []):
            p = self.resolve(p)
            if p["name"] == name and p["in"] == "query":
                return self.resolve(p["schema"])
        return None

    def body(self, op_id):
        return self.resolve(self.operation(op_id)["requestBody"]["content"]["application/json"]["schema"])


def problem(where, text):
    PROBLEMS.append(f"{where}: {text}")


def check_option(spec, where, opt, schema):
    """One option (an argument_spec entry) against the schema of the API field it fills."""
    CHECKED.append(where)
    schema = spec.merged(schema)
    atype = opt.get("type", "str")
    stype = schema.get("type")
    if stype is None and "enum" in schema:
        stype = "string"
    if isinstance(stype, list):
        stype = [t for t in stype if t != "null"][0]
    if TYPES.get(atype) != stype:
        problem(where, f"option type {atype} but the API's type is {stype}")
        return
    if "choices" in opt:
        allowed = schema.get("enum")
        if allowed is None:
            problem(where, "option has choices but the API has no enum")
        elif set(opt["choices"]) - set(allowed):
            problem(where, f"choices {sorted(set(opt['choices']) - set(allowed))} not in the API's {allowed}")
    if "default" in opt and "default" in schema and opt["default"] != schema["default"]:
        problem(where, f"default {opt['default']!r} but the API's is {schema['default']!r}")
    if atype == "list":
        items = spec.merged(schema.get("items", {}))
        elements = opt.get("elements")
        if elements:
            check_option(spec, where + "[]", {"type": elements, "options": opt.get("options")}, items)
    elif atype == "dict" and opt.get("options"):
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        for k, sub in opt["options"].items():
            if k not in props:
                problem(where, f"suboption {k} is not a member of the API's object")
                continue
            check_option(spec, f"{where}.{k}", sub, props[k])
            if bool(sub.get("required")) != (k in required):
                problem(f"{where}.{k}", f"required={bool(sub.get('required'))} but the API says {k in required}")
        for k in props:
            if k not in opt["options"]:
                problem(where, f"the API's member {k} has no suboption")


def check_domain(spec, argspec):
    from ansible_collections.keel.cloud.plugins.module_utils import keel_domain as kd
    create = spec.schema("DomainCreate")
    patch = spec.schema("DomainPatch")
    for f in kd.SPEC_FIELDS:
        if f not in argspec:
            problem("domain", f"field {f} is not an option")
        elif f not in create["properties"]:
            problem(f"domain.{f}", "not a member of DomainCreate")
        else:
            check_option(spec, f"domain.{f}", argspec[f], create["properties"][f])
    for f in create["properties"]:
        if f not in kd.SPEC_FIELDS:
            problem("domain", f"DomainCreate member {f} is not managed by the module")
    if set(kd.PATCHABLE) != set(patch["properties"]):
        problem("domain", f"patches {sorted(kd.PATCHABLE)}, DomainPatch has {sorted(patch['properties'])}")
    if set(kd.CREATE_REQUIRED) != set(create["required"]):
        problem("domain", f"requires {sorted(kd.CREATE_REQUIRED)} to create, DomainCreate {sorted(create['required'])}")
    if set(kd.FIXED) != set(create["properties"]) - set(patch["properties"]) - {"name", "disks", "nics", "pci"}:
        problem("domain", f"fixed fields {sorted(kd.FIXED)} are not what DomainPatch cannot change")
    for dev, schema in (("disks", "Disk"), ("nics", "Nic")):
        defaults = {"disks": kd.DISK_DEFAULTS, "nics": kd.NIC_DEFAULTS}[dev]
        props = spec.schema(schema)["properties"]
        want = dict((k, v["default"]) for k, v in props.items() if "default" in v)
        if defaults != want:
            problem("domain", f"{dev} defaults {defaults}, the API's {want}")


def check(spec, collections):
    sys.path.insert(0, collections)
    args = {m: argument_spec_of(m) for m in MODULES}
    for m, a in args.items():
        for o in ("url", "token", "ca_cert"):
            if o not in a:
                problem(m, f"no {o} option")
    check_domain(spec, args["domain"])
    states = spec.schema("DomainState")["enum"]
    info = args["domain_info"]
    check_option(spec, "domain_info.state[]", {"type": "str", "choices": info["state"]["choices"]},
                 spec.schema("DomainState"))
    if sorted(info["state"]["choices"]) != sorted(states):
        problem("domain_info.state", f"choices {info['state']['choices']} are not DomainState {states}")
    prefix = spec.query_param("listDomains", "name_prefix")
    if prefix is None:
        problem("domain_info.name_prefix", "listDomains has no such query parameter")
    else:
        check_option(spec, "domain_info.name_prefix", info["name_prefix"], prefix)
    check_option(spec, "domain_info.name", info["name"], spec.resolve({"$ref": "#/components/parameters/Domain"})["schema"])
    image = args["image"]
    check_option(spec, "image.name", image["name"], spec.schema("ImageName"))
    check_option(spec, "image.sha256", image["sha256"], spec.schema("Image")["properties"]["sha256"])
    token_body = spec.body("createToken")
    for f in ("name", "scope"):
        check_option(spec, f"token.{f}", args["token"][f], token_body["properties"][f])
    if set(token_body["properties"]) != {"name", "scope"}:
        problem("token", f"createToken has members {sorted(token_body['properties'])}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", required=True)
    ap.add_argument("--collections", required=True)
    a = ap.parse_args()
    check(Spec(a.spec), os.path.abspath(a.collections))
    return report("DRIFT", PROBLEMS, f"{len(CHECKED)} options checked against {a.spec}")


def report(tag, problems, summary):
    """Prints each problem and a summary; the exit code (1 if any problem)."""
    for p in problems:
        print(f"{tag} {p}")
    print(f"{summary}, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

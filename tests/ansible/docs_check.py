#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Each keel.cloud module's documentation (as ansible-doc reads it, fragments merged) states its
argument_spec exactly: the same options and suboptions, types, elements, required, defaults
and choices. It stands in for ansible-test's validate-modules, which Debian's ansible-core
cannot run offline. Usage: docs_check.py COLLECTIONS_DIR
"""
import json
import os
import subprocess
import sys

from openapi_check import argument_spec_of, report


def documented(module, collections):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections)
    out = subprocess.run(["ansible-doc", "-t", "module", "--json", "keel.cloud." + module],
                         capture_output=True, text=True, env=env, check=True).stdout
    return json.loads(out)["keel.cloud." + module]["doc"]["options"]


def compare(where, doc, spec, problems):
    for name in sorted(set(doc) | set(spec)):
        here = f"{where}.{name}"
        if name not in spec:
            problems.append(f"{here}: documented but not in the argument_spec")
            continue
        if name not in doc:
            problems.append(f"{here}: in the argument_spec but not documented")
            continue
        d, s = doc[name], spec[name]
        for key, dflt in (("type", "str"), ("required", False), ("default", None), ("choices", None),
                          ("elements", None)):
            dv, sv = d.get(key, dflt), s.get(key, dflt)
            if dv != sv:
                problems.append(f"{here}: {key} documented {dv!r}, argument_spec {sv!r}")
        if d.get("suboptions") or s.get("options"):
            compare(here, d.get("suboptions") or {}, s.get("options") or {}, problems)


def main():
    collections = os.path.abspath(sys.argv[1])
    sys.path.insert(0, collections)
    problems = []
    plugins = os.path.join(collections, "ansible_collections", "keel", "cloud", "plugins", "modules")
    modules = sorted(f[:-3] for f in os.listdir(plugins) if f.endswith(".py"))
    for m in modules:
        compare(m, documented(m, collections), argument_spec_of(m), problems)
    return report("DOCS", problems, f"docs_check: {len(modules)} modules")


if __name__ == "__main__":
    sys.exit(main())

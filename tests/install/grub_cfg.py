# SPDX-License-Identifier: MIT
"""Checks the Keel entries of a grub.cfg written by update-grub (deploy/host/grub.d/21_keel).

  grub_cfg.py CFG count-keel N          N menuentries boot keel.elf
  grub_cfg.py CFG has-title TITLE       a menuentry is titled TITLE
  grub_cfg.py CFG unique-ids            no two menuentries share an id (GRUB_DEFAULT names one)
  grub_cfg.py CFG entry TITLE [--kernel V] [--initrd NAME] [--mem M] [--vcpus N]
              [--cmdline-has WORD]... [--keel-has WORD]...
                                        the first entry titled TITLE boots Keel so
  grub_cfg.py CFG parse-modules         the hypervisor's own parser (KEEL_MODULE_LINE_CHECK,
                                        tests/install/module_line_check.c) takes every module
                                        line of every Keel entry as dom0 and its initrd
Exit 0 when the check holds, else 1 with the reason on stderr.
"""
import argparse
import os
import shlex
import subprocess
import sys


class Entry:
    def __init__(self, title, ident):
        self.title = title
        self.ident = ident
        self.commands = []  # [words] of each command line in the entry's body

    def command(self, name):
        return [c for c in self.commands if c and c[0] == name]


def parse(text):
    """Menu entries (nested in submenus too), each with its body's commands as words."""
    entries, stack = [], []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("menuentry ", "submenu ")):
            words = shlex.split(line.rstrip("{").strip())
            ident = None
            if "$menuentry_id_option" in words:
                ident = words[words.index("$menuentry_id_option") + 1]
            e = Entry(words[1], ident)
            stack.append(e if words[0] == "menuentry" else None)
            if words[0] == "menuentry":
                entries.append(e)
        elif line == "}" and stack:
            stack.pop()
        elif stack and stack[-1] is not None:
            stack[-1].commands.append(shlex.split(line))
    return entries


def keel_entries(entries):
    return [e for e in entries
            if any(c[1].endswith("/keel.elf") for c in e.command("multiboot2") if len(c) > 1)]


def module_args(cmd):
    """What GRUB gives the hypervisor as a module's command line: the words after its
    path, options of module2 itself (--nounzip) excluded."""
    words = cmd[1:]
    while words and words[0].startswith("--"):
        words = words[1:]
    return words[0], " ".join(words[1:])


def fail(msg):
    print("grub_cfg: " + msg, file=sys.stderr)
    return 1


def check_entry(entries, a):
    match = [e for e in entries if e.title == a.title]
    if not match:
        return fail("no entry titled %r; titles: %s" % (a.title, [e.title for e in entries]))
    e = match[0]
    mb = e.command("multiboot2")
    mods = e.command("module2")
    if len(mb) != 1 or len(mods) not in (1, 2):
        return fail("%r: %d multiboot2 and %d module2 lines" % (e.title, len(mb), len(mods)))
    path, args = module_args(mods[0])
    opts, _, cmdline = args.partition(" -- ")
    if a.kernel and not path.endswith("/keel/vmlinux-%s.gz" % a.kernel):
        return fail("%r: dom0 module %s is not kernel %s" % (e.title, path, a.kernel))
    want_opts = ["dom0"] + (["mem=" + a.mem] if a.mem else []) + (
        ["vcpus=" + a.vcpus] if a.vcpus else [])
    if not set(want_opts) <= set(opts.split()):
        return fail("%r: dom0 options %r lack %s" % (e.title, opts, want_opts))
    for w in a.cmdline_has:
        if not any(t == w or t.startswith(w) for t in cmdline.split()):
            return fail("%r: dom0 command line %r lacks %s" % (e.title, cmdline, w))
    for w in a.keel_has:
        if w not in mb[0][2:]:
            return fail("%r: Keel's command line %r lacks %s" % (e.title, mb[0][2:], w))
    if a.initrd:
        if len(mods) != 2:
            return fail("%r: no initrd module" % e.title)
        ipath, iargs = module_args(mods[1])
        if not ipath.endswith("/" + a.initrd) or iargs != "initrd-for=Domain-0" or \
                "--nounzip" not in mods[1]:
            return fail("%r: initrd line %s" % (e.title, mods[1]))
    return 0


def parse_modules(entries):
    tool = os.environ.get("KEEL_MODULE_LINE_CHECK")
    if not tool:
        return fail("KEEL_MODULE_LINE_CHECK is not set")
    keel = keel_entries(entries)
    if not keel:
        return fail("no Keel entry")
    for e in keel:
        lines = [module_args(m)[1] for m in e.command("module2")]
        out = subprocess.run([tool] + lines, capture_output=True, text=True)
        if out.returncode:
            return fail("%r: Keel refuses a module line: %s" % (e.title, out.stdout))
        got = out.stdout.splitlines()
        dom0_cmdline = lines[0].partition(" -- ")[2]
        if not got[0].startswith("domain Domain-0 ") or " dom0=1 " not in got[0] or \
                not got[0].endswith(" cmdline=" + dom0_cmdline):
            return fail("%r: Keel reads the dom0 line as %r" % (e.title, got[0]))
        if len(got) > 1 and got[1] != "initrd-for Domain-0":
            return fail("%r: Keel reads the initrd line as %r" % (e.title, got[1]))
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("cfg")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("count-keel").add_argument("n", type=int)
    sub.add_parser("has-title").add_argument("title")
    sub.add_parser("parse-modules")
    sub.add_parser("unique-ids")
    e = sub.add_parser("entry")
    e.add_argument("title")
    for opt in ("--kernel", "--initrd", "--mem", "--vcpus"):
        e.add_argument(opt)
    e.add_argument("--cmdline-has", action="append", default=[])
    e.add_argument("--keel-has", action="append", default=[])
    a = p.parse_args()
    with open(a.cfg) as f:
        entries = parse(f.read())
    if a.cmd == "count-keel":
        n = len(keel_entries(entries))
        return 0 if n == a.n else fail("%d Keel entries, wanted %d" % (n, a.n))
    if a.cmd == "has-title":
        return 0 if any(e.title == a.title for e in entries) else fail(
            "no entry %r" % a.title)
    if a.cmd == "unique-ids":
        ids = [e.ident for e in entries if e.ident]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        return fail("ids used twice: %s" % dup) if dup else 0
    if a.cmd == "parse-modules":
        return parse_modules(entries)
    return check_entry(entries, a)


if __name__ == "__main__":
    sys.exit(main())

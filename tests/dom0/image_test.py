#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks what dom0/build-image put into build/boot/dom0/initramfs.cpio, without booting it:
every ELF file's DT_NEEDED libraries and interpreter are in the image; the daemons carry no
sanitizer runtime and no debug sections; the modules are listed dependencies first (as the
modules' own .modinfo says); controld's certificate chains to the build's CA for
127.0.0.1/localhost and matches its key; the token record hashes the token's secret, which
is not in the image. Then the builder's helpers on made-up inputs, including the refusals.
Usage: image_test.py BUILD_DIR
"""
import hashlib
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(SRC, "build"))
IMAGE = os.path.join(BUILD, "boot", "dom0", "initramfs.cpio")
WORK = os.path.join(BUILD, "dom0")
LIB_DIRS = ["lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib64", "lib", "usr/lib"]
S_IFMT, S_IFREG, S_IFLNK = 0o170000, 0o100000, 0o120000

failures = []


def check(ok, what):
    print("%s: %s" % ("ok" if ok else "FAIL", what))
    if not ok:
        failures.append(what)


def read_newc(data):
    """{path: (mode, bytes)} of a newc cpio archive (one archive, up to its trailer)."""
    files, pos = {}, 0
    while True:
        if data[pos:pos + 6] != b"070701":
            raise ValueError("no newc header at offset %d" % pos)
        field = [int(data[pos + 6 + 8 * i:pos + 14 + 8 * i], 16) for i in range(13)]
        mode, size, namesize = field[1], field[6], field[11]
        name = data[pos + 110:pos + 110 + namesize - 1].decode()
        pos = (pos + 110 + namesize + 3) & ~3
        if name == "TRAILER!!!":
            return files
        files[name] = (mode, data[pos:pos + size])
        pos = (pos + size + 3) & ~3


def resolve(files, path, depth=0):
    """Follows symbolic links inside the image; None if the path is missing."""
    if path not in files or depth > 8:
        return None
    mode, data = files[path]
    if mode & S_IFMT != S_IFLNK:
        return path
    target = data.decode()
    target = target.lstrip("/") if target.startswith("/") else \
        os.path.normpath(os.path.join(os.path.dirname(path), target))
    return resolve(files, target, depth + 1)


def elf_facts(blob, tmp):
    path = os.path.join(tmp, "elf")
    open(path, "wb").write(blob)
    dyn = subprocess.run(["readelf", "-d", "-l", "-S", "-W", path], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    needed = [ln.split("[")[1].split("]")[0] for ln in dyn.splitlines() if "(NEEDED)" in ln]
    interp = [ln.split(": ")[1].rstrip("]") for ln in dyn.splitlines()
              if "Requesting program interpreter" in ln]
    return needed, interp, ".debug_info" in dyn


def check_elf_closure(files):
    with tempfile.TemporaryDirectory() as tmp:
        elfs = [p for p, (m, d) in files.items()
                if m & S_IFMT == S_IFREG and d[:4] == b"\x7fELF" and not p.endswith(".ko")]
        check(len(elfs) > 20, "the image holds programs and libraries (%d ELF files)" % len(elfs))
        for p in sorted(elfs):
            needed, interp, debug = elf_facts(files[p][1], tmp)
            missing = [n for n in needed
                       if not any(resolve(files, d + "/" + n) for d in LIB_DIRS)]
            missing += [i for i in interp if not resolve(files, i.lstrip("/"))]
            check(not missing, "%s: every library it needs is in the image %s" % (p, missing))
            if p.startswith("usr/sbin/keel") or p == "usr/bin/keel":
                check(not any("asan" in n or "ubsan" in n for n in needed),
                      "%s is built without sanitizers" % p)
                check(not debug, "%s is stripped" % p)


def check_modules(files):
    order = files["etc/keel/dom0/modules"][1].decode().split()
    version = [p.split("/")[2] for p in files if p.startswith("lib/modules/") and
               p.count("/") == 2][0]
    names = [os.path.basename(ko)[:-3].replace("-", "_") for ko in order]
    with tempfile.TemporaryDirectory() as tmp:
        for i, ko in enumerate(order):
            path = "lib/modules/%s/%s" % (version, ko)
            check(path in files, "%s is in the image" % path)
            open(os.path.join(tmp, "m.ko"), "wb").write(files[path][1])
            deps = subprocess.run(["modinfo", "-F", "depends", os.path.join(tmp, "m.ko")],
                                  stdout=subprocess.PIPE, text=True).stdout.strip()
            for dep in filter(None, deps.split(",")):
                check(dep.replace("-", "_") in names[:i],
                      "%s's dependency %s is loaded before it" % (names[i], dep))
    for m in ["e1000", "bridge", "xen_evtchn", "xenfs", "xen_privcmd", "xen_gntdev",
              "xen_gntalloc", "xen_blkback", "xen_netback"]:
        check(m in names, "module %s is in the load list" % m)


def check_tls(files):
    ca = os.path.join(WORK, "ca.crt")
    with tempfile.TemporaryDirectory() as tmp:
        crt, key = os.path.join(tmp, "c.crt"), os.path.join(tmp, "c.key")
        open(crt, "wb").write(files["etc/keel/tls/controld.crt"][1])
        open(key, "wb").write(files["etc/keel/tls/controld.key"][1])
        for host in (["-verify_ip", "127.0.0.1"], ["-verify_hostname", "localhost"]):
            r = subprocess.run(["openssl", "verify", "-CAfile", ca] + host + [crt],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            check(r.returncode == 0, "controld's certificate is valid for %s under the build's "
                  "CA (%s)" % (host[1], r.stdout.strip()))
        r = subprocess.run(["openssl", "verify", "-CAfile", crt, "-verify_ip", "127.0.0.1",
                            crt], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        check(r.returncode != 0, "the certificate is not its own CA")
        pub = [subprocess.run(cmd, stdout=subprocess.PIPE).stdout for cmd in
               (["openssl", "x509", "-in", crt, "-noout", "-pubkey"],
                ["openssl", "pkey", "-in", key, "-pubout"])]
        check(pub[0] and pub[0] == pub[1], "controld's key matches its certificate")
    check(files["etc/keel/tls/controld.key"][0] & 0o077 == 0, "the key is readable by root only")


def check_token(files, data):
    token = open(os.path.join(WORK, "admin.token")).read().strip()
    _, tid, secret = token.split("_")
    rec_id, record = files["etc/keel/dom0/admin-token"][1].decode().split(" ", 1)
    record = json.loads(record)
    check(rec_id == tid == record["id"] and record["scope"] == "admin",
          "the token record names the token and the admin scope")
    check(record["hash"] == hashlib.sha256(secret.encode()).hexdigest(),
          "the record holds the SHA-256 of the secret")
    check(secret.encode() not in data, "the secret is nowhere in the image")


def load_builder():
    loader = importlib.machinery.SourceFileLoader("build_image",
                                                  os.path.join(SRC, "dom0", "build-image"))
    spec = importlib.util.spec_from_loader("build_image", loader)
    mod = importlib.util.module_from_spec(spec)
    sys.dont_write_bytecode = True
    loader.exec_module(mod)
    return mod


def refuses(fn, *args):
    try:
        fn(*args)
    except (SystemExit, ValueError):
        return True
    return False


def check_builder_helpers():
    b = load_builder()
    mods = b.debian_image  # the module resolver is shared with the guest image builders
    with tempfile.TemporaryDirectory() as tmp:
        open(os.path.join(tmp, "modules.dep"), "w").write(
            "kernel/a/top.ko: kernel/b/mid_dep.ko kernel/c/leaf.ko\n"
            "kernel/b/mid_dep.ko: kernel/c/leaf.ko\nkernel/c/leaf.ko:\nkernel/d/other.ko:\n")
        open(os.path.join(tmp, "modules.builtin"), "w").write("kernel/e/inside.ko\n")
        order = mods.module_load_order(tmp, ["top", "other", "inside", "leaf"])
        check(order == ["kernel/c/leaf.ko", "kernel/b/mid_dep.ko", "kernel/a/top.ko",
                        "kernel/d/other.ko"],
              "load order: dependencies first, each once, built-ins left out (%s)" % order)
        check(mods.module_load_order(tmp, ["mid-dep"])[-1] == "kernel/b/mid_dep.ko",
              "module names match with '-' or '_'")
        check(refuses(mods.module_load_order, tmp, ["absent"]),
              "a module neither in modules.dep nor built in stops the build")
        b.WORK = tmp
        for bad in ("keel_123_456\n", "keel_%s_%s\n" % ("0" * 16, "g" * 64), ""):
            open(os.path.join(tmp, "admin.token"), "w").write(bad)
            check(refuses(b.admin_token), "a malformed token file stops the build (%r)" % bad)
        os.remove(os.path.join(tmp, "admin.token"))
        tid, record = b.admin_token()
        check(os.stat(os.path.join(tmp, "admin.token")).st_mode & 0o077 == 0,
              "a new token file is private to its owner")
        check(json.loads(record)["id"] == tid, "a new token gets a record")


def main():
    data = open(IMAGE, "rb").read()
    files = read_newc(data)
    for p in ["init", "bin/busybox", "bin/sh", "usr/sbin/keel-xenstored",
              "usr/sbin/keel-controld", "usr/bin/keel", "usr/bin/xenstore-ls",
              "usr/bin/xenstore-write", "usr/share/keel/udhcpc.script",
              "etc/keel/controld.conf", "dev/console", "usr/sbin/nft",
              "etc/keel/dom0/guest-nat.nft", "etc/keel/dom0/udhcpd.conf"]:
        check(resolve(files, p) is not None, "%s is in the image" % p)
    # The images a guest is created from at once, each with the SHA-256 record controld keeps.
    for name in ("debian-vmlinux", "debian-initrd"):
        img = files.get("usr/share/keel/images/" + name)
        rec = files.get("usr/share/keel/images/.%s.sha256" % name)
        check(img is not None and rec is not None and
              rec[1].decode().strip() == hashlib.sha256(img[1]).hexdigest(),
              "image %s is in the image with its SHA-256 record" % name)
    check(files["init"][0] & 0o111 != 0, "/init is executable")
    check_elf_closure(files)
    check_modules(files)
    check_tls(files)
    check_token(files, data)
    check_builder_helpers()
    if failures:
        sys.exit("%d check(s) failed" % len(failures))


if __name__ == "__main__":
    main()

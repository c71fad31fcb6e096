# SPDX-License-Identifier: MIT
"""Helpers shared by the image builders (deploy/images/linux-guest, deploy/images/pv-guest,
dom0/build-image): Debian's kernel package, fetched through apt and cached, its modules in
load order, and the initramfs cpio writer."""
import fcntl
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile


def kernel_package():
    """The versioned package linux-image-amd64 points at, e.g. linux-image-6.1.0-57-amd64."""
    out = subprocess.run(["apt-cache", "depends", "linux-image-amd64"], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("Depends: linux-image-"):
            return line.split()[1]
    sys.exit("debian_image: cannot tell which kernel linux-image-amd64 depends on")


def kernel_deb(cache):
    """Path of the kernel .deb in cache, downloading it first if needed. The download goes
    to a private directory and is renamed into place, so concurrent builders never see
    half a file."""
    pkg = kernel_package()
    os.makedirs(cache, exist_ok=True)

    def cached():
        return sorted(f for f in os.listdir(cache)
                      if f.startswith(pkg + "_") and f.endswith(".deb"))

    if not cached():
        tmp = tempfile.mkdtemp(dir=cache, prefix=".download-")
        try:
            subprocess.run(["apt-get", "download", pkg], cwd=tmp, check=True)
            for f in os.listdir(tmp):
                os.replace(os.path.join(tmp, f), os.path.join(cache, f))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    debs = cached()
    if not debs:
        sys.exit("debian_image: apt-get download %s left no .deb in %s" % (pkg, cache))
    return os.path.join(cache, debs[-1])


def extract_deb(deb, root):
    """Unpacks a .deb's files into root (emptied first)."""
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run(["dpkg-deb", "-x", deb, root], check=True)


def kernel_tree(cache):
    """Extracts the kernel .deb (once per package version) into cache/kernel and runs depmod
    on it. Returns (root, kernel version). The image builders share it, one at a time."""
    deb = kernel_deb(cache)
    root = os.path.join(cache, "kernel")
    stamp = os.path.join(cache, "kernel-package")
    with open(os.path.join(cache, ".kernel.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (os.path.exists(stamp) and open(stamp).read() == os.path.basename(deb)):
            extract_deb(deb, root)
            subprocess.run(["depmod", "-b", root, _version(root, deb)], check=True)
            open(stamp, "w").write(os.path.basename(deb))
    return root, _version(root, deb)


def _version(root, deb):
    versions = os.listdir(os.path.join(root, "lib", "modules"))
    if len(versions) != 1:
        sys.exit("debian_image: expected one kernel in %s, found %s" % (deb, versions))
    return versions[0]


def module_load_order(moddir, wanted):
    """Every module named in wanted and its dependencies (modules.dep), dependencies first;
    modules built into the kernel (modules.builtin) are left out. ValueError for a name
    that is neither."""
    deps = {}
    for line in open(os.path.join(moddir, "modules.dep")):
        path, _, rest = line.partition(":")
        deps[path] = rest.split()
    by_name = {os.path.basename(p)[:-len(".ko")].replace("_", "-"): p for p in deps}
    builtin = open(os.path.join(moddir, "modules.builtin")).read()
    order = []

    def visit(path):
        if path in order:
            return
        for d in deps[path]:
            visit(d)
        order.append(path)

    for name in wanted:
        if name not in by_name:
            if re.search(r"/%s\.ko$" % re.escape(name), builtin, re.M):
                continue  # built in: nothing to load
            raise ValueError("module %s is neither in modules.dep nor built in" % name)
        visit(by_name[name])
    return order


def cpio_newc(entries):
    """entries: (name, mode, data, rdev_major, rdev_minor). Writes the SVR4 'newc' format."""
    out = bytearray()
    ino = 1
    for name, mode, data, major, minor in entries + [("TRAILER!!!", 0, b"", 0, 0)]:
        nb = name.encode() + b"\0"
        fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, major, minor, len(nb), 0]
        out += b"070701" + b"".join(b"%08X" % v for v in fields)
        out += nb
        out += b"\0" * ((4 - len(out) % 4) % 4)
        out += data
        out += b"\0" * ((4 - len(out) % 4) % 4)
        ino += 1
    return bytes(out)


def write_appended(out, base, entries):
    """out = the initramfs base followed by a cpio archive of entries (Linux unpacks concatenated
    archives into one root, later files over earlier ones), written to a private name and
    renamed; prints its size."""
    with open(out + ".tmp", "wb") as o:
        o.write(open(base, "rb").read())
        o.write(cpio_newc(entries))
    os.replace(out + ".tmp", out)
    print("%s: %.1f MB" % (out, os.path.getsize(out) / 1e6))


def shared_libraries(elfs):
    """Absolute paths of every library (and the dynamic loader) the ELF files need."""
    libs = set()
    for elf in elfs:
        out = subprocess.run(["ldd", elf], stdout=subprocess.PIPE, text=True, check=True).stdout
        for line in out.splitlines():
            m = re.match(r"\s*(?:\S+ => )?(/\S+) \(0x", line)
            if m:
                libs.add(m.group(1))
            elif "not found" in line:
                raise ValueError("%s: %s" % (elf, line.strip()))
    return sorted(libs)


D, F, L = stat.S_IFDIR | 0o755, stat.S_IFREG, stat.S_IFLNK | 0o777


class Image:
    """The initramfs being assembled: directories are added as files need them."""

    def __init__(self):
        self.entries, self.dirs = [], set()

    def mkdir(self, path):
        path = path.strip("/")
        if not path or path in self.dirs:
            return
        self.mkdir(os.path.dirname(path))
        self.dirs.add(path)
        self.entries.append((path, D, b"", 0, 0))

    def add(self, path, data, mode=0o644):
        self.mkdir(os.path.dirname(path.strip("/")))
        self.entries.append((path.strip("/"), F | mode, data, 0, 0))

    def symlink(self, path, target):
        self.mkdir(os.path.dirname(path.strip("/")))
        self.entries.append((path.strip("/"), L, target.encode(), 0, 0))

    def device(self, path, mode, major, minor):
        self.mkdir(os.path.dirname(path.strip("/")))
        self.entries.append((path.strip("/"), mode, b"", major, minor))

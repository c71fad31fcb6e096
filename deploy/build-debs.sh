#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds Keel's Debian packages (keel, keel-hypervisor) with dpkg-buildpackage from debian/,
# in a copy of the source tree (dpkg-buildpackage writes next to its source directory), and
# checks them with lintian. Usage: deploy/build-debs.sh [OUTDIR]   (default build/deb)
# Leaves OUTDIR/*.deb, OUTDIR/*.changes and OUTDIR/lintian.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-build/deb}")
src=$out/keel
mkdir -p "$out"
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo

# The tracked and new (not ignored) files, built from clean each time (dpkg-buildpackage
# runs debian/rules clean first).
mkdir -p "$src"
git ls-files -z -co --exclude-standard | rsync -a --from0 --files-from=- ./ "$src/"
# The dashboard's npm packages: copied from the source tree when it has them (npm ci in the
# copy then finds its cache warm).
[ -d ui/node_modules ] && rsync -a ui/node_modules "$src/ui/"

cd "$src"
DEB_BUILD_OPTIONS="parallel=2 ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -b -us -uc >"$out/build.log" 2>&1 ||
	{ grep -E -B2 -A8 "error|FAILED" "$out/build.log" | tail -60; exit 1; }
cd "$out"
lintian --fail-on error,warning --suppress-tags-from-file /dev/null ./*.changes >lintian.txt 2>&1 ||
	{ cat lintian.txt; exit 1; }
ls "$out"/*.deb

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the keel.cloud collection with ansible-galaxy into OUT and installs the tarball
# into OUT/collections (what the other ansible tests use). Usage: build_collection.sh SRC OUT
set -euo pipefail
src=$1 out=$2
rm -rf "$out"
mkdir -p "$out"
ansible-galaxy collection build --output-path "$out" "$src"
tarball=$(ls "$out"/keel-cloud-*.tar.gz)
# The tarball holds what the collection ships: plugins, docs, the example playbook.
listing=$(tar -tzf "$tarball")
for f in MANIFEST.json plugins/modules/domain.py plugins/inventory/keel.py playbooks/place_guests.yml; do
  grep -qx "$f" <<<"$listing" || { echo "build_collection: $f missing from $tarball" >&2; exit 1; }
done
ANSIBLE_COLLECTIONS_PATH="$out/collections" \
  ansible-galaxy collection install --force -p "$out/collections" "$tarball" 2>&1 | grep -v WARNING
test -f "$out/collections/ansible_collections/keel/cloud/MANIFEST.json"
echo "build_collection: $tarball installed in $out/collections"

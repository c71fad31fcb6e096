#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs `ansible-test COMMAND ARGS...` on a scratch copy of the installed keel.cloud collection
# (ansible-test writes tests/output into the collection it tests), with Debian's Python.
# Usage: ansible_test.sh COLLECTIONS_DIR COMMAND [ARGS...]
set -euo pipefail
coll=$(realpath "$1")/ansible_collections/keel/cloud
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ansible_collections/keel"
cp -r "$coll" "$work/ansible_collections/keel/cloud"
cd "$work/ansible_collections/keel/cloud"
cmd=$1
shift
ansible-test "$cmd" --color no --python "$(/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')" "$@"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Sanity of the installed keel.cloud collection. Usage: sanity.sh COLLECTIONS_DIR
#  - ansible-doc shows every module and the inventory plugin (their docs parse, every option
#    documented the way Ansible reads it);
#  - `ansible-test sanity` with the tests that run offline: Debian's ansible-core cannot run
#    those that pip-install pinned tools into a venv (ansible-doc, import, pep8, pylint,
#    runtime-metadata, validate-modules, yamllint), so they are skipped here and stood in
#    for by the line above, docs_check.py (docs = argument_spec), pyflakes and Debian's
#    pylint below;
#  - pyflakes over every Python file; Debian's pylint over the plugins (tests/ansible/pylintrc)
#    and, for errors only, the unit tests.
set -euo pipefail
colls=$(realpath "$1")
coll=$colls/ansible_collections/keel/cloud
export ANSIBLE_COLLECTIONS_PATH=$colls ANSIBLE_NOCOLOR=1 PYTHONDONTWRITEBYTECODE=1
py=/usr/bin/python3

n=0
for f in "$coll"/plugins/modules/*.py; do
  m=$(basename "$f" .py)
  out=$(ansible-doc -t module "keel.cloud.$m" 2>&1) || { echo "$out"; exit 1; }
  # ansible-doc prints a warning, not an error, for some unparsable docs: refuse both.
  if grep -q "WARNING\|ERROR" <<<"$out"; then echo "$out"; exit 1; fi
  grep -q "^OPTIONS" <<<"$out" || { echo "ansible-doc keel.cloud.$m: no OPTIONS"; exit 1; }
  # The shared connection options come in from the doc fragment.
  for o in url token ca_cert; do
    grep -q "^- $o$" <<<"$out" || { echo "ansible-doc keel.cloud.$m: option $o missing"; exit 1; }
  done
  n=$((n + 1))
done
out=$(ansible-doc -t inventory keel.cloud.keel 2>&1) || { echo "$out"; exit 1; }
grep -q "keel_hosts" <<<"$out" || { echo "ansible-doc inventory keel.cloud.keel: no keel_hosts"; exit 1; }
[ "$(ansible-doc -t module -l keel.cloud 2>/dev/null | wc -l)" -eq "$n" ]
echo "sanity: ansible-doc shows $n modules and the inventory plugin"
# validate-modules' core check, offline: the docs state each argument_spec exactly.
PYTHONPATH=$(dirname "$0") $py "$(dirname "$0")/docs_check.py" "$colls"

skip=(ansible-doc import pep8 pylint runtime-metadata validate-modules yamllint)
args=()
for t in "${skip[@]}"; do args+=(--skip-test "$t"); done
"$(dirname "$0")/ansible_test.sh" "$colls" sanity "${args[@]}"
echo "sanity: ansible-test sanity passed (skipped, needing pip: ${skip[*]})"

mapfile -t plugins < <(find "$coll/plugins" -name '*.py')
mapfile -t tests < <(find "$coll/tests" -name '*.py')
pyflakes3 "${plugins[@]}" "${tests[@]}" "$(dirname "$0")"/*.py
PYTHONPATH=$colls pylint --rcfile="$(dirname "$0")/pylintrc" --score=n "${plugins[@]}"
PYTHONPATH=$colls pylint --rcfile=/dev/null --errors-only --disable=import-error "${tests[@]}"
echo "sanity: pyflakes and pylint clean on ${#plugins[@]} plugin and ${#tests[@]} test files"

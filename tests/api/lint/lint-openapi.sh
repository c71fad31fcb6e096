#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lints openapi.yaml with Redocly CLI (installed into tests/api/lint/node_modules from the npm
# registry by `npm ci`, pinned by package-lock.json).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
if [ ! -x node_modules/.bin/redocly ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node_modules/.bin/redocly lint --config redocly.yaml ../../../openapi.yaml

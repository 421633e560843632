#!/usr/bin/env bash
# `npm run demo`: installs the node packages on first use, then runs the whole system offline.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
exec npx tsx scripts/demo.ts "$@"

#!/usr/bin/env bash
# `npm run demo`: installs the node packages on first use, then runs the whole system offline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
exec npx tsx scripts/demo.ts "$@"

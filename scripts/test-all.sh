#!/usr/bin/env bash
# `npm run test:all`: the one command that runs every test on a fresh machine. Installs what is
# missing (Postgres, Redis via apt-get; node packages via npm ci), starts them, checks types, lint and
# locales, runs unit + integration + end-to-end tests. Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .data
eval "$(bash scripts/ensure-services.sh)"
bash scripts/install-deps.sh
echo "== typecheck"; npx tsc --noEmit -p .
echo "== lint"; npx biome check .
echo "== dependency rule"; npm run --silent depcruise
echo "== locales"; node scripts/check-locales.mjs
echo "== tests"; npx vitest run

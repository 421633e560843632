#!/usr/bin/env bash
# Installs the node packages at the versions in package-lock.json with `npm ci` (in CI nothing else). Some
# registries (mirrors without every platform's optional binaries, e.g. biome's and msgpackr's) leave
# the lock file without those optional entries, and then `npm ci` refuses what `npm install` does
# fine with the same pinned versions. Skips the install when node_modules is already current.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${CI:-}" != true ] && [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
if ! npm ci --no-audit --no-fund 2>/tmp/anlauf-npm-ci.log; then
  # CI installs with plain `npm ci` only: the committed lock holds every platform's optional binaries
  # (biome, msgpackr), and a lock that loses them must fail here, not be papered over
  if [ "${CI:-}" = true ]; then
    cat /tmp/anlauf-npm-ci.log >&2
    echo "install-deps: npm ci failed on the committed lock file (CI does not fall back to npm install)" >&2
    exit 1
  fi
  if grep -q "can only install packages when your package.json and package-lock.json" /tmp/anlauf-npm-ci.log; then
    echo "install-deps: npm ci refused an incomplete lock file; installing the same versions with npm install" >&2
    npm install --no-audit --no-fund --no-save
  else
    cat /tmp/anlauf-npm-ci.log >&2
    exit 1
  fi
fi

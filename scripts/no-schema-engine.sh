#!/bin/sh
# Stands in for Prisma's native schema engine, which the CLI would download (no network here).
# `prisma generate` does not need it; migrations go through `npm run db:migrate` (WebAssembly engine).
echo "anlauf: the native Prisma schema engine is not used here; run 'npm run db:migrate' instead" >&2
exit 1

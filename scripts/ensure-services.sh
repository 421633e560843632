#!/usr/bin/env bash
# Makes sure a PostgreSQL and a Redis answer for the tests, installing and starting them when absent.
# Never touches a system's configuration: a missing Postgres gets a throwaway cluster (trust auth,
# loopback only) under .data/ci-postgres; a missing Redis a private server with no persistence.
# Prints the export lines for TEST_DATABASE_URL and REDIS_URL on stdout; progress goes to stderr.
set -euo pipefail
say() { echo "ensure-services: $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else say "need root for: $*"; return 1; fi; }
apt_install() {
  command -v apt-get >/dev/null || { say "no apt-get: please install $* yourself"; return 1; }
  if [ -z "${APT_UPDATED:-}" ]; then as_root apt-get update -qq >&2; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}
port_free() { ! (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

root=$(cd "$(dirname "$0")/.." && pwd)
PG_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/anlauf_test}
REDIS=${REDIS_URL:-redis://127.0.0.1:6379}

# ── PostgreSQL ──
pg_ok() { command -v psql >/dev/null && psql "${1%/*}/postgres" -Atqc 'select 1' >/dev/null 2>&1; }
if pg_ok "$PG_URL"; then
  say "postgres answers at ${PG_URL%/*}"
else
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$bindir" ] || ! command -v psql >/dev/null; then
    say "installing postgresql"; apt_install postgresql postgresql-client
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  port=5432; port_free 5432 || port=55432
  dir="$root/.data/ci-postgres"
  owner=$(id -un); [ "$owner" = root ] && owner=postgres
  if [ ! -s "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"; chown "$owner" "$dir" 2>/dev/null || true
    say "creating a throwaway cluster in $dir"
    run_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    run_as "$bindir/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  run_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  run_as "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2
  PG_URL="postgres://postgres@127.0.0.1:$port/anlauf_test"
  pg_ok "$PG_URL" || { say "postgres did not come up; see $dir/server.log"; exit 1; }
fi

# ── Redis ──
redis_ok() { command -v redis-cli >/dev/null && [ "$(redis-cli -u "$1" ping 2>/dev/null)" = PONG ]; }
if redis_ok "$REDIS"; then
  say "redis answers at $REDIS"
else
  command -v redis-server >/dev/null || { say "installing redis-server"; apt_install redis-server; }
  port=6379; port_free 6379 || port=56379
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
    --logfile "$root/.data/ci-redis.log" >&2
  REDIS="redis://127.0.0.1:$port"
  for _ in $(seq 1 50); do redis_ok "$REDIS" && break; sleep 0.1; done
  redis_ok "$REDIS" || { say "redis did not come up"; exit 1; }
  say "started redis at $REDIS"
fi

echo "export TEST_DATABASE_URL=$PG_URL"
echo "export REDIS_URL=$REDIS"

#!/usr/bin/env bash
# Set up (first time only) and run the whole test suite on both cores.
#
# The web tests need a real PostgreSQL (docs/web.md). When one answers on 127.0.0.1:5432
# (or JINGZHUN_TEST_PG_PORT) with trust auth and a database `test`, it is used. Otherwise a
# throwaway server is started from Debian's `postgresql` package (installed with apt when
# missing): initdb into a temporary folder, pg_ctl on a free port (as `nobody` when run as root),
# trust auth, database `test`; it is stopped and removed on exit. JINGZHUN_TEST_PG_URL, when set,
# is used as it is.
#
#   bash scripts/test.sh [pytest args]                 # e.g. tests/web -n 0
#   JINGZHUN_TEST_PG_PORT=59999 bash scripts/test.sh   # a port where nothing listens: throwaway
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

PG_PORT="${JINGZHUN_TEST_PG_PORT:-5432}"
PG_TMP=""

pg_answers() {  # does a server with trust auth and database `test` answer on 127.0.0.1:$1?
  .venv/bin/python - "$1" <<'EOF' >/dev/null 2>&1
import sys, psycopg
psycopg.connect(host="127.0.0.1", port=int(sys.argv[1]), user="postgres", dbname="test", connect_timeout=3).close()
EOF
}

free_port() {
  .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_throwaway() {
  if [ -n "$PG_TMP" ] && [ -d "$PG_TMP" ]; then
    if [ -f "$PG_TMP/data/postmaster.pid" ]; then
      as_pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_TMP"
  fi
}

as_pg() {  # run a PostgreSQL binary as a non-root user (initdb/postgres refuse root)
  if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

start_throwaway() {
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "PostgreSQL is not installed and this is not root: apt-get install postgresql" >&2
      exit 1
    fi
    echo "installing Debian's postgresql package for a throwaway test server" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  if [ "$PG_PORT" = 5432 ]; then PG_PORT="$(free_port)"; fi
  PG_TMP="$(mktemp -d /tmp/jingzhun-pg.XXXXXX)"
  trap stop_throwaway EXIT INT TERM
  chmod 755 "$PG_TMP"
  [ "$(id -u)" = 0 ] && chown nobody "$PG_TMP"
  as_pg "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres -A trust -E UTF8 --no-sync >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log" >&2; exit 1; }
  as_pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 start \
    -o "-p $PG_PORT -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" >/dev/null \
    || { cat "$PG_TMP/server.log" >&2; exit 1; }
  as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres test
  echo "throwaway PostgreSQL on 127.0.0.1:$PG_PORT ($PG_TMP), stopped on exit" >&2
}

if [ -z "${JINGZHUN_TEST_PG_URL:-}" ]; then
  if ! pg_answers "$PG_PORT"; then
    start_throwaway
    pg_answers "$PG_PORT" || { echo "the throwaway PostgreSQL does not answer on $PG_PORT" >&2; exit 1; }
  fi
  export JINGZHUN_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/test"
fi

.venv/bin/python -m pytest -n 2 -q "$@"

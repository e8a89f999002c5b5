#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests (ARCHITECTURE.md), like libpqxx's
# tools/run-test-postgres.sh.
#
#   scripts/pg-test-server.sh start [ENV_FILE]
#       initdb in a new temporary folder, listen on 127.0.0.1 on a free port (and a socket in
#       that folder), trust authentication, database `migrate_test`. Prints (or writes to
#       ENV_FILE) shell lines to source:
#         export MIGRATE_TEST_POSTGRES_URL='postgresql://postgres@127.0.0.1:PORT/migrate_test'
#         export MIGRATE_TEST_POSTGRES_DIR='/tmp/migrate-pg.XXXXXX'
#       Exits non-zero (showing the server log) when the server does not start.
#   scripts/pg-test-server.sh stop DIR
#       Stops that cluster and removes DIR.
#
# Run as root, the cluster runs as the `postgres` user (created by Debian's postgresql
# package; set MIGRATE_PG_USER to use another). Binaries: /usr/lib/postgresql/15/bin (or
# PG_BINDIR). A system cluster the Debian package may have started is neither used nor touched.
# Not for: anything but tests (fsync is off, anyone on the machine may connect).
set -euo pipefail

bindir="${PG_BINDIR:-/usr/lib/postgresql/15/bin}"
# Our own commands must not be redirected by a developer's libpq environment.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE PGSSLMODE PGOPTIONS PGDATA

die() {
  echo "pg-test-server: $*" >&2
  exit 1
}

run_as=()
setup_user() {
  if [[ $(id -u) -eq 0 ]]; then
    local user="${MIGRATE_PG_USER:-postgres}"
    id -u "$user" >/dev/null 2>&1 || die "user '$user' does not exist (install postgresql-15, or set MIGRATE_PG_USER)"
    command -v runuser >/dev/null || die "runuser not found (util-linux)"
    run_as=(runuser -u "$user" --)
    pg_user="$user"
  fi
}

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  die "no free port found"
}

start() {
  local env_file="${1:-}"
  [[ -x "$bindir/initdb" && -x "$bindir/pg_ctl" ]] ||
    die "PostgreSQL 15 binaries not found in $bindir (run scripts/install-deps.sh --test)"
  pg_user=""
  setup_user
  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/migrate-pg.XXXXXX")"
  mkdir -p "$dir/socket"
  if [[ -n "$pg_user" ]]; then chown -R "$pg_user" "$dir"; fi

  local fail_log="$dir/initdb.log"
  fail() {
    echo "pg-test-server: $1" >&2
    [[ -f "$fail_log" ]] && tail -n 30 "$fail_log" >&2
    "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    exit 1
  }

  "${run_as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C \
    >"$dir/initdb.log" 2>&1 || fail "initdb failed"

  local port attempt
  fail_log="$dir/server.log"
  for attempt in 1 2 3 4 5; do
    port="$(free_port)"
    cat >>"$dir/data/postgresql.conf" <<EOF
# migrate test server (attempt $attempt)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/socket'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
EOF
    if "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null 2>&1; then
      break
    fi
    # Most likely the port was taken between choosing and binding it: try another.
    [[ $attempt -eq 5 ]] && fail "the server did not start"
  done

  "$bindir/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE migrate_test" >/dev/null 2>>"$dir/server.log" || fail "cannot create database migrate_test"

  local lines
  lines="export MIGRATE_TEST_POSTGRES_URL='postgresql://postgres@127.0.0.1:$port/migrate_test'
export MIGRATE_TEST_POSTGRES_DIR='$dir'"
  if [[ -n "$env_file" ]]; then
    printf '%s\n' "$lines" >"$env_file"
  else
    printf '%s\n' "$lines"
  fi
}

stop() {
  local dir="${1:-}"
  [[ -n "$dir" ]] || die "usage: $0 stop DIR"
  [[ -d "$dir" ]] || return 0
  # Refuse to delete anything that is not one of our clusters.
  [[ "$(basename "$dir")" == migrate-pg.* ]] || die "$dir is not a test cluster folder"
  setup_user
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
      echo "pg-test-server: pg_ctl stop failed for $dir" >&2
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *) die "usage: $0 start [ENV_FILE] | stop DIR" ;;
esac

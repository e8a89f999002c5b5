#!/usr/bin/env bash
# Installs what the tests need, builds everything into build-test/ and runs the whole suite
# (unit, backend conformance, end-to-end CLI) through ctest. Exits non-zero on any failure.
# Not for: benchmarks (scripts/bench.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-test"
"$root/scripts/install-deps.sh" --test
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIGRATE_BUILD_TESTS=ON \
  -DMIGRATE_WITH_POSTGRES=ON >/dev/null
cmake --build "$build" -j"$(nproc)"

# A throwaway PostgreSQL 15 server for the PostgreSQL tests, stopped on every way out. A
# server that does not start fails the run; so does a PostgreSQL test that finds no server
# (MIGRATE_REQUIRE_POSTGRES=1 turns their skip into a failure).
pg_env="$(mktemp)"
pg_dir=""
cleanup() {
  [[ -n "$pg_dir" ]] && "$root/scripts/pg-test-server.sh" stop "$pg_dir" || true
  rm -f "$pg_env"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$root/scripts/pg-test-server.sh" start "$pg_env"
# shellcheck source=/dev/null
source "$pg_env"
pg_dir="$MIGRATE_TEST_POSTGRES_DIR"
export MIGRATE_REQUIRE_POSTGRES=1

cd "$build"
ctest --output-on-failure -j"$(nproc)" "$@"

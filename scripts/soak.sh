#!/usr/bin/env bash
# Soak test of crash safety: runs the random-kill CLI test (tests/cli/random_kill_cli_test.cpp)
# with KILLS SIGKILLs (default 120) on a SQLite file and on a throwaway PostgreSQL server.
# Each kill lands at a random moment of `migrate upgrade head` inside a non-transactional
# revision mixing DDL, DML over 20,000 rows and statements that cannot run in a transaction;
# after each, `repair` must explain the state, resolving it must reach the schema and rows of
# a clean run, and no statement may run twice. Prints, per backend, how many kills left the
# revision partial and how many left a statement in doubt. The regular suite runs the same
# test with 20 kills.
# Seed: MIGRATE_KILL_SEED (default 20261206), so a failure can be replayed.
# Usage: scripts/soak.sh [KILLS] [BUILD_DIR]     (builds BUILD_DIR, default build-soak)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kills="${1:-120}"
build="${2:-$root/build-soak}"

"$root/scripts/install-deps.sh" --test
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIGRATE_BUILD_TESTS=ON \
  -DMIGRATE_WITH_POSTGRES=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target migrate migrate_cli_tests migrate_cli_postgres_tests
# shellcheck source=scripts/with-test-postgres.sh
source "$root/scripts/with-test-postgres.sh"

export MIGRATE_KILLS="$kills"
for binary in migrate_cli_tests migrate_cli_postgres_tests; do
  echo "== $binary: $kills random kills"
  "$build/tests/$binary" --gtest_filter='RandomKillCliTest.*' | grep -E "random kills:|PASSED|FAILED|Failure|Which is"
done

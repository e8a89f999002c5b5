#!/usr/bin/env bash
# Installs what the tests need, then, each step failing the run:
#   1. checks that no function in src/ is longer than 80 lines (scripts/function-lengths.py);
#   2. fuzzes the password redactor for a minute (scripts/fuzz.sh);
#   3. runs the unit and backend suites under AddressSanitizer and UndefinedBehaviorSanitizer
#      (scripts/sanitize.sh, build-sanitize/);
#   4. builds everything into build-test/, installs it into a temporary prefix and builds and
#      runs examples/embed against the installed package (scripts/embed-example.sh);
#   5. runs the whole suite (unit, backend conformance, end-to-end CLI on SQLite files and on
#      a throwaway PostgreSQL) through ctest, whose summary is the last thing printed.
# Arguments go to ctest. MIGRATE_TEST_QUICK=1 skips steps 2 and 3 (for a quick local run).
# Not for: benchmarks (scripts/bench.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-test"
"$root/scripts/install-deps.sh" --test

echo "== function lengths (limit 80 lines)"
python3 "$root/scripts/function-lengths.py" 80
if [[ "${MIGRATE_TEST_QUICK:-0}" != "1" ]]; then
  echo "== fuzzing the password redactor"
  "$root/scripts/fuzz.sh" 60
  echo "== unit and backend suites under AddressSanitizer and UndefinedBehaviorSanitizer"
  "$root/scripts/sanitize.sh"
fi

echo "== build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIGRATE_BUILD_TESTS=ON \
  -DMIGRATE_WITH_POSTGRES=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
echo "== examples/embed against the installed package"
"$root/scripts/embed-example.sh" "$build"

echo "== the whole suite"
# A throwaway PostgreSQL 15 server for the PostgreSQL tests, stopped on every way out.
# shellcheck source=scripts/with-test-postgres.sh
source "$root/scripts/with-test-postgres.sh"

cd "$build"
ctest --output-on-failure -j"$(nproc)" "$@"

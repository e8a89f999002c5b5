#!/usr/bin/env bash
# Builds the unit and backend suites with AddressSanitizer and UndefinedBehaviorSanitizer
# (CMake option MIGRATE_SANITIZE) into build-sanitize/ and runs them: the unit suite, and the
# backend suite on SQLite and on a throwaway PostgreSQL 15 server. Any sanitizer finding
# aborts its test binary; the script exits non-zero on any failure.
#
#   scripts/sanitize.sh [GTEST_ARGS...]     e.g. scripts/sanitize.sh --gtest_filter='Lexer*'
#
# MIGRATE_SANITIZE (default address,undefined) picks the sanitizers. Installs only what
# scripts/install-deps.sh --test installs. Not for: the end-to-end CLI suites (scripts/test.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-sanitize"
sanitizers="${MIGRATE_SANITIZE:-address,undefined}"
"$root/scripts/install-deps.sh" --test

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIGRATE_BUILD_TESTS=ON \
  -DMIGRATE_WITH_POSTGRES=ON -DMIGRATE_SANITIZE="$sanitizers" "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)" --target migrate_unit_tests migrate_backend_tests

# A throwaway PostgreSQL server, stopped on every way out.
# shellcheck source=scripts/with-test-postgres.sh
source "$root/scripts/with-test-postgres.sh"

# Stop at the first finding with a full report; leaks count as findings.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_init_order=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

status=0
for suite in migrate_unit_tests migrate_backend_tests; do
  echo "== $suite ($sanitizers)"
  if ! (cd "$build" && "$build/tests/$suite" --gtest_brief=1 "$@"); then
    echo "sanitize: $suite FAILED" >&2
    status=1
  fi
done
exit "$status"

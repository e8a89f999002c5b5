#!/usr/bin/env bash
# Installs what the tests need, builds everything into build-test/ and runs the whole suite
# (unit, backend conformance, end-to-end CLI) through ctest. Exits non-zero on any failure.
# Not for: benchmarks (scripts/bench.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-test"
"$root/scripts/install-deps.sh" --test
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIGRATE_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
cd "$build"
ctest --output-on-failure -j"$(nproc)" "$@"

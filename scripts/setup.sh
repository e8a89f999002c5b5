#!/usr/bin/env bash
# Installs what is missing and builds `migrate` into build/ (Release, tests off).
# Usage: scripts/setup.sh            then: ./build/migrate upgrade head
# Not for: running tests (scripts/test.sh does that).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
# PostgreSQL on explicitly: install-deps.sh installs libpqxx, and a build/ first configured
# without it would otherwise keep the cached OFF.
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release -DMIGRATE_BUILD_TESTS=OFF -DMIGRATE_WITH_POSTGRES=ON >/dev/null
cmake --build "$root/build" --target migrate -j"$(nproc)" >/dev/null
echo "built $root/build/migrate" >&2

#!/usr/bin/env bash
# Checks that a program can embed the runner from an installed `migrate`: installs the
# project into a temporary prefix, builds examples/embed against that prefix only (not the
# build tree), runs it on a fresh SQLite file and checks with sqlite3 that the version table
# reached the example's head. Exits non-zero on any failure.
#
#   scripts/embed-example.sh [BUILD_DIR]
#
# BUILD_DIR: an existing build of this repository to install from (e.g. build-test/); its
# `migrate` target is built first. Without it, a build without tests is made in build-embed/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build-embed}"
expected_head="e1a0c0000002"  # the newest revision of examples/embed/migrations
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIGRATE_BUILD_TESTS=OFF "${launcher[@]}" >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target migrate

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/migrate include/migrate/migrator.hpp include/migrate/error.hpp; do
  [[ -e "$prefix/$f" ]] || { echo "embed-example: $f was not installed" >&2; exit 1; }
done
config_dir="$(dirname "$(find "$prefix" -name migrateConfig.cmake -print -quit)")"
[[ -f "$config_dir/migrateConfigVersion.cmake" ]] || { echo "embed-example: no package config installed" >&2; exit 1; }

# Only the prefix: no package registry, so the build tree cannot stand in for it.
cmake -S "$root/examples/embed" -B "$tmp/example" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF "${launcher[@]}" >/dev/null
found="$(sed -n 's/^migrate_DIR:PATH=//p' "$tmp/example/CMakeCache.txt")"
[[ "$found" == "$prefix"/* ]] || { echo "embed-example: found migrate in '$found', not in $prefix" >&2; exit 1; }
cmake --build "$tmp/example" -j"$(nproc)"

db="$tmp/example.db"
"$tmp/example/embed_example" "$db"
heads="$(sqlite3 "$db" 'SELECT version_num FROM migrate_version')"
if [[ "$heads" != "$expected_head" ]]; then
  echo "embed-example: version table holds '$heads', expected $expected_head" >&2
  exit 1
fi
# A second run has nothing to do and leaves the table as it is.
"$tmp/example/embed_example" "$db" | grep -q "nothing to do"
[[ "$(sqlite3 "$db" 'SELECT version_num FROM migrate_version')" == "$expected_head" ]]
echo "embed-example: OK (installed package, example at $expected_head)"

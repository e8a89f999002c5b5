#!/usr/bin/env bash
# Fuzzes the password redactor (fuzz/redact_fuzzer.cpp) with libFuzzer for SECONDS
# (default 60): whatever libpq reads as the password must never show in redacted text.
# Installs clang, its libFuzzer runtime and libpq-dev when missing (install-deps.sh --fuzz), builds in
# build-fuzz/, and exits non-zero on a finding (the input that leaked is saved in
# build-fuzz/ as crash-*).
# The seed is fixed (MIGRATE_FUZZ_SEED, default 1) so that a CI run can be replayed; set it
# to explore other inputs.
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/build-fuzz"

"$root/scripts/install-deps.sh" --fuzz

mkdir -p "$out/corpus"
# The sources the redactor needs, and nothing that pulls in libpqxx or the rest of migrate.
# libpq is linked as usual here (no MIGRATE_LAZY_LIBPQ): libpq_loader.cpp then only says so.
sources=(fuzz/redact_fuzzer.cpp src/backend/redact.cpp src/backend/postgres/url.cpp src/util/strings.cpp
         src/core/error.cpp src/backend/postgres/libpq_loader.cpp)
(cd "$root" && clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -DMIGRATE_HAVE_POSTGRES -Isrc -Iinclude $(pkg-config --cflags libpq) "${sources[@]}" $(pkg-config --libs libpq) \
  -o "$out/redact_fuzzer")

# New inputs go to build-fuzz/corpus; the checked-in seeds stay as they are.
cd "$out"
./redact_fuzzer -seed="${MIGRATE_FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 corpus "$root/fuzz/corpus"

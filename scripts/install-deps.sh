#!/usr/bin/env bash
# Installs the Debian packages that building (and, with --test, testing or benchmarking)
# `migrate` needs. Quiet when everything is already present. Not for: building.
set -euo pipefail

packages=(g++ cmake make pkg-config libsqlite3-dev libsqlitecpp-dev libcli11-dev
          libtomlplusplus-dev libspdlog-dev libfmt-dev libpq-dev libpqxx-dev
          libpg-query-dev nlohmann-json3-dev)
case "${1:-}" in
  --test)
    # postgresql-15: the server binaries scripts/pg-test-server.sh runs (it never uses the
    # cluster the package may create and start). clang and libFuzzer: scripts/fuzz.sh.
    # python3-yaml: the CI-template test parses the templates. graphviz: docs/graph.svg.
    # git: lint --since.
    packages+=(libgtest-dev sqlite3 python3 python3-yaml postgresql-15 postgresql-client-15 clang graphviz git) ;;
  --fuzz) packages+=(clang) ;;
esac

install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  echo "Installing: ${missing[*]}" >&2
  local sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_missing "${packages[@]}"
# libFuzzer's runtime ships apart from the compiler (clang only recommends it), named after
# clang's major version.
if [[ "${1:-}" == "--test" || "${1:-}" == "--fuzz" ]]; then
  install_missing "libclang-rt-$(clang++ -dumpversion | cut -d. -f1)-dev"
fi

#!/usr/bin/env bash
# Renders the sample project's revision graph (migrate.toml, migrations/) as docs/graph.svg,
# the image the README shows under the `graph` command.
#
#   scripts/graph-image.sh [MIGRATE_BINARY]     default: build/migrate (scripts/setup.sh builds it)
#
# Needs Graphviz's `dot` (scripts/install-deps.sh --test installs graphviz). The graph is read
# through a configuration without a database, so no local app.db's current revisions end up
# marked in the committed image. Not for: a project's own graph (`migrate graph --format dot |
# dot -Tsvg` there).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="${1:-$root/build/migrate}"

die() {
  echo "graph-image: $*" >&2
  exit 1
}
[[ -x "$binary" ]] || die "$binary not found or not executable (build it with scripts/setup.sh, or pass its path)"
command -v dot >/dev/null || die "Graphviz's dot not found (scripts/install-deps.sh --test installs graphviz)"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/graph-image.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
# The sample's revisions, and no database (the environment's URLs would give it one).
printf 'script_location = "%s/migrations"\n' "$root" >"$scratch/migrate.toml"
env -u MIGRATE_DATABASE_URL -u DATABASE_URL "$binary" -c "$scratch/migrate.toml" graph --format dot >"$scratch/graph.dot"
dot -Tsvg "$scratch/graph.dot" >"$scratch/graph.svg"
mv "$scratch/graph.svg" "$root/docs/graph.svg"
echo "wrote $root/docs/graph.svg" >&2

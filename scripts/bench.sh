#!/usr/bin/env bash
# Benchmarks (not tests): prints figures, asserts nothing. Machines are shared and noisy, so
# every figure that can be is reported against a floor measured in the same run, with the
# migrate and floor runs alternated so that load from other processes hits both alike.
#   (a) `migrate heads` and `migrate history` over 10,000 generated revision files with
#       branches and merges (target < 0.2 s each);
#   (b) `migrate upgrade head` of 1,000 revisions on a fresh SQLite file against `sqlite3`
#       executing the same SQL with the same per-revision transactions and version-table
#       writes (the floor script is `migrate upgrade head --sql`) (target < 1.5x);
#   (c) peak memory (max RSS) of the migrate runs of the selected parts (target < 50 MB);
#   (d) `migrate upgrade head` of 1,000 revisions on PostgreSQL (a fresh database each run)
#       against `psql -X -q -v ON_ERROR_STOP=1 -f floor.sql` on another fresh database, where
#       floor.sql is `migrate upgrade head --sql` for the PostgreSQL URL (BEGIN;/COMMIT; around
#       each revision, version-table writes included) (target < 1.3x); then, untimed, the
#       queries (round trips) each sends, by kind, from the server's log (log_statement = all);
#   (e) the no-op `migrate upgrade head` on a database already at head (1,000 revisions), on
#       PostgreSQL (target < 50 ms) and on SQLite (for reference), each next to a one-query
#       client run (psql / sqlite3 reading the version table) as the cost of a process start
#       and a connection on this machine;
#   (f) schema introspection: `migrate -v --format json dump` (stdout to the null device) of a
#       generated schema (tables of 20 columns, some NOT NULL, some with defaults, 2 indexes and
#       a foreign key to the previous table each; built untimed by sqlite3 / psql from one
#       script) on SQLite with 1,000 tables (target < 50 ms) and on PostgreSQL with 1,000
#       (target < 150 ms) and 10,000 tables (target < 1 s), against `migrate current` on the same
#       database as the floor: the same binary, configuration, connection and session set-up,
#       and one catalog query, so that migrate - floor is the read, the rendering and the
#       output of the dump; psql or sqlite3 `SELECT 1` would leave migrate's own start-up in the
#       difference. Also the reader's own time (the `Read the schema ...` line of -v) and the
#       number of catalog queries, which must not grow with the tables (target: constant):
#       SQLite's from the -v line, PostgreSQL's also from the server's log (as in (d)), by
#       the catalog each query reads, with the server time of the slowest, for 10, 1,000
#       and 10,000 tables;
#   (g) `migrate drift` and `migrate drift --identify` on a database at head, against the replay
#       floor (`migrate upgrade head` of the same project on an empty database: what drift's
#       replay itself costs), on SQLite and PostgreSQL: the 1,000-revision project of (b)/(d)
#       (--identify: at most 2 runs, it reads the schema after every revision), and a project
#       of one revision building (f)'s 1,000-table schema;
#   (h) the CI commands: `migrate lint` (static: it never connects, the dialect comes from the
#       URL) over 1,000 revision files on SQLite and PostgreSQL, both (b)/(d)'s project and one
#       whose revisions alter the table before them (ADD COLUMN, CREATE INDEX, ADD CONSTRAINT),
#       against `migrate history` on the same project as the floor (the same binary, file
#       loading and parsing: lint - floor is the rules' and the statement parser's cost, also
#       per file); `migrate test` (the stairway, on the scratch database it makes) for 100
#       altering revisions on SQLite and PostgreSQL, and `migrate lint --rehearse` for the 100
#       on PostgreSQL, against the replay floor of (g) (`migrate upgrade head` of the same
#       project on an empty database).
# (d), (e), (f), (g) and (h) run on a throwaway PostgreSQL 15 server (scripts/pg-test-server.sh) that this
# script starts and always stops.
#
# Usage: scripts/bench.sh [--runs N] [--only a,b,c,d,e,f,g,h]
#   --runs N   timed runs of every figure (default 5); best and median are printed
#   --only     the parts to run (default all); (c) reports on the migrate runs of the others
# Builds build/ first (scripts/setup.sh). When build/ has no PostgreSQL backend and (d), (e),
# (f), (g) or (h) is selected, a Release build with it is made in build-bench/.
# Not for: tests (scripts/test.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=5
only="a,b,c,d,e,f,g,h"
usage() { sed -n '/^# Usage:/,/^# Not for:/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) [[ $# -ge 2 ]] || usage; runs="$2"; shift 2 ;;
    --runs=*) runs="${1#--runs=}"; shift ;;
    --only) [[ $# -ge 2 ]] || usage; only="$2"; shift 2 ;;
    --only=*) only="${1#--only=}"; shift ;;
    -h|--help) usage ;;
    *) echo "bench.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --runs wants a positive number, got '$runs'" >&2; exit 2; }
only="${only// /}"
[[ "$only" =~ ^[a-h](,[a-h])*$ ]] || { echo "bench.sh: --only wants letters a-h separated by commas, got '$only'" >&2; exit 2; }
wants() { [[ ",$only," == *",$1,"* ]]; }
wants_pg=0
if wants d || wants e || wants f || wants g || wants h; then wants_pg=1; fi

"$root/scripts/install-deps.sh" --test
"$root/scripts/setup.sh"
migrate="$root/build/migrate"
if [[ $wants_pg -eq 1 ]] && ! grep -q '^MIGRATE_WITH_POSTGRES:BOOL=ON$' "$root/build/CMakeCache.txt" 2>/dev/null; then
  # build/ was configured without the PostgreSQL backend (e.g. first configured before
  # libpqxx was installed: the cached option keeps its first value).
  cmake -S "$root" -B "$root/build-bench" -DCMAKE_BUILD_TYPE=Release -DMIGRATE_BUILD_TESTS=OFF \
    -DMIGRATE_WITH_POSTGRES=ON >/dev/null
  cmake --build "$root/build-bench" --target migrate -j"$(nproc)" >/dev/null
  echo "built $root/build-bench/migrate (build/ has no PostgreSQL backend)" >&2
  migrate="$root/build-bench/migrate"
fi

work="$(mktemp -d)"
pg_env="$work/pg.env"
pg_dir=""
cleanup() {
  if [[ -n "$pg_dir" ]]; then "$root/scripts/pg-test-server.sh" stop "$pg_dir" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
pg_url=""
if [[ $wants_pg -eq 1 ]]; then
  "$root/scripts/pg-test-server.sh" start "$pg_env"
  # shellcheck source=/dev/null
  source "$pg_env"
  pg_dir="$MIGRATE_TEST_POSTGRES_DIR"
  pg_url="$MIGRATE_TEST_POSTGRES_URL"
fi

# Neither the runs nor the floor may pick up a developer's libpq settings.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE PGSSLMODE PGOPTIONS
MIGRATE="$migrate" WORK="$work" RUNS="$runs" ONLY="$only" PG_URL="$pg_url" PG_LOG="${pg_dir:+$pg_dir/server.log}" \
  PG_BINDIR="${PG_BINDIR:-/usr/lib/postgresql/15/bin}" python3 "$root/scripts/bench/bench.py"

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
# The rows of the performance table (scripts/bench/rows.py), on a project of N revisions in a
# line, each creating a table and an index (its downgrade drops the table); floors are sqlite3 /
# psql running migrate's own offline script (`upgrade head --sql`, `downgrade --sql head:base`),
# ratios are medians of the paired runs, and every line prints its target:
#   (i) upgrade from empty and downgrade to base from head, 1,000 revisions, on tmpfs (SQLite file
#       in /dev/shm, PostgreSQL cluster with its data in /dev/shm) (targets <= 1.20x SQLite,
#       <= 1.10x PostgreSQL);
#   (j) the same on disk (SQLite file in /var/tmp, a second cluster with its data in /var/tmp),
#       where each commit waits for fsync (target <= 1.05x);
#   (k) no-op `upgrade head`, `current`, `status` and `check --offline` at head, 1,000 and 10,000
#       revisions, SQLite and PostgreSQL on tmpfs, next to sqlite3 / psql reading the version
#       table (targets < 12 ms SQLite, < 15 ms PostgreSQL at 1,000; < 40 ms at 10,000);
#   (l) `heads` and `history` over 10,000 and 100,000 revision files (the graph of (a)), next
#       to reading every file with `find -exec cat` (targets < 0.1 s and < 1 s);
#   (m) peak memory (max RSS) of every command at 10,000 revisions, SQLite and PostgreSQL, with
#       the floors' (target < 15 MiB).
# Fleets (docs/fleets.md), on the tmpfs cluster:
#   (n) `migrate upgrade head --targets tenants --concurrency 4` over 1,000 tenant schemas of one
#       database (schema-per-tenant, listed by a query on public.tenants), 10 revisions in a line
#       each creating a table and an index: on freshly emptied schemas against 4 psql processes
#       started at once, each running 250 tenants' share of migrate's own offline script (for each
#       tenant `SET search_path TO tXXXX;` and `upgrade head --sql` with the version table in that
#       schema) (target: speed >= 80% of the floor's, floor time / migrate time), and against 4
#       psql processes sending migrate's own queries (those it sent for one fresh tenant, traced
#       from the server's log, replayed per tenant); the no-op run with
#       every tenant at head (target >= 1,000 targets/s), next to one psql reading one tenant's
#       version table; peak memory (max RSS) of both.
# A summary, one line per row (operation, floor, migrate, ratio, target, met), closes the output.
# With DBMATE=/path/to/dbmate set, (i)-(m) also run dbmate on the same SQL (its layout: one
# folder of NNNNNN_name.sql files; downgrade to base is one `rollback` process per revision);
# the bench never downloads dbmate.
#
# The PostgreSQL parts run on throwaway PostgreSQL 15 servers (scripts/pg-test-server.sh) that
# this script starts and always stops: one with its data on tmpfs (/dev/shm) for every part but
# (j), and one with its data on disk (/var/tmp) for (j); both with PostgreSQL's durable defaults
# (fsync, synchronous_commit, full_page_writes on).
#
# Usage: [DBMATE=/path/to/dbmate] scripts/bench.sh [--runs N] [--only a,b,...,n]
#   --runs N   timed runs of every figure (default 5); best and median are printed
#   --only     the parts to run (default all); (c) reports on the migrate runs of the others
# Builds build/ first (scripts/setup.sh). When build/ has no PostgreSQL backend and a PostgreSQL
# part is selected, a Release build with it is made in build-bench/.
# The full run with --runs 3 took 27 minutes on the 2-core development machine while other builds
# ran (load average 5-8); (i)-(m) were 12 of them. (n) alone with --runs 2 took 2 minutes.
# Not for: tests (scripts/test.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=5
only="a,b,c,d,e,f,g,h,i,j,k,l,m,n"
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
[[ "$only" =~ ^[a-n](,[a-n])*$ ]] || { echo "bench.sh: --only wants letters a-n separated by commas, got '$only'" >&2; exit 2; }
wants() { [[ ",$only," == *",$1,"* ]]; }
wants_pg=0 wants_pg_disk=0
for part in d e f g h i k m n; do if wants "$part"; then wants_pg=1; fi; done
if wants j; then wants_pg_disk=1; fi
dbmate="${DBMATE:-}"
if [[ -n "$dbmate" ]]; then
  [[ -x "$dbmate" ]] || { echo "bench.sh: DBMATE=$dbmate is not an executable file (the bench never downloads dbmate)" >&2; exit 2; }
  dbmate="$(cd "$(dirname "$dbmate")" && pwd)/$(basename "$dbmate")"
  echo "dbmate: $dbmate ($("$dbmate" --version 2>&1 | head -n 1))" >&2
fi

"$root/scripts/install-deps.sh" --test
"$root/scripts/setup.sh"
migrate="$root/build/migrate"
if [[ $((wants_pg + wants_pg_disk)) -gt 0 ]] && ! grep -q '^MIGRATE_WITH_POSTGRES:BOOL=ON$' "$root/build/CMakeCache.txt" 2>/dev/null; then
  # build/ was configured without the PostgreSQL backend (e.g. first configured before
  # libpqxx was installed: the cached option keeps its first value).
  cmake -S "$root" -B "$root/build-bench" -DCMAKE_BUILD_TYPE=Release -DMIGRATE_BUILD_TESTS=OFF \
    -DMIGRATE_WITH_POSTGRES=ON >/dev/null
  cmake --build "$root/build-bench" --target migrate -j"$(nproc)" >/dev/null
  echo "built $root/build-bench/migrate (build/ has no PostgreSQL backend)" >&2
  migrate="$root/build-bench/migrate"
fi

work="$(mktemp -d)"
shm_work="$(mktemp -d /dev/shm/migrate-bench.XXXXXX)"     # tmpfs
disk_work="$(mktemp -d /var/tmp/migrate-bench.XXXXXX)"    # disk
pg_dir="" pg_disk_dir=""
cleanup() {
  if [[ -n "$pg_dir" ]]; then "$root/scripts/pg-test-server.sh" stop "$pg_dir" || true; fi
  if [[ -n "$pg_disk_dir" ]]; then "$root/scripts/pg-test-server.sh" stop "$pg_disk_dir" || true; fi
  rm -rf "$work" "$shm_work" "$disk_work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# start_pg ENV_FILE FOLDER: a throwaway cluster whose folder (data included) is made in FOLDER,
# with the durable defaults pg-test-server.sh turns off for the tests' speed.
start_pg() {
  TMPDIR="$2" "$root/scripts/pg-test-server.sh" start "$1"
  # shellcheck source=/dev/null
  source "$1"
  "${PG_BINDIR:-/usr/lib/postgresql/15/bin}/psql" -X -q -v ON_ERROR_STOP=1 -d "$MIGRATE_TEST_POSTGRES_URL" \
    -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
    -c "ALTER SYSTEM SET full_page_writes = on" -c "SELECT pg_reload_conf()" >/dev/null
}
pg_url="" pg_disk_url=""
if [[ $wants_pg -eq 1 ]]; then
  start_pg "$work/pg.env" /dev/shm
  pg_dir="$MIGRATE_TEST_POSTGRES_DIR"
  pg_url="$MIGRATE_TEST_POSTGRES_URL"
fi
if [[ $wants_pg_disk -eq 1 ]]; then
  start_pg "$work/pg-disk.env" /var/tmp
  pg_disk_dir="$MIGRATE_TEST_POSTGRES_DIR"
  pg_disk_url="$MIGRATE_TEST_POSTGRES_URL"
fi

# Neither the runs nor the floor may pick up a developer's libpq settings.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE PGSSLMODE PGOPTIONS
# The peak-memory figures come from a small helper (wait4 in Python would count Python's own memory).
cc -O2 -o "$work/maxrss" "$root/scripts/bench/maxrss.c"
echo "bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, kernel $(uname -r); tmpfs $shm_work, disk $disk_work" >&2
start_time=$SECONDS
MIGRATE="$migrate" WORK="$work" RUNS="$runs" ONLY="$only" PG_URL="$pg_url" PG_LOG="${pg_dir:+$pg_dir/server.log}" \
  SHM_WORK="$shm_work" DISK_WORK="$disk_work" MAXRSS="$work/maxrss" PG_DISK_URL="$pg_disk_url" DBMATE="$dbmate" \
  PG_BINDIR="${PG_BINDIR:-/usr/lib/postgresql/15/bin}" python3 "$root/scripts/bench/bench.py"
echo "bench: measured in $(( (SECONDS - start_time) / 60 )) min $(( (SECONDS - start_time) % 60 )) s" >&2

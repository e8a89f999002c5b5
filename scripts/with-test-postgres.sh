# Sourced (not run) by scripts/test.sh and scripts/sanitize.sh, with `root` set to the
# repository: starts a throwaway PostgreSQL 15 server (scripts/pg-test-server.sh), exports
# MIGRATE_TEST_POSTGRES_URL and MIGRATE_TEST_POSTGRES_DIR, and stops the server on every way
# out of the sourcing script (EXIT trap; INT/TERM exit 130). A server that does not start
# fails the run; MIGRATE_REQUIRE_POSTGRES=1 turns a PostgreSQL test's skip for want of a
# server into a failure. Not for: running on its own.
pg_env="$(mktemp)"
pg_dir=""
cleanup() {
  [[ -n "$pg_dir" ]] && "$root/scripts/pg-test-server.sh" stop "$pg_dir" || true
  rm -f "$pg_env"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$root/scripts/pg-test-server.sh" start "$pg_env"
# shellcheck source=/dev/null
source "$pg_env"
pg_dir="$MIGRATE_TEST_POSTGRES_DIR"
export MIGRATE_REQUIRE_POSTGRES=1

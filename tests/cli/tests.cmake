# End-to-end CLI tests that only mean something on SQLite files (paths relative to tests/);
# the shared ones are listed in tests/CMakeLists.txt (MIGRATE_CLI_SHARED_TESTS).
set(MIGRATE_CLI_SQLITE_ONLY_TESTS
  cli/sqlite_only_cli_test.cpp
  cli/init_ci_cli_test.cpp
  cli/lint_sqlite_cli_test.cpp
  cli/fleet_sqlite_cli_test.cpp
)

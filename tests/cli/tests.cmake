# End-to-end CLI tests (paths relative to tests/).
target_sources(migrate_cli_tests PRIVATE
  cli/migrate_cli_test.cpp
  cli/failure_cli_test.cpp
  cli/inspect_cli_test.cpp
  cli/sample_project_cli_test.cpp
)

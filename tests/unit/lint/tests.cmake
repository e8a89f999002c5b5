# Test sources of tests/unit/lint (paths relative to tests/).
target_sources(migrate_unit_tests PRIVATE
  unit/lint/facts_test.cpp
  unit/lint/lint_config_test.cpp
  unit/lint/lint_test.cpp
  unit/lint/sqlite_facts_test.cpp
)

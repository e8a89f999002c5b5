# Test sources of tests/unit/lint (paths relative to tests/).
target_sources(migrate_unit_tests PRIVATE
  unit/lint/evidence_test.cpp
  unit/lint/facts_test.cpp
  unit/lint/postgres_facts_test.cpp
  unit/lint/rules_postgres_test.cpp
  unit/lint/lint_config_test.cpp
  unit/lint/lint_test.cpp
  unit/lint/sqlite_facts_test.cpp
)

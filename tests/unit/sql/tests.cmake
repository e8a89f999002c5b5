# Test sources of tests/unit/sql (paths relative to tests/).
target_sources(migrate_unit_tests PRIVATE
  unit/sql/lexer_test.cpp
  unit/sql/statements_test.cpp
  unit/sql/statement_spans_test.cpp
  unit/sql/effects_test.cpp
  unit/sql/keywords_test.cpp
  unit/sql/normalize_test.cpp
  unit/sql/sqlite_ddl_test.cpp
)

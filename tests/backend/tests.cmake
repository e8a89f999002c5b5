# Backend conformance tests.
target_sources(migrate_backend_tests PRIVATE
  backend/backend_conformance_test.cpp
  backend/sqlite_backend_test.cpp
  backend/sql_dialect_test.cpp
)

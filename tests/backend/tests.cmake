# Backend conformance tests.
target_sources(migrate_backend_tests PRIVATE
  backend/backend_conformance_test.cpp
  backend/schema_conformance_test.cpp
  backend/schema_changes_test.cpp
  backend/sqlite_backend_test.cpp
  backend/sqlite_foreign_keys_test.cpp
  backend/sqlite_schema_reader_test.cpp
  backend/sqlite_incremental_read_test.cpp
  backend/backup_test.cpp
  backend/sql_dialect_test.cpp
  backend/redact_test.cpp
)

# PostgreSQL: the scanner/URL tests need no server; postgres_backend_test.cpp needs
# MIGRATE_TEST_POSTGRES_URL (scripts/test.sh starts a throwaway server).
if(MIGRATE_WITH_POSTGRES)
  target_sources(migrate_backend_tests PRIVATE
    backend/postgres_scanner_test.cpp
    backend/postgres_backend_test.cpp
    backend/postgres_schema_reader_test.cpp
    backend/postgres_round_trip_test.cpp
    backend/postgres_rehearsal_test.cpp
  )
  # The scanner test asks the server directly (libpq) how it reads tricky SQL.
  target_link_libraries(migrate_backend_tests PRIVATE Pqxx::Pqxx)
endif()

# Sources of src/backend (paths relative to src/).
target_sources(migrate_core PRIVATE
  backend/backend.cpp
  backend/backup_support.cpp
  backend/catalog_digest.cpp
  backend/redact.cpp
  backend/registry.cpp
  backend/sql_dialect.cpp
  backend/sqlite/foreign_keys.cpp
  backend/sqlite/schema_reader.cpp
  backend/sqlite/scratch.cpp
  backend/scratch.cpp
  backend/sqlite/sqlite_backend.cpp
)

# The PostgreSQL backend, the only code that includes libpqxx/libpq. MIGRATE_HAVE_POSTGRES is
# public so the tests can see whether it is compiled in.
if(MIGRATE_WITH_POSTGRES)
  target_sources(migrate_core PRIVATE
    backend/postgres/backup.cpp
    backend/postgres/catalog.cpp
    backend/postgres/libpq_loader.cpp
    backend/postgres/lock.cpp
    backend/postgres/lease_lock.cpp
    backend/postgres/rehearsal.cpp
    backend/postgres/schema_reader.cpp
    backend/postgres/scratch.cpp
    backend/postgres/session.cpp
    backend/postgres/url.cpp
  )
  target_link_libraries(migrate_core PRIVATE Pqxx::Pqxx)
  if(Pqxx_LAZY_LIBPQ)  # on the one file that needs it, so the switch recompiles nothing else
    set_source_files_properties(backend/postgres/libpq_loader.cpp PROPERTIES COMPILE_DEFINITIONS MIGRATE_LAZY_LIBPQ)
  endif()
  target_compile_definitions(migrate_core PUBLIC MIGRATE_HAVE_POSTGRES)
endif()

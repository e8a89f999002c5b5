# Sources of src/backend (paths relative to src/).
target_sources(migrate_core PRIVATE
  backend/registry.cpp
  backend/sql_dialect.cpp
  backend/sqlite/sqlite_backend.cpp
)

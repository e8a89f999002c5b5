# Sources of src/schema (paths relative to src/).
target_sources(migrate_core PRIVATE
  schema/model.cpp
  schema/diff.cpp
  schema/json.cpp
  schema/render.cpp
  schema/render_postgres.cpp
  schema/render_postgres_tables.cpp
  schema/render_sqlite.cpp
  schema/changes.cpp
  schema/changes_postgres.cpp
  schema/changes_postgres_tables.cpp
  schema/changes_sqlite.cpp
)

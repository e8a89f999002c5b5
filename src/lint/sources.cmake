# Sources of src/lint (paths relative to src/): the lint rules and the statement facts they
# read. Pure code apart from the postgres_*.cpp files, the only ones that include libpg_query
# (the PostgreSQL parser) and nlohmann/json (its parse tree, read through postgres_tree.hpp).
target_sources(migrate_core PRIVATE
  lint/context.cpp
  lint/evidence.cpp
  lint/facts.cpp
  lint/finding.cpp
  lint/postgres_alter_table.cpp
  lint/lint.cpp
  lint/postgres_facts.cpp
  lint/postgres_tree.cpp
  lint/rules_catalog.cpp
  lint/rules_common.cpp
  lint/rules_postgres.cpp
  lint/rules_sqlite.cpp
  lint/sqlite_facts.cpp
)
target_link_libraries(migrate_core PRIVATE PgQuery::PgQuery $<BUILD_INTERFACE:nlohmann_json::nlohmann_json>)  # header-only: nothing to install

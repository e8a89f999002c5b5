# Sources of src/lint (paths relative to src/): the lint rules and the statement facts they
# read. Pure code apart from postgres_facts.cpp, the only file that includes libpg_query (the
# PostgreSQL parser) and nlohmann/json (its parse tree).
target_sources(migrate_core PRIVATE
  lint/context.cpp
  lint/facts.cpp
  lint/finding.cpp
  lint/lint.cpp
  lint/postgres_facts.cpp
  lint/rules_catalog.cpp
  lint/rules_common.cpp
  lint/rules_postgres.cpp
  lint/rules_sqlite.cpp
  lint/sqlite_facts.cpp
)
target_link_libraries(migrate_core PRIVATE PgQuery::PgQuery nlohmann_json::nlohmann_json)

// Catalog look-ups: tables, columns and the objects `repair` checks.

#include "backend/postgres/postgres_backend.hpp"
#include "backend/postgres/session.hpp"

#include <spdlog/spdlog.h>

namespace migrate::backend::postgres {

bool PostgresBackend::table_exists(std::string_view schema, std::string_view table) {
  std::string where = schema.empty() ? "pg_catalog.pg_table_is_visible(c.oid)"
                                     : "n.nspname = " + m_session->literal(schema);
  auto rows = query(
      "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relname = " +
      m_session->literal(table) + " AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " + where);
  return !rows.empty();
}

std::vector<std::string> PostgresBackend::user_relations(std::string_view schema, std::size_t limit) {
  std::string in_schema = schema.empty() ? "" : " AND n.nspname = " + m_session->literal(schema);
  auto rows = query(
      "SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
      "c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', "
      "'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND NOT "
      "EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = "
      "c.oid AND d.deptype = 'e')" + in_schema + " ORDER BY 1 LIMIT " +
      std::to_string(limit));
  std::vector<std::string> names;
  for (auto& row : rows)
    if (!row.empty() && row[0]) names.push_back(*row[0]);
  return names;
}

std::vector<std::string> PostgresBackend::column_names(std::string_view schema, std::string_view table) {
  std::string where = schema.empty() ? "pg_catalog.pg_table_is_visible(c.oid)"
                                     : "n.nspname = " + m_session->literal(schema);
  auto rows = query(
      "SELECT a.attname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
      "WHERE c.relname = " +
      m_session->literal(table) + " AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " + where +
      " ORDER BY a.attnum");
  std::vector<std::string> names;
  for (auto& row : rows)
    if (!row.empty() && row[0]) names.push_back(*row[0]);
  return names;
}

bool PostgresBackend::object_exists(const CatalogObject& object) {
  using Kind = CatalogObject::Kind;
  if (object.kind != Kind::table && object.name.empty())
    throw Error(ErrorKind::internal, "object_exists: the column, index or constraint has no name");
  if ((object.kind == Kind::column || object.kind == Kind::constraint) && object.table.empty())
    throw Error(ErrorKind::internal, "object_exists: a column or constraint needs its table");
  auto& s = *m_session;
  // Where a relation `c` must live: the given schema, or the search_path's first match.
  std::string placed = object.schema.empty()
                           ? "pg_catalog.pg_table_is_visible(c.oid)"
                           : "c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = " +
                                 s.literal(object.schema) + ")";
  std::string table_rel = "SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relname = " + s.literal(object.table) +
                          " AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " + placed;
  std::string sql;
  switch (object.kind) {
    case Kind::table:
      sql = "SELECT 1 FROM pg_catalog.pg_class c WHERE c.relname = " + s.literal(object.table) +
            " AND c.relkind IN ('r', 'p', 'f') AND " + placed;
      break;
    case Kind::column:
      sql = "SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid IN (" + table_rel +
            ") AND a.attnum > 0 AND NOT a.attisdropped AND a.attname = " + s.literal(object.name);
      break;
    case Kind::index:
      // An index always lives in its table's schema, so placing the index places both.
      sql = "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_index x ON x.indexrelid = c.oid "
            "WHERE c.relname = " + s.literal(object.name) + " AND c.relkind IN ('i', 'I') AND " + placed;
      if (!object.table.empty())
        sql += " AND (SELECT t.relname FROM pg_catalog.pg_class t WHERE t.oid = x.indrelid) = " +
               s.literal(object.table);
      break;
    case Kind::constraint:
      sql = "SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid IN (" + table_rel +
            ") AND k.conname = " + s.literal(object.name);
      break;
  }
  return !query(sql).empty();
}

std::string PostgresBackend::home_schema(std::string_view table) {
  if (auto known = m_home_schemas.find(table); known != m_home_schemas.end()) return known->second;
  std::string home;
  if (m_connect_path.empty()) {
    home = "public";
    spdlog::warn("the search_path named no existing schema when migrate connected to {}, so {} is taken to be in "
                 "schema public; set version_table_schema in migrate.toml to choose its schema",
                 m_target.redacted, table);
  } else {
    std::string in;
    for (const auto& schema : m_connect_path) in += (in.empty() ? "" : ", ") + m_session->literal(schema);
    auto rows = query("SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
                      "c.relnamespace WHERE c.relname = " + m_session->literal(table) +
                      " AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname IN (" + in + ")");
    // The first schema of the path that holds it, as an unqualified name would find it.
    for (auto schema = m_connect_path.rbegin(); schema != m_connect_path.rend(); ++schema)
      for (const auto& row : rows)
        if (!row.empty() && row[0] && *row[0] == *schema) home = *schema;
    if (home.empty()) home = m_connect_path.front();
  }
  m_home_schemas.emplace(std::string(table), home);
  return home;
}

}  // namespace migrate::backend::postgres

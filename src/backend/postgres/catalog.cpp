// Catalog look-ups: tables, columns and the objects `repair` checks.

#include "backend/postgres/postgres_backend.hpp"
#include "backend/postgres/session.hpp"

#include <spdlog/spdlog.h>

namespace migrate::backend::postgres {

namespace {

/// Where a relation `c` must live: `schema` (its literal), or with none the search_path's
/// first match. The schema's oid comes from a subquery, so each look-up is an index probe
/// of pg_class by name and schema (no join for the planner to weigh: this runs for every
/// tenant of a fleet).
std::string placed_in(const std::string& schema_literal) {
  return schema_literal.empty()
             ? "pg_catalog.pg_table_is_visible(c.oid)"
             : "c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = " + schema_literal + ")";
}

/// The oid of the table, view or foreign table named `table_literal`, placed as placed_in says.
std::string relation_oid_sql(const std::string& table_literal, const std::string& schema_literal) {
  return "SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relname = " + table_literal +
         " AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " + placed_in(schema_literal);
}

/// `attribute` (say `a.attrelid`) is the relation relation_oid_sql finds: compared with a
/// scalar subquery, which costs the planner half what a semi-join (IN) does. A name is
/// placed in one schema, or visible in one, so the subquery has at most one row.
std::string is_relation(const char* attribute, const std::string& table_literal, const std::string& schema_literal) {
  return std::string(attribute) + " = (" + relation_oid_sql(table_literal, schema_literal) + ")";
}

}  // namespace

std::string PostgresBackend::literal_or_empty(std::string_view value) const {
  return value.empty() ? std::string() : m_session->literal(value);
}

bool PostgresBackend::table_exists(std::string_view schema, std::string_view table) {
  return !query(relation_oid_sql(m_session->literal(table), literal_or_empty(schema))).empty();
}

namespace {

/// The schemas that are the system's, not the user's.
constexpr const char* k_user_schema =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT "
    "LIKE 'pg\\_temp\\_%'";

/// The relations of one schema, found through pg_depend's index on the objects a schema
/// holds: pg_class has no index by schema, so a scan of it costs every tenant of a
/// schema-per-tenant database the relations of all the others. A schema initdb made (oid
/// below 16384: `public`) is scanned instead, and only then (a one-time filter, so the scan
/// never runs for a schema the user made): one made by initdb may record no dependencies.
std::string relations_of_schema_sql(const std::string& schema_literal) {
  return std::string("SELECT n.nspname || '.' || c.relname AS name, c.oid, c.relkind FROM pg_catalog.pg_namespace n "
                     "JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_namespace'::regclass AND "
                     "d.refobjid = n.oid AND d.classid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0 "
                     "JOIN pg_catalog.pg_class c ON c.oid = d.objid AND c.relnamespace = n.oid WHERE n.nspname = ") +
         schema_literal + " AND n.oid >= 16384 AND " + k_user_schema +
         " UNION ALL SELECT n.nspname || '.' || c.relname, c.oid, c.relkind FROM pg_catalog.pg_namespace n "
         "JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid WHERE n.nspname = " + schema_literal + " AND " +
         k_user_schema + " AND (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = " + schema_literal +
         ") < 16384";
}

/// Whether a schema may hold relations, in one index probe: one initdb made (see above) is
/// taken to; any other holds one only if pg_depend lists a pg_class member of it. Its plan
/// costs a tenth of the listing's, and a fleet asks this of every new tenant, which is empty.
std::string may_hold_relations_sql(const std::string& schema_literal) {
  return "SELECT n.oid < 16384 OR EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.refclassid = "
         "'pg_catalog.pg_namespace'::regclass AND d.refobjid = n.oid AND d.classid = 'pg_catalog.pg_class'::regclass "
         "AND d.objsubid = 0) FROM pg_catalog.pg_namespace n WHERE n.nspname = " +
         schema_literal;
}

/// Every relation outside the system schemas.
std::string all_relations_sql() {
  return std::string("SELECT n.nspname || '.' || c.relname AS name, c.oid, c.relkind FROM pg_catalog.pg_class c "
                     "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE ") +
         k_user_schema;
}

}  // namespace

std::vector<std::string> PostgresBackend::user_relations(std::string_view schema, std::size_t limit) {
  if (!schema.empty()) {
    if (!is_true(query(may_hold_relations_sql(m_session->literal(schema))))) return {};
  }
  // An extension's members are not the user's. Counted per relation (a subquery on the
  // depender index) rather than NOT EXISTS, which the planner turns into a scan of pg_depend.
  auto rows = query("SELECT r.name FROM (" +
                    (schema.empty() ? all_relations_sql() : relations_of_schema_sql(m_session->literal(schema))) +
                    ") r WHERE r.relkind IN ('r', 'p', 'v', 'm', 'f') AND (SELECT count(*) FROM pg_catalog.pg_depend e "
                    "WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = r.oid AND e.objsubid = 0 AND "
                    "e.deptype = 'e') = 0 ORDER BY 1 LIMIT " +
                    std::to_string(limit));
  std::vector<std::string> names;
  for (auto& row : rows)
    if (!row.empty() && row[0]) names.push_back(*row[0]);
  return names;
}

std::vector<std::string> PostgresBackend::column_names(std::string_view schema, std::string_view table) {
  auto rows = query("SELECT a.attname FROM pg_catalog.pg_attribute a WHERE " +
                    is_relation("a.attrelid", m_session->literal(table), literal_or_empty(schema)) +
                    " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum");
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
  std::string placed = placed_in(literal_or_empty(object.schema));
  std::string sql;
  switch (object.kind) {
    case Kind::table:
      sql = "SELECT 1 FROM pg_catalog.pg_class c WHERE c.relname = " + s.literal(object.table) +
            " AND c.relkind IN ('r', 'p', 'f') AND " + placed;
      break;
    case Kind::column:
      sql = "SELECT 1 FROM pg_catalog.pg_attribute a WHERE " +
            is_relation("a.attrelid", s.literal(object.table), literal_or_empty(object.schema)) +
            " AND a.attnum > 0 AND NOT a.attisdropped AND a.attname = " + s.literal(object.name);
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
      sql = "SELECT 1 FROM pg_catalog.pg_constraint k WHERE " +
            is_relation("k.conrelid", s.literal(object.table), literal_or_empty(object.schema)) +
            " AND k.conname = " + s.literal(object.name);
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

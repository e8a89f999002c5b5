#include "backend/sql_dialect.hpp"

#include <algorithm>
#include <iterator>

namespace migrate::backend::sql {
namespace {

// Words both dialects reserve (a subset of SQLAlchemy's RESERVED_WORDS for sqlite and
// postgresql). A table named after one of them still works: it is quoted.
constexpr std::string_view k_reserved[] = {
    "all",        "analyse",      "analyze",   "and",          "any",          "array",
    "as",         "asc",          "asymmetric", "between",     "both",         "case",
    "cast",       "check",        "collate",   "column",       "constraint",   "create",
    "cross",      "current_date", "current_role", "current_time", "current_timestamp",
    "current_user", "default",    "deferrable", "delete",      "desc",         "distinct",
    "do",         "else",         "end",       "except",       "false",        "fetch",
    "for",        "foreign",      "from",      "full",         "grant",        "group",
    "having",     "in",           "index",     "initially",    "inner",        "insert",
    "intersect",  "into",         "is",        "join",         "leading",      "left",
    "like",       "limit",        "natural",   "not",          "null",         "offset",
    "on",         "only",         "or",        "order",        "outer",        "primary",
    "references", "right",        "select",    "table",        "then",         "to",
    "union",      "unique",       "update",    "user"};

// PostgreSQL's other reserved words (SQLAlchemy's postgresql RESERVED_WORDS less the list
// above): a version table named `window` must be quoted there.
constexpr std::string_view k_reserved_postgresql[] = {
    "authorization", "binary",    "collation",  "concurrently", "current_catalog", "current_schema",
    "freeze",        "ilike",     "isnull",     "lateral",      "localtime",       "localtimestamp",
    "new",           "notnull",   "of",         "off",          "old",             "over",
    "overlaps",      "placing",   "returning",  "session_user", "similar",         "some",
    "symmetric",     "tablesample", "trailing", "true",         "using",           "variadic",
    "verbose",       "when",      "where",      "window",       "with"};

bool needs_quotes(std::string_view ident) {
  if (ident.empty()) return true;
  auto first = ident.front();
  if (!((first >= 'a' && first <= 'z') || first == '_')) return true;
  for (char c : ident) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
    if (!ok) return true;
  }
  return std::find(std::begin(k_reserved), std::end(k_reserved), ident) != std::end(k_reserved);
}

}  // namespace

std::string quote_ident(Dialect dialect, std::string_view ident) {
  bool reserved_here = dialect == Dialect::postgresql &&
                       std::find(std::begin(k_reserved_postgresql), std::end(k_reserved_postgresql), ident) !=
                           std::end(k_reserved_postgresql);
  if (!reserved_here && !needs_quotes(ident)) return std::string(ident);
  std::string out = "\"";
  for (char c : ident) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string quote_literal(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string qualified_name(Dialect dialect, std::string_view schema, std::string_view name) {
  if (schema.empty()) return quote_ident(dialect, name);
  return quote_ident(dialect, schema) + "." + quote_ident(dialect, name);
}

std::string create_version_table(Dialect dialect, std::string_view schema, std::string_view name) {
  // The constraint is named after the bare table name, schema or not (Alembic's
  // `version_table_impl`).
  std::string pk = quote_ident(dialect, std::string(name) + "_pkc");
  return "CREATE TABLE " + qualified_name(dialect, schema, name) +
         " (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT " + pk +
         " PRIMARY KEY (version_num)\n)";
}

std::string select_versions(Dialect dialect, std::string_view schema, std::string_view name) {
  return "SELECT version_num FROM " + qualified_name(dialect, schema, name);
}

std::string insert_version(Dialect dialect, std::string_view schema, std::string_view name,
                           std::string_view revision) {
  return "INSERT INTO " + qualified_name(dialect, schema, name) + " (version_num) VALUES (" +
         quote_literal(revision) + ")";
}

std::string update_version(Dialect dialect, std::string_view schema, std::string_view name,
                           std::string_view from, std::string_view to) {
  auto table = qualified_name(dialect, schema, name);
  return "UPDATE " + table + " SET version_num=" + quote_literal(to) + " WHERE " + table +
         ".version_num = " + quote_literal(from);
}

std::string delete_version(Dialect dialect, std::string_view schema, std::string_view name,
                           std::string_view revision) {
  auto table = qualified_name(dialect, schema, name);
  return "DELETE FROM " + table + " WHERE " + table + ".version_num = " + quote_literal(revision);
}

std::vector<JournalColumn> journal_columns(Dialect dialect) {
  // Times are ISO-8601 UTC text on both dialects so the runtime reads back what it wrote,
  // whatever the server's time zone.
  std::string integer = dialect == Dialect::sqlite ? "INTEGER" : "BIGINT";
  return {
      {"revision", "VARCHAR(32)", ""},
      {"direction", "VARCHAR(16)", "NOT NULL"},
      {"command", "VARCHAR(32)", ""},
      {"heads_before", "TEXT", "NOT NULL"},
      {"heads_after", "TEXT", "NOT NULL"},
      {"checksum", "VARCHAR(64)", ""},
      {"file_path", "TEXT", ""},
      {"message", "TEXT", ""},
      {"downgrade_sql", "TEXT", ""},
      {"status", "VARCHAR(16)", "NOT NULL"},
      {"statements_done", "INTEGER", "NOT NULL DEFAULT 0"},
      {"statements_total", "INTEGER", "NOT NULL DEFAULT 0"},
      {"error", "TEXT", ""},
      {"started_at", "VARCHAR(32)", "NOT NULL"},
      {"finished_at", "VARCHAR(32)", ""},
      {"duration_ms", integer, ""},
      {"db_user", "TEXT", ""},
      {"os_user", "TEXT", ""},
      {"host", "TEXT", ""},
      {"tool_version", "VARCHAR(32)", ""},
      {"reason", "TEXT", ""},
      // Added with repair and the stored copies; added to older journals by Journal::ensure, so
      // none of them may be NOT NULL.
      {"checksum_algorithm", "VARCHAR(32)", ""},
      {"file_content", "TEXT", ""},
      {"statement_hashes", "TEXT", ""},
      {"version_ops", "TEXT", ""},
      {"has_downgrade", "INTEGER", ""},
      // Added with failed-attempt rows and statement intents (journal.hpp says what they mean).
      {"transactional", "INTEGER", ""},
      {"statement_started", "INTEGER", ""},
      // Added with the schema model: the fingerprint of the schema as the row left it.
      {"schema_fingerprint", "VARCHAR(64)", ""},
      // Added with the catalog digest: what the fingerprint beside it was read from.
      {"catalog_digest", "VARCHAR(64)", ""},
  };
}

std::string create_journal_table(Dialect dialect, std::string_view schema, std::string_view name) {
  std::string id = dialect == Dialect::sqlite ? "id INTEGER PRIMARY KEY AUTOINCREMENT"
                                              : "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
  std::string out = "CREATE TABLE IF NOT EXISTS " + qualified_name(dialect, schema, name) + " (\n    " + id;
  for (const auto& c : journal_columns(dialect)) {
    out += ",\n    " + c.name + " " + c.type;
    if (!c.constraint.empty()) out += " " + c.constraint;
  }
  return out + "\n)";
}

std::string add_journal_column(Dialect dialect, std::string_view schema, std::string_view name,
                               const JournalColumn& column) {
  // IF NOT EXISTS on PostgreSQL: two runners of different version tables never share a
  // journal, but a user may have added the column by hand. SQLite has no such clause; its
  // caller holds the database-wide lock and probed the columns just before.
  return "ALTER TABLE " + qualified_name(dialect, schema, name) + " ADD COLUMN " +
         (dialect == Dialect::postgresql ? "IF NOT EXISTS " : "") + column.name + " " + column.type;
}

}  // namespace migrate::backend::sql

// SQLite: every table with all its constraints inline (SQLite cannot add a constraint to an
// existing table), in canonical order since it checks no parent table at CREATE time; then
// indexes, views in dependency order and triggers. Expressions are the SQLite reader's
// normalized texts, printed as they are.
#include "schema/render_internal.hpp"
#include "util/strings.hpp"

namespace migrate::schema::render_detail {
namespace {

constexpr const char* k_header =
    "-- SQLite schema written by migrate: canonical and dependency-ordered.\n"
    "-- Run on an empty database: sqlite3 <database> < <this file>\n";

std::string constraint_name(const Constraint& c) {
  return c.name.empty() ? "" : "CONSTRAINT " + sqlite_name(c.name) + " ";
}

/// The primary key written on its column: AUTOINCREMENT exists only there.
const Constraint* autoincrement_key(const Table& t) {
  for (const auto& c : t.constraints)
    if (c.kind == ConstraintKind::primary_key && c.columns.size() == 1)
      for (const auto& column : t.columns)
        if (util::iequals(column.name, c.columns[0]) && column.identity == "autoincrement") return &c;
  return nullptr;
}

}  // namespace

std::string sqlite_column(const Column& c, const Constraint* inline_key) {
  std::string out = sqlite_name(c.name);
  if (!c.type.empty()) out += " " + c.type;
  if (inline_key && util::iequals(inline_key->columns[0], c.name))
    out += " " + constraint_name(*inline_key) + "PRIMARY KEY AUTOINCREMENT";
  if (c.not_null) out += " NOT NULL";
  if (!c.collation.empty()) out += " COLLATE " + sqlite_name(c.collation);
  if (c.default_expression) out += " DEFAULT " + *c.default_expression;
  if (c.generated) out += " GENERATED ALWAYS AS (" + *c.generated + ")" + (c.generated_stored ? " STORED" : " VIRTUAL");
  return out;
}

std::string sqlite_references(const Constraint& c) {
  const auto& fk = *c.foreign_key;
  std::string out = "REFERENCES " + sqlite_name(fk.parent.name);
  if (!fk.parent_columns.empty()) out += " " + column_list(fk.parent_columns, Dialect::sqlite);
  if (fk.on_update != "no action") out += " ON UPDATE " + util::to_upper(fk.on_update);
  if (fk.on_delete != "no action") out += " ON DELETE " + util::to_upper(fk.on_delete);
  if (fk.match != "simple") out += " MATCH " + util::to_upper(fk.match);
  return out + deferrable_clause(c);
}

namespace {

std::string foreign_key(const Constraint& c) {
  return "FOREIGN KEY " + column_list(c.columns, Dialect::sqlite) + " " + sqlite_references(c);
}

std::string constraint(const Constraint& c) {
  std::string out = constraint_name(c);
  switch (c.kind) {
    case ConstraintKind::primary_key: return out + "PRIMARY KEY " + column_list(c.columns, Dialect::sqlite);
    case ConstraintKind::unique: return out + "UNIQUE " + column_list(c.columns, Dialect::sqlite);
    case ConstraintKind::check: return out + "CHECK (" + c.expression + ")";
    case ConstraintKind::foreign_key: return out + foreign_key(c);
    case ConstraintKind::exclusion: return out + c.expression;  // not a SQLite constraint
  }
  return out;
}

}  // namespace

std::string sqlite_table(const Table& t, const std::string& name) {
  const Constraint* inline_key = autoincrement_key(t);
  std::vector<std::string> elements;
  for (const auto& c : t.columns) elements.push_back(sqlite_column(c, inline_key));
  for (const auto& c : t.constraints)
    if (&c != inline_key) elements.push_back(constraint(c));
  std::string out = "CREATE TABLE " + sqlite_name(name.empty() ? t.name.name : name) + " (\n    " +
                    util::join(elements, ",\n    ") + "\n)";
  std::vector<std::string> options;
  if (t.strict) options.push_back("STRICT");
  if (t.without_rowid) options.push_back("WITHOUT ROWID");
  if (!options.empty()) out += " " + util::join(options, ", ");
  return out + ";\n";
}

std::string sqlite_index(const Index& i) {
  std::vector<std::string> keys;
  for (const auto& k : i.keys) {
    std::string key = k.column.empty() ? k.expression : sqlite_name(k.column);
    if (!k.collation.empty()) key += " COLLATE " + sqlite_name(k.collation);
    if (k.descending) key += " DESC";
    keys.push_back(key);
  }
  std::string out = std::string("CREATE ") + (i.unique ? "UNIQUE " : "") + "INDEX " + sqlite_name(i.name.name) +
                    " ON " + sqlite_name(i.table) + " (" + util::join(keys, ", ") + ")";
  if (!i.where.empty()) out += " WHERE " + i.where;
  return out + ";\n";
}

/// The column list is always printed: the model's columns may be names the view's column
/// list gave (`CREATE VIEW v(x) AS SELECT a ...`), which the SELECT alone does not.
std::string sqlite_view(const View& v) {
  std::string columns = v.columns.empty() ? "" : column_list(v.columns, Dialect::sqlite);
  return "CREATE VIEW " + sqlite_name(v.name.name) + columns + " AS " + without_terminator(v.definition) + ";\n";
}

std::string render_sqlite(const Schema& s) {
  Blocks out;
  for (const auto& t : s.tables) out.add(sqlite_table(t));
  for (const auto& i : s.indexes) out.add(sqlite_index(i));
  for (const auto* v : ordered_views(s.views, Dialect::sqlite)) out.add(sqlite_view(*v));
  for (const auto& t : s.triggers) out.add(without_terminator(t.definition) + ";\n");
  return out.join(k_header);
}

}  // namespace migrate::schema::render_detail

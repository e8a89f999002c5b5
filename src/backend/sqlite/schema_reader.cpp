// The SchemaReader role of the SQLite backend: the schema model of the main database.
//
// Six queries whatever the number of tables: `sqlite_schema` once, `pragma_table_list`
// once, and the per-table pragmas as table-valued functions joined across every table
// (columns of tables, columns of views, indexes with their keys, foreign keys). The pragmas
// give what SQLite resolved (types, NOT NULL, primary key order, generated or not, index
// keys with their collation and order, foreign key columns and actions); the CREATE
// statements (sql/sqlite_ddl) give what only the text keeps: constraint names, CHECK and
// generated expressions, column collations, defaults as written (the pragma drops a
// default's parentheses), MATCH, DEFERRABLE, AUTOINCREMENT, index expressions and WHERE,
// a view's SELECT. Names are compared without ASCII case, as SQLite compares them.

#include <algorithm>
#include <map>
#include <set>

#include "backend/row_values.hpp"
#include "backend/sql_dialect.hpp"
#include "backend/sqlite/sqlite_backend.hpp"
#include "sql/normalize.hpp"
#include "sql/sqlite_ddl.hpp"
#include "util/strings.hpp"

namespace migrate::backend::sqlite {
namespace {

namespace ddl = ::migrate::sql;  // the pure SQL readers (backend::sql is SQL rendering)

/// Names keyed without ASCII case.
template <typename T>
using ByName = std::map<std::string, T>;
std::string key(std::string_view name) { return util::to_lower(name); }

/// Every row of one catalog query, grouped by the table (or view) it belongs to.
using RowsByTable = ByName<std::vector<Row>>;

RowsByTable group_by_table(std::vector<Row> rows) {
  RowsByTable out;
  for (auto& row : rows) out[key(value_of(row, 0))].push_back(std::move(row));
  return out;
}

/// SQLite's own tables: the catalog, sqlite_sequence, the sqlite_stat* tables.
bool internal_name(std::string_view name) { return util::starts_with(util::to_lower(name), "sqlite_"); }

bool excluded(const SchemaScope& scope, std::string_view name) {
  return internal_name(name) || std::any_of(scope.excluded.begin(), scope.excluded.end(), [&](const schema::Name& n) {
           return (n.schema.empty() || util::iequals(n.schema, "main")) && util::iequals(n.name, name);
         });
}

/// One row of sqlite_schema.
struct Entry {
  std::string type, name, table, sql;
};

/// What the six queries returned, before it is put together.
struct CatalogRows {
  std::vector<Entry> entries;
  ByName<Row> table_list;  ///< name, type, strict, wr
  RowsByTable columns;     ///< table, name, type, notnull, pk, hidden
  RowsByTable view_columns;
  std::set<std::string> unresolved_views;  ///< lower case: views SQLite cannot resolve
  RowsByTable index_keys;  ///< table, index, unique, origin, cid, name, desc, coll, key (1: a key column)
  RowsByTable foreign_keys;  ///< table, id, table, from, to, on_update, on_delete
};

std::string lower_action(const std::string& action) {
  return action.empty() ? std::string("no action") : util::to_lower(action);
}

bool same_names(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) {
           return util::iequals(x, y);
         });
}

/// The constraint of `definition` of `kind` on `columns` that no earlier call took.
const ddl::SqliteConstraint* take_constraint(const ddl::SqliteTable& definition, ddl::SqliteConstraintKind kind,
                                             const std::vector<std::string>& columns, std::vector<bool>& taken,
                                             const std::string& parent = {}) {
  for (std::size_t i = 0; i < definition.constraints.size(); ++i) {
    const auto& c = definition.constraints[i];
    if (taken[i] || c.kind != kind || !same_names(c.columns, columns)) continue;
    if (c.foreign_key && !util::iequals(c.foreign_key->parent_table, parent)) continue;
    taken[i] = true;
    return &c;
  }
  return nullptr;
}

const ddl::SqliteColumn* column_definition(const ddl::SqliteTable& definition, std::string_view name) {
  for (const auto& c : definition.columns)
    if (util::iequals(c.name, name)) return &c;
  return nullptr;
}

/// Puts the catalog rows together into the model.
class Assembler {
 public:
  Assembler(const CatalogRows& rows, const SchemaScope& scope, schema::Schema& out)
      : m_rows(rows), m_scope(scope), m_out(out) {}

  void run() {
    for (const auto& e : m_rows.entries)
      if (e.type == "table") add_table(e);
    for (auto& t : m_out.tables) resolve_parents(t);
    for (const auto& e : m_rows.entries) {
      if (e.sql.empty() || excluded(m_scope, e.table)) continue;
      if (e.type == "index" && m_definitions.count(key(e.table))) add_index(e);
      if (e.type == "view") add_view(e);
      if (e.type == "trigger")
        m_out.triggers.push_back({{"", e.table}, e.name, ddl::normalize_sqlite_expression(e.sql, columns_read_by(e.sql))});
    }
  }

 private:
  void unsupported(std::string kind, std::string name, std::string why) {
    m_out.unsupported.push_back({std::move(kind), std::move(name), std::move(why)});
  }
  void add_table(const Entry& e);
  void add_unrepresented(const std::string& table, const ddl::SqliteTable& definition);
  void add_columns(schema::Table& table, const ddl::SqliteTable& definition);
  void add_primary_key(schema::Table& table, const ddl::SqliteTable& definition, std::vector<bool>& taken);
  void add_unique(schema::Table& table, const ddl::SqliteTable& definition, std::vector<bool>& taken);
  void add_foreign_keys(schema::Table& table, const ddl::SqliteTable& definition, std::vector<bool>& taken);
  void resolve_parents(schema::Table& table);
  void add_index(const Entry& e);
  void add_view(const Entry& e);
  ddl::SqliteNames columns_read_by(std::string_view sql) const;

  const CatalogRows& m_rows;
  const SchemaScope& m_scope;
  schema::Schema& m_out;
  ByName<ddl::SqliteTable> m_definitions;  ///< the parsed CREATE TABLE of each table read
};

void Assembler::add_table(const Entry& e) {
  const auto listed = m_rows.table_list.find(key(e.name));
  const std::string type = listed == m_rows.table_list.end() ? "" : value_of(listed->second, 1);
  if (excluded(m_scope, e.name) || type == "shadow") return;  // a shadow table belongs to its virtual table
  ddl::SqliteTable definition;
  try {
    definition = ddl::parse_sqlite_create_table(e.sql);
  } catch (const Error& error) {
    unsupported("table", e.name, error.what());
    return;
  }
  if (definition.virtual_table || type == "virtual") {
    unsupported("virtual table", e.name, "a virtual table (USING " + definition.module + "): not part of the schema model");
    return;
  }
  schema::Table table;
  table.name = {"", e.name};
  table.strict = listed != m_rows.table_list.end() && flag_of(listed->second, 2);
  table.without_rowid = listed != m_rows.table_list.end() ? flag_of(listed->second, 3) : definition.without_rowid;
  add_columns(table, definition);
  std::vector<bool> taken(definition.constraints.size(), false);
  add_primary_key(table, definition, taken);
  add_unique(table, definition, taken);
  add_foreign_keys(table, definition, taken);
  for (const auto& c : definition.constraints) {
    if (c.kind != ddl::SqliteConstraintKind::check) continue;
    schema::Constraint check;
    check.name = c.name;
    check.kind = schema::ConstraintKind::check;
    check.expression = c.expression;
    table.constraints.push_back(std::move(check));
  }
  add_unrepresented(e.name, definition);
  m_definitions[key(e.name)] = std::move(definition);
  m_out.tables.push_back(std::move(table));
}

/// What the table's CREATE statement says that the model cannot hold: listed, never dropped.
void Assembler::add_unrepresented(const std::string& table, const ddl::SqliteTable& definition) {
  for (const auto& clause : definition.conflict_clauses)
    unsupported("conflict clause", table,
                clause.constraint + " ON CONFLICT " + clause.resolution + ": not part of the schema model");
  for (const auto& c : definition.constraints) {
    if (c.key_options.empty()) continue;
    const char* kind = c.kind == ddl::SqliteConstraintKind::primary_key ? "PRIMARY KEY" : "UNIQUE";
    unsupported("key order or collation", table,
                std::string(kind) + " (" + util::join(c.key_options, ", ") + "): not part of the schema model");
  }
}

void Assembler::add_columns(schema::Table& table, const ddl::SqliteTable& definition) {
  const auto rows = m_rows.columns.find(key(table.name.name));
  if (rows == m_rows.columns.end()) return;
  for (const auto& row : rows->second) {
    schema::Column c;
    c.name = value_of(row, 1);
    c.type = ddl::normalize_sqlite_type(value_of(row, 2));
    c.not_null = flag_of(row, 3);
    const auto hidden = number_of(row, 5);
    if (const auto* written = column_definition(definition, c.name)) {
      c.collation = written->collation;
      c.default_expression = written->default_expression;
      if (hidden == 2 || hidden == 3) c.generated = written->generated;
    }
    c.generated_stored = hidden == 3;
    table.columns.push_back(std::move(c));
  }
}

/// The key columns in primary-key order (table_xinfo's `pk`), named as the CREATE
/// statement names it.
void Assembler::add_primary_key(schema::Table& table, const ddl::SqliteTable& definition, std::vector<bool>& taken) {
  const auto rows = m_rows.columns.find(key(table.name.name));
  if (rows == m_rows.columns.end()) return;
  std::vector<std::pair<long long, std::string>> keyed;
  for (const auto& row : rows->second)
    if (number_of(row, 4) > 0) keyed.emplace_back(number_of(row, 4), value_of(row, 1));
  if (keyed.empty()) return;
  std::sort(keyed.begin(), keyed.end());
  schema::Constraint pk;
  pk.kind = schema::ConstraintKind::primary_key;
  for (const auto& k : keyed) pk.columns.push_back(k.second);
  if (const auto* written = take_constraint(definition, ddl::SqliteConstraintKind::primary_key, pk.columns, taken)) {
    pk.name = written->name;
    if (written->autoincrement && pk.columns.size() == 1) {
      for (auto& c : table.columns)
        if (util::iequals(c.name, pk.columns[0])) c.identity = "autoincrement";
    }
  }
  table.constraints.push_back(std::move(pk));
}

/// UNIQUE constraints are the indexes SQLite made for them (origin "u").
void Assembler::add_unique(schema::Table& table, const ddl::SqliteTable& definition, std::vector<bool>& taken) {
  const auto rows = m_rows.index_keys.find(key(table.name.name));
  if (rows == m_rows.index_keys.end()) return;
  std::vector<std::pair<std::string, std::vector<std::string>>> indexes;  // in the order listed
  for (const auto& row : rows->second) {
    if (value_of(row, 3) != "u" || !flag_of(row, 8)) continue;
    if (indexes.empty() || indexes.back().first != value_of(row, 1)) indexes.push_back({value_of(row, 1), {}});
    indexes.back().second.push_back(value_of(row, 5));
  }
  for (auto& [name, columns] : indexes) {
    schema::Constraint unique;
    unique.kind = schema::ConstraintKind::unique;
    unique.columns = std::move(columns);
    if (const auto* written = take_constraint(definition, ddl::SqliteConstraintKind::unique, unique.columns, taken))
      unique.name = written->name;
    table.constraints.push_back(std::move(unique));
  }
}

void Assembler::add_foreign_keys(schema::Table& table, const ddl::SqliteTable& definition, std::vector<bool>& taken) {
  const auto rows = m_rows.foreign_keys.find(key(table.name.name));
  if (rows == m_rows.foreign_keys.end()) return;
  std::map<long long, std::vector<const Row*>> by_id;
  for (const auto& row : rows->second) by_id[number_of(row, 1)].push_back(&row);
  // SQLite numbers foreign keys from the last declared: walk them in declaration order.
  for (auto it = by_id.rbegin(); it != by_id.rend(); ++it) {
    const Row& first = *it->second.front();
    schema::Constraint fk;
    fk.kind = schema::ConstraintKind::foreign_key;
    schema::ForeignKey parent;
    parent.parent = {"", value_of(first, 2)};
    bool implied = true;
    for (const Row* row : it->second) {
      fk.columns.push_back(value_of(*row, 3));
      parent.parent_columns.push_back(value_of(*row, 4));
      implied = implied && !optional_of(*row, 4);
    }
    if (implied) parent.parent_columns.clear();
    parent.on_update = lower_action(value_of(first, 5));
    parent.on_delete = lower_action(value_of(first, 6));
    const auto* written =
        take_constraint(definition, ddl::SqliteConstraintKind::foreign_key, fk.columns, taken, parent.parent.name);
    if (written) {
      fk.name = written->name;
      parent.match = written->foreign_key->match;
      fk.deferrable = written->foreign_key->deferrable;
      fk.initially_deferred = written->foreign_key->initially_deferred;
    }
    fk.foreign_key = std::move(parent);
    table.constraints.push_back(std::move(fk));
  }
}

/// A parent table and its columns as that table declares them, however the REFERENCES
/// clause spelt them (SQLite matches them without case).
void Assembler::resolve_parents(schema::Table& table) {
  for (auto& c : table.constraints) {
    if (!c.foreign_key) continue;
    auto& fk = *c.foreign_key;
    const auto parent = std::find_if(m_out.tables.begin(), m_out.tables.end(),
                                     [&](const schema::Table& t) { return util::iequals(t.name.name, fk.parent.name); });
    if (parent == m_out.tables.end()) continue;
    fk.parent.name = parent->name.name;
    for (auto& column : fk.parent_columns) {
      for (const auto& declared : parent->columns)
        if (util::iequals(declared.name, column)) column = declared.name;
    }
  }
}

/// A CREATE INDEX index: keys from pragma_index_xinfo, expressions and WHERE from its text.
void Assembler::add_index(const Entry& e) {
  ddl::SqliteIndex definition;
  try {
    ddl::SqliteNames columns;
    for (const auto& c : m_definitions.at(key(e.table)).columns) columns.add(c.name);
    definition = ddl::parse_sqlite_create_index(e.sql, columns);
  } catch (const Error& error) {
    unsupported("index", e.name, error.what());
    return;
  }
  const auto& table_definition = m_definitions.at(key(e.table));
  schema::Index index;
  index.name = {"", e.name};
  index.table = e.table;
  index.unique = definition.unique;
  index.where = definition.where;
  const auto rows = m_rows.index_keys.find(key(e.table));
  for (const auto& row : rows == m_rows.index_keys.end() ? std::vector<Row>{} : rows->second) {
    if (value_of(row, 1) != e.name || !flag_of(row, 8)) continue;
    schema::IndexKey k;
    const std::size_t position = index.keys.size();
    const auto collation = util::to_upper(value_of(row, 7));
    std::string own = "BINARY";
    if (number_of(row, 4) == -2) {
      k.expression = position < definition.keys.size() ? definition.keys[position].expression : std::string();
    } else {
      k.column = value_of(row, 5);
      const auto* column = column_definition(table_definition, k.column);
      if (column && !column->collation.empty()) own = column->collation;
    }
    k.collation = collation == own ? "" : collation;
    k.descending = flag_of(row, 6);
    index.keys.push_back(std::move(k));
  }
  m_out.indexes.push_back(std::move(index));
}

void Assembler::add_view(const Entry& e) {
  if (m_rows.unresolved_views.count(key(e.name))) {
    unsupported("view", e.name, "it reads an object that does not exist: SQLite cannot report its columns");
    return;
  }
  schema::View view;
  view.name = {"", e.name};
  try {
    view.definition = ddl::parse_sqlite_view_select(e.sql, columns_read_by(e.sql));
  } catch (const Error& error) {
    unsupported("view", e.name, error.what());
    return;
  }
  const auto rows = m_rows.view_columns.find(key(e.name));
  if (rows != m_rows.view_columns.end())
    for (const auto& row : rows->second) view.columns.push_back(value_of(row, 1));
  m_out.views.push_back(std::move(view));
}

/// The columns of the tables and views `sql` (a view's or a trigger's) reads: the names in
/// scope of its expressions, as far as the normalizer needs to know.
ddl::SqliteNames Assembler::columns_read_by(std::string_view sql) const {
  ddl::SqliteNames out;
  for (const auto& relation : ddl::sqlite_relations_read(sql)) {
    for (const auto* rows : {&m_rows.columns, &m_rows.view_columns}) {
      const auto found = rows->find(key(relation));
      if (found == rows->end()) continue;
      for (const auto& row : found->second) out.add(value_of(row, 1));
    }
  }
  return out;
}

/// The views of `views` that read one of `missing` (lower-cased names of tables or views),
/// directly or through another such view, added to `missing`: whether any was.
bool add_views_reading(const std::vector<std::pair<std::string, std::string>>& views, std::set<std::string>& missing) {
  bool added = false;
  for (bool again = true; again;) {
    again = false;
    for (const auto& [name, sql] : views) {
      if (missing.count(key(name))) continue;
      for (const auto& relation : ddl::sqlite_relations_read(sql)) {
        if (!missing.count(key(relation))) continue;
        again = added = missing.insert(key(name)).second;
        break;
      }
    }
  }
  return added;
}

/// The table named by SQLite's "no such table: main.t" (lower case), or "".
std::string missing_table(const DatabaseError& error) {
  const std::string message = error.details().server_message;
  const std::string marker = "no such table: ";
  const auto at = message.find(marker);
  if (at == std::string::npos) return {};
  std::string name = message.substr(at + marker.size());
  if (util::starts_with(name, "main.")) name.erase(0, 5);
  return key(name);
}

}  // namespace

/// The output columns of every view in one query. A view SQLite cannot resolve (it reads a
/// table dropped since) fails the whole query, naming the missing table: the views that read
/// it are left out and the query runs again. So the query count grows with the number of
/// missing tables only, never with the number of views; an error naming no missing table that
/// explains it is the reader's error.
std::map<std::string, std::vector<Row>> SqliteBackend::read_view_columns(
    const std::vector<std::pair<std::string, std::string>>& views, std::set<std::string>& unresolved) {
  std::set<std::string> missing;  // tables, then the views that read them
  for (;;) {
    std::string select = "SELECT l.name, c.name FROM pragma_table_list l, pragma_table_xinfo(l.name, 'main') c "
                         "WHERE l.schema = 'main' AND l.type = 'view' AND c.hidden = 0";
    for (const auto& name : unresolved) select += " AND lower(l.name) <> " + sql::quote_literal(name);
    try {
      return group_by_table(catalog_query(select));
    } catch (const DatabaseError& error) {
      const auto table = missing_table(error);
      if (table.empty() || !missing.insert(table).second || !add_views_reading(views, missing)) throw;
      for (const auto& [name, sql] : views)
        if (missing.count(key(name))) unresolved.insert(key(name));
    }
  }
}

std::vector<Row> SqliteBackend::catalog_query(std::string_view sql) {
  ++m_read_queries;
  return query(sql);
}

schema::Schema SqliteBackend::read_schema(const SchemaScope& scope) {
  m_read_queries = 0;
  CatalogRows rows;
  for (const auto& row : catalog_query("SELECT type, name, tbl_name, sql FROM main.sqlite_schema"))
    rows.entries.push_back({value_of(row, 0), value_of(row, 1), value_of(row, 2), value_of(row, 3)});
  for (auto& row : catalog_query("SELECT name, type, strict, wr FROM pragma_table_list WHERE schema = 'main'"))
    rows.table_list[key(value_of(row, 0))] = std::move(row);
  // The tables the joined pragmas visit: ordinary tables of the main database (a virtual
  // table's module may be missing; SQLite's own tables are left out).
  const std::string tables =
      " FROM pragma_table_list l, %s WHERE l.schema = 'main' AND l.type = 'table' AND l.name NOT LIKE "
      "'sqlite\\_%' ESCAPE '\\'";
  auto joined = [&](const std::string& select, const std::string& from) {
    return catalog_query(select + util::replace_all(tables, "%s", from));
  };
  rows.columns = group_by_table(joined("SELECT l.name, c.name, c.type, c.\"notnull\", c.pk, c.hidden",
                                       "pragma_table_xinfo(l.name, 'main') c"));
  std::vector<std::pair<std::string, std::string>> views;
  for (const auto& e : rows.entries)
    if (e.type == "view") views.emplace_back(e.name, e.sql);
  rows.view_columns = read_view_columns(views, rows.unresolved_views);
  rows.index_keys = group_by_table(
      joined("SELECT l.name, i.name, i.\"unique\", i.origin, x.cid, x.name, x.\"desc\", x.coll, x.key",
             "pragma_index_list(l.name, 'main') i, pragma_index_xinfo(i.name, 'main') x"));
  rows.foreign_keys = group_by_table(joined(
      "SELECT l.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete",
      "pragma_foreign_key_list(l.name, 'main') f"));
  schema::Schema out;
  out.dialect = Dialect::sqlite;
  Assembler(rows, scope, out).run();
  return schema::canonical_copy(std::move(out));
}

}  // namespace migrate::backend::sqlite

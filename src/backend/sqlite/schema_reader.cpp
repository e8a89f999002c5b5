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
#include <iterator>
#include <map>
#include <optional>
#include <set>

#include <sqlite3.h>

#include "backend/catalog_digest.hpp"
#include "backend/row_values.hpp"
#include "backend/sql_dialect.hpp"
#include "backend/sqlite/sqlite_backend.hpp"
#include "sql/normalize.hpp"
#include "sql/sqlite_ddl.hpp"
#include "util/strings.hpp"

namespace migrate::backend::sqlite {

/// A read in part (read_schema_since): the tables to re-read, lower case, and the last read's
/// other tables, kept as they were.
struct ReadPart {
  std::set<std::string> tables;
  std::vector<schema::Table> kept;
};

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

const schema::Table* named(const std::vector<schema::Table>& tables, std::string_view name) {
  const auto found = std::find_if(tables.begin(), tables.end(),
                                  [&](const schema::Table& t) { return util::iequals(t.name.name, name); });
  return found == tables.end() ? nullptr : &*found;
}

const ddl::SqliteColumn* column_definition(const ddl::SqliteTable& definition, std::string_view name) {
  for (const auto& c : definition.columns)
    if (util::iequals(c.name, name)) return &c;
  return nullptr;
}

/// Puts the catalog rows together into the model: every table, or with `part` only the
/// tables it names (their indexes with them), views and triggers always.
class Assembler {
 public:
  Assembler(const CatalogRows& rows, const SchemaScope& scope, schema::Schema& out, const ReadPart* part)
      : m_rows(rows), m_scope(scope), m_out(out), m_part(part) {}

  void run() {
    for (const auto& e : m_rows.entries)
      if (e.type == "table" && (!m_part || m_part->tables.count(key(e.name)))) add_table(e);
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
  const ReadPart* m_part;
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
/// clause spelt them (SQLite matches them without case). Read in part, the parent may be a
/// table kept from the last read.
void Assembler::resolve_parents(schema::Table& table) {
  for (auto& c : table.constraints) {
    if (!c.foreign_key) continue;
    auto& fk = *c.foreign_key;
    const schema::Table* parent = named(m_out.tables, fk.parent.name);
    if (!parent && m_part) parent = named(m_part->kept, fk.parent.name);
    if (!parent) continue;
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
    const std::vector<std::pair<std::string, std::string>>& views, std::set<std::string>& unresolved,
    const std::string& relations) {
  std::set<std::string> missing;  // tables, then the views that read them
  for (;;) {
    std::string select = "SELECT l.name, c.name FROM " + relations +
                         ", pragma_table_xinfo(l.name, 'main') c WHERE l.schema = 'main' AND l.type = 'view' AND "
                         "c.hidden = 0";
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

namespace {

/// sqlite_schema, whole: what a read starts from and what read_schema_since compares.
constexpr const char* k_entries = "SELECT type, name, tbl_name, sql FROM main.sqlite_schema";

/// The condition on `l` (pragma_table_list's columns) that keeps the ordinary tables of the
/// main database: a virtual table's module may be missing; SQLite's own tables are left out.
constexpr const char* k_ordinary_tables =
    " WHERE l.schema = 'main' AND l.type = 'table' AND l.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

/// The relations a catalog query visits, as `l` (pragma_table_list's columns): every one, or
/// with `names` (lower case) only those. A lookup by name costs SQLite as much as listing
/// every table, so a few names are looked up one by one, and more (past about 30, measured
/// at 10,000 tables) by listing every table once and keeping the named ones.
std::string relations_from(const std::set<std::string>* names) {
  if (!names) return "pragma_table_list l";
  std::string values;
  for (const auto& name : *names) values += (values.empty() ? "(" : ", (") + sql::quote_literal(name) + ")";
  constexpr std::size_t k_most_looked_up = 32;
  if (names->size() > k_most_looked_up)
    return "(SELECT * FROM pragma_table_list WHERE lower(name) IN (VALUES " + values + ")) l";
  return "(VALUES " + values + ") n, pragma_table_list(n.column1) l";
}

/// The tables to re-read with `part`, and the tables and views that views and triggers read,
/// whose columns their normalization needs (lower case).
std::set<std::string> columns_needed(const std::vector<Entry>& entries, const ReadPart& part) {
  std::set<std::string> out = part.tables;
  for (const auto& e : entries) {
    if (e.type != "view" && e.type != "trigger") continue;
    for (const auto& relation : ddl::sqlite_relations_read(e.sql)) out.insert(key(relation));
  }
  return out;
}

/// The rows of `catalog` in a fixed order, for comparing two catalogs row by row.
std::vector<const Row*> sorted_rows(const std::vector<Row>& catalog) {
  std::vector<const Row*> out;
  for (const auto& row : catalog) out.push_back(&row);
  std::sort(out.begin(), out.end(), [](const Row* a, const Row* b) { return *a < *b; });
  return out;
}

/// The tables (lower case) whose own row or index rows differ between two catalogs (a row
/// added, removed or changed), or nullopt when a differing row is of a kind a read in part
/// does not follow. Views and triggers are read whole each time: their rows do not count.
std::optional<std::set<std::string>> changed_tables(const std::vector<Row>& before, const std::vector<Row>& now) {
  const auto a = sorted_rows(before);
  const auto b = sorted_rows(now);
  std::vector<const Row*> differing;
  auto less = [](const Row* x, const Row* y) { return *x < *y; };
  std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(differing), less);
  std::set<std::string> out;
  for (const Row* row : differing) {
    const auto type = value_of(*row, 0);
    if (type == "view" || type == "trigger") continue;
    if (type != "table" && type != "index") return std::nullopt;
    out.insert(key(value_of(*row, 2)));
  }
  return out;
}

/// What changed since `last` (a snapshot made by this reader, its tables taken): the tables
/// whose rows in sqlite_schema changed, and the tables whose foreign keys name one of them
/// (their parent's columns are resolved from it). Nullopt when only a full read is safe: no
/// snapshot, or one whose schema lists objects the model cannot represent (their entries are
/// not kept per table), or a changed row of another kind.
std::optional<ReadPart> changed_since(SchemaSnapshot& last, const std::vector<Row>& catalog) {
  if (last.catalog.empty() || !last.schema.unsupported.empty()) return std::nullopt;
  auto changed = changed_tables(last.catalog, catalog);
  if (!changed) return std::nullopt;
  ReadPart part;
  part.tables = std::move(*changed);
  for (const auto& table : last.schema.tables) {
    for (const auto& c : table.constraints)
      if (c.foreign_key && part.tables.count(key(c.foreign_key->parent.name))) part.tables.insert(key(table.name.name));
  }
  for (auto& table : last.schema.tables)
    if (!part.tables.count(key(table.name.name))) part.kept.push_back(std::move(table));
  return part;
}

/// `a` and `b`, each in canonical order (schema::canonicalize: by name, without case on
/// SQLite), as one list in that order: what sorting them together would give, without the
/// cost of sorting a schema's every table after each revision.
template <typename T>
void merge_in_order(std::vector<T>& a, std::vector<T> b) {
  auto order = [](const T& x) {
    return std::make_pair(schema::name_key(x.name.schema, Dialect::sqlite), schema::name_key(x.name.name, Dialect::sqlite));
  };
  std::vector<T> out;
  out.reserve(a.size() + b.size());
  std::merge(std::make_move_iterator(a.begin()), std::make_move_iterator(a.end()), std::make_move_iterator(b.begin()),
             std::make_move_iterator(b.end()), std::back_inserter(out),
             [&](const T& x, const T& y) { return order(x) < order(y); });
  a = std::move(out);
}

/// The last read's schema (canonical) with the tables of `part` and their indexes replaced by
/// `read` (canonical), and the views, triggers and unsupported objects of `read` (read whole):
/// canonical as it is.
schema::Schema merged(schema::Schema& last, ReadPart& part, schema::Schema read) {
  merge_in_order(read.tables, std::move(part.kept));
  std::vector<schema::Index> kept_indexes;
  for (auto& index : last.indexes)
    if (!part.tables.count(key(index.table))) kept_indexes.push_back(std::move(index));
  merge_in_order(read.indexes, std::move(kept_indexes));
  return read;
}

}  // namespace

schema::Schema SqliteBackend::read_schema(const SchemaScope& scope) {
  m_read_queries = 0;
  return read_catalog(scope, catalog_query(k_entries), nullptr);
}


/// sqlite_schema's rows in a fixed order and the scope, and what decides how the reader
/// models them: the SQLite build (its source id and compile options: which virtual-table
/// modules exist decides which tables are shadow tables, left out of the model), migrate's
/// version and the model's format. Every other query of read_catalog reads what that build
/// of SQLite derives from these rows' CREATE statements, so the model is a function of what
/// is hashed here.
std::string SqliteBackend::catalog_digest(const SchemaScope& scope) {
  CatalogDigest digest(scope);  // fed row by row: the catalog's text is never held whole
  digest.add(std::string(sqlite3_sourceid()));
  for (int i = 0; const char* option = sqlite3_compileoption_get(i); ++i) digest.add(std::string(option));
  for_each_row(std::string(k_entries) + " ORDER BY type, name", [&digest](Row&& row) { digest.add(row); });
  return digest.finish();
}

SchemaSnapshot SqliteBackend::read_schema_since(const SchemaScope& scope, SchemaSnapshot last) {
  m_read_queries = 0;
  SchemaSnapshot out;
  out.catalog = catalog_query(k_entries);
  std::optional<ReadPart> part;
  try {
    part = changed_since(last, out.catalog);
    if (part) out.schema = merged(last.schema, *part, read_catalog(scope, out.catalog, &*part));
  } catch (const DatabaseError&) {
    throw;  // the catalog's own error (or an interrupt): a full read would not do better
  } catch (const Error&) {
    part.reset();  // a statement the part's bookkeeping cannot read: the full read decides
  }
  if (!part) out.schema = read_catalog(scope, out.catalog, nullptr);
  return out;
}

namespace {

/// The ordinary tables listed in `catalog` (lower case, SQLite's own left out) in canonical
/// order, cut into batches of `size`.
std::vector<std::set<std::string>> table_batches(const std::vector<Row>& catalog, std::size_t size) {
  std::vector<std::string> names;
  for (const auto& row : catalog) {
    auto name = key(value_of(row, 1));
    if (value_of(row, 0) == "table" && name.rfind("sqlite_", 0) != 0) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  const std::size_t step = std::max<std::size_t>(size, 1);
  std::vector<std::set<std::string>> out;
  for (std::size_t i = 0; i < names.size(); i += step)
    out.emplace_back(names.begin() + i, names.begin() + std::min(names.size(), i + step));
  return out;
}

/// Leaves in `read` only the tables of `batch` and their indexes.
void keep_batch(schema::Schema& read, const std::set<std::string>& batch) {
  std::erase_if(read.tables, [&](const schema::Table& t) { return !batch.count(key(t.name.name)); });
  std::erase_if(read.indexes, [&](const schema::Index& i) { return !batch.count(key(i.table)); });
}

}  // namespace

std::map<std::string, std::set<std::string>> SqliteBackend::foreign_key_parents() {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& row : catalog_query(
           std::string("SELECT l.name, f.\"table\" FROM pragma_table_list l, pragma_foreign_key_list(l.name, 'main') f") +
           k_ordinary_tables))
    out[key(value_of(row, 0))].insert(key(value_of(row, 1)));
  return out;
}

std::string SqliteBackend::fingerprint(const SchemaScope& scope) {
  // Outside a transaction each query would see the file as it is when it runs: a read
  // transaction makes the batches one snapshot (another process's change waits for it).
  struct ReadTransaction {
    SqliteBackend& db;
    const bool own = !db.in_transaction();
    explicit ReadTransaction(SqliteBackend& backend) : db(backend) {
      if (own) db.run("BEGIN", nullptr);
    }
    ~ReadTransaction() {
      try {
        if (own) db.run("ROLLBACK", nullptr);  // it only read
      } catch (const std::exception&) {
        // A failed read already ended it.
      }
    }
  } snapshot(*this);
  m_read_queries = 0;
  const auto catalog = catalog_query(k_entries);
  const auto batches = table_batches(catalog, m_fingerprint_batch);
  auto whole = [&] { return schema::fingerprint_of_canonical(read_catalog(scope, catalog, nullptr)); };
  if (batches.size() <= 1) return whole();
  const auto parents = foreign_key_parents();
  std::optional<schema::Schema> frame;  // the views and triggers, read whole with every batch
  std::optional<schema::FingerprintBuilder> builder;
  for (const auto& batch : batches) {
    ReadPart part;
    part.tables = batch;
    for (const auto& table : batch)
      if (auto it = parents.find(table); it != parents.end()) part.tables.insert(it->second.begin(), it->second.end());
    auto read = read_catalog(scope, catalog, &part);
    // Unsupported objects are not kept per table: only a whole read lists them right.
    if (!read.unsupported.empty()) return whole();
    keep_batch(read, batch);
    if (!frame) {
      frame.emplace(read);
      frame->tables.clear();
      frame->indexes.clear();
      builder.emplace(*frame);
    }
    builder->add(read.tables, read.indexes);
  }
  return builder->finish(*frame);
}

/// The model from sqlite_schema's rows `catalog` and five more queries, filtered to the
/// tables of `part` when it is given.
schema::Schema SqliteBackend::read_catalog(const SchemaScope& scope, const std::vector<Row>& catalog,
                                           const ReadPart* part) {
  CatalogRows rows;
  const auto* tables = part ? &part->tables : nullptr;
  for (const auto& row : catalog) {
    Entry e{value_of(row, 0), value_of(row, 1), value_of(row, 2), value_of(row, 3)};
    const bool in_part = !tables || e.type == "view" || e.type == "trigger" || tables->count(key(e.table));
    if (in_part) rows.entries.push_back(std::move(e));  // what the Assembler would skip, left out early
  }
  const auto needed = part ? columns_needed(rows.entries, *part) : std::set<std::string>();
  // Each query visits the ordinary tables of the main database; none when a part names no table.
  auto joined = [&](const std::string& select, const std::string& from, const std::set<std::string>* names) {
    if (names && names->empty()) return std::vector<Row>{};
    return catalog_query(select + " FROM " + relations_from(names) + ", " + from + k_ordinary_tables);
  };
  if (!tables || !tables->empty())
    for (auto& row : catalog_query("SELECT l.name, l.type, l.strict, l.wr FROM " + relations_from(tables) +
                                   " WHERE l.schema = 'main'"))
      rows.table_list[key(value_of(row, 0))] = std::move(row);
  rows.columns = group_by_table(joined("SELECT l.name, c.name, c.type, c.\"notnull\", c.pk, c.hidden",
                                       "pragma_table_xinfo(l.name, 'main') c", part ? &needed : nullptr));
  std::vector<std::pair<std::string, std::string>> views;
  std::set<std::string> view_names;
  for (const auto& e : rows.entries)
    if (e.type == "view") views.emplace_back(e.name, e.sql), view_names.insert(key(e.name));
  if (!part || !views.empty())
    rows.view_columns = read_view_columns(views, rows.unresolved_views, relations_from(part ? &view_names : nullptr));
  rows.index_keys = group_by_table(
      joined("SELECT l.name, i.name, i.\"unique\", i.origin, x.cid, x.name, x.\"desc\", x.coll, x.key",
             "pragma_index_list(l.name, 'main') i, pragma_index_xinfo(i.name, 'main') x", tables));
  rows.foreign_keys = group_by_table(joined(
      "SELECT l.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete",
      "pragma_foreign_key_list(l.name, 'main') f", tables));
  schema::Schema out;
  out.dialect = Dialect::sqlite;
  Assembler(rows, scope, out, part).run();
  return schema::canonical_copy(std::move(out));
}

}  // namespace migrate::backend::sqlite

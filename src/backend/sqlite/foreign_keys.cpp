// The ForeignKeyChecks role of the SQLite backend: the runner switches enforcement off
// around its transactions and checks the tables a revision touched itself
// (runtime/foreign_keys.hpp says when and why).

#include <algorithm>
#include <map>

#include "backend/row_values.hpp"
#include "backend/sql_dialect.hpp"
#include "backend/sqlite/sqlite_backend.hpp"
#include "util/strings.hpp"

namespace migrate::backend::sqlite {
namespace {

/// The columns of one foreign key, in key order.
struct ForeignKey {
  std::string parent;
  std::vector<std::string> from;  ///< child columns
  std::vector<std::string> to;    ///< parent columns; empty entries: the parent's primary key
};

/// "users(id)", or "users" when the key names the parent's primary key implicitly.
std::string references_of(const ForeignKey& fk) {
  bool named = false;
  for (const auto& c : fk.to) named = named || !c.empty();
  return named ? fk.parent + "(" + util::join(fk.to, ", ") + ")" : fk.parent;
}

/// `IN (...)` operand of ASCII-lower-cased names, as literals.
std::string lower_literals(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "" : ", ") + sql::quote_literal(util::to_lower(name));
  return "(" + list + ")";
}

}  // namespace

void SqliteBackend::disable_enforcement() {
  // Setting the switch clears SQLite's foreign-key caches of every table, a cost that grows
  // with the schema; reading it does not. It is off unless something turned it on.
  auto rows = query("PRAGMA foreign_keys");
  if (!rows.empty() && !rows[0].empty() && rows[0][0] && *rows[0][0] != "0") execute("PRAGMA foreign_keys = OFF");
}

std::map<std::string, ForeignKeyTable> SqliteBackend::foreign_key_tables(const std::vector<std::string>& names) {
  // Every table: a foreign key is declared by REFERENCES in the table's CREATE statement, so
  // the LIKE (which folds ASCII case) skips the tables without one before any pragma runs.
  // Named tables: lower() folds ASCII only, as SQLite compares identifiers.
  std::string which = names.empty() ? "m.sql LIKE '%references%'" : "lower(m.name) IN " + lower_literals(names);
  std::map<std::string, ForeignKeyTable> tables;
  for (const auto& row : query("SELECT m.name, lower(f.\"table\") FROM sqlite_master m LEFT JOIN "
                               "pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND " + which)) {
    auto& table = tables[util::to_lower(value_of(row, 0))];
    table.name = value_of(row, 0);
    // A key of several columns lists its parent once per column.
    const auto parent = optional_of(row, 1);
    if (parent && std::find(table.parents.begin(), table.parents.end(), *parent) == table.parents.end())
      table.parents.push_back(*parent);
  }
  return tables;
}

std::vector<ForeignKeyViolation> SqliteBackend::violations(std::string_view table) {
  auto name = sql::quote_literal(table);
  std::map<std::string, ForeignKey> keys;  // by foreign key id
  for (const auto& row : query("SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(" + name +
                               ") ORDER BY id, seq")) {
    auto& fk = keys[value_of(row, 0)];
    fk.parent = value_of(row, 1);
    fk.from.push_back(value_of(row, 2));
    fk.to.push_back(value_of(row, 3));
  }
  std::vector<ForeignKeyViolation> found;
  std::map<std::string, std::vector<std::size_t>> by_key;  // foreign key id -> violations with a rowid
  for (const auto& row : query("SELECT rowid, parent, fkid FROM pragma_foreign_key_check(" + name + ")")) {
    ForeignKeyViolation v;
    v.table = std::string(table);
    v.rowid = optional_of(row, 0);
    v.parent = value_of(row, 1);
    const auto& fk = keys[value_of(row, 2)];
    v.references = references_of(fk);
    if (v.rowid) by_key[value_of(row, 2)].push_back(found.size());
    found.push_back(std::move(v));
  }
  // The key of each offending row, one query per foreign key rather than one per row.
  for (const auto& [id, indexes] : by_key) {
    const auto& fk = keys[id];
    std::string columns;
    for (const auto& c : fk.from)
      columns += ", " + sql::quote_literal(c + "=") + " || quote(t." + sql::quote_ident(Dialect::sqlite, c) + ")";
    std::map<std::string, std::string> key_of_row;
    for (const auto& row : query("SELECT v.rowid" + columns + " FROM pragma_foreign_key_check(" + name + ") v JOIN " +
                                 sql::quote_ident(Dialect::sqlite, table) + " t ON t.rowid = v.rowid WHERE v.fkid = " +
                                 id)) {
      std::vector<std::string> parts;
      for (std::size_t i = 1; i < row.size(); ++i) parts.push_back(value_of(row, i));
      key_of_row[value_of(row, 0)] = util::join(parts, ", ");
    }
    for (auto i : indexes) found[i].key = key_of_row[*found[i].rowid];
  }
  return found;
}

}  // namespace migrate::backend::sqlite

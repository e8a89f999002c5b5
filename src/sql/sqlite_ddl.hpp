#pragma once
/// Reads the CREATE statements SQLite keeps in `sqlite_schema.sql` into plain values: what
/// the pragmas do not report (constraint names, CHECK and generated expressions, COLLATE,
/// DEFAULT as written, DEFERRABLE, AUTOINCREMENT, MATCH, index expressions and WHERE, a
/// view's SELECT, ON CONFLICT clauses). Pure: reads SQL through sql::Lexer; every
/// expression comes back in normal form (normalize_sqlite_expression). SQLite has checked
/// these statements when it stored them, so the parser only needs to find their parts;
/// a statement it cannot follow throws Error{database} naming what it expected.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sql/normalize.hpp"

namespace migrate::sql {

struct SqliteForeignKey {
  std::string parent_table;                 ///< as written, quotes removed
  std::vector<std::string> parent_columns;  ///< empty: the parent's primary key
  std::string on_update = "no action";      ///< lower case
  std::string on_delete = "no action";
  std::string match = "simple";             ///< lower case, as written after MATCH
  bool deferrable = false;
  bool initially_deferred = false;
};

enum class SqliteConstraintKind { primary_key, unique, check, foreign_key };

/// A constraint written on a column or on the table: a column's one is given that column.
struct SqliteConstraint {
  SqliteConstraintKind kind = SqliteConstraintKind::check;
  std::string name;                  ///< "" unless `CONSTRAINT name` was written
  std::vector<std::string> columns;  ///< as written, quotes removed
  std::string expression;            ///< CHECK, normalized
  std::optional<SqliteForeignKey> foreign_key;
  bool autoincrement = false;        ///< PRIMARY KEY ... AUTOINCREMENT
  /// A key's order or collation written in a PRIMARY KEY or UNIQUE list (`x DESC`,
  /// `x COLLATE NOCASE`): it changes the key, and the schema model has no place for it.
  std::vector<std::string> key_options;
};

struct SqliteColumn {
  std::string name;
  std::string type;  ///< normalize_sqlite_type
  bool not_null = false;
  std::string collation;  ///< upper case, "" = none written
  std::optional<std::string> default_expression;  ///< normalized; parentheses kept
  std::optional<std::string> generated;           ///< normalized expression
  bool generated_stored = false;
};

/// An `ON CONFLICT` clause: SQLite-only behaviour the schema model does not represent.
struct SqliteConflictClause {
  std::string constraint;  ///< "NOT NULL on column x", "UNIQUE (a, b)", ...
  std::string resolution;  ///< upper case: ROLLBACK | ABORT | FAIL | IGNORE | REPLACE
};

struct SqliteTable {
  std::string name;
  bool virtual_table = false;  ///< CREATE VIRTUAL TABLE: nothing else is read
  std::string module;          ///< its module (fts5, rtree, ...)
  std::vector<SqliteColumn> columns;
  std::vector<SqliteConstraint> constraints;
  std::vector<SqliteConflictClause> conflict_clauses;
  bool without_rowid = false;
  bool strict = false;
};

struct SqliteIndexKey {
  std::string column;      ///< "" for an expression
  std::string expression;  ///< normalized, "" for a column
  std::string collation;   ///< upper case, "" = none written
  bool descending = false;
};

struct SqliteIndex {
  std::string name;
  std::string table;
  bool unique = false;
  std::vector<SqliteIndexKey> keys;
  std::string where;  ///< normalized, "" = not partial
};

/// `CREATE [TEMP] [VIRTUAL] TABLE ...`. Its expressions are normalized with the table's own
/// columns in scope (none for a DEFAULT).
SqliteTable parse_sqlite_create_table(std::string_view sql);
/// `CREATE [UNIQUE] INDEX ...`; `table_columns`: the columns of the indexed table.
SqliteIndex parse_sqlite_create_index(std::string_view sql, const SqliteNames& table_columns);
/// The SELECT of `CREATE [TEMP] VIEW name [(columns)] AS select`, normalized with `columns`
/// in scope (those of the tables and views it reads: sqlite_relations_read).
std::string parse_sqlite_view_select(std::string_view sql, const SqliteNames& columns);

}  // namespace migrate::sql

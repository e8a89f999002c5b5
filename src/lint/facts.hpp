#pragma once
/// What one SQL statement of a revision does, as far as the lint rules need to know. The
/// rules (lint/rules.*) read only these facts, never SQL text, so one rule serves both
/// dialects:
///  - PostgreSQL facts come from the server's own grammar (libpg_query), in
///    lint/postgres_facts.cpp, the only file that includes it;
///  - SQLite facts come from the project's lexer (src/sql), in lint/sqlite_facts.cpp.
/// Names are normalized as the server would resolve them: unquoted PostgreSQL names folded
/// to lower case, quotes removed; a schema-qualified name is kept as "schema.name". Pure data.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dialect.hpp"

namespace migrate::lint {

/// A catalog object a statement creates or drops (downgrade-incomplete pairs them).
struct ObjectRef {
  enum class Kind { table, column, index, view, materialized_view, sequence, type, domain, function, procedure,
                    trigger, schema, extension, constraint, other };
  Kind kind = Kind::other;
  std::string name;   ///< the object's name ("schema.name" when qualified)
  std::string table;  ///< column, trigger, constraint (and index when known): the table it belongs to
  bool operator==(const ObjectRef&) const = default;
};

/// One action of an ALTER TABLE (PostgreSQL allows several per statement).
struct TableAction {
  enum class Kind { add_column, drop_column, alter_column_type, set_not_null, drop_not_null, set_default,
                    drop_default, add_constraint, drop_constraint, validate_constraint, rename_column,
                    rename_constraint, other };
  enum class Constraint { none, primary_key, unique, foreign_key, check, exclusion, not_null };
  Kind kind = Kind::other;
  std::string column;  ///< the column acted on (rename_column: the old name)
  std::string new_name;  ///< rename_column / rename_constraint: the new name
  // add_column
  bool not_null = false;         ///< NOT NULL (or PRIMARY KEY) on the new column
  bool has_default = false;      ///< DEFAULT given (a GENERATED ... STORED column counts as volatile)
  bool volatile_default = false; ///< the default (or generated expression) is not a constant the server can
                                 ///< store in the catalog: it calls a volatile function (random(),
                                 ///< clock_timestamp(), gen_random_uuid(), nextval(), a serial type, ...)
  // add_constraint (also a constraint declared inline in add_column)
  Constraint constraint = Constraint::none;
  std::string constraint_name;
  bool not_valid = false;    ///< NOT VALID
  bool using_index = false;  ///< UNIQUE / PRIMARY KEY ... USING INDEX
  std::string references;    ///< foreign_key: the referenced table
};

struct StatementFacts {
  enum class Kind {
    create_table,   ///< also CREATE TABLE ... AS / SELECT INTO
    drop_table,     ///< `objects` holds every table named
    alter_table,    ///< `table` and `actions`
    rename_table,   ///< ALTER TABLE t RENAME TO n: `table`, `new_name`
    create_index,   ///< `table`, `index`, `concurrently`, `unique`
    drop_index,     ///< `index` (and `objects`), `concurrently`
    reindex,        ///< `concurrently`
    set_setting,    ///< SET [LOCAL|SESSION] name = value: `setting`, `value`
    pragma,         ///< SQLite PRAGMA name [= value]: `setting`, `value`
    transaction_control,  ///< BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ...
    non_transactional,    ///< cannot run in a transaction block: VACUUM, CREATE/DROP DATABASE, ALTER SYSTEM,
                          ///< CREATE/DROP TABLESPACE, ... (`what` names it)
    other_ddl,      ///< any other statement that creates, alters or drops (see `creates` / `drops`)
    dml,            ///< INSERT, UPDATE, DELETE, SELECT, COPY, ...
    unparsed,       ///< the parser refused it: `error` says why (the database would refuse it too)
  };
  Kind kind = Kind::other_ddl;
  std::string text;  ///< the statement as written, without its ';'
  int line = 0;      ///< file line of its first character
  int column = 0;    ///< 1-based column of its first character on that line

  std::string table;     ///< the table acted on (create/alter/rename table, create index)
  std::string index;     ///< create/drop index: the index name ("" for an unnamed CREATE INDEX)
  std::string new_name;  ///< rename_table
  bool concurrently = false;
  bool unique = false;   ///< create_index: UNIQUE
  bool if_exists = false;
  std::vector<TableAction> actions;  ///< alter_table
  std::string setting;   ///< set_setting / pragma, lower case (e.g. "lock_timeout", "foreign_keys")
  std::string value;     ///< as written, quotes removed
  bool local = false;    ///< SET LOCAL
  std::string what;      ///< non_transactional: "VACUUM", "CREATE DATABASE", ...
  std::string error;     ///< unparsed: the parser's message

  std::vector<ObjectRef> creates;  ///< objects this statement creates (tables, indexes, views, types, ...)
  std::vector<ObjectRef> drops;    ///< objects it drops (DROP TABLE/INDEX/VIEW/TYPE/..., ALTER TABLE DROP COLUMN)
  /// Tables (and materialized views) the statement locks in ACCESS EXCLUSIVE mode, which blocks
  /// every read and write of them until the transaction ends: most ALTER TABLE forms, renames,
  /// DROP TABLE, TRUNCATE, LOCK TABLE, DROP TRIGGER, ... (PostgreSQL; empty for SQLite). DROP INDEX
  /// without CONCURRENTLY locks its table too, but does not name it: the rules handle it apart.
  std::vector<std::string> access_exclusive;
};

/// The statements of one SQL section (a revision's upgrade or downgrade body), in order.
/// `first_line` is the file line of the section's first character. Never throws: a statement
/// the parser refuses becomes Kind::unparsed.
std::vector<StatementFacts> postgres_facts(std::string_view sql, int first_line);
std::vector<StatementFacts> sqlite_facts(std::string_view sql, int first_line);
std::vector<StatementFacts> statement_facts(std::string_view sql, Dialect dialect, int first_line);

/// The statements of `sql`, located (text, line, column) but not classified: what both
/// readers start from, so that they split and locate statements alike.
std::vector<StatementFacts> located_statements(std::string_view sql, Dialect dialect, int first_line);

}  // namespace migrate::lint

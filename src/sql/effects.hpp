#pragma once
/// The catalog effect of one SQL statement, where it can be checked: `repair` reports
/// whether the effect of each statement that ran is really present.
///
/// Recognized forms (keywords case-insensitive, comments and whitespace anywhere):
///  - CREATE [UNLOGGED] TABLE [IF NOT EXISTS] t ...                    → table t present
///  - DROP TABLE [IF EXISTS] t                                         → table t absent
///  - ALTER TABLE [IF EXISTS] [ONLY] t ADD [COLUMN] [IF NOT EXISTS] c  → column t.c present
///  - ALTER TABLE ... DROP [COLUMN] [IF EXISTS] c                      → column t.c absent
///  - ALTER TABLE ... ADD CONSTRAINT k ...                             → constraint k on t present
///  - ALTER TABLE ... DROP CONSTRAINT [IF EXISTS] k                    → constraint k on t absent
///  - CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] i ON [ONLY] t → index i present
///  - DROP INDEX [CONCURRENTLY] [IF EXISTS] i                          → index i absent
/// Names may be schema-qualified and quoted ("..." on both dialects, `...` and [...] on
/// SQLite). Unquoted names are folded to lower case on PostgreSQL (as the server folds
/// them) and kept as written on SQLite (whose catalog compares them case-insensitively).
/// Anything else, a temporary table (never visible to a later session), a statement naming
/// several objects (DROP TABLE a, b), an ALTER TABLE with several actions, or an unnamed
/// index or constraint gives nullopt: not checkable.

#include <optional>
#include <string>
#include <string_view>

#include "core/dialect.hpp"

namespace migrate::sql {

enum class ObjectKind { table, column, index, constraint };

/// A catalog object a statement creates or drops.
struct CatalogObject {
  using Kind = ObjectKind;
  ObjectKind kind = ObjectKind::table;
  std::string schema;  ///< empty = the default schema / search_path (SQLite: an attached database name)
  std::string table;   ///< table, column, constraint: the table; index: may be empty
  std::string name;    ///< column, index or constraint name (empty for a table)
};

struct CatalogEffect {
  CatalogObject object;
  bool expect_present = true;  ///< true: the statement creates it; false: it drops it
};

/// The effect of `statement` (one statement, no trailing ';' needed). Never throws.
std::optional<CatalogEffect> catalog_effect(std::string_view statement, Dialect dialect);

/// True when `statement` cannot or must not run inside a transaction block, so that a
/// non-transactional revision runs it on its own rather than in a transaction with its
/// progress record: a transaction statement of the revision's own (BEGIN, COMMIT, ROLLBACK,
/// END, ABORT, SAVEPOINT, RELEASE, PREPARE TRANSACTION); SQLite `PRAGMA` (some are silently
/// ignored inside a transaction), `VACUUM`, `ATTACH`, `DETACH`; PostgreSQL `VACUUM`,
/// `CREATE`/`DROP DATABASE` and `TABLESPACE`, `ALTER SYSTEM`, and any `CONCURRENTLY` index
/// build, drop or reindex. Statements the server refuses inside a block for reasons this
/// list does not know are caught at run time (SQLSTATE 25001). Never throws.
bool runs_outside_transaction(std::string_view statement, Dialect dialect);

/// "table s.t", "column t.c", "index i", "constraint k on t", for messages.
std::string describe(const CatalogObject& object);

}  // namespace migrate::sql

#pragma once
/// SQL text that `migrate` itself generates, per dialect: identifier and literal quoting, the
/// version table (docs/revision-graph.md) and its row changes (exact Alembic text), and
/// the journal table (docs/database-state.md).
///
/// Everything here is pure string building from a `Dialect` value: no connection is needed,
/// so the offline `--sql` writer and the online runner print and run the very same text.
/// Values are rendered as literals because `Backend` takes plain SQL (no bind parameters);
/// `quote_literal` is the only way a value reaches SQL.

#include <string>
#include <string_view>
#include <vector>

#include "core/dialect.hpp"

namespace migrate::backend::sql {

/// Quotes an identifier only when it needs it, as SQLAlchemy does: a lowercase name of
/// `[a-z_][a-z0-9_$]*` that is not a reserved word stays bare (`alembic_version`); anything
/// else becomes `"..."` with `"` doubled.
std::string quote_ident(Dialect dialect, std::string_view ident);

/// `'...'` with `'` doubled. Both dialects take standard-conforming strings, so backslashes
/// are left alone (PostgreSQL's `standard_conforming_strings` is on by default since 9.1).
std::string quote_literal(std::string_view value);

/// `<schema>.<name>` or `<name>` when `schema` is empty, each part quoted if needed.
std::string qualified_name(Dialect dialect, std::string_view schema, std::string_view name);

/// The version table DDL, byte for byte Alembic's (note the space after the comma):
/// `CREATE TABLE t (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT t_pkc PRIMARY KEY (version_num)\n)`.
/// No terminating ';'.
std::string create_version_table(Dialect dialect, std::string_view schema, std::string_view name);

/// `SELECT version_num FROM t`: unordered, as Alembic reads it (rows come in the database's
/// order, rowid order on SQLite; docs/database-state.md).
std::string select_versions(Dialect dialect, std::string_view schema, std::string_view name);

/// `INSERT INTO t (version_num) VALUES ('a')`.
std::string insert_version(Dialect dialect, std::string_view schema, std::string_view name,
                           std::string_view revision);

/// `UPDATE t SET version_num='b' WHERE t.version_num = 'a'`.
std::string update_version(Dialect dialect, std::string_view schema, std::string_view name,
                           std::string_view from, std::string_view to);

/// `DELETE FROM t WHERE t.version_num = 'a'`.
std::string delete_version(Dialect dialect, std::string_view schema, std::string_view name,
                           std::string_view revision);

/// One column of the journal table: its name, its type on this dialect, and the constraint
/// text a freshly created table gives it (NOT NULL, DEFAULT); a column added to an older
/// journal by `add_journal_column` gets the type only, so old rows read as NULL.
struct JournalColumn {
  std::string name;
  std::string type;
  std::string constraint;  ///< "" or e.g. "NOT NULL DEFAULT 0"
};

/// The journal's columns in table order, `id` (the auto-increment key) excluded: revision,
/// direction, command, heads_before, heads_after (comma-joined), checksum, file_path,
/// message, downgrade_sql, status (`applied` | `running` | `failed` | `rolled_back`),
/// statements_done, statements_total, error, started_at, finished_at (ISO-8601 UTC text),
/// duration_ms, db_user, os_user, host, tool_version, reason, and, added later (repair),
/// checksum_algorithm, file_content, statement_hashes (newline-joined hex), version_ops
/// (encoded, runtime/journal.hpp), has_downgrade (0/1), transactional (0/1),
/// statement_started, schema_fingerprint (SHA-256 hex of the schema model), catalog_digest
/// (what that model was read from; runtime/journal.hpp).
std::vector<JournalColumn> journal_columns(Dialect dialect);

/// The journal table DDL (`CREATE TABLE IF NOT EXISTS`, no ';'): `id` then journal_columns().
std::string create_journal_table(Dialect dialect, std::string_view schema, std::string_view name);

/// `ALTER TABLE t ADD COLUMN c <type>` (PostgreSQL: `ADD COLUMN IF NOT EXISTS`), no ';'.
std::string add_journal_column(Dialect dialect, std::string_view schema, std::string_view name,
                               const JournalColumn& column);

}  // namespace migrate::backend::sql

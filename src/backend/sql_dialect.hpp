#pragma once
/// SQL text that `migrate` itself generates, per dialect: identifier and literal quoting, the
/// version table (alembic-semantics.md §4.1) and its row changes (§6, exact Alembic text), and
/// the journal table (CONTRACT.md §3).
///
/// Everything here is pure string building from a `Dialect` value: no connection is needed,
/// so the offline `--sql` writer and the online runner print and run the very same text.
/// Values are rendered as literals because `Backend` takes plain SQL (no bind parameters);
/// `quote_literal` is the only way a value reaches SQL.

#include <string>
#include <string_view>

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
/// order, rowid order on SQLite; CONTRACT.md §3).
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

/// The journal table DDL (`CREATE TABLE IF NOT EXISTS`, no ';'). Columns, all dialects:
/// id (auto-increment key, execution order), revision, direction, command, heads_before,
/// heads_after (comma-joined), checksum, file_path, message, downgrade_sql, status
/// (`applied` | `running` | `failed`), statements_done, statements_total, error, started_at,
/// finished_at (ISO-8601 UTC text), duration_ms, db_user, os_user, host, tool_version, reason.
std::string create_journal_table(Dialect dialect, std::string_view schema, std::string_view name);

}  // namespace migrate::backend::sql

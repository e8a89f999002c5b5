#pragma once
/// The change planner: the DDL that turns one schema model into another, per dialect. Pure:
/// no I/O. Used by `migrate repair --schema` (live schema -> expected one), `migrate revision
/// --autogenerate` (upgrade: head -> desired, downgrade: desired -> head) and `migrate
/// baseline` (downgrade: drop_sql).
///
/// Objects are paired by identity exactly as `compare` pairs them (match.hpp): a matched
/// object is altered where the dialect can alter it, else dropped and re-created. Renames are
/// never guessed: a column that disappears while another appears in the same table is a drop
/// and an add, with a note saying to write a RENAME instead if that is what it is. Objects in
/// Schema::unsupported are never touched.
///
/// Order: drops first, in reverse dependency order (triggers, policies, views, foreign keys,
/// indexes, constraints, columns, tables, functions, sequences, types, extensions, schemas),
/// then creates and alterations in dependency order (schemas, extensions, types, functions,
/// sequences, tables, columns, constraints, foreign keys last so that cycles need nothing,
/// views after what they read, indexes, triggers, row-level security and policies,
/// comments). A view, trigger or function that depends on something dropped or re-created is
/// dropped before and re-created after it. docs/schema.md lists the statements per dialect.
///
/// Destructive: any drop, a column's type, nullability, default, identity or generation
/// change, a SQLite rebuild that drops or changes a column or drops a constraint (or drops a
/// view, index or trigger that itself changes), an enum losing a label, and every drop and
/// re-creation such a change needs (a view over a column whose type changes). With
/// `allow_destructive = false` those are left out and listed in `skipped`; what remains only
/// creates and adds.
///
/// Not attempted: renames (tables, columns, constraints), moving a PostgreSQL column to
/// another position, `CREATE OR REPLACE VIEW` (a changed view is dropped and created).

#include <string>
#include <vector>

#include "schema/model.hpp"

namespace migrate::schema {

struct SchemaChange {
  /// One line: `add column public.users.email (character varying(320) NOT NULL)`.
  std::string description;
  /// One or more statements, each ending with ";\n".
  std::string sql;
  /// A drop, a type / nullability / default change: anything that can lose data or break
  /// readers, and what such a change drags along.
  bool destructive = false;
  bool operator==(const SchemaChange&) const = default;
};

struct ChangeOptions {
  bool allow_destructive = true;
};

struct ChangePlan {
  std::vector<SchemaChange> changes;  ///< in the order to run them
  std::vector<SchemaChange> skipped;  ///< destructive changes left out because !allow_destructive
  /// What a reviewer should know: a drop and an add that may be a rename, a column that
  /// PostgreSQL can only append, a SQLite rebuild.
  std::vector<std::string> notes;
  /// Every change's sql, in order. On PostgreSQL, when a function or procedure is created or
  /// replaced, the first change is `SET LOCAL check_function_bodies = false;` (as render_sql
  /// starts: a body may read tables created after it), which lasts until the transaction ends.
  std::string sql() const;
  bool empty() const { return changes.empty() && skipped.empty(); }
};

/// The changes turning `from` into `to` (both canonicalized first). Equal schemas give an
/// empty plan. Schemas of two dialects are an internal error.
ChangePlan plan_changes(const Schema& from, const Schema& to, const ChangeOptions& options = {});

/// The statements dropping every object of `schema` in reverse dependency order (foreign
/// keys first, so that cycles need nothing): what a baseline's downgrade holds. The schema
/// `public` is never dropped.
std::string drop_sql(const Schema& schema);

}  // namespace migrate::schema

#pragma once
/// The differences between two schema models: what `migrate drift` reports between the schema
/// the revisions should have built (expected) and the live one (actual). Pure: no I/O.
///
/// Objects are matched by identity, never by position: tables, views, sequences, types and
/// indexes by qualified name, extensions by name, columns by name within their table, named
/// constraints by name and SQLite's unnamed ones by kind and columns (and expression, for a
/// check), functions by name and arguments, triggers and policies by table and name. Names are
/// compared as the model orders them (`name_key`: without ASCII case on SQLite). Once matched,
/// every attribute the canonical text writes is compared, so two schemas with the same
/// fingerprint give no difference and two with different fingerprints give at least one
/// (a name spelled in another case on SQLite is a changed "name").
///
/// `Schema::unsupported` entries are not compared here: the caller lists them as not compared.

#include <string>
#include <vector>

#include "schema/model.hpp"

namespace migrate::schema {

struct Difference {
  /// missing: expected has it, actual lacks it; extra: the reverse; changed: both have it.
  enum class Change { missing, extra, changed };
  Change change = Change::changed;
  /// "schema", "extension", "type", "sequence", "table", "column", "constraint", "policy",
  /// "index", "view", "materialized view", "function", "procedure", "trigger".
  std::string kind;
  /// Qualified name: `public.users`, a column `public.users.email`, a constraint
  /// `public.users.users_email_key`, an unnamed SQLite constraint `users: unique (email)`, a
  /// function `public.f(integer)`, a trigger or policy `public.users.name`.
  std::string object;
  /// For changed: the attribute ("type", "not null", "default", "position", ...); "" otherwise.
  std::string attribute;
  /// For changed: the two values. For missing (expected) or extra (actual): a short
  /// description of the object, such as a column's type and default.
  std::string expected, actual;
  bool operator==(const Difference&) const = default;
};

/// The differences from `expected` to `actual` (either may be in any order: both are
/// canonicalized first). Order is deterministic: the model's object kind order (schemas,
/// extensions, types, sequences, tables, indexes, views, functions, triggers), then name,
/// then the attribute's place in the object; a table's own changes come before its column
/// order, columns, constraints and policies. A missing or extra table is reported alone,
/// not column by column; its indexes and triggers are reported as objects of their own.
/// Column order: a column present on both sides whose order relative to the other common
/// columns differs gives one "position" change for the table (expected and actual: the
/// common columns in order); a column merely absent, in the middle or at the end, is only
/// missing.
std::vector<Difference> compare(const Schema& expected, const Schema& actual);
/// The same for two schemas already canonicalized (what the catalog readers return), without
/// copying them: `drift --identify` compares one live schema with every state of its walk.
std::vector<Difference> compare_canonical(const Schema& expected, const Schema& actual);

const char* to_string(Difference::Change change);

/// A column in a few words, as differences and changes describe it: `integer NOT NULL DEFAULT
/// 0`, with `GENERATED (expr)` for a generated column.
std::string column_summary(const Column& c);

/// One line: `missing column public.users.email (character varying(320) NOT NULL)`,
/// `changed column public.users.email type: expected integer, actual bigint`.
std::string describe(const Difference& d);

}  // namespace migrate::schema

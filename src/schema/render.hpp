#pragma once
/// The SQL renderer: a schema model as the statements that build it on an empty database of
/// its dialect. Pure: no I/O. Used by `migrate dump` (and, later, by baseline and schema
/// repair), so that what a team commits as `schema.sql` is always this text.
///
/// The output is canonical: the same model always gives byte-identical text, whatever order
/// its objects were created in. It is dependency-ordered: schemas and extensions, then types
/// (a type before the types that use it), functions (with `check_function_bodies` off, as
/// pg_dump does), sequences, tables, partitions attached to their parents, sequence
/// ownership, foreign keys after every table (so cycles need nothing special), views after
/// the views they read, indexes (after the views: a materialized view can have some),
/// triggers, row-level security and policies; each object's comments follow it. A partition
/// is created as a table of its own and attached, so every name in it is the model's; its
/// keys and indexes come before its parent's, which adopt them. SQLite tables hold all their
/// constraints inline, and SQLite views always carry their column list (`CREATE VIEW v(x) AS`:
/// the names it gives may not be the SELECT's). Run on an empty database (`psql -v ON_ERROR_STOP=1 -f`, `sqlite3`),
/// it rebuilds a schema whose model equals the original.

#include <string>

#include "schema/model.hpp"

namespace migrate::schema {

/// The statements building `schema` (canonicalized first), each ending with ";\n", in the
/// order above, with a header comment naming the format. Objects listed in
/// Schema::unsupported are not rendered: callers refuse or warn before calling.
std::string render_sql(const Schema& schema);

}  // namespace migrate::schema

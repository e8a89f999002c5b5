#pragma once
/// The SQL renderer: a schema model as the statements that build it on an empty database of
/// its dialect. Pure: no I/O. Used by `migrate dump` (and, later, by baseline and schema
/// repair), so that what a team commits as `schema.sql` is always this text.
///
/// The output is canonical: the same model always gives byte-identical text, whatever order
/// its objects were created in. It is dependency-ordered: schemas and extensions, then types
/// (a type before the types and columns that use it), functions, sequences, tables, foreign
/// keys after every table (so cycles need nothing special), indexes, views after the views
/// they read, triggers, policies and comments. Run on an empty database (`psql -v
/// ON_ERROR_STOP=1 -f`, `sqlite3`), it rebuilds a schema whose model equals the original.

#include <string>

#include "schema/model.hpp"

namespace migrate::schema {

/// The statements building `schema` (canonicalized first), each ending with ";\n", in the
/// order above, with a header comment naming the format. Objects listed in
/// Schema::unsupported are not rendered: callers refuse or warn before calling.
std::string render_sql(const Schema& schema);

}  // namespace migrate::schema

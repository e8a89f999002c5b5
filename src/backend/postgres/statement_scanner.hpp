#pragma once
/// Forwarding header; callers move to sql/statements.hpp (sql::statement_spans with
/// Dialect::postgresql, sql::byte_offset_of_position).
///
/// The PostgreSQL backend needs statement spans for two things the server does not tell it:
/// which statement of a multi-statement simple query failed when the error carries no
/// position (libpq returns one result per statement), and running a script outside a
/// transaction statement by statement, as psql does.

#include <cstddef>
#include <string_view>
#include <vector>

#include "sql/statements.hpp"

namespace migrate::backend::postgres {

/// One statement of a script: `begin` is the byte offset of its first token (after blanks
/// and comments), `end` the offset just past its terminating ';' (or the script's end).
struct StatementSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// The non-empty statements of `sql`, in order, as sql::statement_spans finds them.
std::vector<StatementSpan> scan_statements(std::string_view sql);

using sql::byte_offset_of_position;

}  // namespace migrate::backend::postgres

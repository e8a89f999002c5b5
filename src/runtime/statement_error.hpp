#pragma once
/// How a failing revision statement is reported: the revision, `file:line`, the database's
/// message, the statement (whitespace folded, shortened), and the same as fields
/// (Error::where()) for callers that annotate the failing line.

#include <string>
#include <string_view>

#include "backend/backend.hpp"
#include "core/dialect.hpp"
#include "core/error.hpp"

namespace migrate::runtime {

/// One line of `statement`, whitespace runs folded to a space, at most 300 characters.
std::string statement_excerpt(std::string_view statement);

/// What the runtime knows when a statement fails.
struct FailedStatement {
  std::string revision;
  std::string file;      ///< path as shown; "" when unknown
  std::string_view sent;  ///< the SQL sent in the call that failed
  int first_line = 1;    ///< the file line of sent's first character
  Dialect dialect = Dialect::sqlite;
};

/// Error{database}: "revision R failed at FILE:LINE: <db message>\n  statement: <excerpt>",
/// the line and statement found from the error's position within `sent`; the hint is the
/// database's own advice, then `runner_hint`. Carries where() = revision, file, line,
/// statement and SQLSTATE.
Error statement_error(const backend::DatabaseError& e, const FailedStatement& at, const std::string& runner_hint);

/// The database's hint (or server hint), then `runner_hint`, joined by "; ".
std::string combine_hints(const backend::DatabaseError& e, const std::string& runner_hint);

}  // namespace migrate::runtime

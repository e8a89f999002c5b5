#pragma once
/// Splits a SQL section into single statements, for non-transactional revisions (run one by
/// one with progress) and for error positions.

#include <string>
#include <string_view>
#include <vector>

#include "core/dialect.hpp"

namespace migrate::script {

struct Statement {
  std::string text;  ///< the statement without its trailing ';', trimmed
  int line = 0;      ///< 1-based line of its first character, counted from `first_line`
};

/// Splits on top-level ';'. Understands: '...' strings ('' escapes), "..." identifiers,
/// `...` and [...] (sqlite), -- line comments, /* */ block comments (nested on
/// postgresql), E'...' strings with backslash escapes and $tag$...$tag$ bodies
/// (postgresql; `$1` parameters and `a$b` identifiers open nothing), and the two bodies
/// that hold semicolons: `CREATE [TEMP|TEMPORARY] TRIGGER ... BEGIN ...; END` (sqlite) and
/// `CREATE ... BEGIN ATOMIC ...; END` (postgresql). As in sqlite3_complete(), such a body
/// ends at an END that directly follows a ';', so CASE ... END inside it is fine.
///
/// Each statement's text runs from its first to its last significant token: leading and
/// trailing comments and whitespace are left out, comments inside are kept, and so are
/// CR characters inside it. Statements that are only whitespace or comments are dropped
/// (`;;` gives nothing). An unterminated string, quoted identifier or dollar body runs to
/// the end of the section (the database then reports the error); an unterminated block
/// comment is dropped. `first_line` is the file line of the section's first character;
/// `Statement::line` counts '\n' from there. Never throws.
std::vector<Statement> split_statements(std::string_view sql, Dialect dialect, int first_line = 1);

}  // namespace migrate::script

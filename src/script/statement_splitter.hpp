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
/// (postgresql), and CREATE TRIGGER ... BEGIN ... END bodies (sqlite). Statements that are
/// only whitespace or comments are dropped. `first_line` is the file line of the section's
/// first character.
std::vector<Statement> split_statements(std::string_view sql, Dialect dialect, int first_line = 1);

}  // namespace migrate::script

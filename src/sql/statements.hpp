#pragma once
/// Where the statements of a SQL script begin and end, read through sql::Lexer.
///
/// A statement ends at a top-level ';' (or the end of the input). Two statement forms hold
/// semicolons in a body, and a ';' inside the body does not end them:
///  - sqlite: `CREATE [TEMP|TEMPORARY] TRIGGER ... BEGIN ...; END`;
///  - postgresql: `CREATE [OR REPLACE] FUNCTION|PROCEDURE ... BEGIN ATOMIC ...; END`, where
///    BEGIN is directly followed by ATOMIC outside parentheses (a function named `begin`,
///    or a column `begin` aliased `atomic` in a view, opens nothing).
/// As in sqlite3_complete() and in PostgreSQL's grammar (every statement of an ATOMIC body
/// ends with ';'), such a body ends at an END that directly follows a ';' (or ATOMIC), so a
/// CASE ... END inside it is fine.
///
/// Statements made only of comments and ';' are left out (the server runs nothing for
/// them). Never throws.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/dialect.hpp"

namespace migrate::sql {

struct StatementSpan {
  std::size_t begin = 0;           ///< byte offset of its first token (after blanks and comments)
  std::size_t end = 0;             ///< just past its last token other than a comment
  std::size_t terminator_end = 0;  ///< just past its terminating ';', or the input's end
  int line = 0;                    ///< line of its first token, counted from `first_line`
  int column = 0;                  ///< 1-based byte column of its first token on that line
};

/// The non-empty statements of `sql`, in order.
std::vector<StatementSpan> statement_spans(std::string_view sql, Dialect dialect, int first_line = 1);

struct Statement {
  std::string text;  ///< the statement without its trailing ';', trimmed
  int line = 0;      ///< 1-based line of its first character, counted from `first_line`
  int column = 0;    ///< 1-based byte column of its first character on that line
};

/// Each statement's text runs from its first to its last significant token: leading and
/// trailing comments and whitespace are left out, comments inside are kept, and so are CR
/// characters inside it. An unterminated string, quoted identifier or dollar body runs to
/// the end of the input (the database then reports the error); an unterminated block
/// comment is dropped. `first_line` is the file line of the input's first character;
/// `Statement::line` counts '\n' from there.
std::vector<Statement> split_statements(std::string_view sql, Dialect dialect, int first_line = 1);

/// Converts PostgreSQL's 1-based character position in `text` (an error's statement
/// position) to a 0-based byte offset. `utf8`: count UTF-8 characters (client_encoding
/// UTF8), otherwise bytes. Positions past the end give text.size().
std::size_t byte_offset_of_position(std::string_view text, long position, bool utf8);

}  // namespace migrate::sql

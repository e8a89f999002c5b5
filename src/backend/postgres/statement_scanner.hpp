#pragma once
/// Where the statements of a PostgreSQL script begin and end, as the server's own lexer would
/// split them (no libpq needed; unit-tested without a server).
///
/// The PostgreSQL backend needs this for two things the server does not tell it:
///  - which statement of a multi-statement simple query failed when the error carries no
///    position (a constraint violation, a lock timeout): libpq returns one result per
///    statement, so the failing result's index names the statement;
///  - running a script outside a transaction statement by statement, as psql does, so the
///    statements before a failing one stay committed (one simple query would run as one
///    implicit transaction).
///
/// Understood: `--` and nested `/* */` comments, '...' strings ('' doubled), E'...' strings
/// (backslash escapes), "..." identifiers, $$...$$ and $tag$...$tag$ bodies, and the
/// `BEGIN ATOMIC ... END` bodies of SQL-standard function bodies (psql's rule: inside
/// `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, BEGIN and CASE open a block and END closes one).

#include <cstddef>
#include <string_view>
#include <vector>

namespace migrate::backend::postgres {

/// One statement of a script: `begin` is the byte offset of its first token (after blanks
/// and comments), `end` the offset just past its terminating ';' (or the script's end).
struct StatementSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// The non-empty statements of `sql`, in order. Statements made only of blanks, comments
/// and ';' are left out, as the server leaves them out (they produce no result).
std::vector<StatementSpan> scan_statements(std::string_view sql);

/// Converts PostgreSQL's 1-based character position in `text` (PG_DIAG_STATEMENT_POSITION)
/// to a 0-based byte offset. `utf8`: count UTF-8 characters (client_encoding UTF8),
/// otherwise bytes. Positions past the end give text.size().
std::size_t byte_offset_of_position(std::string_view text, long position, bool utf8);

}  // namespace migrate::backend::postgres

#pragma once
/// The normal form of SQLite SQL text in the schema model: two spellings of one expression
/// (keyword case, blanks, comments, needless quotes) give the same text, so models read from
/// differently written schemas compare equal. Pure; reads SQL through sql::Lexer.

#include <string>
#include <string_view>

namespace migrate::sql {

/// `text` (an expression, a SELECT or a whole statement) re-emitted token by token:
/// keywords (is_sqlite_keyword) upper case; other words as written; a quoted identifier
/// printed as quote_sqlite_name prints it (bare only when a plain ASCII name and no keyword);
/// strings, numbers, blobs and parameters as written; comments dropped. One space between
/// tokens, except none after `(` and `.`, none before `)`, `,` and `.`, and none before a
/// `(` that follows a word that is no keyword (a function call). A run of operator
/// characters is split into SQLite's operators (`=-1` reads as `= - 1`), so blanks between
/// operators do not change the text.
std::string normalize_sqlite_expression(std::string_view text);

/// A declared column type in normal form: words upper case, one space between words, no
/// blanks before or inside parentheses (`varchar( 40 )` -> `VARCHAR(40)`, `decimal (10, 2)`
/// -> `DECIMAL(10,2)`); "" for no type.
std::string normalize_sqlite_type(std::string_view declared);

}  // namespace migrate::sql

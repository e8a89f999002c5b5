#pragma once
/// One SQL lexer for both dialects. Everything else in src/sql (statement splitting, the
/// statement spans the PostgreSQL backend needs, catalog effects) reads SQL through it, so
/// they cannot disagree about where a string, comment or dollar-quoted body ends.
///
/// Rules per dialect:
///  - both: '...' strings ('' is a quote), "..." quoted identifiers ("" is a quote),
///    `--` comments to the end of the line, `/* */` comments, identifiers
///    [A-Za-z_\x80-\xff][A-Za-z0-9_$\x80-\xff]*, numbers, `;`.
///  - postgresql: block comments nest; E'...' strings take backslash escapes; $tag$...$tag$
///    and $$...$$ bodies; `$1` parameters. As in the server's scanner, a `$` inside an
///    identifier or a numeric literal's trailing junk (`a$$`, `1x$$`) is part of that token
///    and opens nothing, while `1$$`, `1.5$$` and `$1$$` are a number or a parameter
///    followed by a dollar-quoted body.
///  - sqlite: block comments do not nest; `...` and [...] quoted identifiers; `$name`,
///    `?1`, `:name` and `@name` parameters.
/// Unterminated strings, quoted identifiers, bodies and comments run to the end of the input
/// (`Token::terminated` is false); the database reports the error, the lexer never throws.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/dialect.hpp"

namespace migrate::sql {

enum class TokenKind {
  word,               ///< a keyword or a bare identifier (SQL tells them apart by context)
  quoted_identifier,  ///< "..." (and `...`, [...] on SQLite; U&"..." on PostgreSQL)
  string,             ///< '...', E'...', U&'...'
  dollar_string,      ///< $tag$...$tag$ (PostgreSQL)
  number,             ///< a numeric literal, with any trailing junk the server rejects
  parameter,          ///< $1 (PostgreSQL); ?, ?1, :a, @a, $a (SQLite)
  op,                 ///< an operator, or any other single character
  punct,              ///< one of ( ) [ ] , . :
  semicolon,          ///< ;
  comment,            ///< -- ... or /* ... */
};

struct Token {
  TokenKind kind = TokenKind::op;
  std::size_t begin = 0;   ///< byte offset of the first character
  std::size_t end = 0;     ///< byte offset just past the last character
  int line = 1;            ///< line of the first character, counted from `first_line`
  bool terminated = true;  ///< false: a string, identifier, body or comment the input cut off
  std::string_view text;   ///< the token as written (a view into the lexed input)

  /// A word equal to `keyword`, ignoring ASCII case.
  bool is_keyword(std::string_view keyword) const;
  bool is_punct(char c) const { return kind == TokenKind::punct && text.size() == 1 && text[0] == c; }
  /// Comments carry no meaning: statement boundaries and parsers skip them.
  bool is_significant() const { return kind != TokenKind::comment; }
};

/// Reads `sql` one token at a time; whitespace is skipped, comments are tokens.
class Lexer {
 public:
  Lexer(std::string_view sql, Dialect dialect, int first_line = 1);

  /// Reads the next token into `out`; false at the end of the input.
  bool next(Token& out);

 private:
  char at(std::size_t i) const { return i < m_sql.size() ? m_sql[i] : '\0'; }
  void skip_whitespace();
  std::size_t scan(TokenKind& kind, bool& terminated);
  std::size_t scan_word(TokenKind& kind, bool& terminated);
  std::size_t scan_dollar(TokenKind& kind, bool& terminated);
  std::size_t scan_number() const;
  std::size_t scan_block_comment(bool& terminated) const;
  std::size_t scan_quoted(std::size_t open, char quote, bool backslash, bool& terminated) const;
  std::size_t scan_operator() const;

  std::string_view m_sql;
  Dialect m_dialect;
  std::size_t m_pos = 0;
  int m_line;
};

/// All tokens of `sql`, comments included.
std::vector<Token> tokenize(std::string_view sql, Dialect dialect, int first_line = 1);

/// The name a word or quoted identifier token stands for: a quoted identifier without its
/// quotes and with doubled quotes made single; a word as written (case folding is the
/// caller's: it depends on the dialect).
std::string identifier_text(const Token& token);

}  // namespace migrate::sql

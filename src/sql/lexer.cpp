#include "sql/lexer.hpp"

#include <algorithm>

#include "util/strings.hpp"

namespace migrate::sql {

namespace {

constexpr auto npos = std::string_view::npos;

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

constexpr bool is_ident_cont(char c) { return is_ident_start(c) || is_digit(c) || c == '$'; }

// The characters PostgreSQL builds multi-character operators from; SQLite's operators are
// a subset, so one rule serves both.
constexpr bool is_op_char(char c) { return std::string_view("~!@#^&|`?+-*/%<>=").find(c) != npos; }

constexpr bool is_punct_char(char c) { return std::string_view("()[],.:").find(c) != npos; }

}  // namespace

bool Token::is_keyword(std::string_view keyword) const {
  return kind == TokenKind::word && util::iequals(text, keyword);
}

Lexer::Lexer(std::string_view sql, Dialect dialect, int first_line)
    : m_sql(sql), m_dialect(dialect), m_line(first_line) {}

bool Lexer::next(Token& out) {
  skip_whitespace();
  if (m_pos >= m_sql.size()) return false;
  out = Token{};
  out.begin = m_pos;
  out.line = m_line;
  const std::size_t end = std::min(scan(out.kind, out.terminated), m_sql.size());
  out.end = end;
  out.text = m_sql.substr(out.begin, end - out.begin);
  m_line += static_cast<int>(std::count(out.text.begin(), out.text.end(), '\n'));
  m_pos = end;
  return true;
}

void Lexer::skip_whitespace() {
  while (m_pos < m_sql.size() && util::is_space(m_sql[m_pos])) {
    if (m_sql[m_pos] == '\n') ++m_line;
    ++m_pos;
  }
}

// Classifies the token starting at m_pos and returns the offset just past it.
std::size_t Lexer::scan(TokenKind& kind, bool& terminated) {
  const bool pg = m_dialect == Dialect::postgresql;
  const char c = m_sql[m_pos];
  const char n = at(m_pos + 1);
  if (c == '-' && n == '-') {
    kind = TokenKind::comment;
    const std::size_t nl = m_sql.find('\n', m_pos);
    return nl == npos ? m_sql.size() : nl;
  }
  if (c == '/' && n == '*') {
    kind = TokenKind::comment;
    return scan_block_comment(terminated);
  }
  if (c == ';') {
    kind = TokenKind::semicolon;
    return m_pos + 1;
  }
  if (c == '\'' || c == '"' || (!pg && c == '`')) {
    kind = c == '\'' ? TokenKind::string : TokenKind::quoted_identifier;
    return scan_quoted(m_pos, c, false, terminated);
  }
  if (!pg && c == '[') {
    kind = TokenKind::quoted_identifier;
    const std::size_t close = m_sql.find(']', m_pos + 1);
    terminated = close != npos;
    return terminated ? close + 1 : m_sql.size();
  }
  if (c == '$') return scan_dollar(kind, terminated);
  if (is_digit(c) || (c == '.' && is_digit(n))) {
    kind = TokenKind::number;
    return scan_number();
  }
  if (is_ident_start(c)) return scan_word(kind, terminated);
  if (!pg && (c == '?' || ((c == ':' || c == '@') && is_ident_cont(n)))) {
    // SQLite parameters: ?, ?NNN, :name, @name.
    kind = TokenKind::parameter;
    std::size_t j = m_pos + 1;
    while (j < m_sql.size() && is_ident_cont(m_sql[j])) ++j;
    return j;
  }
  if (is_punct_char(c) && !(c == ':' && n == ':')) {
    kind = TokenKind::punct;
    return m_pos + 1;
  }
  kind = TokenKind::op;
  return scan_operator();
}

// A word, or the prefix of a PostgreSQL E'...' / U&'...' string or U&"..." identifier: the
// prefix counts only as a whole word, so `type'...'` is a word and a plain string.
std::size_t Lexer::scan_word(TokenKind& kind, bool& terminated) {
  std::size_t j = m_pos;
  while (j < m_sql.size() && is_ident_cont(m_sql[j])) ++j;
  kind = TokenKind::word;
  if (m_dialect != Dialect::postgresql || j != m_pos + 1) return j;
  const char c = m_sql[m_pos];
  if ((c == 'E' || c == 'e') && at(j) == '\'') {
    kind = TokenKind::string;
    return scan_quoted(j, '\'', true, terminated);
  }
  if ((c == 'U' || c == 'u') && at(j) == '&' && (at(j + 1) == '\'' || at(j + 1) == '"')) {
    kind = at(j + 1) == '\'' ? TokenKind::string : TokenKind::quoted_identifier;
    return scan_quoted(j + 1, at(j + 1), false, terminated);
  }
  return j;
}

// PostgreSQL: `$digits` is a parameter (trailing identifier characters are junk the server
// rejects, kept in the token); `$tag$` or `$$` opens a body that ends at the first
// occurrence of the same delimiter; a lone `$` is a character of its own.
// SQLite: `$name` is a parameter.
std::size_t Lexer::scan_dollar(TokenKind& kind, bool& terminated) {
  std::size_t j = m_pos + 1;
  if (m_dialect == Dialect::sqlite) {
    while (j < m_sql.size() && is_ident_cont(m_sql[j])) ++j;
    kind = j > m_pos + 1 ? TokenKind::parameter : TokenKind::op;
    return j;
  }
  if (is_digit(at(j))) {
    kind = TokenKind::parameter;
    while (is_digit(at(j))) ++j;
    if (is_ident_start(at(j))) {
      while (is_ident_cont(at(j))) ++j;
    }
    return j;
  }
  if (is_ident_start(at(j))) {
    while (is_ident_start(at(j)) || is_digit(at(j))) ++j;  // a tag holds no '$'
  }
  if (at(j) != '$') {
    kind = TokenKind::op;
    return m_pos + 1;
  }
  kind = TokenKind::dollar_string;
  const std::string_view tag = m_sql.substr(m_pos, j + 1 - m_pos);
  const std::size_t close = m_sql.find(tag, j + 1);
  terminated = close != npos;
  return terminated ? close + tag.size() : m_sql.size();
}

// digits[.digits][e[+-]digits]. As in PostgreSQL's scanner, which takes the longest match,
// identifier characters right after a number (`1x`, `1e5$`) are trailing junk of that
// token, so a `$` among them opens no body; `1$$` and `1.5$$` end the number before `$`.
std::size_t Lexer::scan_number() const {
  std::size_t j = m_pos;
  while (is_digit(at(j))) ++j;
  if (at(j) == '.' && at(j + 1) != '.') {
    ++j;
    while (is_digit(at(j))) ++j;
  }
  const char e = at(j);
  if ((e == 'e' || e == 'E') && (at(j + 1) == '+' || at(j + 1) == '-') && is_digit(at(j + 2))) {
    j += 2;
    while (is_digit(at(j))) ++j;
  }
  if (is_ident_start(at(j))) {
    while (is_ident_cont(at(j))) ++j;
  }
  return j;
}

std::size_t Lexer::scan_block_comment(bool& terminated) const {
  const bool nested = m_dialect == Dialect::postgresql;
  int depth = 1;
  std::size_t i = m_pos + 2;
  while (i < m_sql.size()) {
    if (nested && m_sql[i] == '/' && at(i + 1) == '*') {
      ++depth;
      i += 2;
    } else if (m_sql[i] == '*' && at(i + 1) == '/') {
      i += 2;
      if (--depth == 0) return i;
    } else {
      ++i;
    }
  }
  terminated = false;
  return m_sql.size();
}

// `open` is the opening quote; a doubled quote is an escaped one. With `backslash`
// (E'...'), a backslash escapes the character after it too.
std::size_t Lexer::scan_quoted(std::size_t open, char quote, bool backslash, bool& terminated) const {
  std::size_t i = open + 1;
  while (i < m_sql.size()) {
    const char c = m_sql[i];
    if (backslash && c == '\\') {
      i += 2;
    } else if (c == quote) {
      if (at(i + 1) != quote) return i + 1;
      i += 2;
    } else {
      ++i;
    }
  }
  terminated = false;
  return m_sql.size();
}

// A run of operator characters that stops before a comment start, as the server's lexer
// does (`*--x` is `*` and a comment); any other character stands alone.
std::size_t Lexer::scan_operator() const {
  std::size_t j = m_pos;
  if (m_sql[j] == ':') return j + 2;  // `::`, the PostgreSQL cast
  while (j < m_sql.size() && is_op_char(m_sql[j])) {
    if (j > m_pos && ((m_sql[j] == '-' && at(j + 1) == '-') || (m_sql[j] == '/' && at(j + 1) == '*'))) break;
    ++j;
  }
  return j > m_pos ? j : m_pos + 1;
}

std::vector<Token> tokenize(std::string_view sql, Dialect dialect, int first_line) {
  std::vector<Token> out;
  Lexer lexer(sql, dialect, first_line);
  Token token;
  while (lexer.next(token)) out.push_back(token);
  return out;
}

std::string identifier_text(const Token& token) {
  std::string_view t = token.text;
  if (token.kind != TokenKind::quoted_identifier) return std::string(t);
  if (t.size() >= 2 && t[1] == '&') t.remove_prefix(2);  // U&"..."
  const char open = t.empty() ? '"' : t[0];
  const char close = open == '[' ? ']' : open;
  std::string_view inner = t.substr(std::min<std::size_t>(1, t.size()));
  if (token.terminated && !inner.empty()) inner.remove_suffix(1);
  std::string out;
  for (std::size_t i = 0; i < inner.size(); ++i) {
    out += inner[i];
    if (close != ']' && inner[i] == close && i + 1 < inner.size() && inner[i + 1] == close) ++i;
  }
  return out;
}

}  // namespace migrate::sql

#include "sql/statements.hpp"

#include <algorithm>
#include <array>

#include "sql/lexer.hpp"
#include "util/strings.hpp"

namespace migrate::sql {

namespace {

// Follows the significant tokens of one open statement to tell whether a ';' ends it, that
// is whether the statement has entered a body whose ';' are its own (see statements.hpp).
class BodyTracker {
 public:
  explicit BodyTracker(Dialect dialect) : m_dialect(dialect) {}

  void token(const Token& t) {
    if (m_in_body) {
      m_end_pending = m_after_semi && t.is_keyword("end");
      m_after_semi = false;
    } else if (m_dialect == Dialect::sqlite) {
      sqlite_token(t);
    } else {
      postgres_token(t);
    }
    if (m_count < m_first.size()) m_first[m_count] = t.kind == TokenKind::word ? t.text : std::string_view{};
    ++m_count;
  }

  /// True when a ';' here ends the statement; otherwise it is one of the body's own.
  bool semicolon_ends_statement() {
    if (!m_in_body || m_end_pending) return true;
    m_after_semi = true;
    return false;
  }

 private:
  bool first_is(std::size_t i, std::string_view keyword) const {
    return i < m_count && i < m_first.size() && util::iequals(m_first[i], keyword);
  }

  // CREATE [TEMP|TEMPORARY] TRIGGER: the body starts at once, as sqlite3_complete() sees it.
  void sqlite_token(const Token& t) {
    if (!t.is_keyword("trigger") || !first_is(0, "create")) return;
    m_in_body = m_count == 1 || (m_count == 2 && (first_is(1, "temp") || first_is(1, "temporary")));
  }

  // CREATE [OR REPLACE] FUNCTION|PROCEDURE ... BEGIN ATOMIC, outside parentheses.
  void postgres_token(const Token& t) {
    if (t.is_punct('(')) ++m_paren_depth;
    if (t.is_punct(')') && m_paren_depth > 0) --m_paren_depth;
    if (m_after_begin && t.is_keyword("atomic") && is_routine()) {
      m_in_body = true;
      m_after_semi = true;  // `BEGIN ATOMIC END` is an empty body
    }
    m_after_begin = m_paren_depth == 0 && t.is_keyword("begin");
  }

  bool is_routine() const {
    auto routine_word = [&](std::size_t i) { return first_is(i, "function") || first_is(i, "procedure"); };
    return first_is(0, "create") && (routine_word(1) || (first_is(1, "or") && first_is(2, "replace") && routine_word(3)));
  }

  Dialect m_dialect;
  std::array<std::string_view, 4> m_first{};  // the first tokens when they are words
  std::size_t m_count = 0;
  int m_paren_depth = 0;
  bool m_after_begin = false;
  bool m_in_body = false;
  bool m_after_semi = false;
  bool m_end_pending = false;
};

}  // namespace

namespace {

// 1-based column of byte `offset`: the bytes since the line's start.
int column_at(std::string_view sql, std::size_t offset) {
  const auto newline = offset == 0 ? std::string_view::npos : sql.rfind('\n', offset - 1);
  return static_cast<int>(newline == std::string_view::npos ? offset + 1 : offset - newline);
}

}  // namespace

std::vector<StatementSpan> statement_spans(std::string_view sql, Dialect dialect, int first_line) {
  std::vector<StatementSpan> out;
  Lexer lexer(sql, dialect, first_line);
  Token t;
  bool open = false;
  StatementSpan current;
  BodyTracker body(dialect);
  while (lexer.next(t)) {
    if (!t.is_significant()) continue;
    if (t.kind == TokenKind::semicolon) {
      if (!open) continue;
      if (!body.semicolon_ends_statement()) {
        current.end = t.end;
        continue;
      }
      current.terminator_end = t.end;
      out.push_back(current);
      open = false;
      body = BodyTracker(dialect);
      continue;
    }
    if (!open) {
      open = true;
      current = StatementSpan{t.begin, t.end, 0, t.line, column_at(sql, t.begin)};
    }
    current.end = t.end;
    body.token(t);
  }
  if (open) {
    current.terminator_end = sql.size();
    out.push_back(current);
  }
  return out;
}

std::vector<Statement> split_statements(std::string_view sql, Dialect dialect, int first_line) {
  std::vector<Statement> out;
  for (const auto& span : statement_spans(sql, dialect, first_line)) {
    out.push_back(Statement{std::string(sql.substr(span.begin, span.end - span.begin)), span.line, span.column});
  }
  return out;
}

std::size_t byte_offset_of_position(std::string_view text, long position, bool utf8) {
  if (position <= 1) return 0;
  if (!utf8) return std::min<std::size_t>(static_cast<std::size_t>(position - 1), text.size());
  long chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    // A UTF-8 continuation byte (10xxxxxx) belongs to the character before it.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (++chars == position) return i;
  }
  return text.size();
}

}  // namespace migrate::sql

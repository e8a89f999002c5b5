#include "script/statement_splitter.hpp"

#include "util/strings.hpp"

namespace migrate::script {

namespace {

constexpr bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

constexpr bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$'; }

// Scans one section. Positions are byte offsets into m_sql; `m_line` is the file line of
// m_pos. A statement runs from its first significant token to its last one, so leading and
// trailing comments and whitespace are never part of `Statement::text`.
class Splitter {
 public:
  Splitter(std::string_view sql, Dialect dialect, int first_line)
      : m_sql(sql), m_dialect(dialect), m_line(first_line) {}

  std::vector<Statement> run() {
    while (m_pos < m_sql.size()) step();
    emit();
    return std::move(m_out);
  }

 private:
  char at(std::size_t i) const { return i < m_sql.size() ? m_sql[i] : '\0'; }

  void step() {
    const char c = m_sql[m_pos];
    if (c == '\n') {
      ++m_line;
      ++m_pos;
    } else if (util::is_space(c)) {
      ++m_pos;
    } else if (c == '-' && at(m_pos + 1) == '-') {
      while (m_pos < m_sql.size() && m_sql[m_pos] != '\n') ++m_pos;
    } else if (c == '/' && at(m_pos + 1) == '*') {
      skip_block_comment();
    } else if (c == ';') {
      on_semicolon();
    } else if (c == '\'') {
      begin_token();
      skip_quoted('\'', false);
      other_token();
    } else if (c == '"') {
      begin_token();
      skip_quoted('"', false);
      other_token();
    } else if (m_dialect == Dialect::sqlite && c == '`') {
      begin_token();
      skip_quoted('`', false);
      other_token();
    } else if (m_dialect == Dialect::sqlite && c == '[') {
      begin_token();
      skip_until(']');
      other_token();
    } else if (m_dialect == Dialect::postgresql && c == '$' && try_dollar_quote()) {
      other_token();
    } else if (is_ident_start(c)) {
      word();
    } else {
      begin_token();
      ++m_pos;
      other_token();
    }
  }

  // Marks the start of the current statement at m_pos when none is open yet.
  void begin_token() {
    if (m_start == std::string_view::npos) {
      m_start = m_pos;
      m_start_line = m_line;
    }
  }

  void advance_to(std::size_t end) {
    for (; m_pos < end; ++m_pos) {
      if (m_sql[m_pos] == '\n') ++m_line;
    }
  }

  void skip_block_comment() {
    const bool nested = m_dialect == Dialect::postgresql;
    int depth = 0;
    while (m_pos < m_sql.size()) {
      if (m_sql[m_pos] == '/' && at(m_pos + 1) == '*' && (nested || depth == 0)) {
        ++depth;
        m_pos += 2;
      } else if (m_sql[m_pos] == '*' && at(m_pos + 1) == '/') {
        m_pos += 2;
        if (--depth == 0) return;
      } else {
        advance_to(m_pos + 1);
      }
    }
  }

  // m_pos is on the opening quote; a doubled quote is an escaped one. With `backslash`,
  // a backslash escapes the next character too (PostgreSQL E'...').
  void skip_quoted(char quote, bool backslash) {
    advance_to(m_pos + 1);
    while (m_pos < m_sql.size()) {
      const char c = m_sql[m_pos];
      if (backslash && c == '\\') {
        advance_to(std::min(m_pos + 2, m_sql.size()));
      } else if (c == quote) {
        ++m_pos;
        if (at(m_pos) != quote) return;
        ++m_pos;
      } else {
        advance_to(m_pos + 1);
      }
    }
  }

  void skip_until(char close) {
    std::size_t end = m_sql.find(close, m_pos + 1);
    advance_to(end == std::string_view::npos ? m_sql.size() : end + 1);
  }

  // $tag$ ... $tag$ where tag is empty or an identifier not starting with a digit; `$1` is a
  // parameter and `a$b` part of an identifier, neither opens a body.
  bool try_dollar_quote() {
    if (m_pos > 0 && is_ident_char(m_sql[m_pos - 1])) return false;
    std::size_t j = m_pos + 1;
    if (j < m_sql.size() && is_ident_start(m_sql[j])) {
      while (j < m_sql.size() && is_ident_char(m_sql[j]) && m_sql[j] != '$') ++j;
    }
    if (at(j) != '$') return false;
    const std::string_view tag = m_sql.substr(m_pos, j + 1 - m_pos);
    begin_token();
    const std::size_t close = m_sql.find(tag, j + 1);
    advance_to(close == std::string_view::npos ? m_sql.size() : close + tag.size());
    return true;
  }

  void word() {
    begin_token();
    std::size_t j = m_pos;
    while (j < m_sql.size() && is_ident_char(m_sql[j])) ++j;
    const std::string_view w = m_sql.substr(m_pos, j - m_pos);
    m_pos = j;
    if (m_dialect == Dialect::postgresql && w.size() == 1 && (w[0] == 'E' || w[0] == 'e') && at(m_pos) == '\'') {
      skip_quoted('\'', true);
      other_token();
      return;
    }
    word_token(w);
  }

  void other_token() {
    m_end = m_pos;
    ++m_tokens;
    m_prev_word = {};
    m_after_semi = false;
    m_end_pending = false;
  }

  // Tracks the two statement forms whose bodies hold semicolons: SQLite's
  // `CREATE [TEMP|TEMPORARY] TRIGGER ... BEGIN ...; END` and PostgreSQL's
  // `CREATE ... BEGIN ATOMIC ...; END`. As in sqlite3_complete(), a body ends at an END that
  // directly follows a ';', so a CASE ... END inside the body does not end it.
  void word_token(std::string_view w) {
    m_end = m_pos;
    if (m_in_body) {
      if (m_after_semi && util::iequals(w, "END")) {
        m_end_pending = true;
      } else {
        m_end_pending = false;
      }
      m_after_semi = false;
    } else if (m_tokens < 3) {
      m_first[m_tokens] = w;
      if (m_dialect == Dialect::sqlite && util::iequals(m_first[0], "CREATE") && util::iequals(w, "TRIGGER") &&
          (m_tokens == 1 ||
           (m_tokens == 2 && (util::iequals(m_first[1], "TEMP") || util::iequals(m_first[1], "TEMPORARY"))))) {
        m_in_body = true;
      }
    }
    if (!m_in_body && m_dialect == Dialect::postgresql && util::iequals(m_first[0], "CREATE") &&
        util::iequals(m_prev_word, "BEGIN") && util::iequals(w, "ATOMIC")) {
      m_in_body = true;
      m_after_semi = true;  // `BEGIN ATOMIC END` is an empty body
    }
    m_prev_word = w;
    ++m_tokens;
  }

  void on_semicolon() {
    if (m_in_body && !m_end_pending) {
      begin_token();
      ++m_pos;
      m_end = m_pos;
      m_after_semi = true;
      m_prev_word = {};
      ++m_tokens;
      return;
    }
    emit();
    ++m_pos;
  }

  void emit() {
    if (m_start != std::string_view::npos) {
      m_out.push_back(Statement{std::string(m_sql.substr(m_start, m_end - m_start)), m_start_line});
    }
    m_start = std::string_view::npos;
    m_end = 0;
    m_tokens = 0;
    m_first[0] = m_first[1] = m_first[2] = {};
    m_prev_word = {};
    m_in_body = m_after_semi = m_end_pending = false;
  }

  std::string_view m_sql;
  Dialect m_dialect;
  std::size_t m_pos = 0;
  int m_line;
  std::vector<Statement> m_out;

  // The open statement.
  std::size_t m_start = std::string_view::npos;
  int m_start_line = 0;
  std::size_t m_end = 0;  // one past its last significant character
  int m_tokens = 0;
  std::string_view m_first[3];
  std::string_view m_prev_word;
  bool m_in_body = false;
  bool m_after_semi = false;
  bool m_end_pending = false;
};

}  // namespace

std::vector<Statement> split_statements(std::string_view sql, Dialect dialect, int first_line) {
  return Splitter(sql, dialect, first_line).run();
}

}  // namespace migrate::script

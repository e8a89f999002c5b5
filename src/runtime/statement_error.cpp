#include "runtime/statement_error.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sql/statements.hpp"

namespace migrate::runtime {
namespace {

constexpr size_t k_statement_excerpt = 300;

/// The file line of byte `position` of `text`, whose first character is on `first_line`.
int line_at(std::string_view text, long position, int first_line) {
  if (position < 0) return first_line;
  auto end = std::min<size_t>(static_cast<size_t>(position), text.size());
  return first_line + static_cast<int>(std::count(text.begin(), text.begin() + end, '\n'));
}

/// The statement of `text` that contains byte `position` (the splitter's statements are
/// located in `text` in order; a statement not found verbatim falls back to its line).
std::string statement_at(std::string_view text, long position, Dialect dialect, int first_line) {
  auto statements = sql::split_statements(text, dialect, first_line);
  if (statements.empty()) return std::string(text);
  if (position < 0) return statements.front().text;
  size_t cursor = 0;
  const sql::Statement* best = &statements.front();
  int line = line_at(text, position, first_line);
  for (const auto& s : statements) {
    auto at = text.find(s.text, cursor);
    if (at != std::string_view::npos) {
      if (at > static_cast<size_t>(position)) break;
      best = &s;
      cursor = at + s.text.size();
      if (static_cast<size_t>(position) < cursor) break;
    } else if (s.line <= line) {
      best = &s;
    }
  }
  return best->text;
}

}  // namespace

std::string statement_excerpt(std::string_view statement) {
  std::string one_line;
  bool space = false;
  for (char c : statement) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = true;
      continue;
    }
    if (space && !one_line.empty()) one_line += ' ';
    space = false;
    one_line += c;
  }
  if (one_line.size() > k_statement_excerpt) one_line = one_line.substr(0, k_statement_excerpt) + " ...";
  return one_line;
}

std::string combine_hints(const backend::DatabaseError& e, const std::string& runner_hint) {
  std::string db_hint = !e.hint().empty() ? e.hint() : e.details().server_hint;
  if (db_hint.empty()) return runner_hint;
  if (runner_hint.empty()) return db_hint;
  return db_hint + "; " + runner_hint;
}

Error statement_error(const backend::DatabaseError& e, const FailedStatement& at, const std::string& runner_hint) {
  auto position = e.details().position;
  int line = line_at(at.sent, position, at.first_line);
  auto statement = statement_excerpt(statement_at(at.sent, position, at.dialect, at.first_line));
  Error error(ErrorKind::database,
              fmt::format("revision {} failed at {}:{}: {}\n  statement: {}", at.revision,
                          at.file.empty() ? "?" : at.file, line, e.what(), statement),
              combine_hints(e, runner_hint));
  return error.located({at.revision, at.file, line, statement, e.details().sqlstate});
}

}  // namespace migrate::runtime

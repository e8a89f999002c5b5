// What every backend shares by default.

#include "backend/backend.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include <spdlog/spdlog.h>

#include "backend/sql_dialect.hpp"

namespace migrate::backend {

namespace {
constexpr std::pair<Engine, const char*> k_engine_names[] = {{Engine::sqlite, "sqlite"},
                                                             {Engine::postgresql, "postgresql"},
                                                             {Engine::citus, "citus"},
                                                             {Engine::cockroachdb, "cockroachdb"},
                                                             {Engine::yugabytedb, "yugabytedb"}};
}  // namespace

const char* to_string(Engine engine) noexcept {
  for (const auto& [e, name] : k_engine_names)
    if (e == engine) return name;
  return "";
}

std::optional<Engine> engine_named(std::string_view name) noexcept {
  for (const auto& [e, word] : k_engine_names)
    if (name == word) return e;
  return std::nullopt;
}

LockWait::LockWait(std::chrono::milliseconds timeout, LockPoll between_polls)
    : m_deadline(std::chrono::steady_clock::now() + timeout), m_between_polls(std::move(between_polls)) {}

bool LockWait::pause(std::chrono::milliseconds poll, const std::string& waiting) {
  if (m_between_polls) m_between_polls();  // first: a stop request beats the timeout
  auto now = std::chrono::steady_clock::now();
  if (now >= m_deadline) return false;
  if (!m_told) {
    spdlog::info("{}", waiting);
    m_told = true;
  }
  std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(poll, m_deadline - now));
  return true;
}

void Backend::for_each_row(std::string_view sql, const RowSink& sink) {
  for (auto& row : query(sql)) sink(std::move(row));
}

// One statement at a time: right for an embedded database, where a statement costs no
// round trip. The last one is run as a query so that its RETURNING rows come back.
Backend::BatchResult Backend::execute_batch(const std::vector<Statement>& statements) {
  BatchResult out;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    if (i + 1 < statements.size()) {
      out.changes.push_back(run_statement(statements[i], nullptr));
    } else {
      run_statement(statements[i], &out.last_rows);
      out.changes.push_back(static_cast<long long>(out.last_rows.size()));
    }
  }
  return out;
}

long long Backend::run_statement(const Statement& statement, std::vector<Row>* rows) {
  const auto sql = inline_values(statement);
  if (!rows) return execute(sql);
  *rows = query(sql);
  return static_cast<long long>(rows->size());
}

std::string Backend::inline_values(const Statement& statement) {
  if (statement.values.empty()) return statement.sql;
  std::string out;
  std::size_t next = 0;
  char quote = 0;  // the quote character of the literal or name being read, if any
  for (char c : statement.sql) {
    if (quote) {
      if (c == quote) quote = 0;  // a doubled quote closes and reopens: the same outcome
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?') {
      if (next == statement.values.size())
        throw std::logic_error("more placeholders than values in: " + statement.sql);
      const auto& value = statement.values[next++];
      out += value ? sql::quote_literal(*value) : std::string("NULL");
      continue;
    }
    out += c;
  }
  if (next != statement.values.size()) throw std::logic_error("more values than placeholders in: " + statement.sql);
  return out;
}

}  // namespace migrate::backend

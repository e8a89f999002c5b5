// The SQLite statement facts, read through the project's lexer (src/sql). First version:
// statements are split and located, not yet classified (Kind::other_ddl).
#include "lint/facts.hpp"
#include "sql/statements.hpp"

namespace migrate::lint {

std::vector<StatementFacts> sqlite_facts(std::string_view sql, int first_line) {
  std::vector<StatementFacts> out;
  for (const auto& statement : sql::split_statements(sql, Dialect::sqlite, first_line)) {
    StatementFacts facts;
    facts.text = statement.text;
    facts.line = statement.line;
    facts.column = 1;
    out.push_back(std::move(facts));
  }
  return out;
}

}  // namespace migrate::lint

#include "lint/facts.hpp"

#include "sql/statements.hpp"

namespace migrate::lint {

std::vector<StatementFacts> located_statements(std::string_view sql, Dialect dialect, int first_line) {
  std::vector<StatementFacts> out;
  for (const auto& span : sql::statement_spans(sql, dialect, first_line)) {
    StatementFacts facts;
    facts.text = std::string(sql.substr(span.begin, span.end - span.begin));
    facts.line = span.line;
    facts.column = span.column;
    out.push_back(std::move(facts));
  }
  return out;
}

std::vector<StatementFacts> statement_facts(std::string_view sql, Dialect dialect, int first_line) {
  return dialect == Dialect::postgresql ? postgres_facts(sql, first_line) : sqlite_facts(sql, first_line);
}

}  // namespace migrate::lint

#include "lint/facts.hpp"

namespace migrate::lint {

std::vector<StatementFacts> statement_facts(std::string_view sql, Dialect dialect, int first_line) {
  return dialect == Dialect::postgresql ? postgres_facts(sql, first_line) : sqlite_facts(sql, first_line);
}

}  // namespace migrate::lint

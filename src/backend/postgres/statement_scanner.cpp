// Forwarding definitions; callers move to sql/statements.hpp.
#include "backend/postgres/statement_scanner.hpp"

namespace migrate::backend::postgres {

std::vector<StatementSpan> scan_statements(std::string_view sql) {
  std::vector<StatementSpan> out;
  for (const auto& span : sql::statement_spans(sql, Dialect::postgresql)) {
    out.push_back(StatementSpan{span.begin, span.terminator_end});
  }
  return out;
}

}  // namespace migrate::backend::postgres

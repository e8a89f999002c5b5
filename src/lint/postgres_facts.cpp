// The PostgreSQL statement facts, from libpg_query's parse tree (the server's own grammar).
// First version: each statement is parsed; what the parser refuses is Kind::unparsed, the
// rest is not yet classified (Kind::other_ddl).
#include <pg_query.h>

#include "lint/facts.hpp"
#include "sql/statements.hpp"

namespace migrate::lint {

namespace {

// 1-based column of byte `offset` in `sql`: bytes since the previous '\n'.
int column_of(std::string_view sql, std::size_t offset) {
  const auto newline = sql.rfind('\n', offset == 0 ? 0 : offset - 1);
  return static_cast<int>(newline == std::string_view::npos || offset == 0 ? offset + 1 : offset - newline);
}

}  // namespace

std::vector<StatementFacts> postgres_facts(std::string_view sql, int first_line) {
  std::vector<StatementFacts> out;
  for (const auto& span : sql::statement_spans(sql, Dialect::postgresql, first_line)) {
    StatementFacts facts;
    facts.text = std::string(sql.substr(span.begin, span.end - span.begin));
    facts.line = span.line;
    facts.column = column_of(sql, span.begin);
    PgQueryParseResult result = pg_query_parse(facts.text.c_str());
    if (result.error) {
      facts.kind = StatementFacts::Kind::unparsed;
      facts.error = result.error->message ? result.error->message : "syntax error";
    }
    pg_query_free_parse_result(result);
    out.push_back(std::move(facts));
  }
  return out;
}

}  // namespace migrate::lint

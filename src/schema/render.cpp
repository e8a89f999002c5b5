// The renderer's entry point and what both dialects share: name folding, dependency order,
// the layout of the output.
#include "schema/render.hpp"

#include "schema/render_internal.hpp"
#include "sql/keywords.hpp"
#include "sql/lexer.hpp"
#include "util/strings.hpp"

namespace migrate::schema {
namespace render_detail {

std::string sqlite_name(std::string_view name) { return sql::quote_sqlite_name(name); }

std::string folded(const std::string& name, Dialect dialect) {
  return dialect == Dialect::sqlite ? util::to_lower(name) : name;
}

std::set<std::string> identifiers_in(std::string_view text, Dialect dialect) {
  std::set<std::string> out;
  for (const auto& token : sql::tokenize(text, dialect)) {
    if (token.kind == sql::TokenKind::word)
      out.insert(util::to_lower(token.text));
    else if (token.kind == sql::TokenKind::quoted_identifier)
      out.insert(folded(sql::identifier_text(token), dialect));
  }
  return out;
}

std::vector<std::size_t> dependency_order(const std::vector<std::set<std::size_t>>& depends_on) {
  const std::size_t n = depends_on.size();
  std::vector<bool> placed(n, false);
  std::vector<std::size_t> order;
  while (order.size() < n) {
    std::size_t next = n;
    for (std::size_t i = 0; i < n && next == n; ++i) {
      if (placed[i]) continue;
      bool ready = true;
      for (auto d : depends_on[i]) ready = ready && (d == i || d >= n || placed[d]);
      if (ready) next = i;
    }
    // A cycle: nothing is ready, so the first node left goes next.
    for (std::size_t i = 0; i < n && next == n; ++i)
      if (!placed[i]) next = i;
    placed[next] = true;
    order.push_back(next);
  }
  return order;
}

std::vector<const View*> ordered_views(const std::vector<View>& views, Dialect dialect) {
  std::vector<std::set<std::size_t>> depends_on(views.size());
  for (std::size_t i = 0; i < views.size(); ++i) {
    auto names = identifiers_in(views[i].definition, dialect);
    for (std::size_t j = 0; j < views.size(); ++j)
      if (j != i && names.count(folded(views[j].name.name, dialect))) depends_on[i].insert(j);
  }
  std::vector<const View*> out;
  for (auto i : dependency_order(depends_on)) out.push_back(&views[i]);
  return out;
}

std::string Blocks::join(const std::string& header) const {
  std::string out = header;
  for (const auto& block : m_blocks) {
    out += '\n';
    out += block;
  }
  return out;
}

std::string column_list(const std::vector<std::string>& columns, Dialect dialect) {
  std::vector<std::string> quoted;
  for (const auto& c : columns) quoted.push_back(dialect == Dialect::sqlite ? sqlite_name(c) : pg_ident(c));
  return "(" + util::join(quoted, ", ") + ")";
}

std::string deferrable_clause(const Constraint& c) {
  std::string out;
  if (c.deferrable) out += " DEFERRABLE";
  if (c.initially_deferred) out += " INITIALLY DEFERRED";
  return out;
}

std::string without_terminator(std::string_view text) {
  text = util::trim_right(text);
  if (!text.empty() && text.back() == ';') text = util::trim_right(text.substr(0, text.size() - 1));
  return std::string(text);
}

}  // namespace render_detail

std::string render_sql(const Schema& schema) {
  auto canonical = canonical_copy(schema);
  return canonical.dialect == Dialect::sqlite ? render_detail::render_sqlite(canonical)
                                              : render_detail::render_postgres(canonical);
}

}  // namespace migrate::schema

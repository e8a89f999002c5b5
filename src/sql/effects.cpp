#include "sql/effects.hpp"

#include <initializer_list>
#include <utility>
#include <vector>

#include "sql/lexer.hpp"
#include "util/strings.hpp"

namespace migrate::sql {

namespace {

using Name = std::pair<std::string, std::string>;  // {schema, name}

/// A cursor over the significant tokens of a statement with the few moves the grammar
/// needs. Strings, numbers and bodies are opaque tokens, so a ',' or '(' inside them never
/// looks like structure.
class Parser {
 public:
  Parser(std::string_view sql, Dialect dialect) : m_dialect(dialect) {
    for (const auto& t : tokenize(sql, dialect)) {
      if (t.is_significant()) m_tokens.push_back(t);
    }
  }

  bool accept(std::string_view keyword) {
    if (!peek(keyword)) return false;
    ++m_pos;
    return true;
  }
  /// Accepts a sequence of keywords, all or nothing.
  bool accept_all(std::initializer_list<std::string_view> keywords) {
    const std::size_t saved = m_pos;
    for (auto k : keywords) {
      if (!accept(k)) {
        m_pos = saved;
        return false;
      }
    }
    return true;
  }
  bool peek(std::string_view keyword) const { return m_pos < m_tokens.size() && m_tokens[m_pos].is_keyword(keyword); }
  bool accept_punct(char c) {
    if (m_pos >= m_tokens.size() || !m_tokens[m_pos].is_punct(c)) return false;
    ++m_pos;
    return true;
  }

  /// One name part, folded as the database folds it; nullopt when the next token is no name.
  std::optional<std::string> name_part() {
    if (m_pos >= m_tokens.size()) return std::nullopt;
    const Token& t = m_tokens[m_pos];
    if (t.kind != TokenKind::word && t.kind != TokenKind::quoted_identifier) return std::nullopt;
    ++m_pos;
    if (t.kind == TokenKind::word && m_dialect == Dialect::postgresql) return util::to_lower(t.text);
    return identifier_text(t);
  }

  /// `[schema.]name`.
  std::optional<Name> qualified_name() {
    auto first = name_part();
    if (!first) return std::nullopt;
    if (!accept_punct('.')) return Name{"", *first};
    auto second = name_part();
    if (!second) return std::nullopt;
    return Name{*first, *second};
  }

  /// True when a ',' stands outside parentheses from here on (several objects/actions).
  bool top_level_comma_follows() const {
    int depth = 0;
    for (std::size_t i = m_pos; i < m_tokens.size(); ++i) {
      const Token& t = m_tokens[i];
      if (t.is_punct('(')) ++depth;
      else if (t.is_punct(')')) --depth;
      else if (t.is_punct(',') && depth == 0) return true;
    }
    return false;
  }

 private:
  std::vector<Token> m_tokens;
  Dialect m_dialect;
  std::size_t m_pos = 0;
};

CatalogEffect effect(ObjectKind kind, std::string schema, std::string table, std::string name, bool present) {
  return {CatalogObject{kind, std::move(schema), std::move(table), std::move(name)}, present};
}

std::optional<CatalogEffect> create_table(Parser& p) {
  p.accept_all({"if", "not", "exists"});
  auto name = p.qualified_name();
  if (!name) return std::nullopt;
  return effect(ObjectKind::table, name->first, name->second, "", true);
}

std::optional<CatalogEffect> drop_table(Parser& p) {
  p.accept_all({"if", "exists"});
  auto name = p.qualified_name();
  if (!name || p.top_level_comma_follows()) return std::nullopt;
  return effect(ObjectKind::table, name->first, name->second, "", false);
}

/// CREATE [UNIQUE] INDEX ... (after INDEX). An index lives in its table's schema on
/// PostgreSQL (the index name cannot be qualified there); SQLite qualifies the index name.
std::optional<CatalogEffect> create_index(Parser& p) {
  p.accept("concurrently");
  p.accept_all({"if", "not", "exists"});
  if (p.peek("on")) return std::nullopt;  // unnamed: PostgreSQL picks the name
  auto index = p.qualified_name();
  if (!index || !p.accept("on")) return std::nullopt;
  p.accept("only");
  auto table = p.qualified_name();
  if (!table) return std::nullopt;
  std::string schema = index->first.empty() ? table->first : index->first;
  return effect(ObjectKind::index, schema, table->second, index->second, true);
}

std::optional<CatalogEffect> drop_index(Parser& p) {
  p.accept("concurrently");
  p.accept_all({"if", "exists"});
  auto index = p.qualified_name();
  if (!index || p.top_level_comma_follows()) return std::nullopt;
  return effect(ObjectKind::index, index->first, "", index->second, false);
}

bool starts_table_constraint(const Parser& p) {
  return p.peek("primary") || p.peek("unique") || p.peek("check") || p.peek("foreign") || p.peek("exclude");
}

std::optional<CatalogEffect> alter_add(Parser& p, const Name& table) {
  if (p.accept("constraint")) {
    auto c = p.name_part();
    if (!c) return std::nullopt;
    return effect(ObjectKind::constraint, table.first, table.second, *c, true);
  }
  if (starts_table_constraint(p)) return std::nullopt;  // unnamed constraint
  p.accept("column");
  p.accept_all({"if", "not", "exists"});
  auto column = p.name_part();
  if (!column) return std::nullopt;
  return effect(ObjectKind::column, table.first, table.second, *column, true);
}

std::optional<CatalogEffect> alter_drop(Parser& p, const Name& table) {
  const bool constraint = p.accept("constraint");
  if (!constraint) p.accept("column");
  p.accept_all({"if", "exists"});
  auto name = p.name_part();
  if (!name) return std::nullopt;
  return effect(constraint ? ObjectKind::constraint : ObjectKind::column, table.first, table.second, *name, false);
}

std::optional<CatalogEffect> alter_table(Parser& p) {
  p.accept_all({"if", "exists"});
  p.accept("only");
  auto table = p.qualified_name();
  if (!table || p.top_level_comma_follows()) return std::nullopt;
  if (p.accept("add")) return alter_add(p, *table);
  if (p.accept("drop")) return alter_drop(p, *table);
  return std::nullopt;
}

std::optional<CatalogEffect> create(Parser& p) {
  if (p.accept("unique")) return p.accept("index") ? create_index(p) : std::nullopt;
  if (p.accept("index")) return create_index(p);
  if (p.accept("temp") || p.accept("temporary")) return std::nullopt;  // session-local: never visible later
  p.accept("unlogged");
  if (p.accept("table")) return create_table(p);
  return std::nullopt;
}

}  // namespace

std::optional<CatalogEffect> catalog_effect(std::string_view statement, Dialect dialect) {
  Parser p(statement, dialect);
  if (p.accept("create")) return create(p);
  if (p.accept("drop")) {
    if (p.accept("table")) return drop_table(p);
    if (p.accept("index")) return drop_index(p);
    return std::nullopt;
  }
  if (p.accept_all({"alter", "table"})) return alter_table(p);
  return std::nullopt;
}

std::string describe(const CatalogObject& o) {
  auto qualified = [&](const std::string& n) { return o.schema.empty() ? n : o.schema + "." + n; };
  switch (o.kind) {
    case ObjectKind::table:
      return "table " + qualified(o.table);
    case ObjectKind::column:
      return "column " + qualified(o.table) + "." + o.name;
    case ObjectKind::index:
      return "index " + qualified(o.name);
    case ObjectKind::constraint:
      return "constraint " + o.name + " on " + qualified(o.table);
  }
  return "object";
}

namespace {

bool any_keyword(const Token& t, std::initializer_list<std::string_view> keywords) {
  for (auto k : keywords)
    if (t.is_keyword(k)) return true;
  return false;
}

bool postgres_needs_no_transaction(const std::vector<Token>& t) {
  if (any_keyword(t[0], {"vacuum"})) return true;
  if (t.size() > 1 && any_keyword(t[0], {"create", "drop"}) && any_keyword(t[1], {"database", "tablespace"}))
    return true;
  if (t.size() > 1 && t[0].is_keyword("alter") && t[1].is_keyword("system")) return true;
  // CREATE [UNIQUE] INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX ... CONCURRENTLY.
  bool index_work = t[0].is_keyword("reindex") || (any_keyword(t[0], {"create", "drop"}) && t.size() > 1 &&
                                                   any_keyword(t[1], {"index", "unique"}));
  if (!index_work) return false;
  for (std::size_t i = 1; i < t.size() && i < 6; ++i)
    if (t[i].is_keyword("concurrently")) return true;
  return false;
}

}  // namespace

bool runs_outside_transaction(std::string_view statement, Dialect dialect) {
  std::vector<Token> tokens;
  for (const auto& t : tokenize(statement, dialect))
    if (t.is_significant()) tokens.push_back(t);
  if (tokens.empty()) return false;
  const Token& first = tokens[0];
  if (any_keyword(first, {"begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release"}))
    return true;
  if (tokens.size() > 1 && first.is_keyword("prepare") && tokens[1].is_keyword("transaction")) return true;
  if (dialect == Dialect::sqlite) return any_keyword(first, {"pragma", "vacuum", "attach", "detach"});
  return postgres_needs_no_transaction(tokens);
}

}  // namespace migrate::sql

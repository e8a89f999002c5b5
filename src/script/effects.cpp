#include "script/effects.hpp"

#include <cctype>
#include <vector>

#include "util/strings.hpp"

namespace migrate::script {

namespace {

/// A token of the statement: a word (bare or quoted identifier, keyword) or one
/// punctuation character. Strings and numbers are kept as opaque tokens so that a
/// parenthesised body never confuses the name that follows a keyword.
struct Token {
  enum class Kind { word, quoted, punct, other };
  Kind kind;
  std::string text;  ///< word: as written; quoted: unescaped; punct: the character

  bool is(std::string_view keyword) const { return kind == Kind::word && util::iequals(text, keyword); }
  bool is_name() const { return kind == Kind::word || kind == Kind::quoted; }
};

bool is_word_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); }
bool is_word_char(char c) { return is_word_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$'; }

/// Reads a quoted run opened by `open` and closed by `close` (doubled closer = literal).
std::string read_quoted(std::string_view s, std::size_t& i, char close) {
  std::string out;
  ++i;  // opener
  while (i < s.size()) {
    if (s[i] == close) {
      if (close != ']' && i + 1 < s.size() && s[i + 1] == close) {
        out += close;
        i += 2;
        continue;
      }
      ++i;
      return out;
    }
    out += s[i++];
  }
  return out;
}

std::vector<Token> tokenize(std::string_view s, Dialect dialect) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (util::is_space(c)) {
      ++i;
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      auto end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
    } else if (c == '"') {
      out.push_back({Token::Kind::quoted, read_quoted(s, i, '"')});
    } else if (dialect == Dialect::sqlite && c == '`') {
      out.push_back({Token::Kind::quoted, read_quoted(s, i, '`')});
    } else if (dialect == Dialect::sqlite && c == '[') {
      out.push_back({Token::Kind::quoted, read_quoted(s, i, ']')});
    } else if (c == '\'') {
      read_quoted(s, i, '\'');
      out.push_back({Token::Kind::other, "'"});
    } else if (is_word_start(c)) {
      std::size_t start = i;
      while (i < s.size() && is_word_char(s[i])) ++i;
      out.push_back({Token::Kind::word, std::string(s.substr(start, i - start))});
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
      out.push_back({Token::Kind::other, "0"});
    } else {
      out.push_back({Token::Kind::punct, std::string(1, c)});
      ++i;
    }
  }
  return out;
}

/// A cursor over the tokens with the few moves the grammar needs.
class Parser {
 public:
  Parser(std::vector<Token> tokens, Dialect dialect) : m_tokens(std::move(tokens)), m_dialect(dialect) {}

  bool accept(std::string_view keyword) {
    if (m_pos < m_tokens.size() && m_tokens[m_pos].is(keyword)) {
      ++m_pos;
      return true;
    }
    return false;
  }
  /// Accepts a sequence of keywords, all or nothing.
  bool accept_all(std::initializer_list<std::string_view> keywords) {
    std::size_t saved = m_pos;
    for (auto k : keywords)
      if (!accept(k)) {
        m_pos = saved;
        return false;
      }
    return true;
  }
  bool peek(std::string_view keyword) const { return m_pos < m_tokens.size() && m_tokens[m_pos].is(keyword); }
  bool at_end() const { return m_pos >= m_tokens.size(); }
  bool accept_punct(char c) {
    if (m_pos < m_tokens.size() && m_tokens[m_pos].kind == Token::Kind::punct && m_tokens[m_pos].text[0] == c) {
      ++m_pos;
      return true;
    }
    return false;
  }

  /// One name part, folded as the database folds it; nullopt when the next token is no name.
  std::optional<std::string> name_part() {
    if (m_pos >= m_tokens.size() || !m_tokens[m_pos].is_name()) return std::nullopt;
    const auto& t = m_tokens[m_pos++];
    if (t.kind == Token::Kind::word && m_dialect == Dialect::postgresql) return util::to_lower(t.text);
    return t.text;
  }

  /// `[schema.]name`: {schema, name}.
  std::optional<std::pair<std::string, std::string>> qualified_name() {
    auto first = name_part();
    if (!first) return std::nullopt;
    if (!accept_punct('.')) return std::pair<std::string, std::string>{"", *first};
    auto second = name_part();
    if (!second) return std::nullopt;
    return std::pair<std::string, std::string>{*first, *second};
  }

  /// True when a ',' stands at parenthesis depth 0 from here on (several objects/actions).
  bool top_level_comma_follows() const {
    int depth = 0;
    for (std::size_t i = m_pos; i < m_tokens.size(); ++i) {
      const auto& t = m_tokens[i];
      if (t.kind != Token::Kind::punct) continue;
      if (t.text[0] == '(') ++depth;
      else if (t.text[0] == ')') --depth;
      else if (t.text[0] == ',' && depth == 0) return true;
    }
    return false;
  }

 private:
  std::vector<Token> m_tokens;
  Dialect m_dialect;
  std::size_t m_pos = 0;
};

using Object = backend::CatalogObject;

CatalogEffect effect(Object::Kind kind, std::string schema, std::string table, std::string name, bool present) {
  return {Object{kind, std::move(schema), std::move(table), std::move(name)}, present};
}

std::optional<CatalogEffect> create_table(Parser& p) {
  p.accept_all({"if", "not", "exists"});
  auto name = p.qualified_name();
  if (!name) return std::nullopt;
  return effect(Object::Kind::table, name->first, name->second, "", true);
}

std::optional<CatalogEffect> drop_table(Parser& p) {
  p.accept_all({"if", "exists"});
  auto name = p.qualified_name();
  if (!name || p.top_level_comma_follows()) return std::nullopt;
  return effect(Object::Kind::table, name->first, name->second, "", false);
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
  return effect(Object::Kind::index, schema, table->second, index->second, true);
}

std::optional<CatalogEffect> drop_index(Parser& p) {
  p.accept("concurrently");
  p.accept_all({"if", "exists"});
  auto index = p.qualified_name();
  if (!index || p.top_level_comma_follows()) return std::nullopt;
  return effect(Object::Kind::index, index->first, "", index->second, false);
}

bool starts_table_constraint(const Parser& p) {
  return p.peek("primary") || p.peek("unique") || p.peek("check") || p.peek("foreign") || p.peek("exclude");
}

std::optional<CatalogEffect> alter_table(Parser& p) {
  p.accept_all({"if", "exists"});
  p.accept("only");
  auto table = p.qualified_name();
  if (!table || p.top_level_comma_follows()) return std::nullopt;
  const auto& [schema, name] = *table;
  if (p.accept("add")) {
    if (p.accept("constraint")) {
      auto c = p.name_part();
      if (!c) return std::nullopt;
      return effect(Object::Kind::constraint, schema, name, *c, true);
    }
    if (starts_table_constraint(p)) return std::nullopt;  // unnamed constraint
    p.accept("column");
    p.accept_all({"if", "not", "exists"});
    auto col = p.name_part();
    if (!col) return std::nullopt;
    return effect(Object::Kind::column, schema, name, *col, true);
  }
  if (p.accept("drop")) {
    if (p.accept("constraint")) {
      p.accept_all({"if", "exists"});
      auto c = p.name_part();
      if (!c) return std::nullopt;
      return effect(Object::Kind::constraint, schema, name, *c, false);
    }
    p.accept("column");
    p.accept_all({"if", "exists"});
    auto col = p.name_part();
    if (!col) return std::nullopt;
    return effect(Object::Kind::column, schema, name, *col, false);
  }
  return std::nullopt;
}

}  // namespace

std::optional<CatalogEffect> catalog_effect(std::string_view statement, Dialect dialect) {
  Parser p(tokenize(statement, dialect), dialect);
  if (p.accept("create")) {
    if (p.accept("unique")) return p.accept("index") ? create_index(p) : std::nullopt;
    if (p.accept("index")) return create_index(p);
    if (p.accept("temp") || p.accept("temporary")) return std::nullopt;  // session-local: never visible later
    p.accept("unlogged");
    if (p.accept("table")) return create_table(p);
    return std::nullopt;
  }
  if (p.accept("drop")) {
    if (p.accept("table")) return drop_table(p);
    if (p.accept("index")) return drop_index(p);
    return std::nullopt;
  }
  if (p.accept_all({"alter", "table"})) return alter_table(p);
  return std::nullopt;
}

std::string describe(const backend::CatalogObject& o) {
  auto qualified = [&](const std::string& n) { return o.schema.empty() ? n : o.schema + "." + n; };
  switch (o.kind) {
    case backend::CatalogObject::Kind::table:
      return "table " + qualified(o.table);
    case backend::CatalogObject::Kind::column:
      return "column " + qualified(o.table) + "." + o.name;
    case backend::CatalogObject::Kind::index:
      return "index " + qualified(o.name);
    case backend::CatalogObject::Kind::constraint:
      return "constraint " + o.name + " on " + qualified(o.table);
  }
  return "object";
}

}  // namespace migrate::script

// The SQLite statement facts, read through the project's lexer (src/sql): each statement's
// significant tokens are matched against the forms SQLite's grammar has (CREATE/DROP
// TABLE, INDEX, VIEW, TRIGGER; ALTER TABLE's actions; PRAGMA; VACUUM, ATTACH, DETACH;
// transaction control; DML). ALTER TABLE forms SQLite's grammar lacks (ALTER COLUMN, ADD
// CONSTRAINT, ...) are classified all the same, so the rules can say SQLite cannot run them.
// SQLite compares names without regard to ASCII case, so names are folded to lower case;
// the `main.` schema prefix is the default one and is dropped.
#include <algorithm>
#include <array>
#include <optional>

#include "lint/facts.hpp"
#include "sql/lexer.hpp"
#include "sql/statements.hpp"
#include "util/strings.hpp"

namespace migrate::lint {

namespace {

using Kind = StatementFacts::Kind;
using Action = TableAction;

/// A value as written, a string's quotes removed ('' read as ').
std::string unquoted(const sql::Token& token) {
  if (token.kind != sql::TokenKind::string || token.text.size() < 2) return std::string(token.text);
  return util::replace_all(token.text.substr(1, token.text.size() - 2), "''", "'");
}

/// The significant tokens of one statement, read front to back.
class Tokens {
 public:
  explicit Tokens(std::vector<sql::Token> tokens) : m_tokens(std::move(tokens)) {}

  bool at_end() const { return m_pos >= m_tokens.size(); }
  bool is(std::string_view keyword, std::size_t ahead = 0) const {
    return m_pos + ahead < m_tokens.size() && m_tokens[m_pos + ahead].is_keyword(keyword);
  }
  bool is_punct(char c) const { return !at_end() && m_tokens[m_pos].is_punct(c); }
  bool accept(std::string_view keyword) {
    if (!is(keyword)) return false;
    ++m_pos;
    return true;
  }
  /// IF [NOT] EXISTS: true when present.
  bool accept_if_exists() {
    const std::size_t length = is("if") && is("exists", 1) ? 2 : is("if") && is("not", 1) && is("exists", 2) ? 3 : 0;
    m_pos += length;
    return length > 0;
  }
  const sql::Token* peek() const { return at_end() ? nullptr : &m_tokens[m_pos]; }
  void skip() { ++m_pos; }

  /// `[schema.]name`, lower case, `main.` dropped; "" when no name stands here.
  std::string name() {
    std::string first = word();
    if (first.empty() || !is_punct('.')) return first;
    ++m_pos;
    std::string second = word();
    return first == "main" ? second : first + "." + second;
  }

 private:
  std::string word() {
    if (at_end()) return {};
    const auto& token = m_tokens[m_pos];
    const bool named = token.kind == sql::TokenKind::word || token.kind == sql::TokenKind::quoted_identifier ||
                       token.kind == sql::TokenKind::string;  // SQLite accepts 'name' where a name goes
    if (!named) return {};
    ++m_pos;
    return util::to_lower(token.kind == sql::TokenKind::string ? unquoted(token) : sql::identifier_text(token));
  }

  std::vector<sql::Token> m_tokens;
  std::size_t m_pos = 0;
};

ObjectRef object(ObjectRef::Kind kind, std::string name, std::string table = {}) {
  return ObjectRef{.kind = kind, .name = std::move(name), .table = std::move(table)};
}

bool is_current_time_keyword(const sql::Token& token) {
  return token.is_keyword("current_time") || token.is_keyword("current_date") ||
         token.is_keyword("current_timestamp");
}

/// `DEFAULT value`, the word DEFAULT already read. SQLite's ADD COLUMN refuses a default that
/// is not a constant: CURRENT_TIME/DATE/TIMESTAMP, or an expression that calls a function.
void read_default(Tokens& tokens, Action& action) {
  const sql::Token* value = tokens.peek();
  if (value == nullptr) return;
  if (value->is_keyword("null")) return tokens.skip();  // DEFAULT NULL is no default
  action.has_default = true;
  if (is_current_time_keyword(*value)) action.volatile_default = true;
  if (!value->is_punct('(')) return tokens.skip();
  int depth = 0;
  bool after_word = false;
  do {
    const sql::Token& token = *tokens.peek();
    if (token.is_punct('(') && after_word) action.volatile_default = true;
    if (is_current_time_keyword(token)) action.volatile_default = true;
    depth += token.is_punct('(') ? 1 : token.is_punct(')') ? -1 : 0;
    after_word = token.kind == sql::TokenKind::word;
    tokens.skip();
  } while (!tokens.at_end() && depth > 0);
}

/// Skips a parenthesized group (the current token is its '(').
void skip_group(Tokens& tokens) {
  int depth = 0;
  do {
    depth += tokens.is_punct('(') ? 1 : tokens.is_punct(')') ? -1 : 0;
    tokens.skip();
  } while (!tokens.at_end() && depth > 0);
}

/// Keeps the constraint that matters most to the rules: what SQLite refuses first.
void note_constraint(Action& action, TableAction::Constraint constraint) {
  using C = TableAction::Constraint;
  constexpr std::array<C, 5> priority{C::primary_key, C::unique, C::foreign_key, C::check, C::none};
  auto rank = [&](C c) { return std::find(priority.begin(), priority.end(), c) - priority.begin(); };
  if (rank(constraint) < rank(action.constraint)) action.constraint = constraint;
}

/// The column definition after `ADD [COLUMN] name`: type, NOT NULL, DEFAULT, constraints.
void read_column_definition(Tokens& tokens, Action& action) {
  using C = TableAction::Constraint;
  bool generated = false;
  while (!tokens.at_end()) {
    if (tokens.is_punct('(')) {
      skip_group(tokens);
    } else if (tokens.is("not") && tokens.is("null", 1)) {
      action.not_null = true;
      tokens.skip(), tokens.skip();
    } else if (tokens.accept("default")) {
      read_default(tokens, action);
    } else if (tokens.accept("primary")) {
      note_constraint(action, C::primary_key);
      action.not_null = true;
    } else if (tokens.accept("unique")) {
      note_constraint(action, C::unique);
    } else if (tokens.accept("references")) {
      note_constraint(action, C::foreign_key);
      action.references = tokens.name();
    } else if (tokens.accept("check")) {
      note_constraint(action, C::check);
    } else if (tokens.accept("generated") || tokens.accept("as")) {
      generated = true;
    } else if (tokens.accept("stored")) {
      if (generated) action.has_default = action.volatile_default = true;
    } else {
      tokens.skip();
    }
  }
  if (generated) action.has_default = true;  // a generated column is never NULL for want of a default
}

TableAction::Constraint table_constraint_kind(const Tokens& tokens) {
  using C = TableAction::Constraint;
  if (tokens.is("primary")) return C::primary_key;
  if (tokens.is("unique")) return C::unique;
  if (tokens.is("foreign")) return C::foreign_key;
  if (tokens.is("check")) return C::check;
  if (tokens.is("exclude")) return C::exclusion;
  return C::none;
}

bool starts_table_constraint(const Tokens& tokens) {
  return tokens.is("constraint") || table_constraint_kind(tokens) != TableAction::Constraint::none;
}

/// ADD ..., the word ADD already read.
Action read_add(Tokens& tokens) {
  Action action;
  if (starts_table_constraint(tokens)) {
    action.kind = Action::Kind::add_constraint;
    if (tokens.accept("constraint")) action.constraint_name = tokens.name();
    action.constraint = table_constraint_kind(tokens);
    return action;
  }
  tokens.accept("column");
  tokens.accept_if_exists();
  action.kind = Action::Kind::add_column;
  action.column = tokens.name();
  read_column_definition(tokens, action);
  return action;
}

/// ALTER [COLUMN] c ..., the word ALTER already read (not SQLite grammar: the rules refuse it).
Action read_alter_column(Tokens& tokens) {
  Action action;
  tokens.accept("column");
  action.column = tokens.name();
  if (tokens.is("type") || (tokens.is("set") && tokens.is("data", 1))) {
    action.kind = Action::Kind::alter_column_type;
  } else if (tokens.is("set") && tokens.is("not", 1)) {
    action.kind = Action::Kind::set_not_null;
  } else if (tokens.is("drop") && tokens.is("not", 1)) {
    action.kind = Action::Kind::drop_not_null;
  } else if (tokens.is("set") && tokens.is("default", 1)) {
    action.kind = Action::Kind::set_default;
  } else if (tokens.is("drop") && tokens.is("default", 1)) {
    action.kind = Action::Kind::drop_default;
  }
  return action;
}

/// DROP ..., the word DROP already read.
Action read_drop(Tokens& tokens) {
  Action action;
  if (tokens.accept("constraint")) {
    action.kind = Action::Kind::drop_constraint;
    tokens.accept_if_exists();
    action.constraint_name = tokens.name();
    return action;
  }
  tokens.accept("column");
  tokens.accept_if_exists();
  action.kind = Action::Kind::drop_column;
  action.column = tokens.name();
  return action;
}

/// RENAME ..., the word RENAME already read: the table (`new_name` set) or a column.
Action read_rename(Tokens& tokens, StatementFacts& facts) {
  Action action;
  if (tokens.accept("to")) {
    facts.kind = Kind::rename_table;
    facts.new_name = tokens.name();
    return action;
  }
  action.kind = tokens.is("constraint") ? Action::Kind::rename_constraint : Action::Kind::rename_column;
  if (!tokens.accept("constraint")) tokens.accept("column");
  action.column = tokens.name();
  tokens.accept("to");
  action.new_name = tokens.name();
  return action;
}

/// ALTER TABLE t <action>, ALTER already read.
void read_alter_table(Tokens& tokens, StatementFacts& facts) {
  if (!tokens.accept("table")) return;
  facts.kind = Kind::alter_table;
  facts.if_exists = tokens.accept_if_exists();
  tokens.accept("only");
  facts.table = tokens.name();
  Action action;
  if (tokens.accept("add")) {
    action = read_add(tokens);
  } else if (tokens.accept("drop")) {
    action = read_drop(tokens);
  } else if (tokens.accept("alter")) {
    action = read_alter_column(tokens);
  } else if (tokens.accept("rename")) {
    action = read_rename(tokens, facts);
    if (facts.kind == Kind::rename_table) return;
  }
  if (action.kind == Action::Kind::add_column)
    facts.creates.push_back(object(ObjectRef::Kind::column, action.column, facts.table));
  if (action.kind == Action::Kind::drop_column)
    facts.drops.push_back(object(ObjectRef::Kind::column, action.column, facts.table));
  if (action.kind == Action::Kind::add_constraint && !action.constraint_name.empty())
    facts.creates.push_back(object(ObjectRef::Kind::constraint, action.constraint_name, facts.table));
  facts.actions.push_back(std::move(action));
}

/// CREATE INDEX ... after the word INDEX.
void read_create_index(Tokens& tokens, StatementFacts& facts) {
  facts.kind = Kind::create_index;
  tokens.accept_if_exists();
  facts.index = tokens.name();
  if (tokens.accept("on")) facts.table = tokens.name();
  facts.creates.push_back(object(ObjectRef::Kind::index, facts.index, facts.table));
}

/// CREATE ..., the word CREATE already read.
void read_create(Tokens& tokens, StatementFacts& facts) {
  if (!tokens.accept("temp")) tokens.accept("temporary");
  facts.unique = tokens.accept("unique");
  if (tokens.accept("index")) return read_create_index(tokens, facts);
  const bool is_virtual = tokens.accept("virtual");
  if (tokens.accept("table")) {
    facts.kind = Kind::create_table;
    tokens.accept_if_exists();
    facts.table = tokens.name();
    facts.creates.push_back(object(ObjectRef::Kind::table, facts.table));
  } else if (!is_virtual && tokens.accept("view")) {
    tokens.accept_if_exists();
    facts.creates.push_back(object(ObjectRef::Kind::view, tokens.name()));
  } else if (!is_virtual && tokens.accept("trigger")) {
    tokens.accept_if_exists();
    std::string trigger = tokens.name();
    while (!tokens.at_end() && !tokens.accept("on")) tokens.skip();
    facts.creates.push_back(object(ObjectRef::Kind::trigger, std::move(trigger), tokens.name()));
  }
}

/// DROP TABLE/INDEX/VIEW/TRIGGER, the word DROP already read.
void read_drop_statement(Tokens& tokens, StatementFacts& facts) {
  using K = ObjectRef::Kind;
  std::optional<K> kind = tokens.accept("table")     ? std::optional(K::table)
                          : tokens.accept("index")   ? std::optional(K::index)
                          : tokens.accept("view")    ? std::optional(K::view)
                          : tokens.accept("trigger") ? std::optional(K::trigger)
                                                     : std::nullopt;
  if (!kind) return;
  facts.if_exists = tokens.accept_if_exists();
  std::string name = tokens.name();
  if (*kind == K::table) facts.kind = Kind::drop_table, facts.table = name;
  if (*kind == K::index) facts.kind = Kind::drop_index, facts.index = name;
  facts.drops.push_back(object(*kind, std::move(name)));
}

/// PRAGMA [schema.]name [= value | (value)], the word PRAGMA already read.
void read_pragma(Tokens& tokens, StatementFacts& facts) {
  facts.kind = Kind::pragma;
  std::string name = tokens.name();
  const auto dot = name.find('.');
  facts.setting = dot == std::string::npos ? name : name.substr(dot + 1);
  if (tokens.is_punct('(')) tokens.skip();
  else if (const auto* eq = tokens.peek(); eq && eq->text == "=") tokens.skip();
  if (const auto* value = tokens.peek()) facts.value = unquoted(*value);
}

bool is_any_keyword(const sql::Token& token, std::initializer_list<std::string_view> keywords) {
  return std::any_of(keywords.begin(), keywords.end(), [&](auto k) { return token.is_keyword(k); });
}

/// Fills `facts` from the statement's first keyword onwards.
void classify(Tokens& tokens, StatementFacts& facts) {
  const sql::Token* first = tokens.peek();
  if (first == nullptr) return;
  facts.kind = Kind::other_ddl;
  tokens.skip();
  if (first->is_keyword("create")) return read_create(tokens, facts);
  if (first->is_keyword("drop")) return read_drop_statement(tokens, facts);
  if (first->is_keyword("alter")) return read_alter_table(tokens, facts);
  if (first->is_keyword("pragma")) return read_pragma(tokens, facts);
  if (first->is_keyword("reindex")) facts.kind = Kind::reindex;
  if (is_any_keyword(*first, {"vacuum", "attach", "detach"})) {
    facts.kind = Kind::non_transactional;
    facts.what = util::to_upper(first->text);
  }
  if (is_any_keyword(*first, {"begin", "commit", "end", "rollback", "savepoint", "release"}))
    facts.kind = Kind::transaction_control;
  if (is_any_keyword(*first, {"insert", "update", "delete", "select", "replace", "with", "values", "explain"}))
    facts.kind = Kind::dml;
}

std::vector<sql::Token> significant_tokens(std::string_view text, int line) {
  auto tokens = sql::tokenize(text, Dialect::sqlite, line);
  std::erase_if(tokens, [](const sql::Token& t) { return !t.is_significant(); });
  return tokens;
}

}  // namespace

std::vector<StatementFacts> sqlite_facts(std::string_view sql, int first_line) {
  auto out = located_statements(sql, Dialect::sqlite, first_line);
  for (auto& facts : out) {
    Tokens tokens(significant_tokens(facts.text, facts.line));
    classify(tokens, facts);
  }
  return out;
}

}  // namespace migrate::lint

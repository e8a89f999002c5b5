#include "sql/sqlite_ddl.hpp"

#include <initializer_list>

#include "core/error.hpp"
#include "sql/lexer.hpp"
#include "sql/normalize.hpp"
#include "util/strings.hpp"

namespace migrate::sql {
namespace {

/// The significant tokens of one statement and a position in them.
class Cursor {
 public:
  /// `columns`: the names in scope of the statement's expressions.
  Cursor(std::string_view sql, const SqliteNames& columns) : m_sql(sql), m_columns(columns) {
    for (const auto& t : tokenize(sql, Dialect::sqlite))
      if (t.is_significant()) m_tokens.push_back(t);
  }

  bool done() const { return m_pos >= m_tokens.size(); }
  std::size_t position() const { return m_pos; }
  const Token& peek(std::size_t ahead = 0) const {
    static const Token end_token{};
    return m_pos + ahead < m_tokens.size() ? m_tokens[m_pos + ahead] : end_token;
  }
  bool at(std::string_view keyword, std::size_t ahead = 0) const {
    return m_pos + ahead < m_tokens.size() && peek(ahead).is_keyword(keyword);
  }
  bool at_any(std::initializer_list<std::string_view> keywords) const {
    for (auto k : keywords)
      if (at(k)) return true;
    return false;
  }
  bool at_punct(char c) const { return !done() && peek().is_punct(c); }
  bool accept(std::string_view keyword) {
    if (!at(keyword)) return false;
    ++m_pos;
    return true;
  }
  bool accept_punct(char c) {
    if (!at_punct(c)) return false;
    ++m_pos;
    return true;
  }
  void expect(std::string_view keyword) {
    if (!accept(keyword)) fail(keyword);
  }
  void expect_punct(char c) {
    if (!accept_punct(c)) fail(std::string(1, c));
  }
  void advance() {
    if (done()) fail("more");
    ++m_pos;
  }
  /// The word as written, upper case.
  std::string word() {
    if (done() || peek().kind != TokenKind::word) fail("a word");
    return util::to_upper(m_tokens[m_pos++].text);
  }
  /// A name: a word, a quoted identifier or (as SQLite allows) a string; quotes removed.
  std::string name() {
    if (done()) fail("a name");
    const Token& t = m_tokens[m_pos++];
    if (t.kind == TokenKind::word || t.kind == TokenKind::quoted_identifier) return identifier_text(t);
    if (t.kind == TokenKind::string && t.text.size() >= 2)
      return util::replace_all(t.text.substr(1, t.text.size() - 2), "''", "'");
    --m_pos;
    fail("a name");
  }
  /// `[schema.]name`: the name.
  std::string qualified_name() {
    std::string n = name();
    if (accept_punct('.')) n = name();
    return n;
  }
  /// At `(`: moves past its matching `)`.
  void skip_parenthesized() {
    expect_punct('(');
    for (int depth = 1; depth > 0; ++m_pos) {
      if (done()) fail(")");
      if (peek().is_punct('(')) ++depth;
      if (peek().is_punct(')')) --depth;
    }
  }
  /// Moves to the next `,` or `)` outside parentheses (or the end).
  void skip_to_separator() {
    while (!done() && !at_punct(',') && !at_punct(')')) {
      if (at_punct('(')) skip_parenthesized();
      else ++m_pos;
    }
  }
  std::size_t size() const { return m_tokens.size(); }
  const Token& token(std::size_t i) const { return m_tokens.at(i); }
  /// The raw text of tokens [from, to).
  std::string_view raw(std::size_t from, std::size_t to) const {
    if (from >= to) return {};
    return m_sql.substr(m_tokens[from].begin, m_tokens[to - 1].end - m_tokens[from].begin);
  }
  std::string normalized(std::size_t from, std::size_t to) const {
    return normalize_sqlite_expression(raw(from, to), m_columns);
  }
  /// The same with no column in scope (a DEFAULT).
  std::string normalized_without_columns(std::size_t from, std::size_t to) const {
    return normalize_sqlite_expression(raw(from, to), SqliteNames{});
  }
  /// At `(`: the normalized text inside the parentheses; moves past them.
  std::string parenthesized() {
    const std::size_t open = m_pos;
    skip_parenthesized();
    return normalized(open + 1, m_pos - 1);
  }
  [[noreturn]] void fail(std::string_view expected) const {
    const std::string near = done() ? std::string("the end") : "'" + std::string(peek().text) + "'";
    throw Error(ErrorKind::database,
                "cannot read the SQLite definition: expected " + std::string(expected) + " at " + near + " in: " +
                    std::string(m_sql),
                "the statement is SQLite's own copy (sqlite_schema.sql); report it as a defect of migrate");
  }

 private:
  std::string_view m_sql;
  const SqliteNames& m_columns;
  std::vector<Token> m_tokens;
  std::size_t m_pos = 0;
};

/// `ON CONFLICT resolution` when the cursor is at one (recorded in `table`), else nothing.
void read_conflict_clause(Cursor& c, SqliteTable& table, const std::string& constraint) {
  if (!c.at("ON") || !c.at("CONFLICT", 1)) return;
  c.expect("ON");
  c.expect("CONFLICT");
  table.conflict_clauses.push_back({constraint, c.word()});
}

/// SET NULL | SET DEFAULT | CASCADE | RESTRICT | NO ACTION, lower case.
std::string read_action(Cursor& c) {
  if (c.accept("SET")) return c.accept("NULL") ? "set null" : (c.expect("DEFAULT"), "set default");
  if (c.accept("CASCADE")) return "cascade";
  if (c.accept("RESTRICT")) return "restrict";
  c.expect("NO");
  c.expect("ACTION");
  return "no action";
}

/// `( name [COLLATE c] [ASC|DESC], ... [AUTOINCREMENT] )`: the names. For a key, `key`
/// gets the COLLATE and DESC options and AUTOINCREMENT (SQLite's table-level
/// `PRIMARY KEY(id AUTOINCREMENT)`).
std::vector<std::string> read_column_list(Cursor& c, SqliteConstraint* key = nullptr) {
  std::vector<std::string> names;
  c.expect_punct('(');
  do {
    names.push_back(c.name());
    std::vector<std::string> options;
    if (c.accept("COLLATE")) options.push_back(names.back() + " COLLATE " + util::to_upper(c.name()));
    if (!c.accept("ASC") && c.accept("DESC")) options.push_back(names.back() + " DESC");
    const bool autoincrement = c.accept("AUTOINCREMENT");
    if (!key) continue;
    key->autoincrement = key->autoincrement || autoincrement;
    key->key_options.insert(key->key_options.end(), options.begin(), options.end());
  } while (c.accept_punct(','));
  c.expect_punct(')');
  return names;
}

/// `REFERENCES parent [(columns)] {ON DELETE|UPDATE action | MATCH name} [[NOT] DEFERRABLE
/// [INITIALLY DEFERRED|IMMEDIATE]]`.
SqliteForeignKey read_references(Cursor& c) {
  SqliteForeignKey fk;
  c.expect("REFERENCES");
  fk.parent_table = c.name();
  if (c.at_punct('(')) fk.parent_columns = read_column_list(c);
  for (;;) {
    if (c.at("ON") && !c.at("CONFLICT", 1)) {
      c.expect("ON");
      const bool on_delete = c.accept("DELETE");
      if (!on_delete) c.expect("UPDATE");
      (on_delete ? fk.on_delete : fk.on_update) = read_action(c);
    } else if (c.accept("MATCH")) {
      fk.match = util::to_lower(c.name());
    } else if (c.at("DEFERRABLE") || (c.at("NOT") && c.at("DEFERRABLE", 1))) {
      fk.deferrable = !c.accept("NOT");
      c.expect("DEFERRABLE");
      if (c.accept("INITIALLY")) fk.initially_deferred = fk.deferrable && c.accept("DEFERRED");
      if (!fk.initially_deferred && !c.accept("IMMEDIATE")) c.accept("DEFERRED");
    } else {
      return fk;
    }
  }
}

/// DEFAULT's value: `(expr)` (parentheses kept), a signed number, a literal or a word. No
/// column is in scope there: a double-quoted word is a string (`DEFAULT "x"` is 'x').
std::string read_default(Cursor& c) {
  const std::size_t from = c.position();
  if (c.at_punct('(')) {
    c.skip_parenthesized();
  } else {
    if (!c.done() && c.peek().kind == TokenKind::op && (c.peek().text == "-" || c.peek().text == "+")) c.advance();
    const bool blob = c.peek().kind == TokenKind::word && c.peek(1).kind == TokenKind::string &&
                      c.peek(1).begin == c.peek().end;
    c.advance();
    if (blob) c.advance();
  }
  return c.normalized_without_columns(from, c.position());
}

bool at_column_constraint(const Cursor& c) {
  return c.at_any({"CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES",
                   "GENERATED", "AS"});
}

SqliteConstraint constraint_of(SqliteConstraintKind kind, std::string name, std::vector<std::string> columns) {
  SqliteConstraint out;
  out.kind = kind;
  out.name = std::move(name);
  out.columns = std::move(columns);
  return out;
}

/// `[GENERATED ALWAYS] AS (expr) [STORED|VIRTUAL]`.
void read_generated(Cursor& c, SqliteColumn& column) {
  if (c.accept("GENERATED")) c.expect("ALWAYS");
  c.expect("AS");
  column.generated = c.parenthesized();
  column.generated_stored = c.accept("STORED");
  if (!column.generated_stored) c.accept("VIRTUAL");
}

/// One constraint of `column` (its optional `CONSTRAINT name` already read into `name`).
void read_column_constraint(Cursor& c, SqliteTable& table, SqliteColumn& column, const std::string& name) {
  const std::vector<std::string> self{column.name};
  if (c.accept("PRIMARY")) {
    c.expect("KEY");
    auto pk = constraint_of(SqliteConstraintKind::primary_key, name, self);
    if (!c.accept("ASC") && c.accept("DESC")) pk.key_options.push_back(column.name + " DESC");
    read_conflict_clause(c, table, "PRIMARY KEY on column " + column.name);
    pk.autoincrement = c.accept("AUTOINCREMENT");
    table.constraints.push_back(std::move(pk));
  } else if (c.accept("NOT")) {
    c.expect("NULL");
    column.not_null = true;
    read_conflict_clause(c, table, "NOT NULL on column " + column.name);
  } else if (c.accept("NULL")) {
    read_conflict_clause(c, table, "NULL on column " + column.name);
  } else if (c.accept("UNIQUE")) {
    table.constraints.push_back(constraint_of(SqliteConstraintKind::unique, name, self));
    read_conflict_clause(c, table, "UNIQUE on column " + column.name);
  } else if (c.accept("CHECK")) {
    auto check = constraint_of(SqliteConstraintKind::check, name, {});
    check.expression = c.parenthesized();
    table.constraints.push_back(std::move(check));
  } else if (c.accept("DEFAULT")) {
    column.default_expression = read_default(c);
  } else if (c.accept("COLLATE")) {
    column.collation = util::to_upper(c.name());
  } else if (c.at("REFERENCES")) {
    auto fk = constraint_of(SqliteConstraintKind::foreign_key, name, self);
    fk.foreign_key = read_references(c);
    table.constraints.push_back(std::move(fk));
  } else {
    read_generated(c, column);
  }
}

/// `name [type] [constraint ...]`, up to the `,` or `)` after it.
void read_column(Cursor& c, SqliteTable& table) {
  SqliteColumn column;
  column.name = c.name();
  const std::size_t type_from = c.position();
  while (!c.done() && !c.at_punct(',') && !c.at_punct(')') && !at_column_constraint(c)) {
    if (c.at_punct('(')) c.skip_parenthesized();
    else c.advance();
  }
  column.type = normalize_sqlite_type(c.raw(type_from, c.position()));
  while (!c.done() && !c.at_punct(',') && !c.at_punct(')')) {
    std::string name;
    if (c.accept("CONSTRAINT")) name = c.name();
    if (c.at_punct(',') || c.at_punct(')')) break;  // a dangling CONSTRAINT name, as SQLite allows
    read_column_constraint(c, table, column, name);
  }
  table.columns.push_back(std::move(column));
}

bool at_table_constraint(const Cursor& c) { return c.at_any({"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"}); }

/// `[CONSTRAINT name] PRIMARY KEY (...) | UNIQUE (...) | CHECK (...) | FOREIGN KEY (...) REFERENCES ...`.
void read_table_constraint(Cursor& c, SqliteTable& table) {
  std::string name;
  if (c.accept("CONSTRAINT")) name = c.name();
  SqliteConstraint out;
  out.name = name;
  if (c.accept("PRIMARY")) {
    c.expect("KEY");
    out.kind = SqliteConstraintKind::primary_key;
    out.columns = read_column_list(c, &out);
  } else if (c.accept("UNIQUE")) {
    out.kind = SqliteConstraintKind::unique;
    out.columns = read_column_list(c, &out);
  } else if (c.accept("CHECK")) {
    out.kind = SqliteConstraintKind::check;
    out.expression = c.parenthesized();
  } else {
    c.expect("FOREIGN");
    c.expect("KEY");
    out.kind = SqliteConstraintKind::foreign_key;
    out.columns = read_column_list(c);
    out.foreign_key = read_references(c);
  }
  const char* kind_text[] = {"PRIMARY KEY", "UNIQUE", "CHECK", "FOREIGN KEY"};
  read_conflict_clause(c, table, std::string(kind_text[static_cast<int>(out.kind)]) + " (" +
                                     util::join(out.columns, ", ") + ")");
  table.constraints.push_back(std::move(out));
}

/// `CREATE [TEMP|TEMPORARY] [VIRTUAL] TABLE [IF NOT EXISTS] [schema.]`: true for VIRTUAL.
bool read_table_header(Cursor& c) {
  c.expect("CREATE");
  if (!c.accept("TEMP")) c.accept("TEMPORARY");
  const bool virtual_table = c.accept("VIRTUAL");
  c.expect("TABLE");
  if (c.accept("IF")) {
    c.expect("NOT");
    c.expect("EXISTS");
  }
  return virtual_table;
}

}  // namespace

namespace {

SqliteTable read_create_table(std::string_view sql, const SqliteNames& columns) {
  Cursor c(sql, columns);
  SqliteTable table;
  table.virtual_table = read_table_header(c);
  table.name = c.qualified_name();
  if (table.virtual_table) {
    c.expect("USING");
    table.module = c.name();
    return table;
  }
  c.expect_punct('(');
  do {
    if (at_table_constraint(c)) {
      do read_table_constraint(c, table);
      while (at_table_constraint(c));  // SQLite lets table constraints go without commas
    } else {
      read_column(c, table);
    }
  } while (c.accept_punct(','));
  c.expect_punct(')');
  do {
    if (c.accept("STRICT")) table.strict = true;
    else if (c.accept("WITHOUT")) table.without_rowid = (c.expect("ROWID"), true);
  } while (c.accept_punct(','));
  if (!c.done()) c.fail("the end of the statement");
  return table;
}

}  // namespace

SqliteTable parse_sqlite_create_table(std::string_view sql) {
  // A CHECK or generated column sees every column of its table, also those declared after
  // it: a first reading finds them, the second normalizes with them in scope.
  SqliteNames columns;
  for (const auto& column : read_create_table(sql, columns).columns) columns.add(column.name);
  return read_create_table(sql, columns);
}


namespace {

/// One key of an index, up to the `,` or `)` after it: `expr [COLLATE name] [ASC|DESC]`.
SqliteIndexKey read_index_key(Cursor& c) {
  SqliteIndexKey key;
  const std::size_t from = c.position();
  c.skip_to_separator();
  std::size_t to = c.position();
  auto keyword_at = [&](std::size_t i, std::string_view k) { return i >= from && c.token(i).is_keyword(k); };
  if (to > from && (keyword_at(to - 1, "ASC") || keyword_at(to - 1, "DESC"))) {
    key.descending = keyword_at(to - 1, "DESC");
    --to;
  }
  if (to >= from + 2 && keyword_at(to - 2, "COLLATE")) {
    key.collation = util::to_upper(identifier_text(c.token(to - 1)));
    to -= 2;
  }
  const Token& first = c.token(from);
  const bool name = to == from + 1 && (first.kind == TokenKind::word || first.kind == TokenKind::quoted_identifier);
  if (name) key.column = identifier_text(first);
  else key.expression = c.normalized(from, to);
  return key;
}

}  // namespace

SqliteIndex parse_sqlite_create_index(std::string_view sql, const SqliteNames& table_columns) {
  Cursor c(sql, table_columns);
  SqliteIndex index;
  c.expect("CREATE");
  index.unique = c.accept("UNIQUE");
  c.expect("INDEX");
  if (c.accept("IF")) {
    c.expect("NOT");
    c.expect("EXISTS");
  }
  index.name = c.qualified_name();
  c.expect("ON");
  index.table = c.name();
  c.expect_punct('(');
  do index.keys.push_back(read_index_key(c));
  while (c.accept_punct(','));
  c.expect_punct(')');
  if (c.accept("WHERE")) index.where = c.normalized(c.position(), c.size());
  else if (!c.done()) c.fail("WHERE or the end of the statement");
  return index;
}

std::string parse_sqlite_view_select(std::string_view sql, const SqliteNames& columns) {
  Cursor c(sql, columns);
  c.expect("CREATE");
  if (!c.accept("TEMP")) c.accept("TEMPORARY");
  c.expect("VIEW");
  if (c.accept("IF")) {
    c.expect("NOT");
    c.expect("EXISTS");
  }
  c.qualified_name();
  if (c.at_punct('(')) c.skip_parenthesized();
  c.expect("AS");
  return c.normalized(c.position(), c.size());
}

}  // namespace migrate::sql

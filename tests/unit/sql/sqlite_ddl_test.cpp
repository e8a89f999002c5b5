#include "sql/sqlite_ddl.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace migrate::sql {
namespace {

const SqliteConstraint* find(const SqliteTable& t, SqliteConstraintKind kind, std::size_t nth = 0) {
  for (const auto& c : t.constraints)
    if (c.kind == kind && nth-- == 0) return &c;
  return nullptr;
}

}  // namespace

TEST(SqliteCreateTableTest, ReadsColumnsTypesCollationsDefaultsAndGeneratedColumns) {
  auto t = parse_sqlite_create_table(
      "CREATE TABLE \"Items\" (id integer primary key autoincrement, name varchar( 40 ) collate nocase not null "
      "default ('x' || 'y'), qty int default -1, price real DEFAULT 0.5, tag DEFAULT x'00', at text DEFAULT "
      "CURRENT_TIMESTAMP, total INT GENERATED ALWAYS AS (qty*price) STORED, half AS (price / 2), "
      "\"order\" \"Select\")");
  EXPECT_EQ(t.name, "Items");
  ASSERT_EQ(t.columns.size(), 9u);
  EXPECT_EQ(t.columns[0].type, "INTEGER");
  EXPECT_EQ(t.columns[1].type, "VARCHAR(40)");
  EXPECT_EQ(t.columns[1].collation, "NOCASE");
  EXPECT_TRUE(t.columns[1].not_null);
  EXPECT_EQ(t.columns[1].default_expression, "('x' || 'y')");
  EXPECT_EQ(t.columns[2].default_expression, "- 1");
  EXPECT_EQ(t.columns[3].default_expression, "0.5");
  EXPECT_EQ(t.columns[4].type, "");
  EXPECT_EQ(t.columns[4].default_expression, "x'00'");
  EXPECT_EQ(t.columns[5].default_expression, "CURRENT_TIMESTAMP");
  EXPECT_EQ(t.columns[6].type, "INT");
  EXPECT_EQ(t.columns[6].generated, "qty * price");
  EXPECT_TRUE(t.columns[6].generated_stored);
  EXPECT_EQ(t.columns[7].generated, "price / 2");
  EXPECT_FALSE(t.columns[7].generated_stored);
  EXPECT_EQ(t.columns[8].name, "order");
  EXPECT_EQ(t.columns[8].type, "\"Select\"");
  auto pk = find(t, SqliteConstraintKind::primary_key);
  ASSERT_NE(pk, nullptr);
  EXPECT_EQ(pk->columns, std::vector<std::string>{"id"});
  EXPECT_TRUE(pk->autoincrement);
  EXPECT_FALSE(t.strict);
  EXPECT_FALSE(t.without_rowid);
}

TEST(SqliteCreateTableTest, ReadsNamedAndUnnamedConstraintsInlineAndTableLevel) {
  auto t = parse_sqlite_create_table(
      "CREATE TABLE c (a INT CONSTRAINT a_positive CHECK (a > 0) UNIQUE, b INT CHECK(b<>a), "
      "CONSTRAINT pk PRIMARY KEY (a DESC, b), CONSTRAINT u UNIQUE (b, a) CHECK (a + b < 10) "
      "FOREIGN KEY (a, b) REFERENCES \"Parent\" (x, y) ON DELETE SET NULL ON UPDATE cascade MATCH FULL "
      "DEFERRABLE INITIALLY DEFERRED) WITHOUT ROWID, STRICT");
  EXPECT_TRUE(t.strict);
  EXPECT_TRUE(t.without_rowid);
  auto check = find(t, SqliteConstraintKind::check);
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->name, "a_positive");
  EXPECT_EQ(check->expression, "a > 0");
  EXPECT_EQ(find(t, SqliteConstraintKind::check, 1)->expression, "b <> a");
  EXPECT_EQ(find(t, SqliteConstraintKind::check, 1)->name, "");
  EXPECT_EQ(find(t, SqliteConstraintKind::check, 2)->expression, "a + b < 10");
  EXPECT_EQ(find(t, SqliteConstraintKind::unique)->columns, std::vector<std::string>{"a"});
  EXPECT_EQ(find(t, SqliteConstraintKind::unique)->name, "");
  EXPECT_EQ(find(t, SqliteConstraintKind::unique, 1)->name, "u");
  EXPECT_EQ(find(t, SqliteConstraintKind::unique, 1)->columns, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(find(t, SqliteConstraintKind::primary_key)->name, "pk");
  EXPECT_EQ(find(t, SqliteConstraintKind::primary_key)->columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(find(t, SqliteConstraintKind::primary_key)->key_options, std::vector<std::string>{"a DESC"});
  EXPECT_TRUE(find(t, SqliteConstraintKind::unique, 1)->key_options.empty());
  auto fk = find(t, SqliteConstraintKind::foreign_key);
  ASSERT_NE(fk, nullptr);
  ASSERT_TRUE(fk->foreign_key);
  EXPECT_EQ(fk->foreign_key->parent_table, "Parent");
  EXPECT_EQ(fk->foreign_key->parent_columns, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(fk->foreign_key->on_delete, "set null");
  EXPECT_EQ(fk->foreign_key->on_update, "cascade");
  EXPECT_EQ(fk->foreign_key->match, "full");
  EXPECT_TRUE(fk->foreign_key->deferrable);
  EXPECT_TRUE(fk->foreign_key->initially_deferred);
  EXPECT_TRUE(t.conflict_clauses.empty());
}

TEST(SqliteCreateTableTest, ReadsInlineReferencesWithImpliedParentKeyAndDeferrability) {
  auto t = parse_sqlite_create_table(
      "CREATE TABLE IF NOT EXISTS main.t (p INT REFERENCES parent NOT DEFERRABLE INITIALLY DEFERRED NOT NULL, "
      "q INT CONSTRAINT q_fk REFERENCES parent(id) DEFERRABLE, r INT REFERENCES parent ON DELETE NO ACTION "
      "ON UPDATE RESTRICT)");
  EXPECT_EQ(t.name, "t");
  auto p = find(t, SqliteConstraintKind::foreign_key, 0);
  EXPECT_TRUE(p->foreign_key->parent_columns.empty());
  EXPECT_FALSE(p->foreign_key->deferrable);
  EXPECT_FALSE(p->foreign_key->initially_deferred);
  EXPECT_TRUE(t.columns[0].not_null);
  auto q = find(t, SqliteConstraintKind::foreign_key, 1);
  EXPECT_EQ(q->name, "q_fk");
  EXPECT_TRUE(q->foreign_key->deferrable);
  EXPECT_FALSE(q->foreign_key->initially_deferred);
  EXPECT_EQ(q->foreign_key->match, "simple");
  auto r = find(t, SqliteConstraintKind::foreign_key, 2);
  EXPECT_EQ(r->foreign_key->on_update, "restrict");
  EXPECT_EQ(r->foreign_key->on_delete, "no action");
}

TEST(SqliteCreateTableTest, DetectsConflictClausesAndTableLevelAutoincrement) {
  auto t = parse_sqlite_create_table(
      "CREATE TABLE t (id INTEGER, a TEXT NOT NULL ON CONFLICT IGNORE, b UNIQUE ON CONFLICT REPLACE, "
      "PRIMARY KEY (id AUTOINCREMENT) ON CONFLICT FAIL)");
  ASSERT_EQ(t.conflict_clauses.size(), 3u);
  EXPECT_EQ(t.conflict_clauses[0].constraint, "NOT NULL on column a");
  EXPECT_EQ(t.conflict_clauses[0].resolution, "IGNORE");
  EXPECT_EQ(t.conflict_clauses[1].resolution, "REPLACE");
  EXPECT_EQ(t.conflict_clauses[2].constraint, "PRIMARY KEY (id)");
  EXPECT_TRUE(find(t, SqliteConstraintKind::primary_key)->autoincrement);
  EXPECT_TRUE(find(t, SqliteConstraintKind::primary_key)->key_options.empty());
  auto options = parse_sqlite_create_table("CREATE TABLE t (id INTEGER PRIMARY KEY DESC, e TEXT, UNIQUE (e COLLATE nocase))");
  EXPECT_EQ(find(options, SqliteConstraintKind::primary_key)->key_options, std::vector<std::string>{"id DESC"});
  EXPECT_EQ(find(options, SqliteConstraintKind::unique)->key_options, std::vector<std::string>{"e COLLATE NOCASE"});
}

TEST(SqliteCreateTableTest, CommentsAndBlanksDoNotMatterAndVirtualTablesAreRecognised) {
  auto t = parse_sqlite_create_table("CREATE TABLE t( -- the key\n id /* int */ INTEGER\n, [x y] TEXT )");
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_EQ(t.columns[0].type, "INTEGER");
  EXPECT_EQ(t.columns[1].name, "x y");
  auto v = parse_sqlite_create_table("CREATE VIRTUAL TABLE docs USING fts5(title, body)");
  EXPECT_TRUE(v.virtual_table);
  EXPECT_EQ(v.name, "docs");
  EXPECT_EQ(v.module, "fts5");
}

TEST(SqliteCreateTableTest, ThrowsOnWhatItCannotRead) {
  EXPECT_THROW(parse_sqlite_create_table("CREATE TABLE t (a INT"), Error);
  EXPECT_THROW(parse_sqlite_create_table("CREATE TABLE t (a INT) garbage"), Error);
  EXPECT_THROW(parse_sqlite_create_table("SELECT 1"), Error);
}

TEST(SqliteCreateTableTest, DoubleQuotedStringsKeepTheirQuotesAndColumnsLoseThem) {
  auto t = parse_sqlite_create_table(
      "CREATE TABLE p (status TEXT CHECK (status IN (\"draft\", \"published\")), \"qty\" INT CHECK (\"qty\" > 0), "
      "label TEXT DEFAULT \"x\", tag TEXT DEFAULT (\"label\"), CHECK (\"Later\" > \"later\" || \"y\"), later INT)");
  std::vector<std::string> checks;
  for (const auto& c : t.constraints) checks.push_back(c.expression);
  EXPECT_EQ(checks, (std::vector<std::string>{"status IN (\"draft\", \"published\")", "qty > 0",
                                              "Later > later || \"y\""}));
  // No column is in scope of a DEFAULT: SQLite stores the string.
  EXPECT_EQ(t.columns.at(2).default_expression, "\"x\"");
  EXPECT_EQ(t.columns.at(3).default_expression, "(\"label\")");
}

TEST(SqliteCreateIndexTest, ReadsKeysExpressionsCollationsOrderAndWhere) {
  auto i = parse_sqlite_create_index(
      "CREATE UNIQUE INDEX IF NOT EXISTS \"Ix\" ON items (name COLLATE nocase DESC, lower( sku ) , \"order\" ASC) "
      "where qty > 0 -- partial",
      SqliteNames{"name", "sku", "order", "qty"});
  EXPECT_EQ(i.name, "Ix");
  EXPECT_EQ(i.table, "items");
  EXPECT_TRUE(i.unique);
  ASSERT_EQ(i.keys.size(), 3u);
  EXPECT_EQ(i.keys[0].column, "name");
  EXPECT_EQ(i.keys[0].collation, "NOCASE");
  EXPECT_TRUE(i.keys[0].descending);
  EXPECT_EQ(i.keys[1].column, "");
  EXPECT_EQ(i.keys[1].expression, "lower(sku)");
  EXPECT_EQ(i.keys[2].column, "order");
  EXPECT_FALSE(i.keys[2].descending);
  EXPECT_EQ(i.where, "qty > 0");
  auto plain = parse_sqlite_create_index("CREATE INDEX i ON t(a)", SqliteNames{"a"});
  EXPECT_FALSE(plain.unique);
  EXPECT_EQ(plain.where, "");
}

TEST(SqliteCreateIndexTest, OnlyTheTablesColumnsLoseTheirDoubleQuotes) {
  auto i = parse_sqlite_create_index("CREATE INDEX i ON t (lower(\"name\")) WHERE \"kind\" = \"draft\"",
                                     SqliteNames{"name", "kind"});
  EXPECT_EQ(i.keys.at(0).expression, "lower(name)");
  EXPECT_EQ(i.where, "kind = \"draft\"");
}

TEST(SqliteCreateViewTest, ReturnsTheNormalizedSelect) {
  EXPECT_EQ(parse_sqlite_view_select("CREATE VIEW v AS select a,b from t where a>1", SqliteNames{"a", "b"}), "SELECT a, b FROM t WHERE a > 1");
  EXPECT_EQ(parse_sqlite_view_select("CREATE VIEW \"V\" (x, y) AS SELECT a AS x, b FROM t", SqliteNames{"a", "b"}),
            "SELECT a AS x, b FROM t");
}

}  // namespace migrate::sql

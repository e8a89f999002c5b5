// The SQLite schema reader on real database files: what it reads for each shape of schema,
// that the same schema built by different SQL reads as the same model, and that the number
// of catalog queries does not grow with the number of tables.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "backend/sqlite/sqlite_backend.hpp"
#include "schema/model.hpp"
#include "support/temp_dir.hpp"

namespace migrate::backend {
namespace {

using schema::ConstraintKind;

class SqliteSchemaReaderTest : public ::testing::Test {
 protected:
  /// A fresh database file holding `sql`, its schema read back.
  schema::Schema read(const std::string& sql, const std::string& file = "db.sqlite") {
    m_db = std::make_unique<sqlite::SqliteBackend>((m_dir.path() / file).string());
    m_db->execute_script(sql);
    SchemaScope scope;
    scope.excluded = {{"", "migrate_version"}, {"", "migrate_journal"}};
    return m_db->read_schema(scope);
  }

  test::TempDir m_dir;
  std::unique_ptr<sqlite::SqliteBackend> m_db;
};

const schema::Table& table(const schema::Schema& s, const std::string& name) {
  auto it = std::find_if(s.tables.begin(), s.tables.end(), [&](const auto& t) { return t.name.name == name; });
  if (it == s.tables.end()) throw std::runtime_error("no table " + name);
  return *it;
}

const schema::Column& column(const schema::Table& t, const std::string& name) {
  auto it = std::find_if(t.columns.begin(), t.columns.end(), [&](const auto& c) { return c.name == name; });
  if (it == t.columns.end()) throw std::runtime_error("no column " + name);
  return *it;
}

std::vector<schema::Constraint> of_kind(const schema::Table& t, ConstraintKind kind) {
  std::vector<schema::Constraint> out;
  for (const auto& c : t.constraints)
    if (c.kind == kind) out.push_back(c);
  return out;
}

const schema::Index& index(const schema::Schema& s, const std::string& name) {
  auto it = std::find_if(s.indexes.begin(), s.indexes.end(), [&](const auto& i) { return i.name.name == name; });
  if (it == s.indexes.end()) throw std::runtime_error("no index " + name);
  return *it;
}

TEST_F(SqliteSchemaReaderTest, ReadsColumnsAndTableOptions) {
  auto s = read(
      "CREATE TABLE items (id integer PRIMARY KEY AUTOINCREMENT, name varchar( 40 ) COLLATE nocase NOT NULL "
      "  DEFAULT ('x' || 'y'), qty int DEFAULT -1, price REAL, "
      "  total real GENERATED ALWAYS AS (qty * price) STORED, half AS (price / 2));"
      "CREATE TABLE kv (k TEXT PRIMARY KEY, v ANY) STRICT, WITHOUT ROWID;");
  EXPECT_EQ(s.dialect, Dialect::sqlite);
  ASSERT_EQ(s.tables.size(), 2u);  // sqlite_sequence is SQLite's own
  const auto& items = table(s, "items");
  ASSERT_EQ(items.columns.size(), 6u);
  EXPECT_EQ(items.columns[0].name, "id");
  EXPECT_EQ(items.columns[0].type, "INTEGER");
  EXPECT_EQ(items.columns[0].identity, "autoincrement");
  EXPECT_EQ(items.columns[1].type, "VARCHAR(40)");
  EXPECT_EQ(items.columns[1].collation, "NOCASE");
  EXPECT_TRUE(items.columns[1].not_null);
  EXPECT_EQ(items.columns[1].default_expression, "('x' || 'y')");
  EXPECT_EQ(items.columns[2].type, "INT");
  EXPECT_EQ(items.columns[2].default_expression, "- 1");
  EXPECT_FALSE(items.columns[3].default_expression.has_value());
  EXPECT_EQ(items.columns[4].generated, "qty * price");
  EXPECT_TRUE(items.columns[4].generated_stored);
  EXPECT_EQ(items.columns[5].generated, "price / 2");
  EXPECT_EQ(items.columns[5].type, "");
  EXPECT_FALSE(items.columns[5].generated_stored);
  EXPECT_FALSE(items.strict);
  EXPECT_FALSE(items.without_rowid);
  auto pk = of_kind(items, ConstraintKind::primary_key);
  ASSERT_EQ(pk.size(), 1u);
  EXPECT_EQ(pk[0].columns, std::vector<std::string>{"id"});
  EXPECT_EQ(pk[0].name, "");
  const auto& kv = table(s, "kv");
  EXPECT_TRUE(kv.strict);
  EXPECT_TRUE(kv.without_rowid);
  EXPECT_EQ(column(kv, "v").type, "ANY");
}

TEST_F(SqliteSchemaReaderTest, ReadsForeignKeysCompositeSelfReferencingAndCyclic) {
  auto s = read(
      "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INT CONSTRAINT a_to_b REFERENCES b(id) ON DELETE SET NULL "
      "  DEFERRABLE INITIALLY DEFERRED, parent INT REFERENCES A ON UPDATE CASCADE);"
      "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INT REFERENCES a(ID) ON DELETE RESTRICT DEFERRABLE);"
      "CREATE TABLE pair (x INT, y INT, PRIMARY KEY (x, y));"
      "CREATE TABLE uses (px INT, py INT, FOREIGN KEY (px, py) REFERENCES pair (x, y) ON DELETE CASCADE "
      "  ON UPDATE SET DEFAULT MATCH FULL);");
  auto a_fks = of_kind(table(s, "a"), ConstraintKind::foreign_key);
  ASSERT_EQ(a_fks.size(), 2u);
  // canonical order: by name, "" first
  const auto& self = a_fks[0];
  EXPECT_EQ(self.columns, std::vector<std::string>{"parent"});
  EXPECT_EQ(self.foreign_key->parent.name, "a");  // the table's own spelling
  EXPECT_TRUE(self.foreign_key->parent_columns.empty());
  EXPECT_EQ(self.foreign_key->on_update, "cascade");
  EXPECT_EQ(self.foreign_key->on_delete, "no action");
  EXPECT_FALSE(self.deferrable);
  const auto& to_b = a_fks[1];
  EXPECT_EQ(to_b.name, "a_to_b");
  EXPECT_EQ(to_b.foreign_key->parent.name, "b");
  EXPECT_EQ(to_b.foreign_key->parent_columns, std::vector<std::string>{"id"});
  EXPECT_EQ(to_b.foreign_key->on_delete, "set null");
  EXPECT_TRUE(to_b.deferrable);
  EXPECT_TRUE(to_b.initially_deferred);
  auto b_fks = of_kind(table(s, "b"), ConstraintKind::foreign_key);
  ASSERT_EQ(b_fks.size(), 1u);
  EXPECT_EQ(b_fks[0].foreign_key->parent_columns, std::vector<std::string>{"id"});  // ID as declared
  EXPECT_EQ(b_fks[0].foreign_key->on_delete, "restrict");
  EXPECT_TRUE(b_fks[0].deferrable);
  EXPECT_FALSE(b_fks[0].initially_deferred);
  auto composite = of_kind(table(s, "uses"), ConstraintKind::foreign_key);
  ASSERT_EQ(composite.size(), 1u);
  EXPECT_EQ(composite[0].columns, (std::vector<std::string>{"px", "py"}));
  EXPECT_EQ(composite[0].foreign_key->parent_columns, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(composite[0].foreign_key->on_update, "set default");
  EXPECT_EQ(composite[0].foreign_key->on_delete, "cascade");
  EXPECT_EQ(composite[0].foreign_key->match, "full");
  EXPECT_EQ(of_kind(table(s, "pair"), ConstraintKind::primary_key).at(0).columns,
            (std::vector<std::string>{"x", "y"}));
}

TEST_F(SqliteSchemaReaderTest, ReadsChecksAndUniqueConstraintsNamedOrNot) {
  auto s = read(
      "CREATE TABLE t (a INT CHECK (a > 0) UNIQUE, b INT CONSTRAINT b_small CHECK(b<10), c INT, d INT, "
      "  CONSTRAINT cd_unique UNIQUE (c, d), UNIQUE (d), CHECK (c <> d));");
  const auto& t = table(s, "t");
  auto checks = of_kind(t, ConstraintKind::check);
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[0].name, "");
  EXPECT_EQ(checks[0].expression, "a > 0");
  EXPECT_EQ(checks[1].expression, "c <> d");
  EXPECT_EQ(checks[2].name, "b_small");
  EXPECT_EQ(checks[2].expression, "b < 10");
  auto uniques = of_kind(t, ConstraintKind::unique);
  ASSERT_EQ(uniques.size(), 3u);
  EXPECT_EQ(uniques[0].columns, std::vector<std::string>{"a"});
  EXPECT_EQ(uniques[1].columns, std::vector<std::string>{"d"});
  EXPECT_EQ(uniques[2].name, "cd_unique");
  EXPECT_EQ(uniques[2].columns, (std::vector<std::string>{"c", "d"}));
  EXPECT_TRUE(s.indexes.empty());  // the indexes behind UNIQUE are not Index objects
}

TEST_F(SqliteSchemaReaderTest, ReadsPartialExpressionDescendingAndCollatedIndexes) {
  auto s = read(
      "CREATE TABLE t (a INT, b TEXT COLLATE NOCASE, c TEXT);"
      "CREATE UNIQUE INDEX t_partial ON t (a DESC) WHERE a IS NOT NULL AND a>0;"
      "CREATE INDEX t_expr ON t (lower(c), a + 1 DESC);"
      "CREATE INDEX t_coll ON t (b, c COLLATE nocase, b COLLATE binary);");
  ASSERT_EQ(s.indexes.size(), 3u);
  const auto& partial = index(s, "t_partial");
  EXPECT_EQ(partial.table, "t");
  EXPECT_TRUE(partial.unique);
  EXPECT_EQ(partial.method, "btree");
  ASSERT_EQ(partial.keys.size(), 1u);
  EXPECT_EQ(partial.keys[0].column, "a");
  EXPECT_TRUE(partial.keys[0].descending);
  EXPECT_FALSE(partial.keys[0].nulls_first.has_value());
  EXPECT_EQ(partial.where, "a IS NOT NULL AND a > 0");
  const auto& expr = index(s, "t_expr");
  EXPECT_FALSE(expr.unique);
  ASSERT_EQ(expr.keys.size(), 2u);
  EXPECT_EQ(expr.keys[0].column, "");
  EXPECT_EQ(expr.keys[0].expression, "lower(c)");
  EXPECT_EQ(expr.keys[1].expression, "a + 1");
  EXPECT_TRUE(expr.keys[1].descending);
  EXPECT_EQ(expr.where, "");
  const auto& coll = index(s, "t_coll");
  ASSERT_EQ(coll.keys.size(), 3u);
  EXPECT_EQ(coll.keys[0].collation, "");  // the column's own
  EXPECT_EQ(coll.keys[1].collation, "NOCASE");
  EXPECT_EQ(coll.keys[2].collation, "BINARY");
}

TEST_F(SqliteSchemaReaderTest, KeepsQuotedMixedCaseAndReservedNames) {
  auto s = read(
      "CREATE TABLE \"order\" (\"Select\" INT PRIMARY KEY, [Group By] TEXT, `MixedCase` TEXT CHECK (\"Select\" > 0 "
      "  AND [Group By] <> ''));"
      "CREATE INDEX \"Order Index\" ON \"order\" (\"Group By\");");
  const auto& t = table(s, "order");
  ASSERT_EQ(t.columns.size(), 3u);
  EXPECT_EQ(t.columns[0].name, "Select");
  EXPECT_EQ(t.columns[1].name, "Group By");
  EXPECT_EQ(t.columns[2].name, "MixedCase");
  EXPECT_EQ(of_kind(t, ConstraintKind::check).at(0).expression, "\"Select\" > 0 AND \"Group By\" <> ''");
  EXPECT_EQ(of_kind(t, ConstraintKind::primary_key).at(0).columns, std::vector<std::string>{"Select"});
  EXPECT_EQ(index(s, "Order Index").table, "order");
  EXPECT_EQ(index(s, "Order Index").keys.at(0).column, "Group By");
}

TEST_F(SqliteSchemaReaderTest, ReadsAFiftyColumnTableInOrder) {
  std::string sql = "CREATE TABLE wide (";
  for (int i = 0; i < 50; ++i) sql += (i ? ", c" : "c") + std::to_string(i) + (i % 2 ? " TEXT" : " INTEGER NOT NULL");
  auto s = read(sql + ");");
  const auto& t = table(s, "wide");
  ASSERT_EQ(t.columns.size(), 50u);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(t.columns[i].name, "c" + std::to_string(i));
    EXPECT_EQ(t.columns[i].type, i % 2 ? "TEXT" : "INTEGER");
    EXPECT_EQ(t.columns[i].not_null, i % 2 == 0);
  }
}

TEST_F(SqliteSchemaReaderTest, ReadsViewsOnViewsAndTriggers) {
  auto s = read(
      "CREATE TABLE t (a INT, b TEXT);"
      "CREATE VIEW v1 AS select a, b from t where a>0;"
      "CREATE VIEW v2 (x) AS SELECT a FROM v1;"
      "CREATE TRIGGER t_insert after insert on t begin update t set b = upper(new.b) where rowid = new.rowid; end;");
  ASSERT_EQ(s.views.size(), 2u);
  EXPECT_EQ(s.views[0].name.name, "v1");
  EXPECT_EQ(s.views[0].definition, "SELECT a, b FROM t WHERE a > 0");
  EXPECT_EQ(s.views[0].columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.views[1].definition, "SELECT a FROM v1");
  EXPECT_EQ(s.views[1].columns, std::vector<std::string>{"x"});
  ASSERT_EQ(s.triggers.size(), 1u);
  EXPECT_EQ(s.triggers[0].table.name, "t");
  EXPECT_EQ(s.triggers[0].name, "t_insert");
  EXPECT_EQ(s.triggers[0].definition,
            "CREATE TRIGGER t_insert AFTER INSERT ON t BEGIN UPDATE t SET b = upper(new.b) WHERE rowid = new.rowid ; "
            "END");
}

TEST_F(SqliteSchemaReaderTest, ListsVirtualTablesAndConflictClausesAsUnsupported) {
  auto s = read(
      "CREATE VIRTUAL TABLE docs USING fts5(title, body);"
      "CREATE TABLE t (a INT NOT NULL ON CONFLICT IGNORE, b INT UNIQUE ON CONFLICT REPLACE);");
  ASSERT_EQ(s.tables.size(), 1u);  // no virtual table, none of its shadow tables
  EXPECT_EQ(s.tables[0].name.name, "t");
  ASSERT_EQ(s.unsupported.size(), 3u);
  EXPECT_EQ(s.unsupported[0].kind, "conflict clause");
  EXPECT_EQ(s.unsupported[0].name, "t");
  EXPECT_NE(s.unsupported[0].why.find("ON CONFLICT IGNORE"), std::string::npos) << s.unsupported[0].why;
  EXPECT_EQ(s.unsupported[1].kind, "conflict clause");
  EXPECT_EQ(s.unsupported[2].kind, "virtual table");
  EXPECT_EQ(s.unsupported[2].name, "docs");
  EXPECT_FALSE(schema::empty(s));
}

TEST_F(SqliteSchemaReaderTest, ListsPrimaryKeyOrderAndKeyCollationsAsUnsupported) {
  auto s = read(
      "CREATE TABLE t (id INTEGER PRIMARY KEY DESC, e TEXT, UNIQUE (e COLLATE nocase));"
      "CREATE TABLE w (a INT, b INT, PRIMARY KEY (a, b DESC)) WITHOUT ROWID;");
  ASSERT_EQ(s.unsupported.size(), 3u);
  EXPECT_EQ(s.unsupported[0].kind, "key order or collation");
  EXPECT_EQ(s.unsupported[0].name, "t");
  EXPECT_NE(s.unsupported[0].why.find("id DESC"), std::string::npos) << s.unsupported[0].why;
  EXPECT_NE(s.unsupported[1].why.find("UNIQUE (e COLLATE NOCASE)"), std::string::npos) << s.unsupported[1].why;
  EXPECT_EQ(s.unsupported[2].name, "w");
  EXPECT_NE(s.unsupported[2].why.find("PRIMARY KEY (b DESC)"), std::string::npos) << s.unsupported[2].why;
  EXPECT_EQ(of_kind(table(s, "w"), ConstraintKind::primary_key).at(0).columns, (std::vector<std::string>{"a", "b"}));
}

TEST_F(SqliteSchemaReaderTest, LeavesOutExcludedAndInternalTables) {
  auto s = read(
      "CREATE TABLE migrate_version (version_num TEXT PRIMARY KEY);"
      "CREATE TABLE MIGRATE_JOURNAL (id INTEGER PRIMARY KEY AUTOINCREMENT, step TEXT);"
      "CREATE INDEX ix_journal ON migrate_journal (step);"
      "CREATE TRIGGER journal_guard BEFORE DELETE ON migrate_journal BEGIN SELECT 1; END;"
      "ANALYZE;");
  EXPECT_TRUE(s.tables.empty());
  EXPECT_TRUE(s.indexes.empty());
  EXPECT_TRUE(s.triggers.empty());
  EXPECT_TRUE(schema::empty(s));
}

// One schema, built twice by different SQL: other statement order, inline or table-level
// constraints, keyword case, blanks and comments, quoted or bare names.
constexpr const char* k_first =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE, age INT "
    "  CHECK (age >= 0) DEFAULT 18, team_id INT REFERENCES teams(id) ON DELETE CASCADE);"
    "CREATE TABLE teams (id INTEGER PRIMARY KEY, name TEXT, lead INT, FOREIGN KEY (lead) REFERENCES users (id) "
    "  DEFERRABLE INITIALLY DEFERRED);"
    "CREATE INDEX ix_users_age ON users (age DESC) WHERE age > 18;"
    "CREATE VIEW adults AS SELECT id, email FROM users WHERE age >= 18;"
    "CREATE TRIGGER teams_named AFTER INSERT ON teams BEGIN UPDATE teams SET name = 'x' WHERE id = new.id; END;";

constexpr const char* k_second =
    "-- teams first this time\n"
    "create table \"teams\" ( \"id\" integer , name text,lead int, primary key(id),\n"
    "  foreign key(\"lead\") references \"users\"(\"id\") deferrable initially deferred );\n"
    "create view adults as select id,email from users where age>=18;\n"
    "create trigger teams_named after insert on teams begin update teams set name='x' where id=new.id; end;\n"
    "CREATE TABLE [users] (id integer, email text collate NOCASE not null, age int default 18, "
    "  team_id int, /* constraints apart */ PRIMARY KEY (id), UNIQUE (email), CHECK(age>=0), "
    "  FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE);\n"
    "create index ix_users_age on users(age desc) where age>18;";

TEST_F(SqliteSchemaReaderTest, TheSameSchemaWrittenDifferentlyReadsEqual) {
  auto first = read(k_first, "first.sqlite");
  auto second = read(k_second, "second.sqlite");
  EXPECT_EQ(schema::canonical_text(first), schema::canonical_text(second));
  EXPECT_TRUE(first == second);
  EXPECT_EQ(schema::fingerprint(first), schema::fingerprint(second));
  EXPECT_EQ(first.tables.size(), 2u);
  auto third = read(std::string(k_first) + "CREATE INDEX ix_extra ON teams (name);", "third.sqlite");
  EXPECT_NE(schema::fingerprint(first), schema::fingerprint(third));
}

TEST_F(SqliteSchemaReaderTest, ColumnsAddedOrRenamedLaterReadAsIfCreatedSo) {
  auto created = read(
      "CREATE TABLE p (id INTEGER PRIMARY KEY);"
      "CREATE TABLE c (id INTEGER PRIMARY KEY, label TEXT DEFAULT 'x' CHECK (length(label) < 9), "
      "  p_id INT REFERENCES p(id) ON DELETE CASCADE);",
      "created.sqlite");
  auto altered = read(
      "CREATE TABLE p (id INTEGER PRIMARY KEY);"
      "CREATE TABLE c (id INTEGER PRIMARY KEY, name TEXT DEFAULT 'x' CHECK (length(name) < 9));"
      "ALTER TABLE c RENAME COLUMN name TO label;"
      "ALTER TABLE c ADD COLUMN p_id INT REFERENCES p(id) ON DELETE CASCADE;",
      "altered.sqlite");
  EXPECT_EQ(schema::canonical_text(created), schema::canonical_text(altered));
  EXPECT_EQ(schema::fingerprint(created), schema::fingerprint(altered));
}

TEST_F(SqliteSchemaReaderTest, TheNumberOfQueriesDoesNotGrowWithTheNumberOfTables) {
  auto schema_of = [](int tables) {
    std::string sql = "BEGIN;";
    for (int i = 0; i < tables; ++i) {
      const auto n = std::to_string(i);
      sql += "CREATE TABLE t" + n + " (id INTEGER PRIMARY KEY, ref INT REFERENCES t0(id), v TEXT UNIQUE);";
      sql += "CREATE INDEX ix" + n + " ON t" + n + " (v);";
      sql += "CREATE VIEW v" + n + " AS SELECT id FROM t" + n + ";";
    }
    return sql + "COMMIT;";
  };
  auto small = read(schema_of(3), "small.sqlite");
  const auto small_count = m_db->last_read_query_count();
  auto large = read(schema_of(300), "large.sqlite");
  EXPECT_EQ(small.tables.size(), 3u);
  EXPECT_EQ(large.tables.size(), 300u);
  EXPECT_EQ(large.indexes.size(), 300u);
  EXPECT_EQ(large.views.size(), 300u);
  EXPECT_EQ(m_db->last_read_query_count(), small_count);
  EXPECT_EQ(small_count, 6u);
}

TEST_F(SqliteSchemaReaderTest, AViewWhoseTableIsGoneIsListedAsUnsupported) {
  auto s = read(
      "CREATE TABLE t (a INT); CREATE TABLE k (b INT); CREATE VIEW ok AS SELECT b FROM k;"
      "CREATE VIEW broken AS SELECT a FROM t; CREATE VIEW on_broken AS SELECT a FROM broken;"
      "PRAGMA legacy_alter_table = ON; ALTER TABLE t RENAME TO u;");
  ASSERT_EQ(s.views.size(), 1u);
  EXPECT_EQ(s.views[0].name.name, "ok");
  EXPECT_EQ(s.views[0].columns, std::vector<std::string>{"b"});
  ASSERT_EQ(s.unsupported.size(), 2u);
  for (const auto& u : s.unsupported) {
    EXPECT_EQ(u.kind, "view");
    EXPECT_NE(u.why.find("does not exist"), std::string::npos) << u.why;
  }
  EXPECT_EQ(s.unsupported[0].name == "broken" ? s.unsupported[1].name : s.unsupported[0].name, "on_broken");
  // One more query for the missing table, however many views there are.
  EXPECT_EQ(m_db->last_read_query_count(), 7u);
}

}  // namespace
}  // namespace migrate::backend

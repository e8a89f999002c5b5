// One schema suite every backend must pass: a schema built by SQL is read (SchemaReader),
// rendered (schema::render_sql), the rendering run on an empty database of the same backend,
// and that one read again: the same model, and rendering it gives the same bytes. SQLite runs
// on fresh files; PostgreSQL on databases each test creates on the test server (the test role
// creates databases) and drops. Shapes one dialect lacks are in suites instantiated for that
// dialect only.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "backend/sql_dialect.hpp"
#include "schema/model.hpp"
#include "schema/render.hpp"
#include "support/schema_round_trip.hpp"
#include "support/temp_dir.hpp"

namespace migrate {
namespace {

struct SchemaCase {
  std::string name;
  Dialect dialect = Dialect::sqlite;
};

void PrintTo(const SchemaCase& c, std::ostream* os) { *os << c.name; }

/// `url` pointing at database `name` instead (its parameters dropped: no private search_path).
/// migrate's own tables, as a project names them: never part of a schema read.
backend::SchemaScope scope() {
  backend::SchemaScope out;
  out.excluded = {{"", "conf_version"}, {"", "conf_version_journal"}};
  return out;
}

class SchemaConformanceTest : public ::testing::TestWithParam<SchemaCase> {
 protected:
  void SetUp() override { m_databases.open(dialect(), m_dir.path(), "sc"); }

  Dialect dialect() const { return GetParam().dialect; }
  bool postgres() const { return dialect() == Dialect::postgresql; }
  /// The text for this test's dialect.
  std::string pick(const std::string& postgres_sql, const std::string& sqlite_sql) const {
    return postgres() ? postgres_sql : sqlite_sql;
  }

  /// Database `i` (0, 1 or 2) after running `sql` on it.
  schema::Schema build(std::size_t i, const std::string& sql) { return m_databases.build(i, sql, scope()); }
  /// Builds `sql` on the first database, rebuilds its rendering on the second: the same model,
  /// the same text. Returns the rendering.
  std::string round_trip(const std::string& sql) { return m_databases.round_trip(sql, scope()); }
  const std::string& url(std::size_t i) const { return m_databases.url(i); }

  test::TempDir m_dir;
  test::ScratchDatabases m_databases;
};

/// The same fixture, for shapes only PostgreSQL has / only SQLite has.
class PostgresSchemaConformanceTest : public SchemaConformanceTest {};
class SqliteSchemaConformanceTest : public SchemaConformanceTest {};

const schema::Table* table_named(const schema::Schema& s, const std::string& name) {
  for (const auto& t : s.tables)
    if (t.name.name == name) return &t;
  return nullptr;
}

TEST_P(SchemaConformanceTest, QuotedAndMixedCaseNames) {
  auto rendered = round_trip(
      "CREATE TABLE \"Mixed Case\" (\"Id\" integer PRIMARY KEY, \"first name\" text, \"Quote\"\"d\" text, plain text);"
      "CREATE TABLE \"UpperCase\" (\"Value\" integer REFERENCES \"Mixed Case\" (\"Id\"), \"ümlaut\" text);"
      "CREATE INDEX \"Ix Mixed\" ON \"Mixed Case\" (\"first name\", \"Quote\"\"d\");"
      "CREATE VIEW \"View Of Mixed\" AS SELECT \"Id\", \"first name\" AS \"Full Name\" FROM \"Mixed Case\";");
  EXPECT_NE(rendered.find("\"Quote\"\"d\""), std::string::npos) << rendered;
}

TEST_P(SchemaConformanceTest, ReservedWordsAsNames) {
  round_trip(
      "CREATE TABLE \"order\" (\"select\" integer PRIMARY KEY, \"group\" text NOT NULL, "
      "  \"from\" integer CHECK (\"from\" > 0));"
      "CREATE TABLE \"group\" (\"order\" integer REFERENCES \"order\" (\"select\"), \"where\" text UNIQUE);"
      "CREATE INDEX \"select\" ON \"group\" (\"where\", \"order\");"
      "CREATE VIEW \"table\" AS SELECT \"select\", \"group\" FROM \"order\" WHERE \"from\" > 1;");
}

TEST_P(SchemaConformanceTest, ATableWithFiftyColumns) {
  std::string sql = "CREATE TABLE wide (";
  for (int i = 1; i <= 50; ++i)
    sql += (i > 1 ? ", " : "") + std::string(i % 2 ? "c" : "\"C") + std::to_string(i) + (i % 2 ? "" : "\"") +
           (i % 3 ? " text" : " integer NOT NULL DEFAULT " + std::to_string(i));
  auto original = build(2, sql + ");");
  ASSERT_NE(table_named(original, "wide"), nullptr);
  EXPECT_EQ(table_named(original, "wide")->columns.size(), 50u);
  round_trip(sql + ");");
}

TEST_P(SchemaConformanceTest, CompositeSelfReferencingAndCyclicForeignKeys) {
  const std::string shared =
      "CREATE TABLE pair (x int, y int, PRIMARY KEY (x, y));"
      "CREATE TABLE node (id int PRIMARY KEY, parent int REFERENCES node ON DELETE SET NULL, px int, py int, "
      "  FOREIGN KEY (px, py) REFERENCES pair (x, y) ON UPDATE CASCADE ON DELETE RESTRICT "
      "  DEFERRABLE INITIALLY DEFERRED);";
  round_trip(shared + pick("CREATE TABLE a (id int PRIMARY KEY, b_id int);"
                           "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a DEFERRABLE INITIALLY DEFERRED);"
                           "ALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id) ON DELETE CASCADE;",
                           "CREATE TABLE a (id int PRIMARY KEY, b_id int CONSTRAINT a_b REFERENCES b (id) "
                           "  ON DELETE CASCADE);"
                           "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a DEFERRABLE INITIALLY DEFERRED);"));
}

TEST_P(SchemaConformanceTest, NamedAndUnnamedChecksAndUniqueConstraints) {
  round_trip(
      "CREATE TABLE account (id integer PRIMARY KEY, email text, code text, lo int, hi int, key int CHECK (key > 0), "
      "  balance int CHECK (balance >= 0) CONSTRAINT balance_small CHECK (balance < 1000000), "
      "  CONSTRAINT lo_below_hi CHECK (lo <= hi), CHECK (length(code) = 4 OR code IS NULL), "
      "  UNIQUE (email), CONSTRAINT code_once UNIQUE (code, lo));");
}

TEST_P(SchemaConformanceTest, PartialAndExpressionIndexesDescendingKeysAndCollations) {
  round_trip(pick(
      "CREATE TABLE item (id int PRIMARY KEY, name text, price numeric, shelf text COLLATE \"C\");"
      "CREATE INDEX item_partial ON item (price) WHERE price > 100;"
      "CREATE INDEX item_expr ON item (lower(name), (price * 2));"
      "CREATE INDEX item_desc ON item (price DESC, name);"
      "CREATE UNIQUE INDEX item_coll ON item (name COLLATE \"C\", shelf);",
      "CREATE TABLE item (id integer PRIMARY KEY, name text, price real, shelf text COLLATE NOCASE);"
      "CREATE INDEX item_partial ON item (price) WHERE price > 100;"
      "CREATE INDEX item_expr ON item (lower(name), price * 2);"
      "CREATE INDEX item_desc ON item (price DESC, name);"
      "CREATE UNIQUE INDEX item_coll ON item (name COLLATE NOCASE, shelf COLLATE BINARY);"));
}

// Views whose canonical (name) order is the reverse of the order they must be created in.
TEST_P(SchemaConformanceTest, ViewsOnViewsThreeLevelsDeep) {
  auto rendered = round_trip(
      "CREATE TABLE base (id integer PRIMARY KEY, owner text, amount integer);"
      "CREATE VIEW z_first AS SELECT id, owner, amount FROM base WHERE amount > 0;"
      "CREATE VIEW m_second (who, total) AS SELECT owner, sum(amount) FROM z_first GROUP BY owner;"
      "CREATE VIEW a_third AS SELECT who FROM m_second WHERE total > 10;");
  auto at = [&](const std::string& view) {
    auto found = rendered.find("CREATE VIEW " + pick("public.", "") + view);
    EXPECT_NE(found, std::string::npos) << view << "\n" << rendered;
    return found;
  };
  EXPECT_LT(at("z_first"), at("m_second")) << rendered;
  EXPECT_LT(at("m_second"), at("a_third")) << rendered;
}

TEST_P(SchemaConformanceTest, ATrigger) {
  round_trip(pick(
      "CREATE TABLE acct (id int PRIMARY KEY, updated timestamptz);"
      "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated := now(); RETURN NEW; END $$;"
      "CREATE TRIGGER acct_touch BEFORE UPDATE ON acct FOR EACH ROW WHEN (NEW.id > 0) EXECUTE FUNCTION touch();",
      "CREATE TABLE acct (id integer PRIMARY KEY, updated text);"
      "CREATE TABLE log (msg text);"
      "CREATE TRIGGER acct_touch AFTER UPDATE OF id ON acct FOR EACH ROW WHEN new.id > 0 BEGIN "
      "  INSERT INTO log (msg) VALUES ('changed; ' || new.id); "
      "  UPDATE acct SET updated = CURRENT_TIMESTAMP WHERE id = new.id; END;"));
}

TEST_P(SchemaConformanceTest, DefaultsOfSeveralForms) {
  round_trip(
      "CREATE TABLE d (id integer PRIMARY KEY, n integer DEFAULT 42, neg integer DEFAULT -1, s text DEFAULT 'it''s', "
      "  f real DEFAULT 1.5, e integer DEFAULT (6 * 7), l text DEFAULT (lower('ABC')), "
      "  at timestamp DEFAULT CURRENT_TIMESTAMP, b integer DEFAULT NULL);");
}

TEST_P(SchemaConformanceTest, GeneratedColumns) {
  round_trip(pick("CREATE TABLE g (a int, b int GENERATED ALWAYS AS (a * 2) STORED, "
                  "  c text GENERATED ALWAYS AS (lower('X' || a::text)) STORED);",
                  "CREATE TABLE g (a int, b int GENERATED ALWAYS AS (a * 2) STORED, "
                  "  c text GENERATED ALWAYS AS (lower('X' || a)));"));
}

// Statement order, inline or table constraints, keyword case, quoting, blanks and comments
// change nothing in the dump. Names keep their case on SQLite and fold on PostgreSQL.
TEST_P(SchemaConformanceTest, TheSameSchemaInAnotherOrderAndSpellingDumpsTheSameText) {
  auto first = build(0, pick(
      "CREATE TABLE users (id integer PRIMARY KEY, email text UNIQUE, age int CHECK (age >= 0));"
      "CREATE TABLE logs (id integer PRIMARY KEY, user_id int REFERENCES users (id) ON DELETE CASCADE, "
      "  msg text DEFAULT 'none');"
      "CREATE INDEX logs_user ON logs (user_id);"
      "CREATE VIEW v1 AS SELECT id, email FROM users WHERE age > 18;"
      "CREATE VIEW v2 AS SELECT id FROM v1;",
      "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE, age INT CHECK (age >= 0));"
      "CREATE TABLE logs (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id) ON DELETE CASCADE, "
      "  msg TEXT DEFAULT 'none');"
      "CREATE INDEX logs_user ON logs (user_id);"
      "CREATE VIEW v1 AS SELECT id, email FROM users WHERE age > 18;"
      "CREATE VIEW v2 AS SELECT id FROM v1;"));
  auto second = build(2, pick(
      "/* users second */ create table \"users\" ( ID INTEGER not null , EMAIL text , Age int4 ,"
      "  constraint users_age_check check(age>=0) ) ;\n"
      "alter table USERS add constraint users_pkey primary key (id);\n"
      "alter table users add constraint users_email_key unique (email); -- table level\n"
      "CREATE table LOGS (\"id\" int4 not null, \"user_id\" integer, msg TEXT default 'none');"
      "alter table logs add constraint logs_pkey primary key (ID);"
      "alter table logs add constraint logs_user_id_fkey foreign key (user_id) references users on delete cascade;"
      "create view V1 as select ID, EMAIL from USERS where AGE>18;"
      "create index \"logs_user\" on logs using btree (user_id asc);"
      "create view v2 as select \"id\" from v1;",
      "/* logs first */ create table \"logs\" ( \"id\" integer primary key , user_id int , msg text default 'none',"
      "  foreign key ( user_id ) references \"users\" ( id ) on delete cascade ) ;\n"
      "create table users(id integer, email text, age int, primary key (id), unique (email), check(age>=0));\n"
      "create index \"logs_user\" on logs(user_id asc); -- ascending is the default\n"
      "create view v1 as select  id,email\n  from users where age>18;"
      "create view \"v2\" as select \"id\" from \"v1\";"));
  EXPECT_EQ(schema::canonical_text(second), schema::canonical_text(first));
  EXPECT_EQ(schema::render_sql(second), schema::render_sql(first));
}

// A keyword written bare as a name in an expression (SQLite's normal form upper-cases it:
// `key` -> `KEY`) still names the column, and reads back the same.
TEST_P(SchemaConformanceTest, KeywordsUsedAsNamesInsideExpressions) {
  round_trip(
      "CREATE TABLE k (key int CHECK (key > 0), action text DEFAULT 'x', no int, "
      "  CHECK (action <> '' AND no IS NOT NULL));"
      "CREATE INDEX k_key ON k (key, action) WHERE key > 1;"
      "CREATE VIEW kv AS SELECT key, action AS plan FROM k WHERE no > 0;");
}

// A view's column names are part of the view: rebuilt from the rendering, it gives the same
// names, whether a column list gave them or SQLite took them from the SELECT's text as written.
TEST_P(SchemaConformanceTest, AViewWithAColumnList) {
  auto rendered = round_trip(
      "CREATE TABLE t (a int, b text);"
      "CREATE VIEW v (x, \"Y y\") AS SELECT a, b FROM t;"
      "CREATE VIEW w AS SELECT a+1, lower( b ), a AS \"KEY\" FROM t;");
  if (!postgres())
    EXPECT_NE(rendered.find("CREATE VIEW v(x, \"Y y\") AS SELECT a, b FROM t;"), std::string::npos) << rendered;
}

TEST_P(SchemaConformanceTest, MigratesOwnTablesNeverAppear) {
  {
    auto db = backend::open(url(0));
    db->execute(backend::sql::create_version_table(dialect(), "", "conf_version"));
    db->execute(backend::sql::create_journal_table(dialect(), "", "conf_version_journal"));
  }
  auto rendered = round_trip("CREATE TABLE kept (x integer);");
  auto read = build(0, "SELECT 1;");
  ASSERT_EQ(read.tables.size(), 1u);
  EXPECT_EQ(read.tables[0].name.name, "kept");
  EXPECT_EQ(rendered.find("conf_version"), std::string::npos) << rendered;
  EXPECT_EQ(rendered.find("sqlite_"), std::string::npos) << rendered;
}

TEST_P(PostgresSchemaConformanceTest, EnumAndDomainColumns) {
  round_trip(
      "CREATE TYPE mood AS ENUM ('sad', 'ok', 'it''s fine');"
      "CREATE DOMAIN positive AS integer CONSTRAINT above_zero CHECK (VALUE > 0);"
      "CREATE TABLE p (id int PRIMARY KEY, m mood DEFAULT 'ok' NOT NULL, n positive, ms mood[]);");
}

TEST_P(SqliteSchemaConformanceTest, StrictWithoutRowidAutoincrementAndGeneratedColumns) {
  auto rendered = round_trip(
      "CREATE TABLE s (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, n INT) STRICT;"
      "CREATE TABLE w (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;"
      "CREATE TABLE sw (a INTEGER, b TEXT, PRIMARY KEY (a, b)) STRICT, WITHOUT ROWID;"
      "CREATE TABLE g (a INT, v INT GENERATED ALWAYS AS (a + 1) VIRTUAL, st INT GENERATED ALWAYS AS (a * 2) STORED, "
      "  plain AS (a || 'x'));");
  EXPECT_NE(rendered.find("AUTOINCREMENT"), std::string::npos) << rendered;
  EXPECT_NE(rendered.find(") STRICT, WITHOUT ROWID;"), std::string::npos) << rendered;
}

// Spellings SQLite keeps as written: declared types, blob and keyword defaults, expression
// keys with a collation, INSTEAD OF triggers on views, CTEs, quoted names in references.
TEST_P(SqliteSchemaConformanceTest, DeclaredTypesDefaultsAndStatementsAsWritten) {
  round_trip(
      "CREATE TABLE \"Parent Table\" (\"Key\" varchar( 40 ) PRIMARY KEY, d double  precision DEFAULT +1.5, "
      "  m decimal (10, 2) DEFAULT (round(1.005, 2)), b blob DEFAULT x'00ff', t boolean DEFAULT TRUE, "
      "  day date DEFAULT CURRENT_DATE, stamp text DEFAULT (datetime('now', 'localtime')), untyped, "
      "  n text NOT NULL COLLATE NOCASE DEFAULT '' CHECK (n <> 'x'));"
      "CREATE TABLE child (id integer PRIMARY KEY, k varchar(40) REFERENCES \"Parent Table\" (\"Key\") "
      "  ON UPDATE SET DEFAULT ON DELETE NO ACTION MATCH SIMPLE, \"order\" int);"
      "CREATE INDEX child_expr ON child (lower(k) COLLATE NOCASE DESC, abs(\"order\")) WHERE k LIKE 'a%';"
      "CREATE VIEW \"Recent\" AS WITH r AS (SELECT k, max(id) AS top FROM child GROUP BY k) "
      "  SELECT r.k, r.top, p.d FROM r JOIN \"Parent Table\" AS p ON p.\"Key\" = r.k;"
      "CREATE VIEW top_only AS SELECT * FROM \"Recent\" WHERE top > 1;"
      "CREATE TRIGGER \"order\" INSTEAD OF INSERT ON \"Recent\" BEGIN "
      "  INSERT INTO child (k) VALUES (new.k); SELECT RAISE(ABORT, 'no; never') WHERE new.k IS NULL; END;"
      "CREATE TRIGGER child_check BEFORE DELETE ON child WHEN old.\"order\" > 0 BEGIN SELECT 1; END;");
}

// SQLite reads a double-quoted word as a string where no column of that name is in scope
// (always in a DEFAULT): such strings keep their quotes, so the rebuilt schema means the same,
// while a double-quoted name still reads as its bare spelling.
TEST_P(SqliteSchemaConformanceTest, DoubleQuotedStringsStayStringsAndQuotedNamesReadBare) {
  const std::string quoted =
      "CREATE TABLE post (id INTEGER PRIMARY KEY, status TEXT DEFAULT \"draft\" "
      "  CHECK (status IN (\"draft\", \"published\")), \"title\" TEXT CHECK (length(\"title\") > 0));"
      "CREATE TABLE log (msg TEXT);"
      "CREATE INDEX post_live ON post (\"title\") WHERE \"status\" = \"published\";"
      "CREATE VIEW live AS SELECT \"title\", \"live\" AS marker FROM post WHERE \"status\" = \"published\";"
      "CREATE TRIGGER post_logged AFTER INSERT ON post BEGIN INSERT INTO log (msg) VALUES (\"new post\"); "
      "  UPDATE post SET status = \"published\" WHERE id = new.id AND \"title\" = \"now\"; END;";
  const auto rendered = round_trip(quoted);
  EXPECT_NE(rendered.find("DEFAULT \"draft\""), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("IN (\"draft\", \"published\")"), std::string::npos) << rendered;
  // The rebuilt schema behaves as the original: the strings are strings.
  auto db = backend::open(url(1));
  db->execute("INSERT INTO post (title) VALUES ('later')");
  db->execute("INSERT INTO post (title) VALUES ('now')");
  EXPECT_THROW(db->execute("INSERT INTO post (status, title) VALUES ('other', 'x')"), std::exception);
  const auto rows = db->query("SELECT (SELECT group_concat(status, ',') FROM post), "
                              "(SELECT group_concat(msg, ',') FROM log), (SELECT group_concat(marker) FROM live)");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at(0).value_or(""), "draft,published");
  EXPECT_EQ(rows[0].at(1).value_or(""), "new post,new post");
  EXPECT_EQ(rows[0].at(2).value_or(""), "live");
  // The same schema with its names bare reads equal.
  const std::string bare =
      "CREATE TABLE post (id INTEGER PRIMARY KEY, status TEXT DEFAULT \"draft\" "
      "  CHECK (status IN (\"draft\", \"published\")), title TEXT CHECK (length(title) > 0));"
      "CREATE TABLE log (msg TEXT);"
      "CREATE INDEX post_live ON post (title) WHERE status = \"published\";"
      "CREATE VIEW live AS SELECT title, \"live\" AS marker FROM post WHERE status = \"published\";"
      "CREATE TRIGGER post_logged AFTER INSERT ON post BEGIN INSERT INTO log (msg) VALUES (\"new post\"); "
      "  UPDATE post SET status = \"published\" WHERE id = new.id AND title = \"now\"; END;";
  EXPECT_EQ(schema::canonical_text(build(2, bare)), schema::canonical_text(build(0, "")));
}

std::vector<SchemaCase> postgres_case() { return {{"Postgres", Dialect::postgresql}}; }
std::vector<SchemaCase> sqlite_case() { return {{"SqliteFile", Dialect::sqlite}}; }
std::vector<SchemaCase> both_cases() { return {sqlite_case()[0], postgres_case()[0]}; }

std::string case_name(const ::testing::TestParamInfo<SchemaCase>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Backends, SchemaConformanceTest, ::testing::ValuesIn(both_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(Backends, PostgresSchemaConformanceTest, ::testing::ValuesIn(postgres_case()), case_name);
INSTANTIATE_TEST_SUITE_P(Backends, SqliteSchemaConformanceTest, ::testing::ValuesIn(sqlite_case()), case_name);

}  // namespace
}  // namespace migrate

// sql::catalog_effect: which catalog object a statement creates or drops.
#include "sql/effects.hpp"

#include <gtest/gtest.h>

namespace migrate::sql {
namespace {


using Kind = ObjectKind;

struct Expected {
  Kind kind;
  std::string schema, table, name;
  bool present;
};

void expect_effect(std::string_view sql, Dialect d, const Expected& e) {
  auto got = catalog_effect(sql, d);
  ASSERT_TRUE(got.has_value()) << sql;
  EXPECT_EQ(got->object.kind, e.kind) << sql;
  EXPECT_EQ(got->object.schema, e.schema) << sql;
  EXPECT_EQ(got->object.table, e.table) << sql;
  EXPECT_EQ(got->object.name, e.name) << sql;
  EXPECT_EQ(got->expect_present, e.present) << sql;
}

constexpr auto pg = Dialect::postgresql;
constexpr auto lite = Dialect::sqlite;

TEST(CatalogEffect, Tables) {
  expect_effect("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)", pg, {Kind::table, "", "users", "", true});
  expect_effect("create table if not exists Users(id int)", pg, {Kind::table, "", "users", "", true});
  expect_effect("CREATE TABLE IF NOT EXISTS Users(id int)", lite, {Kind::table, "", "Users", "", true});
  expect_effect("CREATE UNLOGGED TABLE app.\"Events\" (id int)", pg, {Kind::table, "app", "Events", "", true});
  expect_effect("DROP TABLE IF EXISTS app.users", pg, {Kind::table, "app", "users", "", false});
  expect_effect("DROP TABLE [my table]", lite, {Kind::table, "", "my table", "", false});
  expect_effect("DROP TABLE `a``b`", lite, {Kind::table, "", "a`b", "", false});
  expect_effect("DROP TABLE \"a\"\"b\"", pg, {Kind::table, "", "a\"b", "", false});
  expect_effect("-- why\n/* block */ CREATE\n  TABLE t (x int)", lite, {Kind::table, "", "t", "", true});
}

TEST(CatalogEffect, Columns) {
  expect_effect("ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT ''", lite,
                {Kind::column, "", "users", "email", true});
  expect_effect("ALTER TABLE users ADD email TEXT", pg, {Kind::column, "", "users", "email", true});
  expect_effect("ALTER TABLE IF EXISTS ONLY s.Users ADD COLUMN IF NOT EXISTS \"Email\" text", pg,
                {Kind::column, "s", "users", "Email", true});
  expect_effect("ALTER TABLE users DROP COLUMN email", lite, {Kind::column, "", "users", "email", false});
  expect_effect("ALTER TABLE users DROP IF EXISTS email CASCADE", pg, {Kind::column, "", "users", "email", false});
}

TEST(CatalogEffect, Indexes) {
  expect_effect("CREATE INDEX ix_users_email ON users (email)", lite,
                {Kind::index, "", "users", "ix_users_email", true});
  expect_effect("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS IX ON ONLY app.users USING btree (email)", pg,
                {Kind::index, "app", "users", "ix", true});
  expect_effect("CREATE INDEX main.ix ON users (email)", lite, {Kind::index, "main", "users", "ix", true});
  expect_effect("DROP INDEX CONCURRENTLY IF EXISTS app.ix", pg, {Kind::index, "app", "", "ix", false});
  expect_effect("drop index ix", lite, {Kind::index, "", "", "ix", false});
}

TEST(CatalogEffect, Constraints) {
  expect_effect("ALTER TABLE orders ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users(id)", pg,
                {Kind::constraint, "", "orders", "fk_user", true});
  expect_effect("ALTER TABLE public.orders DROP CONSTRAINT IF EXISTS \"FK\"", pg,
                {Kind::constraint, "public", "orders", "FK", false});
}

TEST(CatalogEffect, NotCheckable) {
  for (std::string_view sql :
       {"INSERT INTO t VALUES (1)", "UPDATE t SET a = 1", "SELECT 1", "", "-- only a comment",
        "CREATE INDEX ON users (email)",                         // unnamed index
        "ALTER TABLE t ADD PRIMARY KEY (id)",                    // unnamed constraint
        "ALTER TABLE t ADD UNIQUE (a)", "ALTER TABLE t RENAME TO u", "ALTER TABLE t RENAME COLUMN a TO b",
        "ALTER TABLE t ADD COLUMN a int, ADD COLUMN b int",     // several actions
        "DROP TABLE a, b",                                       // several objects
        "CREATE TEMP TABLE x (id int)", "CREATE VIEW v AS SELECT 1", "CREATE TRIGGER tr AFTER INSERT ON t BEGIN "
                                                                     "SELECT 1; END",
        "ALTER TABLE", "CREATE TABLE", "DROP INDEX"}) {
    EXPECT_FALSE(catalog_effect(sql, pg).has_value()) << sql;
    EXPECT_FALSE(catalog_effect(sql, lite).has_value()) << sql;
  }
}

TEST(CatalogEffect, CommaInsideColumnDefinitionIsOneAction) {
  expect_effect("ALTER TABLE t ADD COLUMN price NUMERIC(10, 2) DEFAULT 0", pg, {Kind::column, "", "t", "price", true});
}

TEST(CatalogEffect, Describe) {
  EXPECT_EQ(describe({Kind::table, "app", "users", ""}), "table app.users");
  EXPECT_EQ(describe({Kind::column, "", "users", "email"}), "column users.email");
  EXPECT_EQ(describe({Kind::index, "", "users", "ix"}), "index ix");
  EXPECT_EQ(describe({Kind::constraint, "", "orders", "fk"}), "constraint fk on orders");
}

}  // namespace
}  // namespace migrate::sql

namespace migrate::sql {
namespace {

// The effects parser reads through the shared lexer: a comma or comment opener inside a
// dollar body, an E'' string or a nested comment is no structure (the old tokenizer knew
// neither dollar bodies, E'' strings nor nested comments).
TEST(CatalogEffect, OpaqueLiteralsOfPostgres) {
  const auto pg = Dialect::postgresql;
  EXPECT_TRUE(catalog_effect("ALTER TABLE t ADD COLUMN c text DEFAULT $$a,b$$", pg).has_value());
  EXPECT_TRUE(catalog_effect("ALTER TABLE t ADD COLUMN c text DEFAULT E'it\\'s, fine'", pg).has_value());
  auto nested = catalog_effect("/* a /* b */ ALTER TABLE x */ DROP TABLE t", pg);
  ASSERT_TRUE(nested.has_value());
  EXPECT_EQ(nested->object.table, "t");
  EXPECT_FALSE(nested->expect_present);
}

}  // namespace
}  // namespace migrate::sql

namespace migrate {
namespace {

TEST(RunsOutsideTransactionTest, KnowsWhatCannotRunInATransactionBlock) {
  using sql::runs_outside_transaction;
  for (const char* s : {"CREATE INDEX CONCURRENTLY i ON t (x)", "create unique index concurrently if not exists i on t (x)",
                        "DROP INDEX CONCURRENTLY i", "REINDEX INDEX CONCURRENTLY i", "VACUUM ANALYZE t",
                        "CREATE DATABASE d", "ALTER SYSTEM SET work_mem = '1MB'", "COMMIT", "begin",
                        "/* c */ SAVEPOINT s"})
    EXPECT_TRUE(runs_outside_transaction(s, Dialect::postgresql)) << s;
  for (const char* s : {"CREATE INDEX i ON t (x)", "INSERT INTO t SELECT 1", "ALTER TYPE mood ADD VALUE 'ok'",
                        "CREATE TABLE concurrently (x int)", "UPDATE t SET vacuum = 1", ""})
    EXPECT_FALSE(runs_outside_transaction(s, Dialect::postgresql)) << s;
  for (const char* s : {"PRAGMA foreign_keys = OFF", "pragma user_version=3", "VACUUM", "ATTACH 'x.db' AS x", "END"})
    EXPECT_TRUE(runs_outside_transaction(s, Dialect::sqlite)) << s;
  for (const char* s : {"CREATE TABLE t (x)", "DELETE FROM t", "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END"})
    EXPECT_FALSE(runs_outside_transaction(s, Dialect::sqlite)) << s;
}

}  // namespace
}  // namespace migrate

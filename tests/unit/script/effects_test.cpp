// script::catalog_effect: which catalog object a statement creates or drops.
#include "script/effects.hpp"

#include <gtest/gtest.h>

#include "runtime/validation.hpp"

namespace migrate::script {
namespace {

using Kind = backend::CatalogObject::Kind;

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
}  // namespace migrate::script

// The line-diff summary shown with a checksum mismatch (runtime/validation.hpp) lives
// beside the statement effects: both describe what changed in a revision file.
namespace migrate::runtime {
namespace {

std::string lines(int from, int to, const std::string& tag = "l") {
  std::string out;
  for (int i = from; i <= to; ++i) out += tag + std::to_string(i) + "\n";
  return out;
}

TEST(DiffSummary, ChangedAddedRemoved) {
  std::string before = lines(1, 30);
  std::string after = lines(1, 11) + "x12\nx13\nx14\n" + lines(15, 20) + "new1\nnew2\n" + lines(21, 29);
  EXPECT_EQ(diff_summary(before, after), "lines 12-14 changed, 2 lines added after line 20, line 30 removed");
}

TEST(DiffSummary, SingleLineAndEdges) {
  EXPECT_EQ(diff_summary("a\nb\nc\n", "a\nB\nc\n"), "line 2 changed");
  EXPECT_EQ(diff_summary("a\nb\n", "new\na\nb\n"), "1 line added at the start");
  EXPECT_EQ(diff_summary("a\nb\nc\n", "a\nx\ny\nz\nc\n"), "line 2 replaced by 3 lines");
  EXPECT_EQ(diff_summary("a\nb\nc\nd\n", "a\nd\n"), "lines 2-3 removed");
  EXPECT_EQ(diff_summary("a\nb", "a\nb\n"), "no line changed (line endings or the end of the file differ)");
  EXPECT_EQ(diff_summary("", "a\n"), "1 line added at the start");
}

TEST(DiffSummary, CapsTheNumberOfParts) {
  std::string before = lines(1, 20);
  std::string after;
  for (int i = 1; i <= 20; ++i) after += (i % 2 ? "l" : "X") + std::to_string(i) + "\n";
  EXPECT_EQ(diff_summary(before, after, 2), "line 2 changed, line 4 changed, and 8 more changes");
}

TEST(AppliedRevisions, RowsThenTheirAncestorsThroughDependenciesInLoadOrder) {
  graph::RevisionMap map({{"a", {}, {}, {}, "a.sql:1"},
                          {"b", {"a"}, {}, {}, "b.sql:1"},
                          {"c", {"b"}, {}, {}, "c.sql:1"},
                          {"x", {}, {"other"}, {"b"}, "x.sql:1"},
                          {"y", {"x"}, {}, {}, "y.sql:1"}});
  EXPECT_EQ(applied_revisions(map, {"c"}), (std::vector<std::string>{"c", "a", "b"}));
  EXPECT_EQ(applied_revisions(map, {"y"}), (std::vector<std::string>{"y", "a", "b", "x"}));
  EXPECT_EQ(applied_revisions(map, {"y", "c"}), (std::vector<std::string>{"y", "c", "a", "b", "x"}));
  // A row no file explains is kept: it is an applied revision whose file is gone.
  EXPECT_EQ(applied_revisions(map, {"gone", "b"}), (std::vector<std::string>{"gone", "b", "a"}));
  EXPECT_TRUE(applied_revisions(map, {}).empty());
}

TEST(DiffSummary, NormalizeStripsBomAndCarriageReturns) {
  EXPECT_EQ(script::normalized_file_text("\xEF\xBB\xBF" "a\r\nb\r\n"), "a\nb\n");
  EXPECT_EQ(script::normalized_file_text("a\rb"), "a\rb");
}

}  // namespace
}  // namespace migrate::runtime

// The change planner from model literals: order of drops and creates, foreign-key cycles,
// additive against destructive changes and what is skipped, notes, the SQLite rebuild text.
// Round trips on real databases are in tests/backend/schema_changes_test.cpp.
#include "schema/changes.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace migrate::schema {
namespace {

/// Where `needle` starts in `text`; fails the test when it is not there.
std::size_t at(const std::string& text, const std::string& needle) {
  auto pos = text.find(needle);
  EXPECT_NE(pos, std::string::npos) << "missing: " << needle << "\nin:\n" << text;
  return pos;
}

Column column(std::string name, std::string type, bool not_null = false) {
  Column c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.not_null = not_null;
  return c;
}

Constraint key(std::string name, std::vector<std::string> columns, ConstraintKind kind = ConstraintKind::primary_key) {
  Constraint c;
  c.name = std::move(name);
  c.kind = kind;
  c.columns = std::move(columns);
  return c;
}

Constraint foreign_key(std::string name, std::string column, Name parent) {
  auto c = key(std::move(name), {std::move(column)}, ConstraintKind::foreign_key);
  c.foreign_key = ForeignKey{std::move(parent), {"id"}};
  return c;
}

Table table(Name name, std::vector<Column> columns, std::vector<Constraint> constraints = {}) {
  Table t;
  t.name = std::move(name);
  t.columns = std::move(columns);
  t.constraints = std::move(constraints);
  return t;
}

View view(Name name, std::string definition, std::vector<Name> depends_on) {
  View v;
  v.name = std::move(name);
  v.definition = std::move(definition);
  v.depends_on = std::move(depends_on);
  return v;
}

Schema postgres() {
  Schema s;
  s.dialect = Dialect::postgresql;
  s.schemas = {"public"};
  return s;
}

Schema sqlite() { return Schema{}; }

std::vector<std::string> descriptions(const std::vector<SchemaChange>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(c.description);
  return out;
}

TEST(PlanChanges, EqualSchemasGiveAnEmptyPlan) {
  auto s = postgres();
  s.tables.push_back(table({"public", "t"}, {column("id", "integer", true)}, {key("t_pkey", {"id"})}));
  s.views.push_back(view({"public", "v"}, " SELECT t.id FROM t;", {{"public", "t"}}));
  auto plan = plan_changes(s, s);
  EXPECT_TRUE(plan.empty());
  EXPECT_EQ(plan.sql(), "");
  EXPECT_TRUE(plan.notes.empty());
  auto lite = sqlite();
  lite.tables.push_back(table({"", "t"}, {column("id", "INTEGER")}, {key("", {"id"})}));
  EXPECT_TRUE(plan_changes(lite, lite).empty());
}

TEST(PlanChanges, DropsInReverseDependencyOrderComeBeforeCreatesInDependencyOrder) {
  auto from = postgres();
  from.tables.push_back(table({"public", "legacy"}, {column("id", "integer")}));
  from.views.push_back(view({"public", "old_v"}, " SELECT id FROM legacy;", {{"public", "legacy"}}));
  from.views.push_back(view({"public", "old_w"}, " SELECT id FROM old_v;", {{"public", "old_v"}}));
  auto to = postgres();
  to.tables.push_back(table({"public", "fresh"}, {column("id", "integer")}));
  to.views.push_back(view({"public", "new_w"}, " SELECT id FROM new_v;", {{"public", "new_v"}}));
  to.views.push_back(view({"public", "new_v"}, " SELECT id FROM fresh;", {{"public", "fresh"}}));
  Index i;
  i.name = {"public", "fresh_id"};
  i.table = "fresh";
  i.keys = {IndexKey{"id"}};
  to.indexes.push_back(i);
  auto sql = plan_changes(from, to).sql();
  EXPECT_LT(at(sql, "DROP VIEW public.old_w;"), at(sql, "DROP VIEW public.old_v;"));
  EXPECT_LT(at(sql, "DROP VIEW public.old_v;"), at(sql, "DROP TABLE public.legacy;"));
  EXPECT_LT(at(sql, "DROP TABLE public.legacy;"), at(sql, "CREATE TABLE public.fresh"));
  EXPECT_LT(at(sql, "CREATE TABLE public.fresh"), at(sql, "CREATE VIEW public.new_v"));
  EXPECT_LT(at(sql, "CREATE VIEW public.new_v"), at(sql, "CREATE VIEW public.new_w"));
  EXPECT_LT(at(sql, "CREATE VIEW public.new_w"), at(sql, "CREATE INDEX fresh_id"));
}

TEST(PlanChanges, AForeignKeyCycleIsCreatedTablesFirstAndDroppedKeysFirst) {
  auto cycle = postgres();
  cycle.tables.push_back(table({"public", "a"}, {column("id", "integer"), column("b_id", "integer")},
                               {key("a_pkey", {"id"}), foreign_key("a_b", "b_id", {"public", "b"})}));
  cycle.tables.push_back(table({"public", "b"}, {column("id", "integer"), column("a_id", "integer")},
                               {key("b_pkey", {"id"}), foreign_key("b_a", "a_id", {"public", "a"})}));
  auto up = plan_changes(postgres(), cycle).sql();
  EXPECT_LT(at(up, "CREATE TABLE public.b"), at(up, "ADD CONSTRAINT a_b FOREIGN KEY"));
  EXPECT_LT(at(up, "CREATE TABLE public.a"), at(up, "ADD CONSTRAINT b_a FOREIGN KEY"));
  auto down = drop_sql(cycle);
  EXPECT_LT(at(down, "ALTER TABLE public.a DROP CONSTRAINT a_b;"), at(down, "DROP TABLE public.a;"));
  EXPECT_LT(at(down, "ALTER TABLE public.b DROP CONSTRAINT b_a;"), at(down, "DROP TABLE public.a;"));
  EXPECT_LT(at(down, "ALTER TABLE public.b DROP CONSTRAINT b_a;"), at(down, "DROP TABLE public.b;"));
}

/// t(id, a integer, b text) with a view over it, to t(id, a bigint, c text): a type change, a
/// drop, an add, and the view dragged along.
std::pair<Schema, Schema> retyped() {
  auto from = postgres();
  from.tables.push_back(table({"public", "t"}, {column("id", "integer"), column("a", "integer"), column("b", "text")}));
  from.views.push_back(view({"public", "v"}, " SELECT t.a FROM t;", {{"public", "t"}}));
  auto to = postgres();
  to.tables.push_back(table({"public", "t"}, {column("id", "integer"), column("a", "bigint"), column("c", "text")}));
  to.views.push_back(from.views[0]);
  return {from, to};
}

TEST(PlanChanges, AdditiveOnlySkipsDestructiveChangesAndWhatTheyDragAlong) {
  auto [from, to] = retyped();
  auto all = plan_changes(from, to);
  EXPECT_TRUE(all.skipped.empty());
  EXPECT_EQ(descriptions(all.changes),
            (std::vector<std::string>{"drop view public.v", "drop column public.t.b (text)",
                                      "change the type of column public.t.a from integer to bigint",
                                      "add column public.t.c (text)", "create view public.v"}));
  auto additive = plan_changes(from, to, {false});
  EXPECT_EQ(descriptions(additive.changes), (std::vector<std::string>{"add column public.t.c (text)"}));
  EXPECT_EQ(additive.sql(), "ALTER TABLE public.t ADD COLUMN IF NOT EXISTS c text;\n");
  EXPECT_EQ(descriptions(additive.skipped),
            (std::vector<std::string>{"drop view public.v", "drop column public.t.b (text)",
                                      "change the type of column public.t.a from integer to bigint",
                                      "create view public.v"}));
  for (const auto& c : additive.skipped) EXPECT_TRUE(c.destructive) << c.description;
  EXPECT_NE(all.sql().find("ALTER TABLE public.t ALTER COLUMN a TYPE bigint USING a::bigint;\n"), std::string::npos);
}

TEST(PlanChanges, AColumnThatDisappearsWhileAnotherAppearsIsADropAndAnAddWithANote) {
  auto [from, to] = retyped();
  auto plan = plan_changes(from, to);
  ASSERT_EQ(plan.notes.size(), 1u);
  EXPECT_NE(plan.notes[0].find("b disappear and c appear"), std::string::npos) << plan.notes[0];
  EXPECT_NE(plan.notes[0].find("RENAME COLUMN"), std::string::npos) << plan.notes[0];
}

TEST(PlanChanges, ATableThatDisappearsWhileAnotherAppearsIsADropAndACreateWithANote) {
  auto from = sqlite();
  from.tables.push_back(table({"", "users"}, {column("id", "INTEGER")}));
  auto to = sqlite();
  to.tables.push_back(table({"", "accounts"}, {column("id", "INTEGER")}));
  auto plan = plan_changes(from, to);
  EXPECT_EQ(plan.sql(), "DROP TABLE users;\nCREATE TABLE accounts (\n    id INTEGER\n);\n");
  ASSERT_EQ(plan.notes.size(), 1u);
  EXPECT_NE(plan.notes[0].find("users disappear and accounts appear"), std::string::npos) << plan.notes[0];
  EXPECT_TRUE(plan_changes(sqlite(), to).notes.empty());
}

TEST(PlanChanges, APostgresColumnAddedInTheMiddleIsAppendedWithANote) {
  auto from = postgres();
  from.tables.push_back(table({"public", "t"}, {column("id", "integer"), column("z", "text")}));
  auto to = from;
  to.tables[0].columns.insert(to.tables[0].columns.begin() + 1, column("m", "text"));
  auto plan = plan_changes(from, to);
  EXPECT_EQ(plan.sql(), "ALTER TABLE public.t ADD COLUMN IF NOT EXISTS m text;\n");
  ASSERT_EQ(plan.notes.size(), 1u);
  EXPECT_NE(plan.notes[0].find("appended"), std::string::npos) << plan.notes[0];
}

TEST(PlanChanges, NullabilityAndDefaultChangesAreDestructive) {
  auto from = postgres();
  from.tables.push_back(table({"public", "t"}, {column("a", "integer")}));
  auto to = from;
  to.tables[0].columns[0].not_null = true;
  to.tables[0].columns[0].default_expression = "0";
  auto plan = plan_changes(from, to, {false});
  EXPECT_TRUE(plan.changes.empty());
  EXPECT_EQ(plan_changes(from, to).sql(),
            "ALTER TABLE public.t ALTER COLUMN a SET DEFAULT 0;\n"
            "ALTER TABLE public.t ALTER COLUMN a SET NOT NULL;\n");
}

TEST(PlanChanges, EnumLabelsAppendedInPlaceElseTheTypeIsReplaced) {
  auto from = postgres();
  Type mood;
  mood.name = {"public", "mood"};
  mood.labels = {"sad", "ok"};
  from.types.push_back(mood);
  from.tables.push_back(table({"public", "t"}, {column("m", "public.mood")}));
  auto to = from;
  to.types[0].labels = {"sad", "ok", "happy"};
  auto added = plan_changes(from, to);
  EXPECT_EQ(added.sql(), "ALTER TYPE public.mood ADD VALUE 'happy' AFTER 'ok';\n");
  EXPECT_FALSE(added.changes[0].destructive);
  auto removed = plan_changes(to, from);
  auto sql = removed.sql();
  ASSERT_EQ(removed.changes.size(), 1u);
  EXPECT_TRUE(removed.changes[0].destructive);
  EXPECT_LT(at(sql, "ALTER TYPE public.mood RENAME TO mood__migrate_old;"), at(sql, "CREATE TYPE public.mood AS ENUM"));
  EXPECT_LT(at(sql, "ALTER TABLE public.t ALTER COLUMN m TYPE public.mood USING m::text::public.mood;"),
            at(sql, "DROP TYPE public.mood__migrate_old;"));
}

TEST(PlanChanges, SchemasOfTwoDialectsAreRefused) {
  EXPECT_THROW(plan_changes(postgres(), sqlite()), Error);
}

TEST(PlanChanges, UnsupportedObjectsAreNeverTouched) {
  auto from = postgres();
  from.unsupported.push_back({"rule", "public.r", "rules are not modelled"});
  EXPECT_TRUE(plan_changes(from, postgres()).empty());
  EXPECT_TRUE(plan_changes(postgres(), from).empty());
}

TEST(PlanChangesSqlite, AddColumnWhereSqliteAllowsItElseTheRebuild) {
  auto from = sqlite();
  from.tables.push_back(table({"", "t"}, {column("id", "INTEGER"), column("a", "TEXT")}, {key("", {"id"})}));
  auto nullable = from;
  nullable.tables[0].columns.push_back(column("b", "TEXT"));
  EXPECT_EQ(plan_changes(from, nullable).sql(), "ALTER TABLE t ADD COLUMN b TEXT;\n");
  auto with_default = from;
  with_default.tables[0].columns.push_back(column("b", "INTEGER", true));
  with_default.tables[0].columns.back().default_expression = "0";
  EXPECT_EQ(plan_changes(from, with_default).sql(), "ALTER TABLE t ADD COLUMN b INTEGER NOT NULL DEFAULT 0;\n");
  auto required = from;
  required.tables[0].columns.push_back(column("b", "INTEGER", true));
  EXPECT_NE(plan_changes(from, required).sql().find("CREATE TABLE new_t"), std::string::npos);
  auto keyed = nullable;
  keyed.tables[0].constraints.push_back(key("", {"b"}, ConstraintKind::unique));
  EXPECT_NE(plan_changes(from, keyed).sql().find("CREATE TABLE new_t"), std::string::npos);
  EXPECT_EQ(plan_changes(nullable, from).sql(), "ALTER TABLE t DROP COLUMN b;\n");
  auto referencing = nullable;
  referencing.tables[0].constraints.push_back(foreign_key("", "b", {"", "p"}));
  referencing.tables[0].constraints.back().foreign_key->on_delete = "cascade";
  EXPECT_EQ(plan_changes(from, referencing).sql(),
            "ALTER TABLE t ADD COLUMN b TEXT REFERENCES p (id) ON DELETE CASCADE;\n");
  // A key column with a default: SQLite refuses ADD COLUMN, so the rebuild.
  auto defaulted = referencing;
  defaulted.tables[0].columns.back().default_expression = "'x'";
  EXPECT_NE(plan_changes(from, defaulted).sql().find("CREATE TABLE new_t"), std::string::npos);
}

TEST(PlanChangesSqlite, TheRebuildsCopyTakesANameNoTableHas) {
  auto from = sqlite();
  from.tables.push_back(table({"", "t"}, {column("a", "TEXT")}));
  from.tables.push_back(table({"", "new_t"}, {column("a", "TEXT")}));
  auto to = from;
  to.tables[0].strict = true;
  auto sql = plan_changes(from, to).sql();
  EXPECT_NE(sql.find("CREATE TABLE _new_t (\n"), std::string::npos) << sql;
  EXPECT_NE(sql.find("ALTER TABLE _new_t RENAME TO t;\n"), std::string::npos) << sql;
}

TEST(PlanChangesSqlite, TheRebuildCopiesCommonColumnsAndRecreatesIndexesTriggersAndViews) {
  auto from = sqlite();
  from.tables.push_back(
      table({"", "Order"}, {column("id", "INTEGER"), column("a", "TEXT"), column("gone", "TEXT")}, {key("", {"id"})}));
  Index i;
  i.name = {"", "order_a"};
  i.table = "Order";
  i.keys = {IndexKey{"a"}};
  from.indexes.push_back(i);
  from.views.push_back(view({"", "v"}, "SELECT a FROM \"Order\"", {}));
  from.views[0].columns = {"a"};
  from.triggers.push_back({{"", "Order"}, "tr", "CREATE TRIGGER tr AFTER INSERT ON \"Order\" BEGIN SELECT 1; END"});
  auto to = from;
  to.tables[0].columns = {column("id", "INTEGER"), column("a", "TEXT", true)};
  auto plan = plan_changes(from, to);
  EXPECT_EQ(plan.sql(),
            "DROP TRIGGER IF EXISTS tr;\n"
            "DROP VIEW v;\n"
            "DROP INDEX IF EXISTS order_a;\n"
            "-- Rebuild of \"Order\" (SQLite cannot make this change in place). Foreign keys are not enforced "
            "meanwhile: the\n"
            "-- runner switches them off before the transaction and runs PRAGMA foreign_key_check before it "
            "commits.\n"
            "CREATE TABLE new_Order (\n    id INTEGER,\n    a TEXT NOT NULL,\n    PRIMARY KEY (id)\n);\n"
            "INSERT INTO new_Order (id, a)\n    SELECT id, a FROM \"Order\";\n"
            "DROP TABLE \"Order\";\n"
            "ALTER TABLE new_Order RENAME TO \"Order\";\n"
            "CREATE VIEW v(a) AS SELECT a FROM \"Order\";\n"
            "CREATE INDEX order_a ON \"Order\" (a);\n"
            "CREATE TRIGGER tr AFTER INSERT ON \"Order\" BEGIN SELECT 1; END;\n");
  EXPECT_EQ(plan.sql().find("PRAGMA foreign_keys"), std::string::npos);
  for (const auto& c : plan.changes) EXPECT_TRUE(c.destructive) << c.description;
  // Only adding a constraint: the same rebuild, additive.
  auto checked = from;
  checked.tables[0].constraints.push_back(key("", {}, ConstraintKind::check));
  checked.tables[0].constraints.back().expression = "a <> ''";
  auto additive = plan_changes(from, checked, {false});
  EXPECT_TRUE(additive.skipped.empty()) << additive.skipped[0].description;
  EXPECT_NE(additive.sql().find("CHECK (a <> '')"), std::string::npos) << additive.sql();
  // A view over it that changes too: its drop is destructive, and the rebuild needs it.
  auto checked_and_viewed = checked;
  checked_and_viewed.views[0].definition = "SELECT a, id FROM \"Order\"";
  checked_and_viewed.views[0].columns = {"a", "id"};
  auto both = plan_changes(from, checked_and_viewed, {false});
  EXPECT_EQ(both.sql(), "");
  EXPECT_EQ(both.skipped.size(), 7u) << both.skipped.size();
}

TEST(DropSql, DropsEverythingInReverseDependencyOrderButNeverPublic) {
  auto s = postgres();
  s.schemas = {"app", "public"};
  s.tables.push_back(table({"app", "t"}, {column("id", "integer")}, {key("t_pkey", {"id"})}));
  s.views.push_back(view({"app", "v"}, " SELECT id FROM app.t;", {{"app", "t"}}));
  Sequence q;
  q.name = {"app", "q"};
  s.sequences.push_back(q);
  auto sql = drop_sql(s);
  EXPECT_LT(at(sql, "DROP VIEW app.v;"), at(sql, "DROP TABLE app.t;"));
  EXPECT_LT(at(sql, "DROP TABLE app.t;"), at(sql, "DROP SEQUENCE IF EXISTS app.q;"));
  EXPECT_LT(at(sql, "DROP SEQUENCE IF EXISTS app.q;"), at(sql, "DROP SCHEMA app;"));
  EXPECT_EQ(sql.find("public"), std::string::npos) << sql;
}

}  // namespace
}  // namespace migrate::schema

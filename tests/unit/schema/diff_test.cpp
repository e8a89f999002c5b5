// Comparing two schema models: what `migrate drift` reports, built from literal models.
#include "schema/diff.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace migrate::schema {
namespace {

using Change = Difference::Change;

Constraint named(const std::string& name, ConstraintKind kind, std::vector<std::string> columns) {
  Constraint c;
  c.name = name;
  c.kind = kind;
  c.columns = std::move(columns);
  return c;
}

Table users(Dialect d) {
  Table t;
  t.name = {d == Dialect::postgresql ? "public" : "", "users"};
  t.columns = {{"id", "integer", true}, {"email", "character varying(320)", true}, {"name", "text"}};
  t.columns[2].default_expression = "'anonymous'::text";
  t.constraints = {named("users_pkey", ConstraintKind::primary_key, {"id"}),
                   named("users_email_key", ConstraintKind::unique, {"email"})};
  return t;
}

Table posts(Dialect d) {
  Table t;
  t.name = {d == Dialect::postgresql ? "public" : "", "posts"};
  t.columns = {{"id", "integer", true}, {"user_id", "integer"}};
  auto fk = named("posts_user_id_fkey", ConstraintKind::foreign_key, {"user_id"});
  fk.foreign_key = ForeignKey{users(d).name, {"id"}, "no action", "cascade", "simple"};
  t.constraints = {fk};
  return t;
}

Index index_on(Dialect d, const std::string& name, const std::string& table, const std::string& column) {
  Index i;
  i.name = {d == Dialect::postgresql ? "public" : "", name};
  i.table = table;
  i.keys = {IndexKey{column}};
  return i;
}

Schema postgres(bool reversed = false) {
  const Dialect d = Dialect::postgresql;
  Schema s;
  s.dialect = d;
  s.schemas = {"public"};
  s.tables = reversed ? std::vector<Table>{posts(d), users(d)} : std::vector<Table>{users(d), posts(d)};
  s.indexes = {index_on(d, "ix_posts_user", "posts", "user_id")};
  View v;
  v.name = {"public", "active_users"};
  v.definition = " SELECT users.id FROM users;";
  v.columns = {"id"};
  s.views = {v};
  Function f;
  f.name = {"public", "touch"};
  f.arguments = "integer";
  f.definition = "CREATE OR REPLACE FUNCTION public.touch(integer) ...";
  s.functions = {f};
  Trigger trg;
  trg.table = {"public", "users"};
  trg.name = "users_touch";
  trg.definition = "CREATE TRIGGER users_touch ...";
  s.triggers = {trg};
  return s;
}

Difference diff(Change change, std::string kind, std::string object, std::string attribute = "",
                std::string expected = "", std::string actual = "") {
  return {change, std::move(kind), std::move(object), std::move(attribute), std::move(expected), std::move(actual)};
}

TEST(SchemaDiffTest, EqualModelsBuiltInAnotherOrderGiveNoDifference) {
  EXPECT_TRUE(compare(postgres(false), postgres(true)).empty());
  EXPECT_TRUE(compare(postgres(true), postgres(false)).empty());
}

TEST(SchemaDiffTest, AMissingTableIsReportedAloneAndItsIndexesOnTheirOwn) {
  auto actual = postgres();
  actual.tables = {users(Dialect::postgresql)};
  actual.indexes.clear();
  const std::vector<Difference> expected = {
      diff(Change::missing, "table", "public.posts", "", "2 columns"),
      diff(Change::missing, "index", "public.ix_posts_user", "", "btree on posts (user_id)"),
  };
  EXPECT_EQ(compare(postgres(), actual), expected);
}

TEST(SchemaDiffTest, AnExtraObjectOfEachKindIsExtra) {
  auto actual = postgres();
  actual.schemas.push_back("audit");
  actual.extensions.push_back({"pgcrypto", "public", "1.3", {}});
  Type mood;
  mood.name = {"public", "mood"};
  mood.labels = {"happy", "sad"};
  actual.types.push_back(mood);
  Sequence seq;
  seq.name = {"public", "counter"};
  actual.sequences.push_back(seq);
  Table extra = posts(Dialect::postgresql);
  extra.name.name = "archive";
  actual.tables.push_back(extra);
  actual.indexes.push_back(index_on(Dialect::postgresql, "ix_users_name", "users", "name"));
  View mv = actual.views[0];
  mv.name.name = "totals";
  mv.materialized = true;
  actual.views.push_back(mv);
  Function proc = actual.functions[0];
  proc.procedure = true;
  proc.arguments = "";
  actual.functions.push_back(proc);
  Trigger trg = actual.triggers[0];
  trg.name = "users_audit";
  actual.triggers.push_back(trg);
  std::vector<std::pair<std::string, std::string>> found;
  for (const auto& d : compare(postgres(), actual)) {
    EXPECT_EQ(d.change, Change::extra) << describe(d);
    found.emplace_back(d.kind, d.object);
  }
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"schema", "audit"},           {"extension", "pgcrypto"},
      {"type", "public.mood"},       {"sequence", "public.counter"},
      {"table", "public.archive"},   {"index", "public.ix_users_name"},
      {"materialized view", "public.totals"}, {"procedure", "public.touch()"},
      {"trigger", "public.users.users_audit"},
  };
  EXPECT_EQ(found, expected);
  // The reverse comparison reports the same objects as missing.
  for (const auto& d : compare(actual, postgres())) EXPECT_EQ(d.change, Change::missing) << describe(d);
  EXPECT_EQ(compare(actual, postgres()).size(), expected.size());
}

TEST(SchemaDiffTest, ColumnsAreMissingExtraOrChangedAttributeByAttribute) {
  auto actual = postgres();
  auto& cols = actual.tables[0].columns;  // users, as postgres() writes them: users, posts
  cols[0].type = "bigint";
  cols[1].not_null = false;
  cols[2].default_expression.reset();
  cols.push_back({"age", "integer"});
  auto expected_schema = postgres();
  expected_schema.tables[1].columns.push_back({"title", "text", true});  // posts
  const std::vector<Difference> expected = {
      diff(Change::missing, "column", "public.posts.title", "", "text NOT NULL"),
      diff(Change::extra, "column", "public.users.age", "", "", "integer"),
      diff(Change::changed, "column", "public.users.email", "not null", "true", "false"),
      diff(Change::changed, "column", "public.users.id", "type", "integer", "bigint"),
      diff(Change::changed, "column", "public.users.name", "default", "'anonymous'::text", "(none)"),
  };
  EXPECT_EQ(compare(expected_schema, actual), expected);
}

TEST(SchemaDiffTest, ColumnOrderIsOnePositionChangePerTable) {
  auto actual = postgres();
  auto& cols = actual.tables[0].columns;  // users: id, email, name
  std::swap(cols[0], cols[2]);            // name, email, id
  const std::vector<Difference> expected = {
      diff(Change::changed, "table", "public.users", "position", "id, email, name", "name, email, id")};
  EXPECT_EQ(compare(postgres(), actual), expected);
}

TEST(SchemaDiffTest, AColumnAbsentAtTheEndOrInTheMiddleIsOnlyMissing) {
  auto at_end = postgres();
  at_end.tables[0].columns.pop_back();
  EXPECT_EQ(compare(postgres(), at_end),
            std::vector<Difference>{
                diff(Change::missing, "column", "public.users.name", "", "text DEFAULT 'anonymous'::text")});
  auto in_middle = postgres();
  in_middle.tables[0].columns.erase(in_middle.tables[0].columns.begin() + 1);
  EXPECT_EQ(compare(postgres(), in_middle),
            std::vector<Difference>{
                diff(Change::missing, "column", "public.users.email", "", "character varying(320) NOT NULL")});
}

TEST(SchemaDiffTest, ConstraintsPoliciesIndexesViewsFunctionsAndTriggersChange) {
  auto actual = postgres();
  actual.tables[1].constraints[0].foreign_key->on_delete = "restrict";  // posts
  actual.tables[0].constraints.pop_back();                               // users_email_key
  Policy own;
  own.name = "own_rows";
  own.using_expression = "(id = 1)";
  auto expected_schema = postgres();
  expected_schema.tables[0].policies = {own};
  own.command = "select";
  actual.tables[0].policies = {own};
  actual.indexes[0].unique = true;
  actual.views[0].definition = " SELECT users.id, users.email FROM users;";
  actual.functions[0].comment = "bumps";
  actual.triggers[0].enabled = false;
  const std::vector<Difference> expected = {
      diff(Change::changed, "constraint", "public.posts.posts_user_id_fkey", "on delete", "cascade", "restrict"),
      diff(Change::missing, "constraint", "public.users.users_email_key", "", "unique (email)"),
      diff(Change::changed, "policy", "public.users.own_rows", "command", "all", "select"),
      diff(Change::changed, "index", "public.ix_posts_user", "unique", "false", "true"),
      diff(Change::changed, "view", "public.active_users", "definition", " SELECT users.id FROM users;",
           " SELECT users.id, users.email FROM users;"),
      diff(Change::changed, "function", "public.touch(integer)", "comment", "", "bumps"),
      diff(Change::changed, "trigger", "public.users.users_touch", "enabled", "true", "false"),
  };
  EXPECT_EQ(compare(expected_schema, actual), expected);
}

TEST(SchemaDiffTest, TypesSequencesAndExtensionsChange) {
  auto expected_schema = postgres();
  Type mood;
  mood.name = {"public", "mood"};
  mood.labels = {"happy", "sad"};
  expected_schema.types = {mood};
  Sequence seq;
  seq.name = {"public", "counter"};
  expected_schema.sequences = {seq};
  expected_schema.extensions = {{"pgcrypto", "public", "1.3", {}}};
  auto actual = expected_schema;
  actual.types[0].labels.push_back("ok");
  actual.sequences[0].increment = 5;
  actual.extensions[0].version = "1.4";
  const std::vector<Difference> expected = {
      diff(Change::changed, "extension", "pgcrypto", "version", "1.3", "1.4"),
      diff(Change::changed, "type", "public.mood", "labels", "happy, sad", "happy, sad, ok"),
      diff(Change::changed, "sequence", "public.counter", "increment", "1", "5"),
  };
  EXPECT_EQ(compare(expected_schema, actual), expected);
}

Schema sqlite_schema(const std::string& table_name, bool unique_first) {
  Schema s;
  s.dialect = Dialect::sqlite;
  Table t;
  t.name = {"", table_name};
  t.columns = {{"id", "INTEGER"}, {"email", "TEXT"}, {"age", "INTEGER"}};
  Constraint unique = named("", ConstraintKind::unique, {"email"});
  Constraint check = named("", ConstraintKind::check, {});
  check.expression = "age > 0";
  Constraint other_check = check;
  other_check.expression = "age < 200";
  t.constraints = unique_first ? std::vector<Constraint>{unique, check, other_check}
                               : std::vector<Constraint>{other_check, check, unique};
  s.tables = {t};
  return s;
}

TEST(SchemaDiffTest, SqliteMatchesNamesWithoutCaseAndUnnamedConstraintsByWhatTheyConstrain) {
  EXPECT_TRUE(compare(sqlite_schema("users", true), sqlite_schema("users", false)).empty());
  // Another spelling is the same table: only the spelling is reported, as its name.
  EXPECT_EQ(compare(sqlite_schema("users", true), sqlite_schema("Users", false)),
            std::vector<Difference>{diff(Change::changed, "table", "users", "name", "users", "Users")});
  auto actual = sqlite_schema("users", true);
  actual.tables[0].constraints[0].columns = {"id"};  // unique (email) became unique (id)
  actual.tables[0].constraints[2].expression = "age < 150";
  const std::vector<Difference> expected = {
      diff(Change::missing, "constraint", "users: unique (email)", "", "unique (email)"),
      diff(Change::extra, "constraint", "users: unique (id)", "", "", "unique (id)"),
      diff(Change::extra, "constraint", "users: check (age < 150)", "", "", "check (age < 150)"),
      diff(Change::missing, "constraint", "users: check (age < 200)", "", "check (age < 200)"),
  };
  EXPECT_EQ(compare(sqlite_schema("users", true), actual), expected);
}

TEST(SchemaDiffTest, UnnamedForeignKeysOnOneColumnAreToldApartByTheirParent) {
  auto with_keys = [](std::vector<std::string> parents, const std::string& on_delete) {
    auto s = sqlite_schema("users", true);
    for (const auto& parent : parents) {
      auto fk = named("", ConstraintKind::foreign_key, {"id"});
      fk.foreign_key = ForeignKey{{"", parent}, {"id"}, "no action", on_delete, "simple"};
      s.tables[0].constraints.push_back(fk);
    }
    return s;
  };
  EXPECT_TRUE(
      compare(with_keys({"people", "accounts"}, "cascade"), with_keys({"accounts", "people"}, "cascade")).empty());
  auto changed = with_keys({"accounts"}, "cascade");
  changed.tables[0].constraints.back().foreign_key->on_delete = "restrict";
  const std::string fk = "users: foreign key (id) references accounts (id)";
  EXPECT_EQ(compare(with_keys({"accounts"}, "cascade"), changed),
            std::vector<Difference>{diff(Change::changed, "constraint", fk, "on delete", "cascade", "restrict")});
  // Two identical unnamed constraints on one side and one on the other: one is extra.
  EXPECT_EQ(compare(with_keys({"accounts"}, "cascade"), with_keys({"accounts", "accounts"}, "cascade")),
            std::vector<Difference>{
                diff(Change::extra, "constraint", fk, "", "", "foreign key (id) references accounts (id)")});
}

TEST(SchemaDiffTest, ColumnOrderCountsOnSqliteToo) {
  auto actual = sqlite_schema("users", true);
  std::swap(actual.tables[0].columns[1], actual.tables[0].columns[2]);
  EXPECT_EQ(compare(sqlite_schema("users", true), actual),
            std::vector<Difference>{
                diff(Change::changed, "table", "users", "position", "id, email, age", "id, age, email")});
}

TEST(SchemaDiffTest, DescribeWritesOneLine) {
  EXPECT_EQ(describe(diff(Change::missing, "column", "public.users.email", "", "character varying(320) NOT NULL")),
            "missing column public.users.email (character varying(320) NOT NULL)");
  EXPECT_EQ(describe(diff(Change::changed, "column", "public.users.email", "type", "integer", "bigint")),
            "changed column public.users.email type: expected integer, actual bigint");
  EXPECT_EQ(describe(diff(Change::extra, "schema", "audit")), "extra schema audit");
  EXPECT_EQ(describe(diff(Change::changed, "function", "public.f()", "comment", "", "x")),
            "changed function public.f() comment: expected (none), actual x");
  EXPECT_STREQ(to_string(Change::missing), "missing");
  EXPECT_STREQ(to_string(Change::extra), "extra");
  EXPECT_STREQ(to_string(Change::changed), "changed");
}

TEST(SchemaDiffTest, TheOrderDoesNotDependOnTheInputsOrder) {
  auto actual = postgres(false);
  actual.tables[0].columns[0].type = "bigint";
  actual.tables[1].columns[0].type = "bigint";
  actual.indexes.clear();
  const auto first = compare(postgres(false), actual);
  auto shuffled = actual;
  std::swap(shuffled.tables[0], shuffled.tables[1]);
  EXPECT_EQ(compare(postgres(true), shuffled), first);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].object, "public.posts.id");
  EXPECT_EQ(first[1].object, "public.users.id");
  EXPECT_EQ(first[2].kind, "index");
}

/// postgres() with one object of every kind the model has.
Schema everything() {
  auto s = postgres();
  s.extensions = {{"pgcrypto", "public", "1.3", {}}};
  Type domain;
  domain.name = {"public", "email"};
  domain.kind = Type::Kind::domain;
  domain.base_type = "text";
  domain.checks = {named("email_check", ConstraintKind::check, {})};
  Type composite;
  composite.name = {"public", "pair"};
  composite.kind = Type::Kind::composite;
  composite.attributes = {{"a", "integer"}};
  s.types = {domain, composite};
  Sequence seq;
  seq.name = {"public", "counter"};
  s.sequences = {seq};
  Policy own;
  own.name = "own_rows";
  own.roles = {"public"};
  s.tables[0].policies = {own};
  return s;
}

TEST(SchemaDiffTest, EveryAttributeTheFingerprintCoversIsADifference) {
  const auto base = everything();
  const auto edits = std::vector<std::function<void(Schema&)>>{
      [](Schema& s) { s.schemas.push_back("audit"); },
      [](Schema& s) { s.extensions[0].requires_extensions = {"plpgsql"}; },
      [](Schema& s) { s.types[0].not_null = true; },
      [](Schema& s) { s.types[0].checks[0].not_valid = true; },
      [](Schema& s) { s.types[1].attributes[0].collation = "\"C\""; },
      [](Schema& s) { s.types[1].depends_on = {{"public", "email"}}; },
      [](Schema& s) { s.sequences[0].cycle = true; },
      [](Schema& s) { s.sequences[0].owned_by_table = Name{"public", "users"}; },
      [](Schema& s) { s.tables[0].comment = "x"; },
      [](Schema& s) { s.tables[0].unlogged = true; },
      [](Schema& s) { s.tables[0].partition_key = "RANGE (id)"; },
      [](Schema& s) { s.tables[0].force_row_security = true; },
      [](Schema& s) { s.tables[0].columns[0].identity = "always"; },
      [](Schema& s) { s.tables[0].columns[0].generated_stored = true; },
      [](Schema& s) { s.tables[0].columns[0].comment = "key"; },
      [](Schema& s) { s.tables[0].constraints[0].initially_deferred = true; },
      [](Schema& s) { s.tables[1].constraints[0].foreign_key->match = "full"; },
      [](Schema& s) { s.tables[1].constraints[0].foreign_key->parent_columns = {}; },
      [](Schema& s) { s.tables[0].policies[0].roles = {"admin"}; },
      [](Schema& s) { s.tables[0].policies[0].permissive = false; },
      [](Schema& s) { s.indexes[0].keys[0].descending = true; },
      [](Schema& s) { s.indexes[0].keys[0].nulls_first = true; },
      [](Schema& s) { s.indexes[0].keys[0].opclass = "int4_ops"; },
      [](Schema& s) { s.indexes[0].include = {"id"}; },
      [](Schema& s) { s.indexes[0].where = "(user_id > 0)"; },
      [](Schema& s) { s.indexes[0].method = "hash"; },
      [](Schema& s) { s.views[0].materialized = true; },
      [](Schema& s) { s.views[0].columns = {"user_id"}; },
      [](Schema& s) { s.views[0].depends_on = {{"public", "users"}}; },
      [](Schema& s) { s.functions[0].definition += " -- v2"; },
      [](Schema& s) { s.triggers[0].comment = "x"; },
  };
  ASSERT_TRUE(compare(base, base).empty());
  for (std::size_t i = 0; i < edits.size(); ++i) {
    auto changed = base;
    edits[i](changed);
    EXPECT_NE(fingerprint(changed), fingerprint(base)) << i;
    const auto differences = compare(base, changed);
    EXPECT_EQ(differences.size(), 1u) << i;
    for (const auto& d : differences) EXPECT_NE(d.change == Change::changed, d.attribute.empty()) << describe(d);
  }
}

}  // namespace
}  // namespace migrate::schema

// The schema model's canonical form: order-independent, spelling-independent on SQLite,
// every attribute part of the fingerprint.
#include "schema/model.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "util/sha256.hpp"

namespace migrate::schema {
namespace {

Table users(const std::string& name = "users") {
  Table t;
  t.name = {"", name};
  t.columns = {{"id", "integer", true}, {"email", "text", true}};
  Constraint pk;
  pk.name = "users_pkey";
  pk.kind = ConstraintKind::primary_key;
  pk.columns = {"id"};
  Constraint check;
  check.name = "email_has_at";
  check.kind = ConstraintKind::check;
  check.expression = "email LIKE '%@%'";
  t.constraints = {check, pk};
  return t;
}

Table logs() {
  Table t;
  t.name = {"", "logs"};
  t.columns = {{"id", "integer", true}, {"user_id", "integer"}};
  Constraint fk;
  fk.name = "logs_user_id_fkey";
  fk.kind = ConstraintKind::foreign_key;
  fk.columns = {"user_id"};
  fk.foreign_key = ForeignKey{{"", "users"}, {"id"}, "no action", "cascade", "simple"};
  t.constraints = {fk};
  return t;
}

Schema two_tables(bool reversed) {
  Schema s;
  s.dialect = Dialect::sqlite;
  s.tables = reversed ? std::vector<Table>{logs(), users()} : std::vector<Table>{users(), logs()};
  Index by_email;
  by_email.name = {"", "ix_users_email"};
  by_email.table = "users";
  by_email.unique = true;
  by_email.keys = {IndexKey{"email"}};
  Index by_user;
  by_user.name = {"", "ix_logs_user"};
  by_user.table = "logs";
  by_user.keys = {IndexKey{"user_id"}};
  s.indexes = reversed ? std::vector<Index>{by_user, by_email} : std::vector<Index>{by_email, by_user};
  return s;
}

TEST(SchemaModelTest, CreationOrderDoesNotChangeTheCanonicalFormOrTheFingerprint) {
  auto a = two_tables(false);
  auto b = two_tables(true);
  EXPECT_NE(a, b);
  EXPECT_EQ(canonical_copy(a), canonical_copy(b));
  EXPECT_EQ(canonical_text(canonical_copy(a)), canonical_text(canonical_copy(b)));
  EXPECT_EQ(fingerprint(a), fingerprint(b));
  EXPECT_EQ(fingerprint(a).size(), 64u);
}

TEST(SchemaModelTest, AFingerprintBuiltFromPiecesIsTheWholeSchemasFingerprint) {
  auto whole = canonical_copy(two_tables(false));
  View v;
  v.name = {"", "recent_logs"};
  v.definition = "SELECT * FROM logs";
  whole.views = {v};
  auto frame = whole;
  frame.tables.clear();
  frame.indexes.clear();
  // Tables one at a time in canonical order; each table's indexes with it, so the indexes
  // come in table order, not their own.
  FingerprintBuilder builder(frame);
  for (const auto& table : whole.tables) {
    std::vector<Index> its_indexes;
    for (const auto& index : whole.indexes)
      if (index.table == table.name.name) its_indexes.push_back(index);
    builder.add({table}, its_indexes);
  }
  EXPECT_EQ(builder.finish(frame), fingerprint(whole));
  // The writer hands its text to the hash in pieces: a schema far larger than one piece
  // hashes the same text as the whole.
  Schema large;
  large.dialect = Dialect::sqlite;
  for (int i = 0; i < 3000; ++i) large.tables.push_back(users("t" + std::to_string(100000 + i)));
  EXPECT_EQ(fingerprint(large), util::sha256_hex(canonical_text(canonical_copy(large))));
}

TEST(SchemaModelTest, AFingerprintBuilderRefusesTablesOutOfCanonicalOrder) {
  Schema frame;
  frame.dialect = Dialect::sqlite;
  FingerprintBuilder builder(frame);
  builder.add({users("b")}, {});
  EXPECT_THROW(builder.add({users("A")}, {}), std::logic_error);  // "a" < "b" without case
  EXPECT_THROW(builder.add({users("B")}, {}), std::logic_error);  // the same table twice
}

TEST(SchemaModelTest, ColumnOrderIsPartOfATable) {
  auto a = two_tables(false);
  auto b = a;
  std::swap(b.tables[0].columns[0], b.tables[0].columns[1]);
  EXPECT_NE(fingerprint(a), fingerprint(b));
}

TEST(SchemaModelTest, EveryAttributeCountsInTheFingerprint) {
  auto base = two_tables(false);
  auto changed = [&](auto edit) {
    auto s = base;
    edit(s);
    return fingerprint(s) != fingerprint(base);
  };
  EXPECT_TRUE(changed([](Schema& s) { s.tables[0].columns[1].not_null = false; }));
  EXPECT_TRUE(changed([](Schema& s) { s.tables[0].columns[1].default_expression = "''"; }));
  EXPECT_TRUE(changed([](Schema& s) { s.tables[0].columns[1].collation = "nocase"; }));
  EXPECT_TRUE(changed([](Schema& s) { s.tables[1].constraints[0].foreign_key->on_delete = "set null"; }));
  EXPECT_TRUE(changed([](Schema& s) { s.tables[1].constraints[0].deferrable = true; }));
  EXPECT_TRUE(changed([](Schema& s) { s.indexes[0].where = "email IS NOT NULL"; }));
  EXPECT_TRUE(changed([](Schema& s) { s.indexes[0].keys[0].descending = true; }));
  EXPECT_TRUE(changed([](Schema& s) { s.tables[0].strict = true; }));
  EXPECT_TRUE(changed([](Schema& s) { s.unsupported.push_back({"rule", "public.r", "rules are not modelled"}); }));
  EXPECT_TRUE(changed([](Schema& s) { s.tables[0].depends_on = {{"", "f"}}; }));
  EXPECT_TRUE(changed([](Schema& s) { s.extensions.push_back({"ltree_plpython3u", "public", "1.0", {"ltree"}}); }));
}

TEST(SchemaModelTest, DependenciesAreASortedSetAndWrittenUnderTheirObject) {
  auto s = two_tables(false);
  s.tables[1].depends_on = {{"", "z_type"}, {"", "a_function"}, {"", "z_type"}};
  s.extensions = {{"ltree_plpython3u", "public", "1.0", {"plpython3u", "ltree"}}};
  auto text = canonical_text(canonical_copy(s));
  EXPECT_NE(text.find("\n  depends on a_function\n  depends on z_type\n"), std::string::npos) << text;
  EXPECT_NE(text.find("extension ltree_plpython3u\n  schema public\n  version 1.0\n  requires ltree\n  requires plpython3u\n"),
            std::string::npos)
      << text;
}

TEST(SchemaModelTest, ValuesThatOnlyASeparatorWouldTellApartFingerprintApart) {
  auto enum_of = [](std::vector<std::string> labels) {
    Schema s;
    s.dialect = Dialect::postgresql;
    Type t;
    t.name = {"public", "mood"};
    t.labels = std::move(labels);
    s.types = {t};
    return s;
  };
  EXPECT_NE(fingerprint(enum_of({"a,b"})), fingerprint(enum_of({"a", "b"})));
  auto table_named = [](std::string schema, std::string name) {
    Schema s;
    s.dialect = Dialect::postgresql;
    s.tables = {users(std::move(name))};
    s.tables[0].name.schema = std::move(schema);
    return s;
  };
  EXPECT_NE(fingerprint(table_named("a.b", "c")), fingerprint(table_named("a", "b.c")));
  auto unsupported_because = [](std::string why) {
    Schema s;
    s.unsupported = {{"conflict clause", "t", std::move(why)}};
    return s;
  };
  // The model cannot hold the option, but a changed option is still a changed schema.
  EXPECT_NE(fingerprint(unsupported_because("ON CONFLICT REPLACE")), fingerprint(unsupported_because("ON CONFLICT IGNORE")));
}

TEST(SchemaModelTest, UnnamedForeignKeysOnTheSameColumnsOrderByTheirParent) {
  auto with_keys = [](bool reversed) {
    Schema s;
    s.dialect = Dialect::sqlite;
    Table t = users("child");
    Constraint to_a{"", ConstraintKind::foreign_key, {"id"}};
    to_a.foreign_key = ForeignKey{{"", "a"}, {"id"}};
    Constraint to_b{"", ConstraintKind::foreign_key, {"id"}};
    to_b.foreign_key = ForeignKey{{"", "b"}, {"id"}};
    t.constraints = reversed ? std::vector<Constraint>{to_b, to_a} : std::vector<Constraint>{to_a, to_b};
    s.tables = {t};
    return s;
  };
  EXPECT_EQ(fingerprint(with_keys(false)), fingerprint(with_keys(true)));
  EXPECT_EQ(canonical_copy(with_keys(false)), canonical_copy(with_keys(true)));
}

TEST(SchemaModelTest, SqliteNamesOrderWithoutCaseAndValuesStayOneLine) {
  Schema s;
  s.dialect = Dialect::sqlite;
  s.tables = {users("b_table"), users("A_table")};
  s.tables[0].comment = "two\nlines \\ here";
  canonicalize(s);
  EXPECT_EQ(s.tables[0].name.name, "A_table");
  auto text = canonical_text(s);
  EXPECT_EQ(text.rfind("format migrate-schema-v2\ndialect sqlite\n", 0), 0u) << text;
  EXPECT_NE(text.find("  comment two\\nlines \\\\ here\n"), std::string::npos) << text;
}

TEST(SchemaModelTest, ConstraintsAreASetAndEmptyMeansNothingButMigratesTables) {
  auto a = users();
  auto b = users();
  std::reverse(b.constraints.begin(), b.constraints.end());
  Schema sa, sb;
  sa.tables = {a};
  sb.tables = {b};
  EXPECT_EQ(fingerprint(sa), fingerprint(sb));
  EXPECT_FALSE(empty(sa));
  EXPECT_TRUE(empty(Schema{}));
}

}  // namespace
}  // namespace migrate::schema

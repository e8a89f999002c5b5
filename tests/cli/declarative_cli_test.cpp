// End-to-end `revision --autogenerate` and `baseline` on both backends, judged by round trips
// through the built binary: for pairs of schemas (current, desired), the revision generated
// from the current head to `schema_file` builds, on a fresh database, a schema whose dump is
// the desired one's; its downgrade gives the current one back; generating again writes
// nothing. A baseline of a database holding the desired schema, replayed from empty, gives
// it back too, and its downgrade leaves nothing.
#include <filesystem>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

std::size_t revision_files(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.path().extension() == ".sql";
  return n;
}

class DeclarativeCliTest : public CliTest {
 protected:
  std::filesystem::path versions() const { return m_dir.path() / "migrations" / "versions"; }

  std::string dump() {
    auto r = migrate({"dump"});
    EXPECT_EQ(r.status, 0) << describe(r);
    return r.out;
  }

  /// The dump of `sql` built on the emptied database (the version table stays: not schema),
  /// which is left empty again.
  std::string dump_of(const std::string& sql) {
    exec(drop_everything());
    exec(sql);
    auto out = dump();
    exec(drop_everything());
    return out;
  }

  std::string drop_everything() {
    std::string sql;
    for (const auto& name : column(k_postgres ? "SELECT 'DROP VIEW IF EXISTS ' || quote_ident(viewname) || ' CASCADE' "
                                                "FROM pg_views WHERE schemaname = 'public'"
                                              : "SELECT 'DROP VIEW IF EXISTS \"' || name || '\"' FROM sqlite_master "
                                                "WHERE type = 'view'"))
      sql += name + ";\n";
    for (const auto& name : column(k_postgres ? "SELECT 'DROP TABLE IF EXISTS ' || quote_ident(tablename) || ' CASCADE' "
                                                "FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE "
                                                "'migrate_version%'"
                                              : "SELECT 'DROP TABLE IF EXISTS \"' || name || '\"' FROM sqlite_master "
                                                "WHERE type = 'table' AND name NOT LIKE 'migrate_version%' AND name "
                                                "NOT LIKE 'sqlite_%'"))
      sql += name + ";\n";
    return sql;
  }

  /// The whole round trip for one pair of schemas.
  void round_trip(const std::string& current, const std::string& desired) {
    write_config("schema_file = \"schema.sql\"");
    write_revision("c0.sql", {"c0", "", current, ""});
    m_dir.write("schema.sql", desired);
    auto generated = migrate({"revision", "--autogenerate", "-m", "to desired", "--rev-id", "g1"});
    ASSERT_EQ(generated.status, 0) << describe(generated);
    ASSERT_EQ(revision_files(versions()), 2u) << generated.out;

    ASSERT_EQ(migrate({"upgrade", "c0"}).status, 0);
    const auto current_dump = dump();
    auto up = migrate({"upgrade", "head"});
    ASSERT_EQ(up.status, 0) << describe(up);
    const auto upgraded = dump();
    auto down = migrate({"downgrade", "c0"});
    ASSERT_EQ(down.status, 0) << describe(down);
    EXPECT_EQ(dump(), current_dump);  // the downgrade gives the current schema back
    ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
    auto again = migrate({"revision", "--autogenerate", "-m", "nothing"});
    EXPECT_EQ(again.status, 0) << describe(again);
    EXPECT_TRUE(contains(again.out, "No changes")) << again.out;
    EXPECT_EQ(revision_files(versions()), 2u);
    EXPECT_EQ(upgraded, dump_of(desired));  // the upgrade builds the desired schema

    baseline_round_trip(desired, upgraded);
  }

  /// A database holding `desired` adopted by a project without revisions: the baseline's
  /// downgrade leaves nothing, its upgrade builds the same schema again.
  void baseline_round_trip(const std::string& desired, const std::string& desired_dump) {
    std::filesystem::remove_all(versions());
    std::filesystem::create_directories(versions());
    exec("DROP TABLE migrate_version");
    exec("DROP TABLE migrate_version_journal");
    exec(desired);
    auto baseline = migrate({"baseline", "-m", "adopted", "--rev-id", "b1", "--stamp", "--reason", "adopted as is"});
    ASSERT_EQ(baseline.status, 0) << describe(baseline);
    EXPECT_EQ(version_rows(), std::vector<std::string>{"b1"});
    EXPECT_EQ(migrate({"drift"}).status, 0);
    ASSERT_EQ(migrate({"downgrade", "base"}).status, 0);
    EXPECT_FALSE(contains(dump(), "CREATE"));  // the downgrade dropped everything
    ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
    EXPECT_EQ(dump(), desired_dump);
  }
};

TEST_F(DeclarativeCliTest, NewTablesWithForeignKeysAndIndexes) {
  round_trip("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(320) NOT NULL UNIQUE);",
             "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(320) NOT NULL UNIQUE);\n"
             "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE "
             "CASCADE, total NUMERIC(12,2) NOT NULL DEFAULT 0 CHECK (total >= 0));\n"
             "CREATE INDEX ix_orders_user ON orders (user_id, total DESC);\n"
             "CREATE UNIQUE INDEX ux_users_lower_email ON users (lower(email));");
}

// `legacy` comes last: the downgrade adds it back, and PostgreSQL's ADD COLUMN can only append.
TEST_F(DeclarativeCliTest, ColumnsAddedDroppedAndChanged) {
  round_trip("CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(40), qty INTEGER, legacy TEXT);\n"
             "CREATE INDEX ix_items_name ON items (name);",
             "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL DEFAULT 'unnamed', qty BIGINT, "
             "price NUMERIC(10,2) DEFAULT 0);\n"
             "CREATE INDEX ix_items_name ON items (name) WHERE qty > 0;");
}

TEST_F(DeclarativeCliTest, ViewsOnViewsOverAChangedTableAndAForeignKeyCycle) {
  round_trip("CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER);\n"
             "CREATE VIEW va AS SELECT id FROM a;",
             "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER, label TEXT);\n"
             "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id));\n"
             "CREATE VIEW va AS SELECT id, label FROM a;\n"
             "CREATE VIEW vva AS SELECT id FROM va WHERE label IS NOT NULL;");
}

TEST_F(DeclarativeCliTest, WithoutSchemaFileItSaysWhatToAdd) {
  write_revision("c0.sql", {"c0", "", "CREATE TABLE t (id INTEGER);", ""});
  auto refused = migrate({"revision", "--autogenerate", "-m", "x"});
  EXPECT_EQ(refused.status, 2) << describe(refused);
  EXPECT_TRUE(contains(refused.err, "schema_file")) << refused.err;
  EXPECT_EQ(revision_files(versions()), 1u);
}

TEST_F(DeclarativeCliTest, BaselineIsRefusedInAProjectWithRevisions) {
  write_revision("c0.sql", {"c0", "", "CREATE TABLE t (id INTEGER);", ""});
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto refused = migrate({"baseline", "-m", "x"});
  EXPECT_EQ(refused.status, 2) << describe(refused);
  EXPECT_TRUE(contains(refused.err, "drift --identify")) << refused.err;
  EXPECT_EQ(revision_files(versions()), 1u);
}

}  // namespace
}  // namespace migrate::test

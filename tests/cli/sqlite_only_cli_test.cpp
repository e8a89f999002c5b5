// End-to-end tests that only mean something for SQLite files: URL precedence with file
// paths, and `init`, whose generated project uses SQLite.
#include <filesystem>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

class SqliteOnlyCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    write_revision("a_first.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;"});
  }
};

TEST_F(SqliteOnlyCliTest, UrlOptionOverridesTheConfiguration) {
  auto r = migrate({"upgrade", "head", "--url", "sqlite:///other.db"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(std::filesystem::exists(m_dir.path() / "other.db"));
  EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "app.db"));
}

TEST_F(SqliteOnlyCliTest, EnvironmentUrlWinsOverTheFile) {
  auto r = migrate({"upgrade", "head"}, {{"MIGRATE_DATABASE_URL", "sqlite:///env.db"}});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(std::filesystem::exists(m_dir.path() / "env.db"));
}

TEST_F(SqliteOnlyCliTest, TheLeaseLockIsRefusedOnSqliteWhoseFileLockAlwaysExcludes) {
  write_config("lock = \"table\"\n");
  auto r = migrate({"upgrade", "head"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "`lock = \"table\"`")) << r.err;
  EXPECT_TRUE(contains(r.err, "needs a PostgreSQL database")) << r.err;
  EXPECT_FALSE(database_touched());
}

TEST_F(SqliteOnlyCliTest, APostgresqlWireEngineIsRefusedOnSqlite) {
  write_config("engine = \"cockroachdb\"\n");
  auto r = migrate({"upgrade", "head"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "`engine = \"cockroachdb\"`")) << r.err;
  EXPECT_TRUE(contains(r.err, "remove it for SQLite")) << r.err;
  EXPECT_FALSE(database_touched());
}

TEST(InitCliTest, InitCreatesAProjectThatRuns) {
  TempDir dir;
  auto r = run_process({MIGRATE_BINARY, "init", "migrations"}, dir.path(), {{"MIGRATE_CONFIG", "\x01unset"}});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "migrations" / "versions"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "migrate.toml"));
  auto rev = run_process({MIGRATE_BINARY, "revision", "-m", "first"}, dir.path(), {{"MIGRATE_CONFIG", "\x01unset"}});
  ASSERT_EQ(rev.status, 0) << describe(rev);
  auto up = run_process({MIGRATE_BINARY, "upgrade", "head"}, dir.path(),
                        {{"MIGRATE_CONFIG", "\x01unset"}, {"DATABASE_URL", "\x01unset"},
                         {"MIGRATE_DATABASE_URL", "\x01unset"}});
  EXPECT_EQ(up.status, 0) << describe(up);
  auto again = run_process({MIGRATE_BINARY, "init", "migrations"}, dir.path());
  EXPECT_EQ(again.status, 2) << describe(again);
  auto list = run_process({MIGRATE_BINARY, "list-templates"}, dir.path());
  EXPECT_EQ(list.status, 0);
  EXPECT_NE(list.out.find("generic - "), std::string::npos) << list.out;
}

}  // namespace
}  // namespace migrate::test

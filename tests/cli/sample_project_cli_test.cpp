// End-to-end on the bundled sample project (migrations/ and migrate.toml at the top level):
// every revision applies and every downgrade really reverses it.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

class SampleProjectTest : public CliTest {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(m_dir.path());
    std::filesystem::copy(std::filesystem::path(MIGRATE_SOURCE_DIR) / "migrations", m_dir.path() / "migrations",
                          std::filesystem::copy_options::recursive);
    CliTest::SetUp();  // a migrate.toml like the bundled one, pointed at this test's database
  }

  std::vector<std::string> schema() const { return schema_snapshot(); }
  static std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }
  std::vector<std::string> schema_or_empty() const { return {}; }
};

TEST_F(SampleProjectTest, UpgradeHeadBuildsTheWholeSchema) {
  auto r = migrate({"upgrade", "head"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"9c235a8f471a"});
  for (const char* t : {"tenants", "users", "subscription_tiers", "api_keys", "plugins", "usage_logs",
                        "tenant_usage_quotas"})
    EXPECT_TRUE(has_table(t)) << t;
  EXPECT_EQ(column_count("tenant_usage_quotas"), 13);
  EXPECT_EQ(column("SELECT count(*) FROM migrate_version_journal"), std::vector<std::string>{"9"});
}

TEST_F(SampleProjectTest, EachDowngradeRestoresTheSchemaBeforeItsUpgrade) {
  // Step by step up (explicit targets: +1 would be an ambiguous walk at the branch point).
  const std::vector<std::string> ups{"1975ea83b712", "2b1f8c9d0e47", "3c5a9e2f61d8", "4d7e0b3a92c5", "5e8f1c4b03d6",
                                     "6f902d5c14e7", "7a013e6d25f8", "8b124f7e3609", "9c235a8f471a"};
  std::vector<std::vector<std::string>> schemas{schema_or_empty()};
  for (const auto& target : ups) {
    auto r = migrate({"upgrade", target});
    ASSERT_EQ(r.status, 0) << describe(r);
    schemas.push_back(schema());
  }
  // And back down: downgrade i takes the database from state i+1 to state i.
  const std::vector<std::string> downs{"base", "1975ea83b712", "2b1f8c9d0e47", "plugins@-1", "4d7e0b3a92c5",
                                       "5e8f1c4b03d6", "6f902d5c14e7", "7a013e6d25f8", "8b124f7e3609"};
  for (int i = 8; i >= 0; --i) {
    auto r = migrate({"downgrade", downs[i]});
    ASSERT_EQ(r.status, 0) << downs[i] << "\n" << describe(r);
    EXPECT_EQ(schema(), schemas[i]) << "after downgrade " << downs[i];
  }
  EXPECT_TRUE(version_rows().empty());
}

TEST_F(SampleProjectTest, HistoryShowsTheBranchAndMerge) {
  auto r = migrate({"history"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_NE(r.out.find("3c5a9e2f61d8, 4d7e0b3a92c5 -> 5e8f1c4b03d6 (access, plugins) (mergepoint), merge api keys and plugins"),
            std::string::npos)
      << r.out;
}

TEST_F(SampleProjectTest, DumpRebuildsTheSampleSchemaAndIsByteIdenticalTwice) {
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto dump = migrate({"dump"});
  ASSERT_EQ(dump.status, 0) << describe(dump);
  EXPECT_EQ(migrate({"dump"}).out, dump.out);
  auto built = schema();
  ASSERT_EQ(migrate({"downgrade", "base"}).status, 0);
  connect()->execute(dump.out);  // the dump alone, on the emptied database
  // PostgreSQL's information_schema gives a second, independent view of the rebuilt schema
  // (SQLite's stored CREATE text keeps each spelling, so there only the model compares).
  if (k_postgres) EXPECT_EQ(schema(), built);
  EXPECT_EQ(migrate({"dump"}).out, dump.out);
}

#ifndef MIGRATE_CLI_POSTGRES
// The bundled migrate.toml keeps migrations/schema.sql up to date through dump_after_upgrade:
// the committed file is what an upgrade to head writes on SQLite.
TEST_F(SampleProjectTest, TheCommittedSchemaSqlIsWhatUpgradeHeadWrites) {
  write_config("dump_after_upgrade = \"migrations/schema.sql\"");
  auto committed = read_text(std::filesystem::path(MIGRATE_SOURCE_DIR) / "migrations" / "schema.sql");
  std::filesystem::remove(m_dir.path() / "migrations" / "schema.sql");
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  EXPECT_EQ(read_text(m_dir.path() / "migrations" / "schema.sql"), committed)
      << "run `migrate upgrade head` in the repository's top folder and commit migrations/schema.sql";
}
#endif

}  // namespace
}  // namespace migrate::test

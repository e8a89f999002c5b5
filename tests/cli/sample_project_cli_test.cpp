// End-to-end on the bundled sample project (migrations/ and migrate.toml at the top level):
// every revision applies and every downgrade really reverses it.
#include <filesystem>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

class SampleProjectTest : public CliTest {
 protected:
  void SetUp() override {
    std::filesystem::copy(std::filesystem::path(MIGRATE_SOURCE_DIR) / "migrations", m_dir.path() / "migrations",
                          std::filesystem::copy_options::recursive);
    std::filesystem::copy_file(std::filesystem::path(MIGRATE_SOURCE_DIR) / "migrate.toml",
                               m_dir.path() / "migrate.toml");
  }

  std::vector<std::string> schema() const {
    return column("SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'migrate_version%' "
                  "AND name NOT LIKE 'sqlite_%' ORDER BY name");
  }
};

TEST_F(SampleProjectTest, UpgradeHeadBuildsTheWholeSchema) {
  auto r = migrate({"upgrade", "head"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"9c235a8f471a"});
  for (const char* t : {"tenants", "users", "subscription_tiers", "api_keys", "plugins", "usage_logs",
                        "tenant_usage_quotas"})
    EXPECT_TRUE(has_table(t)) << t;
  EXPECT_EQ(column("SELECT count(*) FROM pragma_table_info('tenant_usage_quotas')"), std::vector<std::string>{"13"});
  EXPECT_EQ(column("SELECT count(*) FROM migrate_version_journal"), std::vector<std::string>{"9"});
}

TEST_F(SampleProjectTest, EachDowngradeRestoresTheSchemaBeforeItsUpgrade) {
  std::vector<std::vector<std::string>> schemas;
  for (int i = 0; i < 9; ++i) {
    ASSERT_EQ(migrate({"upgrade", "+1"}).status, 0) << "step " << i;
    schemas.push_back(schema());
  }
  // Walk back down: after each downgrade the schema equals the one recorded one step earlier.
  for (int i = 8; i >= 1; --i) {
    auto r = migrate({"downgrade", "-1"});
    ASSERT_EQ(r.status, 0) << describe(r);
    EXPECT_EQ(schema(), schemas[i - 1]) << "after downgrading step " << i;
  }
  ASSERT_EQ(migrate({"downgrade", "base"}).status, 0);
  EXPECT_TRUE(schema().empty());
}

TEST_F(SampleProjectTest, HistoryShowsTheBranchAndMerge) {
  auto r = migrate({"history"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_NE(r.out.find("3c5a9e2f61d8, 4d7e0b3a92c5 -> 5e8f1c4b03d6 (access, plugins) (mergepoint), merge api keys and plugins"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace migrate::test

// End-to-end on the bundled sample project (migrations/ and migrate.toml at the top level):
// every revision applies and every downgrade really reverses it.
#include <filesystem>

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

}  // namespace
}  // namespace migrate::test

// End-to-end: upgrade, downgrade, stamp, --plan and JSON output on real SQLite files.
#include <filesystem>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

class UpgradeCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    write_revision("a_first.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;"});
    write_revision("b_second.sql", {"bbb2", "\"aaa1\"", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;"});
    write_revision("c_third.sql", {"ccc3", "\"bbb2\"", "CREATE TABLE c (id INTEGER);", "DROP TABLE c;"});
  }
};

TEST_F(UpgradeCliTest, UpgradeHeadAppliesEveryRevisionAndRecordsOneRow) {
  auto r = migrate({"upgrade", "head"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(has_table("a"));
  EXPECT_TRUE(has_table("b"));
  EXPECT_TRUE(has_table("c"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"ccc3"});
  EXPECT_NE(r.err.find("Running upgrade  -> aaa1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Running upgrade bbb2 -> ccc3"), std::string::npos) << r.err;
  EXPECT_EQ(column("SELECT revision FROM migrate_version_journal ORDER BY id"),
            (std::vector<std::string>{"aaa1", "bbb2", "ccc3"}));
}

TEST_F(UpgradeCliTest, SecondUpgradeIsANoOp) {
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto r = migrate({"upgrade", "head"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(column("SELECT count(*) FROM migrate_version_journal"), std::vector<std::string>{"3"});
}

TEST_F(UpgradeCliTest, DowngradeMinusOneRevertsTheLastRevision) {
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto r = migrate({"downgrade", "-1"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_FALSE(has_table("c"));
  EXPECT_TRUE(has_table("b"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(column("SELECT direction FROM migrate_version_journal WHERE revision = 'ccc3' ORDER BY id"),
            (std::vector<std::string>{"upgrade", "downgrade"}));
}

TEST_F(UpgradeCliTest, DowngradeBaseEmptiesTheVersionTable) {
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto r = migrate({"downgrade", "base"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_FALSE(has_table("a"));
  EXPECT_TRUE(version_rows().empty());
}

TEST_F(UpgradeCliTest, RelativeUpgradeMovesByN) {
  auto r = migrate({"upgrade", "+2"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(migrate({"upgrade", "+5"}).status, 2);
}

TEST_F(UpgradeCliTest, PlanChangesNothingAndDoesNotCreateTheVersionTable) {
  auto r = migrate({"upgrade", "head", "--plan", "--format", "json"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_NE(r.out.find("\"command\": \"upgrade\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"version_table_ops\": [[\"insert\", \"aaa1\"], [\"update\", \"aaa1\", \"bbb2\"], "
                       "[\"update\", \"bbb2\", \"ccc3\"]]"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(database_touched());
  // Not even the SQLite file: the plan of a first deploy reads a missing file as empty.
  if (!k_postgres) EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "app.db"));
  auto stamp = migrate({"stamp", "bbb2", "--plan"});
  ASSERT_EQ(stamp.status, 0) << describe(stamp);
  if (!k_postgres) EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "app.db"));
}

TEST_F(UpgradeCliTest, ExecutedUpgradeReportsJsonWithDurations) {
  auto r = migrate({"--format", "json", "upgrade", "head"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_NE(r.out.find("\"heads_before\": []"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"heads_after\": [\"ccc3\"]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"duration_ms\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "exactly one JSON document: " << r.out;
}

TEST_F(UpgradeCliTest, GlobalOptionsMayFollowTheCommand) {
  auto before = migrate({"--format", "json", "heads"});
  auto after = migrate({"heads", "--format", "json"});
  ASSERT_EQ(before.status, 0) << describe(before);
  EXPECT_EQ(before.out, after.out);
}

TEST_F(UpgradeCliTest, StampWritesOnlyTheVersionTable) {
  auto r = migrate({"stamp", "bbb2"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_FALSE(has_table("a"));
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  EXPECT_TRUE(has_table("c"));
  EXPECT_FALSE(has_table("a"));
}

TEST_F(UpgradeCliTest, StampPurgeToleratesUnknownRows) {
  ASSERT_EQ(migrate({"stamp", "aaa1"}).status, 0);
  exec("UPDATE migrate_version SET version_num = 'zzz9'");
  auto refused = migrate({"upgrade", "head"});
  EXPECT_EQ(refused.status, 5) << describe(refused);
  EXPECT_NE(refused.err.find("zzz9"), std::string::npos) << refused.err;
  auto r = migrate({"stamp", "--purge", "bbb2", "--format", "json"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_NE(r.out.find("[\"delete\", \"zzz9\"]"), std::string::npos) << r.out;
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
}

TEST_F(UpgradeCliTest, UnknownRevisionIsAGraphError) {
  auto r = migrate({"upgrade", "nosuchrev", "--format", "json"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_NE(r.out.find("\"kind\": \"revision_not_found\""), std::string::npos) << r.out;
  EXPECT_FALSE(database_touched());
}

TEST_F(UpgradeCliTest, DowngradeThroughIrreversibleRevisionIsRefusedBeforeAnythingRuns) {
  m_dir.write("migrations/versions/d_fourth.sql",
              "-- migrate:revision\n-- revision = \"ddd4\"\n-- down_revision = \"ccc3\"\n\n"
              "-- migrate:upgrade\nCREATE TABLE d (id INTEGER);\n");
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto r = migrate({"downgrade", "bbb2", "--format", "json"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_NE(r.out.find("\"kind\": \"irreversible\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ddd4"), std::string::npos) << r.out;
  EXPECT_TRUE(has_table("c"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"ddd4"});
}

}  // namespace
}  // namespace migrate::test

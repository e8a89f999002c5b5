// End-to-end downgrade of revisions whose files are gone (issue 4, Done-when 4): the
// application was rolled back to a release without the applied revision's file; `upgrade`
// refuses and says the ways out, `downgrade -1` runs the downgrade SQL stored in the journal
// when the revision was applied, with a warning. SQLite and PostgreSQL.
#include <filesystem>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class JournalDowngradeCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (IsSkipped()) return;
    write_revision("a_first.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;"});
    write_revision("b_second.sql", {"bbb2", "\"aaa1\"", "CREATE TABLE b (id INTEGER);\nALTER TABLE a ADD COLUMN note TEXT;",
                                    "ALTER TABLE a DROP COLUMN note;\nDROP TABLE b;"});
    write_revision("c_third.sql", {"ccc3", "\"bbb2\"", "CREATE TABLE c (id INTEGER);", "DROP TABLE c;"});
    auto r = migrate({"upgrade", "head"});
    ASSERT_EQ(r.status, 0) << describe(r);
  }

  void remove_file(const std::string& name) {
    std::filesystem::remove(m_dir.path() / "migrations" / "versions" / name);
  }
};

TEST_F(JournalDowngradeCliTest, UpgradeRefusesWhileAnAppliedFileIsGone) {
  remove_file("c_third.sql");
  auto r = migrate({"upgrade", "head", "--format", "json"});
  EXPECT_EQ(r.status, 5) << describe(r);
  EXPECT_TRUE(contains(r.out, "\"kind\": \"needs_repair\"")) << r.out;
  EXPECT_TRUE(contains(r.out, "revision ccc3 is applied, but its file is gone")) << r.out;
  EXPECT_TRUE(contains(r.out, "migrate downgrade -1")) << r.out;
  EXPECT_TRUE(contains(r.out, "restore the file")) << r.out;
  auto listing = migrate({"repair"});
  EXPECT_EQ(listing.status, 5) << describe(listing);
  EXPECT_TRUE(contains(listing.out, "Revision ccc3: applied, but its file is gone")) << listing.out;
}

TEST_F(JournalDowngradeCliTest, DowngradeRunsTheStoredSqlWithAWarning) {
  remove_file("c_third.sql");
  auto r = migrate({"downgrade", "-1"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.err, "revision ccc3 has no file in the version locations: its downgrade SQL comes from the "
                              "copy stored in the journal"))
      << r.err;
  EXPECT_FALSE(has_table("c"));
  EXPECT_TRUE(has_table("b"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(column("SELECT direction || ' ' || status FROM migrate_version_journal WHERE revision = 'ccc3' ORDER BY id"),
            (std::vector<std::string>{"upgrade applied", "downgrade applied"}));
  // With the gone revision off the database, everything is normal again.
  EXPECT_EQ(migrate({"repair"}).status, 0);
  auto up = migrate({"upgrade", "head"});
  EXPECT_EQ(up.status, 0) << describe(up);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
}

TEST_F(JournalDowngradeCliTest, SeveralGoneRevisionsDowngradeThroughTheirCopies) {
  // The release rolled back to has only the first revision.
  remove_file("c_third.sql");
  remove_file("b_second.sql");
  auto plan = migrate({"downgrade", "aaa1", "--plan"});
  ASSERT_EQ(plan.status, 0) << describe(plan);
  EXPECT_EQ(column_count("a"), 2);
  auto r = migrate({"downgrade", "aaa1"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.err, "revision ccc3 has no file")) << r.err;
  EXPECT_TRUE(contains(r.err, "revision bbb2 has no file")) << r.err;
  EXPECT_FALSE(has_table("c"));
  EXPECT_FALSE(has_table("b"));
  EXPECT_EQ(column_count("a"), 1);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
  EXPECT_EQ(migrate({"upgrade", "head"}).status, 0);
}

TEST_F(JournalDowngradeCliTest, WithoutAStoredCopyTheRowIsUnexplained) {
  remove_file("c_third.sql");
  // A journal that predates stored copies (or was cleared) cannot stand in for the file.
  exec("DELETE FROM migrate_version_journal WHERE revision = 'ccc3'");
  auto r = migrate({"downgrade", "-1", "--format", "json"});
  EXPECT_EQ(r.status, 5) << describe(r);
  EXPECT_TRUE(contains(r.out, "ccc3")) << r.out;
  EXPECT_TRUE(has_table("c"));
}

}  // namespace
}  // namespace migrate::test

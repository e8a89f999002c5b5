// End-to-end downgrade of revisions whose files are gone: the
// application was rolled back to a release without the applied revision's file; `upgrade`
// refuses and says the ways out, `downgrade -1` runs the downgrade SQL stored in the journal
// when the revision was applied, with a warning. SQLite and PostgreSQL.
#include <filesystem>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

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

TEST_F(JournalDowngradeCliTest, DowngradeAfterAnAcceptedEditRunsTheAcceptedText) {
  // A table added by hand in production; the file catches up and the edit is accepted.
  exec("CREATE TABLE c2 (id INTEGER)");
  write_revision("c_third.sql", {"ccc3", "\"bbb2\"", "CREATE TABLE c (id INTEGER);\nCREATE TABLE c2 (id INTEGER);",
                                 "DROP TABLE c2;\nDROP TABLE c;"});
  auto accepted = migrate({"repair", "--accept-checksum", "ccc3", "--reason", "c2 made by hand"});
  ASSERT_EQ(accepted.status, 0) << describe(accepted);
  remove_file("c_third.sql");
  // The copy is the accepted text, not the one the upgrade ran: c2 goes too.
  auto r = migrate({"downgrade", "-1"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.err, "revision ccc3 has no file in the version locations")) << r.err;
  EXPECT_FALSE(has_table("c"));
  EXPECT_FALSE(has_table("c2"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
}

TEST_F(JournalDowngradeCliTest, CurrentAndHistoryShowAGoneRevisionFromItsCopy) {
  auto journal_rows = column("SELECT count(*) FROM migrate_version_journal");
  remove_file("c_third.sql");
  auto current = migrate({"current"});
  ASSERT_EQ(current.status, 0) << describe(current);
  EXPECT_EQ(current.out, "ccc3 (head)\n");
  EXPECT_TRUE(contains(current.err, "revision ccc3 has no file in the version locations: it is shown from the copy "
                                    "stored in the journal"))
      << current.err;
  auto json = migrate({"current", "--format", "json"});
  ASSERT_EQ(json.status, 0) << describe(json);
  EXPECT_TRUE(contains(json.out, "\"revision\": \"ccc3\"")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"path\": \"<journal copy of ccc3>\"")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"is_current\": true")) << json.out;

  // Two gone files: history lists both from their copies.
  remove_file("b_second.sql");
  auto history = migrate({"history", "--indicate-current"});
  ASSERT_EQ(history.status, 0) << describe(history);
  EXPECT_EQ(history.out,
            "bbb2 -> ccc3 (head) (current), revision ccc3\n"
            "aaa1 -> bbb2, revision bbb2\n<base> -> aaa1, revision aaa1\n");
  EXPECT_TRUE(contains(history.err, "revision ccc3 has no file")) << history.err;
  EXPECT_TRUE(contains(history.err, "revision bbb2 has no file")) << history.err;
  auto range = migrate({"history", "-r", "aaa1:current"});
  ASSERT_EQ(range.status, 0) << describe(range);
  EXPECT_EQ(range.out,
            "bbb2 -> ccc3 (head), revision ccc3\naaa1 -> bbb2, revision bbb2\n<base> -> aaa1, revision aaa1\n");
  auto show = migrate({"show", "current"});
  ASSERT_EQ(show.status, 0) << describe(show);
  EXPECT_TRUE(contains(show.out, "Rev: ccc3 (head) (current)")) << show.out;

  // Reading changed nothing.
  EXPECT_EQ(version_rows(), std::vector<std::string>{"ccc3"});
  EXPECT_EQ(column("SELECT count(*) FROM migrate_version_journal"), journal_rows);
}

TEST_F(JournalDowngradeCliTest, CurrentWithoutACopySaysTheFileIsGone) {
  remove_file("c_third.sql");
  exec("DELETE FROM migrate_version_journal WHERE revision = 'ccc3'");
  auto r = migrate({"current", "--format", "json"});
  EXPECT_EQ(r.status, 5) << describe(r);
  EXPECT_TRUE(contains(r.out, "\"kind\": \"needs_repair\"")) << r.out;
  EXPECT_TRUE(contains(r.out, "revision 'ccc3', but its file is gone from the version locations and the journal "
                              "holds no copy of it"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "restore the revision file")) << r.out;

  // A gone revision in the middle of the history is named as applied and gone, not as an
  // unknown parent.
  write_revision("c_third.sql", {"ccc3", "\"bbb2\"", "CREATE TABLE c (id INTEGER);", "DROP TABLE c;"});
  remove_file("b_second.sql");
  exec("DELETE FROM migrate_version_journal WHERE revision = 'bbb2'");
  auto history = migrate({"history", "--indicate-current"});
  EXPECT_EQ(history.status, 5) << describe(history);
  EXPECT_TRUE(contains(history.err, "revision bbb2 is applied, but its file is gone from the version locations and "
                                    "the journal holds no copy of it"))
      << history.err;
  EXPECT_TRUE(contains(history.err, "restore the file")) << history.err;
  EXPECT_EQ(migrate({"current"}).status, 5);
}

}  // namespace
}  // namespace migrate::test

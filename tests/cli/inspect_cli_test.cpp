// End-to-end: heads, history, branches, show, current, offline --sql, revision and merge,
// on Alembic's documented branch example (docs/revision-graph.md).
#include <filesystem>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

class BranchedCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    write_revision("1975ea83b712_a.sql", {"1975ea83b712", "", "CREATE TABLE account (id INTEGER);", "DROP TABLE account;"});
    write_revision("27c6a30d7c24_b.sql", {"27c6a30d7c24", "\"1975ea83b712\"", "CREATE TABLE cart (id INTEGER);",
                                          "DROP TABLE cart;", "-- branch_labels = [\"shoppingcart\"]\n"});
    write_revision("53fffde5ad5_merge.sql", {"53fffde5ad5", "[\"ae1027a6acf\", \"27c6a30d7c24\"]", "", ""});
    write_revision("ae1027a6acf_c.sql", {"ae1027a6acf", "\"1975ea83b712\"",
                                         "ALTER TABLE account ADD COLUMN last_transaction_date TEXT;",
                                         "ALTER TABLE account DROP COLUMN last_transaction_date;"});
  }
};

TEST_F(BranchedCliTest, HeadsShowsTheMergeWithItsCarriedLabel) {
  auto r = migrate({"heads"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(r.out, "53fffde5ad5 (shoppingcart) (head)\n");
}

TEST_F(BranchedCliTest, HistoryListsNewestFirstInAlembicFormat) {
  auto r = migrate({"history"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(r.out,
            "ae1027a6acf, 27c6a30d7c24 -> 53fffde5ad5 (shoppingcart) (head) (mergepoint), revision 53fffde5ad5\n"
            "1975ea83b712 -> ae1027a6acf, revision ae1027a6acf\n"
            "1975ea83b712 -> 27c6a30d7c24 (shoppingcart), revision 27c6a30d7c24\n"
            "<base> -> 1975ea83b712 (branchpoint), revision 1975ea83b712\n");
}

TEST_F(BranchedCliTest, BranchesListsEachBranchPointAndItsChildren) {
  auto r = migrate({"branches"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(r.out,
            "1975ea83b712 (branchpoint)\n"
            "             -> 27c6a30d7c24 (shoppingcart)\n"
            "             -> ae1027a6acf\n\n");
}

TEST_F(BranchedCliTest, JsonRevisionObjectsCarryTheContractFields) {
  auto r = migrate({"show", "53fff", "--format", "json"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_NE(r.out.find("{\"revisions\": [{\"revision\": \"53fffde5ad5\", \"down_revisions\": [\"ae1027a6acf\", "
                       "\"27c6a30d7c24\"], \"branch_labels\": [], \"depends_on\": [], \"message\": \"revision "
                       "53fffde5ad5\", \"path\": "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"is_head\": true, \"is_base\": false, \"is_branch_point\": false, \"is_merge_point\": true, "
                       "\"is_current\": null}]}"),
            std::string::npos)
      << r.out;
}

TEST_F(BranchedCliTest, ShowBasePrintsAnEmptyList) {
  auto r = migrate({"show", "base", "--format", "json"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(r.out, "{\"revisions\": []}\n");
}

TEST_F(BranchedCliTest, UpgradeHeadsOrdersBranchesAsAlembicAndCollapsesRowsAtTheMerge) {
  auto r = migrate({"upgrade", "head", "--format", "json"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_NE(r.out.find("\"version_table_ops\": [[\"insert\", \"1975ea83b712\"], [\"update\", \"1975ea83b712\", "
                       "\"27c6a30d7c24\"], [\"insert\", \"ae1027a6acf\"], [\"delete\", \"ae1027a6acf\"], "
                       "[\"update\", \"27c6a30d7c24\", \"53fffde5ad5\"]]}"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(version_rows(), std::vector<std::string>{"53fffde5ad5"});
}

TEST_F(BranchedCliTest, DowngradeAcrossTheMergeLeavesBothParents) {
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto r = migrate({"downgrade", "ae10"});
  ASSERT_EQ(r.status, 0) << describe(r);
  auto rows = version_rows();
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows, (std::vector<std::string>{"27c6a30d7c24", "ae1027a6acf"}));
  auto ambiguous = migrate({"downgrade", "-1", "--format", "json"});
  EXPECT_EQ(ambiguous.status, 2) << describe(ambiguous);
  EXPECT_NE(ambiguous.out.find("\"kind\": \"ambiguous_walk\""), std::string::npos) << ambiguous.out;
  EXPECT_NE(ambiguous.out.find("@-1"), std::string::npos) << ambiguous.out;
}

TEST_F(BranchedCliTest, CurrentAndCheckHeads) {
  ASSERT_EQ(migrate({"upgrade", "27c6a30d7c24"}).status, 0);
  auto r = migrate({"current"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(r.out, "27c6a30d7c24\n");
  auto check = migrate({"current", "--check-heads"});
  EXPECT_EQ(check.status, 1) << describe(check);
  EXPECT_NE(check.err.find("Database is not on all head revisions"), std::string::npos) << check.err;
  ASSERT_EQ(migrate({"upgrade", "heads"}).status, 0);
  EXPECT_EQ(migrate({"current", "--check-heads"}).status, 0);
}

TEST_F(BranchedCliTest, OfflineSqlPrintsTheScriptWithoutTouchingTheDatabase) {
  auto r = migrate({"upgrade", "head", "--sql"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_FALSE(database_touched());
  const std::vector<std::string> in_order{
      "CREATE TABLE migrate_version",
      "-- Running upgrade  -> 1975ea83b712",
      "CREATE TABLE account (id INTEGER);",
      "INSERT INTO migrate_version (version_num) VALUES ('1975ea83b712');",
      "-- Running upgrade 1975ea83b712 -> 27c6a30d7c24",
      "UPDATE migrate_version SET version_num='27c6a30d7c24' WHERE migrate_version.version_num = '1975ea83b712';",
      "-- Running upgrade 1975ea83b712 -> ae1027a6acf",
      "INSERT INTO migrate_version (version_num) VALUES ('ae1027a6acf');",
      "-- Running upgrade ae1027a6acf, 27c6a30d7c24 -> 53fffde5ad5",
      "DELETE FROM migrate_version WHERE migrate_version.version_num = 'ae1027a6acf';",
      "UPDATE migrate_version SET version_num='53fffde5ad5' WHERE migrate_version.version_num = '27c6a30d7c24';",
      "COMMIT;"};
  std::size_t pos = 0;
  for (const auto& piece : in_order) {
    auto found = r.out.find(piece, pos);
    ASSERT_NE(found, std::string::npos) << "missing or out of order: " << piece << "\n" << r.out;
    pos = found + piece.size();
  }
  EXPECT_EQ(r.out.rfind("BEGIN;", 0), 0u) << r.out;
}

TEST_F(BranchedCliTest, OfflineDowngradeNeedsARange) {
  auto r = migrate({"downgrade", "base", "--sql"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_NE(r.err.find("downgrade with --sql requires <fromrev>:<torev>"), std::string::npos) << r.err;
  auto ok = migrate({"downgrade", "53fffde5ad5:base", "--sql"});
  ASSERT_EQ(ok.status, 0) << describe(ok);
  EXPECT_NE(ok.out.find("-- Running downgrade 53fffde5ad5 -> ae1027a6acf, 27c6a30d7c24"), std::string::npos) << ok.out;
}

TEST_F(BranchedCliTest, RevisionOnTwoHeadsAsksForAMerge) {
  write_revision("ffff_extra.sql", {"ffff0001", "\"1975ea83b712\"", "SELECT 1;", ""});
  auto r = migrate({"revision", "-m", "next"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_NE(r.err.find("Multiple heads are present"), std::string::npos) << r.err;
  auto merged = migrate({"merge", "heads", "-m", "join them", "--rev-id", "m0001"});
  ASSERT_EQ(merged.status, 0) << describe(merged);
  auto heads = migrate({"heads"});
  EXPECT_EQ(heads.out, "m0001 (shoppingcart) (head)\n") << heads.out;
}

TEST_F(BranchedCliTest, RevisionCreatesAFileOnTheHead) {
  auto r = migrate({"revision", "-m", "Add usage logs!", "--rev-id", "abc123"});
  ASSERT_EQ(r.status, 0) << describe(r);
  auto path = m_dir.path() / "migrations" / "versions" / "abc123_add_usage_logs.sql";
  EXPECT_TRUE(std::filesystem::exists(path)) << r.out;
  EXPECT_NE(r.out.find("Generating " + path.string() + " ...  done"), std::string::npos) << r.out;
  auto text = read_file(path);
  EXPECT_NE(text.find("-- revision = \"abc123\""), std::string::npos) << text;
  EXPECT_NE(text.find("-- down_revision = \"53fffde5ad5\""), std::string::npos) << text;
  auto heads = migrate({"heads"});
  EXPECT_EQ(heads.out, "abc123 (shoppingcart) (head)\n");
  EXPECT_EQ(migrate({"revision", "-m", "x", "--rev-id", "bad-id"}).status, 2);
}

}  // namespace
}  // namespace migrate::test

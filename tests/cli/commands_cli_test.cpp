// End-to-end: the commands the other CLI suites leave out, run against a live database on
// both backends: merge of two applied branches, branch-relative moves, `current` and
// `history` reading the database, `edit current`, `stamp` of several heads, `heads
// --resolve-dependencies`, `list-templates`, and `repair` on a clean database.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

/// base → {billing (label billing), audit (label audit)}; audit depends on billing's first.
class TwoBranchCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    write_revision("a1_base.sql", {"a1", "", "CREATE TABLE tenants (id TEXT PRIMARY KEY);", "DROP TABLE tenants;"});
    write_revision("b1_billing.sql", {"b1", "\"a1\"", "CREATE TABLE invoices (id INTEGER PRIMARY KEY);",
                                      "DROP TABLE invoices;", "-- branch_labels = [\"billing\"]\n"});
    write_revision("b2_billing.sql", {"b2", "\"b1\"", "ALTER TABLE invoices ADD COLUMN total INTEGER;",
                                      "ALTER TABLE invoices DROP COLUMN total;"});
    write_revision("c1_audit.sql", {"c1", "\"a1\"", "CREATE TABLE audit_log (id INTEGER PRIMARY KEY);",
                                    "DROP TABLE audit_log;",
                                    "-- branch_labels = [\"audit\"]\n-- depends_on = [\"b1\"]\n"});
  }

  std::vector<std::string> sorted_rows() const {
    auto rows = version_rows();
    std::sort(rows.begin(), rows.end());
    return rows;
  }
};

TEST_F(TwoBranchCliTest, BranchTargetsMoveOneBranchAndItsDependencies) {
  auto r = migrate({"upgrade", "audit@head"});
  ASSERT_EQ(r.status, 0) << describe(r);
  // audit needs b1 (depends_on), not b2; b1 is then implied by c1 and has no row of its own
  // (Alembic's rows after `upgrade audit@head`: c1 only).
  EXPECT_EQ(sorted_rows(), (std::vector<std::string>{"c1"}));
  EXPECT_TRUE(has_table("audit_log"));
  EXPECT_EQ(column_count("invoices"), 1);

  ASSERT_EQ(migrate({"upgrade", "billing@+1"}).status, 0);
  EXPECT_EQ(sorted_rows(), (std::vector<std::string>{"b2", "c1"}));
  EXPECT_EQ(column_count("invoices"), 2);

  auto down = migrate({"downgrade", "billing@-1"});
  ASSERT_EQ(down.status, 0) << describe(down);
  EXPECT_EQ(sorted_rows(), (std::vector<std::string>{"c1"}));
  auto current = migrate({"current"});
  ASSERT_EQ(current.status, 0) << describe(current);
  // `current` lists the rows and the revisions they imply through depends_on.
  EXPECT_NE(current.out.find("c1 (head)\n"), std::string::npos) << current.out;
  EXPECT_NE(current.out.find("b1\n"), std::string::npos) << current.out;
  EXPECT_EQ(column_count("invoices"), 1);
}

TEST_F(TwoBranchCliTest, CurrentVerboseAndHistoryIndicateCurrentReadTheDatabase) {
  ASSERT_EQ(migrate({"upgrade", "heads"}).status, 0);
  auto current = migrate({"current", "--verbose"});
  ASSERT_EQ(current.status, 0) << describe(current);
  EXPECT_NE(current.out.find("Rev: b2 (head)"), std::string::npos) << current.out;
  EXPECT_NE(current.out.find("Rev: c1 (head)"), std::string::npos) << current.out;

  ASSERT_EQ(migrate({"downgrade", "billing@-1"}).status, 0);
  auto history = migrate({"history", "--indicate-current"});
  ASSERT_EQ(history.status, 0) << describe(history);
  // Only version-table rows are marked current, as in Alembic (checked against 1.8.1).
  EXPECT_EQ(history.out,
            "b1 -> b2 (billing) (head), revision b2\n"
            "a1 (b1) -> c1 (audit) (head) (current), revision c1\n"
            "a1 -> b1 (billing), revision b1\n"
            "<base> -> a1 (branchpoint), revision a1\n");

  auto json = migrate({"current", "--format", "json"});
  ASSERT_EQ(json.status, 0) << describe(json);
  EXPECT_NE(json.out.find("\"revision\": \"c1\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"is_current\": true"), std::string::npos) << json.out;
}

TEST_F(TwoBranchCliTest, MergeOfAppliedHeadsUpgradesToOneRow) {
  ASSERT_EQ(migrate({"upgrade", "heads"}).status, 0);
  auto merge = migrate({"merge", "heads", "-m", "join billing and audit", "--rev-id", "m1"});
  ASSERT_EQ(merge.status, 0) << describe(merge);
  auto heads = migrate({"heads"});
  ASSERT_EQ(heads.status, 0) << describe(heads);
  EXPECT_NE(heads.out.find("m1 ("), std::string::npos) << heads.out;
  EXPECT_NE(heads.out.find("(head)"), std::string::npos) << heads.out;

  auto up = migrate({"upgrade", "head", "--format", "json"});
  ASSERT_EQ(up.status, 0) << describe(up);
  EXPECT_NE(up.out.find("\"steps\": [{\"revision\": \"m1\", \"direction\": \"upgrade\""), std::string::npos) << up.out;
  EXPECT_EQ(version_rows(), std::vector<std::string>{"m1"});

  // -1 from a merge point would have to choose a parent: refused, as Alembic does.
  auto ambiguous = migrate({"downgrade", "-1", "--format", "json"});
  EXPECT_EQ(ambiguous.status, 2) << describe(ambiguous);
  EXPECT_NE(ambiguous.out.find("\"kind\": \"ambiguous_walk\""), std::string::npos) << ambiguous.out;
  EXPECT_EQ(version_rows(), std::vector<std::string>{"m1"});
  ASSERT_EQ(migrate({"downgrade", "c1"}).status, 0);
  EXPECT_EQ(sorted_rows(), (std::vector<std::string>{"b2", "c1"}));
}

TEST_F(TwoBranchCliTest, StampOfSeveralHeadsWritesOneRowEachAndRunsNoSql) {
  auto r = migrate({"stamp", "b2", "c1"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(sorted_rows(), (std::vector<std::string>{"b2", "c1"}));
  EXPECT_FALSE(has_table("tenants"));
  auto check = migrate({"current", "--check-heads"});
  EXPECT_EQ(check.status, 0) << describe(check);
}

TEST_F(TwoBranchCliTest, HeadsResolveDependenciesLeavesOutHeadsOthersDependOn) {
  // b1 is not a head, so both views agree here; a revision depending on b2 changes that.
  write_revision("d1_report.sql", {"d1", "\"c1\"", "", "", "-- depends_on = [\"b2\"]\n"});
  auto plain = migrate({"heads"});
  ASSERT_EQ(plain.status, 0) << describe(plain);
  EXPECT_EQ(plain.out, "b2 (billing) (effective head)\nd1 (audit) (head)\n");
  auto resolved = migrate({"heads", "--resolve-dependencies"});
  ASSERT_EQ(resolved.status, 0) << describe(resolved);
  EXPECT_EQ(resolved.out.find("b2"), std::string::npos) << resolved.out;
  EXPECT_NE(resolved.out.find("d1"), std::string::npos) << resolved.out;
}

TEST_F(TwoBranchCliTest, EditCurrentOpensTheFilesOfTheDatabaseHeads) {
  if (!k_postgres) {
    // Before any upgrade there is no SQLite file, and reading the heads does not make one.
    EXPECT_EQ(migrate({"edit", "current"}).status, 3);
    EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "app.db"));
  }
  ASSERT_EQ(migrate({"upgrade", "audit@head"}).status, 0);
  // An "editor" that records the files it was given.
  auto log = m_dir.path() / "edited.txt";
  auto editor = m_dir.write("editor.sh", "#!/bin/sh\necho \"$1\" >> '" + log.string() + "'\n");
  std::filesystem::permissions(editor, std::filesystem::perms::owner_all);
  auto r = migrate({"edit", "current"}, {{"EDITOR", editor.string()}, {"VISUAL", "\x01unset"}});
  ASSERT_EQ(r.status, 0) << describe(r);
  std::ifstream in(log);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(all.find("c1_audit.sql"), std::string::npos) << all;
  EXPECT_NE(all.find("b1_billing.sql"), std::string::npos) << all;
  EXPECT_EQ(all.find("a1_base.sql"), std::string::npos) << all;
}

TEST_F(TwoBranchCliTest, ListTemplatesAndRepairOnACleanDatabase) {
  auto templates = migrate({"list-templates"});
  ASSERT_EQ(templates.status, 0) << describe(templates);
  EXPECT_NE(templates.out.find("generic"), std::string::npos) << templates.out;
  EXPECT_NE(templates.out.find("postgresql"), std::string::npos) << templates.out;

  ASSERT_EQ(migrate({"upgrade", "heads"}).status, 0);
  auto repair = migrate({"repair"});
  EXPECT_EQ(repair.status, 0) << describe(repair);
}

}  // namespace
}  // namespace migrate::test

namespace migrate::test {
namespace {

TEST_F(TwoBranchCliTest, UpgradeAtHeadNeedsNoLockButWorkToDoWaitsForIt) {
  ASSERT_EQ(migrate({"upgrade", "heads"}).status, 0);
  // Another runner holds the migration lock (as a deploy in progress would).
  auto holder = connect();
  holder->locker()->set_lock_key("", "migrate_version");
  holder->locker()->lock(std::chrono::seconds(5));

  // Nothing to do: answered from the state read before the lock, without waiting for it.
  auto noop = migrate({"upgrade", "heads", "--lock-timeout", "1"});
  EXPECT_EQ(noop.status, 0) << describe(noop);
  EXPECT_NE(noop.err.find("Nothing to do"), std::string::npos) << noop.err;

  // Work to do: waits for the lock and gives up after the timeout, changing nothing.
  write_revision("b3_billing.sql", {"b3", "\"b2\"", "CREATE TABLE refunds (id INTEGER);", "DROP TABLE refunds;"});
  auto blocked = migrate({"upgrade", "heads", "--lock-timeout", "1"});
  EXPECT_EQ(blocked.status, 4) << describe(blocked);
  EXPECT_FALSE(has_table("refunds"));

  holder->locker()->unlock();
  auto after = migrate({"upgrade", "heads"});
  EXPECT_EQ(after.status, 0) << describe(after);
  EXPECT_TRUE(has_table("refunds"));
}

}  // namespace
}  // namespace migrate::test

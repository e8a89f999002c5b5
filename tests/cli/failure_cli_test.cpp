// End-to-end: failing revisions, both transaction settings, broken script folders,
// non-transactional revisions, and concurrent runners.
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

class FailureCliTest : public CliTest {
 protected:
  void write_history_with_failing_third() {
    write_revision("a_first.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;"});
    write_revision("b_second.sql", {"bbb2", "\"aaa1\"", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;"});
    // Line 7 of the file is the first statement, line 9 the failing one.
    write_revision("c_third.sql", {"ccc3", "\"bbb2\"",
                                   "CREATE TABLE c (id INTEGER);\nINSERT INTO c VALUES (1);\n"
                                   "INSERT INTO no_such_table VALUES (1);",
                                   "DROP TABLE c;"});
  }
};

TEST_F(FailureCliTest, FailingRevisionLeavesNoTraceAndEarlierOnesStay) {
  write_history_with_failing_third();
  auto r = migrate({"upgrade", "head"});
  ASSERT_EQ(r.status, 3) << describe(r);
  EXPECT_NE(r.err.find("ccc3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("c_third.sql:9"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no_such_table"), std::string::npos) << r.err;
  if (k_postgres) {
    EXPECT_NE(r.err.find("[42P01]"), std::string::npos) << "SQLSTATE: " << r.err;
  }
  EXPECT_NE(r.err.find("statement: INSERT INTO no_such_table VALUES (1)"), std::string::npos) << r.err;
  EXPECT_TRUE(has_table("a"));
  EXPECT_TRUE(has_table("b"));
  EXPECT_FALSE(has_table("c"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  // The failed attempt stays in the history, after the rollback, and makes nothing partial.
  EXPECT_EQ(column("SELECT revision || ' ' || status FROM migrate_version_journal ORDER BY id"),
            (std::vector<std::string>{"aaa1 applied", "bbb2 applied", "ccc3 failed"}));
  auto log = migrate({"log", "-n", "1"});
  ASSERT_EQ(log.status, 0) << describe(log);
  EXPECT_NE(log.out.find("ccc3"), std::string::npos) << log.out;
  EXPECT_NE(log.out.find("failed"), std::string::npos) << log.out;
  EXPECT_NE(log.out.find("no_such_table"), std::string::npos) << log.out;
  EXPECT_EQ(migrate({"repair"}).status, 0);
}

TEST_F(FailureCliTest, AnUnversionedDatabaseIsRefusedUntilAllowed) {
  // Tables created by hand (or by another service) and no version table.
  write_history_with_failing_third();
  exec("CREATE TABLE tenants (id INTEGER)");
  auto refused = migrate({"upgrade", "head", "--format", "json"});
  ASSERT_EQ(refused.status, 5) << describe(refused);
  EXPECT_NE(refused.out.find("\"kind\": \"unversioned_database\""), std::string::npos) << refused.out;
  EXPECT_NE(refused.err.find("tenants"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("migrate stamp"), std::string::npos) << refused.err;
  EXPECT_FALSE(has_table("a"));
  auto dry = migrate({"upgrade", "bbb2", "--dry-run"});
  EXPECT_EQ(dry.status, 5) << describe(dry);
  auto allowed = migrate({"upgrade", "bbb2", "--allow-unversioned"});
  ASSERT_EQ(allowed.status, 0) << describe(allowed);
  EXPECT_TRUE(has_table("b"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
}

TEST_F(FailureCliTest, OneTransactionPerRunRollsBackTheWholeRun) {
  write_config("transaction_per_migration = false");
  write_history_with_failing_third();
  auto r = migrate({"upgrade", "head", "--format", "json"});
  ASSERT_EQ(r.status, 3) << describe(r);
  EXPECT_NE(r.out.find("\"kind\": \"database\""), std::string::npos) << r.out;
  EXPECT_FALSE(has_table("a"));
  EXPECT_FALSE(has_table("b"));
  EXPECT_FALSE(has_table("c"));
  if (has_table("migrate_version")) {
    EXPECT_TRUE(version_rows().empty());
  }
  // Only the attempt is recorded, after the rollback: the revision that failed, as failed.
  EXPECT_EQ(column("SELECT revision || ' ' || status FROM migrate_version_journal"),
            std::vector<std::string>{"ccc3 failed"});
}

TEST_F(FailureCliTest, OneTransactionPerRunKeepsEarlierRuns) {
  write_config("transaction_per_migration = false");
  write_history_with_failing_third();
  ASSERT_EQ(migrate({"upgrade", "bbb2"}).status, 0);
  auto r = migrate({"upgrade", "head"});
  ASSERT_EQ(r.status, 3) << describe(r);
  EXPECT_TRUE(has_table("b"));
  EXPECT_FALSE(has_table("c"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(column("SELECT count(*) FROM migrate_version_journal WHERE status = 'applied'"),
            std::vector<std::string>{"2"});
  EXPECT_EQ(column("SELECT revision FROM migrate_version_journal WHERE status = 'failed'"),
            std::vector<std::string>{"ccc3"});
}

TEST_F(FailureCliTest, NonTransactionalFailureNeedsRepairAndBlocksStateChanges) {
  write_revision("a_first.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;"});
  write_revision("b_second.sql", {"bbb2", "\"aaa1\"",
                                  "CREATE TABLE b1 (id INTEGER);\nCREATE TABLE b2 (id INTEGER);\n"
                                  "INSERT INTO missing VALUES (1);\nCREATE TABLE b3 (id INTEGER);",
                                  "DROP TABLE b2; DROP TABLE b1;", "-- transactional = false\n"});
  auto r = migrate({"upgrade", "head"});
  ASSERT_EQ(r.status, 3) << describe(r);
  // Statements run one by one: the first two stay, the failing one and the rest did not run.
  EXPECT_TRUE(has_table("b1"));
  EXPECT_TRUE(has_table("b2"));
  EXPECT_FALSE(has_table("b3"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});

  auto again = migrate({"upgrade", "head", "--format", "json"});
  EXPECT_EQ(again.status, 5) << describe(again);
  EXPECT_NE(again.out.find("\"kind\": \"needs_repair\""), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("bbb2"), std::string::npos) << again.out;
  EXPECT_EQ(migrate({"downgrade", "base"}).status, 5);

  auto listing = migrate({"repair"});
  EXPECT_EQ(listing.status, 5) << describe(listing);
  EXPECT_NE(listing.out.find("bbb2"), std::string::npos) << listing.out;
  EXPECT_NE(listing.out.find("2 of 4"), std::string::npos) << listing.out;
}

struct BrokenFolderCase {
  const char* name;
  const char* file;
  const char* content;
  const char* expected_kind;
  const char* expected_location;  // "file:line" fragment
};

class BrokenFolderCliTest : public CliTest, public ::testing::WithParamInterface<BrokenFolderCase> {};

TEST_P(BrokenFolderCliTest, FailsBeforeAnyDatabaseWorkNamingFileAndLine) {
  const auto& c = GetParam();
  write_revision("a_first.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;"});
  m_dir.write(std::string("migrations/versions/") + c.file, c.content);
  auto r = migrate({"upgrade", "head", "--format", "json"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_NE(r.out.find(std::string("\"kind\": \"") + c.expected_kind + "\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(c.expected_location), std::string::npos) << r.out;
  EXPECT_FALSE(database_touched()) << "no database work may happen";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BrokenFolderCliTest,
    ::testing::Values(
        BrokenFolderCase{"BadToml", "b.sql",
                         "-- migrate:revision\n-- revision = \"bbb2\"\n-- down_revision = [\"aaa1\"\n\n"
                         "-- migrate:upgrade\nSELECT 1;\n",
                         "script", "b.sql:3"},
        BrokenFolderCase{"UnknownKey", "b.sql",
                         "-- migrate:revision\n-- revision = \"bbb2\"\n-- down_revision = \"aaa1\"\n"
                         "-- colour = \"blue\"\n\n-- migrate:upgrade\nSELECT 1;\n",
                         "script", "b.sql:4"},
        BrokenFolderCase{"DuplicateId", "b.sql",
                         "-- migrate:revision\n-- revision = \"aaa1\"\n\n-- migrate:upgrade\nSELECT 1;\n",
                         "duplicate_revision", "b.sql:1"},
        BrokenFolderCase{"MissingParent", "b.sql",
                         "-- migrate:revision\n-- revision = \"bbb2\"\n-- down_revision = \"nope\"\n\n"
                         "-- migrate:upgrade\nSELECT 1;\n",
                         "missing_revision", "b.sql:1"},
        BrokenFolderCase{"InvalidId", "b.sql",
                         "-- migrate:revision\n-- revision = \"rev-1\"\n\n-- migrate:upgrade\nSELECT 1;\n",
                         "script", "b.sql:2"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(CliTest, CycleInTheGraphFailsBeforeAnyDatabaseWork) {
  write_revision("a.sql", {"aaa1", "", "SELECT 1;", ""});
  write_revision("b.sql", {"bbb2", "\"ccc3\"", "SELECT 1;", ""});
  write_revision("c.sql", {"ccc3", "\"bbb2\"", "SELECT 1;", ""});
  auto r = migrate({"upgrade", "head", "--format", "json"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_NE(r.out.find("\"kind\": \"cycle\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bbb2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("b.sql:1"), std::string::npos) << r.out;
  EXPECT_FALSE(database_touched());
}

TEST_F(CliTest, EightConcurrentUpgradesApplyEachRevisionOnce) {
  for (int i = 0; i < 20; ++i) {
    std::string id = "r" + std::to_string(100 + i);
    std::string down = i == 0 ? "" : "\"r" + std::to_string(99 + i) + "\"";
    write_revision(id + ".sql", {id, down, "CREATE TABLE t" + std::to_string(i) + " (id INTEGER);",
                                 "DROP TABLE t" + std::to_string(i) + ";"});
  }
  std::vector<ProcessResult> results(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] { results[i] = migrate({"upgrade", "head"}); });
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"r119"});
  EXPECT_EQ(column("SELECT count(*) FROM migrate_version_journal"), std::vector<std::string>{"20"});
  EXPECT_EQ(column("SELECT count(DISTINCT revision) FROM migrate_version_journal WHERE direction = 'upgrade'"),
            std::vector<std::string>{"20"});
}

}  // namespace
}  // namespace migrate::test

// End-to-end `migrate repair`: the listing (statements, errors, who, catalog
// checks) in text and JSON, exit 5 while anything needs repair and 0 when clean, and the
// recorded ways out: --resume, --mark-applied, --mark-reverted, each with its reason in the
// journal. Runs on SQLite files and on PostgreSQL.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class RepairCliTest : public CliTest {
 protected:
  /// aaa1 creates `base`; bbb2 (non-transactional) runs 4 statements, the 4th fails on a
  /// missing table: statements 1-3 stay committed. File lines: 8, 9, 10, 11.
  void write_failing_history(const std::string& fourth = "INSERT INTO missing_table VALUES (1);") {
    write_revision("a_first.sql", {"aaa1", "", "CREATE TABLE base (id INTEGER);", "DROP TABLE base;"});
    write_revision("b_second.sql", {"bbb2", "\"aaa1\"",
                                    "CREATE TABLE t1 (id INTEGER);\nALTER TABLE base ADD COLUMN note TEXT;\n"
                                    "CREATE INDEX ix_t1_id ON t1 (id);\n" + fourth,
                                    "DROP INDEX ix_t1_id;\nDROP TABLE t1;\nALTER TABLE base DROP COLUMN note;",
                                    "-- transactional = false\n"});
  }

  void fail_bbb2() {
    write_failing_history();
    auto r = migrate({"upgrade", "head"});
    ASSERT_EQ(r.status, 3) << describe(r);
    ASSERT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
  }

  /// The newest journal row as "direction|command|status|reason".
  std::string last_journal_row() const {
    return column("SELECT direction || '|' || command || '|' || status || '|' || coalesce(reason, '') FROM "
                  "migrate_version_journal ORDER BY id DESC LIMIT 1")
        .at(0);
  }
};

TEST_F(RepairCliTest, ListingShowsWhatRanWhatFailedWhoAndTheCatalog) {
  fail_bbb2();
  auto r = migrate({"repair"});
  ASSERT_EQ(r.status, 5) << describe(r);
  EXPECT_TRUE(contains(r.out, "Revision bbb2: upgrade failed after statement 3 of 4")) << r.out;
  EXPECT_TRUE(contains(r.out, "b_second.sql")) << r.out;
  EXPECT_TRUE(contains(r.out, "missing_table")) << r.out;
  EXPECT_TRUE(contains(r.out, "1. line 8: CREATE TABLE t1 (id INTEGER)")) << r.out;
  EXPECT_TRUE(contains(r.out, "table t1 present")) << r.out;
  EXPECT_TRUE(contains(r.out, "column base.note present")) << r.out;
  EXPECT_TRUE(contains(r.out, "index ix_t1_id present")) << r.out;
  EXPECT_TRUE(contains(r.out, "4. line 11: INSERT INTO missing_table VALUES (1)\n       failed")) << r.out;
  EXPECT_TRUE(contains(r.out, "migrate repair --resume")) << r.out;
  EXPECT_TRUE(contains(r.out, "started ")) << r.out;
  EXPECT_TRUE(contains(r.out, " by ")) << r.out;

  // Undo one effect by hand: the listing says it is gone.
  exec("DROP INDEX ix_t1_id");
  auto json = migrate({"repair", "--format", "json"});
  ASSERT_EQ(json.status, 5) << describe(json);
  EXPECT_TRUE(contains(json.out, "\"revision\": \"bbb2\"")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"statements_done\": 3")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"statements_total\": 4")) << json.out;
  EXPECT_TRUE(contains(json.out, "{\"object\": \"index ix_t1_id\", \"expected\": \"present\", \"actual\": \"absent\"}"))
      << json.out;
  EXPECT_TRUE(contains(json.out, "{\"object\": \"table t1\", \"expected\": \"present\", \"actual\": \"present\"}"))
      << json.out;
  EXPECT_TRUE(contains(json.out, "\"state\": \"failed\"")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"os_user\": ")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"clean\": false")) << json.out;
}

TEST_F(RepairCliTest, CleanDatabaseExitsZero) {
  write_failing_history("INSERT INTO t1 VALUES (1);");
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto r = migrate({"repair"});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "Nothing needs repair.")) << r.out;
  auto json = migrate({"repair", "--format", "json"});
  EXPECT_EQ(json.status, 0) << describe(json);
  EXPECT_TRUE(contains(json.out, "\"clean\": true")) << json.out;
}

TEST_F(RepairCliTest, MarksNeedAReasonAndOneActionAtATime) {
  fail_bbb2();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"repair", "--mark-applied", "bbb2"},
           {"repair", "--mark-reverted", "bbb2", "--reason", "  "},
           {"repair", "--accept-checksum", "aaa1"},
           {"repair", "--reason", "why"},
           {"repair", "--resume", "--mark-applied", "bbb2", "--reason", "x"}}) {
    auto r = migrate(args, {});
    auto json_args = args;
    json_args.insert(json_args.end(), {"--format", "json"});
    auto j = migrate(json_args);
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_TRUE(contains(j.out, "\"kind\": \"usage\"")) << j.out;
  }
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
  EXPECT_EQ(migrate({"repair"}).status, 5);
}

TEST_F(RepairCliTest, ResumeFinishesFromTheFirstStatementThatDidNotComplete) {
  fail_bbb2();
  // The cause is fixed in the file (the failing statement is the only one changed).
  write_failing_history("INSERT INTO t1 VALUES (1);");
  auto r = migrate({"repair", "--resume"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "ran statement 4 of 4")) << r.out;
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(column("SELECT count(*) FROM t1"), std::vector<std::string>{"1"});
  EXPECT_EQ(last_journal_row(), "repair|repair --resume|applied|");
  auto listing = migrate({"repair"});
  EXPECT_EQ(listing.status, 0) << describe(listing);
  EXPECT_EQ(migrate({"upgrade", "head"}).status, 0);
  // The resumed revision downgrades as usual.
  auto down = migrate({"downgrade", "aaa1"});
  EXPECT_EQ(down.status, 0) << describe(down);
  EXPECT_FALSE(has_table("t1"));
}

TEST_F(RepairCliTest, ResumeThatFailsAgainKeepsItsProgress) {
  write_revision("a_first.sql", {"aaa1", "", "CREATE TABLE base (id INTEGER);", "DROP TABLE base;"});
  auto write_b = [&](const std::string& second, const std::string& third) {
    write_revision("b_second.sql", {"bbb2", "\"aaa1\"",
                                    "CREATE TABLE t1 (id INTEGER);\n" + second + "\n" + third +
                                        "\nINSERT INTO t1 VALUES (4);",
                                    "DROP TABLE t1;", "-- transactional = false\n"});
  };
  write_b("INSERT INTO nowhere VALUES (2);", "INSERT INTO nowhere_either VALUES (3);");
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 3);
  // Statement 2 fixed; statement 3 still fails: the resume stops there.
  write_b("INSERT INTO t1 VALUES (2);", "INSERT INTO nowhere_either VALUES (3);");
  auto first = migrate({"repair", "--resume"});
  ASSERT_EQ(first.status, 3) << describe(first);
  EXPECT_TRUE(contains(first.err, "failed at statement 3 of 4")) << first.err;
  auto listing = migrate({"repair"});
  EXPECT_EQ(listing.status, 5) << describe(listing);
  EXPECT_TRUE(contains(listing.out, "after statement 2 of 4")) << listing.out;
  EXPECT_TRUE(contains(listing.out, "nowhere_either")) << listing.out;
  // Statement 3 fixed: the second resume checks statement 2 against what the first resume ran.
  write_b("INSERT INTO t1 VALUES (2);", "INSERT INTO t1 VALUES (3);");
  auto second = migrate({"repair", "--resume"});
  ASSERT_EQ(second.status, 0) << describe(second);
  EXPECT_TRUE(contains(second.out, "ran statements 3-4 of 4")) << second.out;
  EXPECT_EQ(column("SELECT id FROM t1 ORDER BY id"), (std::vector<std::string>{"2", "3", "4"}));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(migrate({"repair"}).status, 0);
  EXPECT_EQ(migrate({"upgrade", "head"}).status, 0);
}

TEST_F(RepairCliTest, ResumeRefusesWhenAStatementThatRanWasEdited) {
  fail_bbb2();
  write_revision("b_second.sql", {"bbb2", "\"aaa1\"",
                                  "CREATE TABLE t1 (id INTEGER, extra INTEGER);\nALTER TABLE base ADD COLUMN note TEXT;\n"
                                  "CREATE INDEX ix_t1_id ON t1 (id);\nINSERT INTO t1 VALUES (1, 2);",
                                  "DROP TABLE t1;", "-- transactional = false\n"});
  auto r = migrate({"repair", "--resume", "--format", "json"});
  EXPECT_EQ(r.status, 5) << describe(r);
  EXPECT_TRUE(contains(r.out, "\"kind\": \"needs_repair\"")) << r.out;
  EXPECT_TRUE(contains(r.out, "statement 1 (")) << r.out;
  EXPECT_TRUE(contains(r.out, "b_second.sql:8")) << r.out;
  EXPECT_TRUE(contains(r.out, "edited")) << r.out;
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
  EXPECT_EQ(migrate({"repair"}).status, 5);
}

TEST_F(RepairCliTest, MarkAppliedAfterAManualFixRecordsTheVersionAndTheReason) {
  fail_bbb2();
  exec("CREATE TABLE missing_table (id INTEGER)");
  exec("INSERT INTO missing_table VALUES (1)");
  auto r = migrate({"repair", "--mark-applied", "bbb2", "--reason", "ran the insert by hand"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "Recorded revision bbb2 as applied (version table: update aaa1 -> bbb2)")) << r.out;
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(last_journal_row(), "repair|repair --mark-applied|applied|ran the insert by hand");
  EXPECT_EQ(migrate({"repair"}).status, 0);
  auto up = migrate({"upgrade", "head"});
  EXPECT_EQ(up.status, 0) << describe(up);
}

TEST_F(RepairCliTest, MarkRevertedAfterAManualUndoLetsTheRevisionRunAgain) {
  fail_bbb2();
  exec("DROP INDEX ix_t1_id");
  exec("DROP TABLE t1");
  exec("ALTER TABLE base DROP COLUMN note");
  auto r = migrate({"repair", "--mark-reverted", "bbb2", "--reason", "undid statements 1-3 by hand", "--format",
                    "json"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "\"action\": \"mark-reverted\"")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"version_table_ops\": []")) << r.out;
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
  EXPECT_EQ(last_journal_row(), "repair|repair --mark-reverted|applied|undid statements 1-3 by hand");
  write_failing_history("INSERT INTO t1 VALUES (1);");
  auto up = migrate({"upgrade", "head"});
  ASSERT_EQ(up.status, 0) << describe(up);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
}

TEST_F(RepairCliTest, PartialDowngradeIsListedResumedOrMarked) {
  write_revision("a_first.sql", {"aaa1", "", "CREATE TABLE base (id INTEGER);", "DROP TABLE base;"});
  auto write_b = [&](const std::string& middle) {
    write_revision("b_second.sql", {"bbb2", "\"aaa1\"", "CREATE TABLE t1 (id INTEGER);\nCREATE TABLE t2 (id INTEGER);",
                                    "DROP TABLE t2;\n" + middle + "\nDROP TABLE t1;", "-- transactional = false\n"});
  };
  write_b("DROP TABLE not_there;");
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  ASSERT_EQ(migrate({"downgrade", "aaa1"}).status, 3);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});

  auto listing = migrate({"repair"});
  EXPECT_EQ(listing.status, 5) << describe(listing);
  EXPECT_TRUE(contains(listing.out, "Revision bbb2: downgrade failed after statement 1 of 3")) << listing.out;
  EXPECT_TRUE(contains(listing.out, "table t2 absent")) << listing.out;
  EXPECT_TRUE(contains(listing.out, "DROP TABLE not_there")) << listing.out;

  // mark-applied: the downgrade is abandoned, bbb2 stays applied (t2 recreated by hand).
  exec("CREATE TABLE t2 (id INTEGER)");
  auto kept = migrate({"repair", "--mark-applied", "bbb2", "--reason", "recreated t2, keeping bbb2"});
  ASSERT_EQ(kept.status, 0) << describe(kept);
  EXPECT_TRUE(contains(kept.out, "no version-table change")) << kept.out;
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});

  // The same failure again, then resumed from the fixed file.
  ASSERT_EQ(migrate({"downgrade", "aaa1"}).status, 3);
  write_b("SELECT 1;");
  auto resumed = migrate({"repair", "--resume"});
  ASSERT_EQ(resumed.status, 0) << describe(resumed);
  EXPECT_TRUE(contains(resumed.out, "Resumed downgrade of revision bbb2: ran statements 2-3 of 3")) << resumed.out;
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
  EXPECT_FALSE(has_table("t1"));
  EXPECT_EQ(migrate({"repair"}).status, 0);
}

TEST_F(RepairCliTest, PartialRevisionWhoseFileIsGoneIsListedFromTheJournal) {
  fail_bbb2();
  std::filesystem::remove(m_dir.path() / "migrations" / "versions" / "b_second.sql");
  auto listing = migrate({"repair"});
  EXPECT_EQ(listing.status, 5) << describe(listing);
  EXPECT_TRUE(contains(listing.out, "statements (from the journal's copy of ")) << listing.out;
  EXPECT_TRUE(contains(listing.out, "1. line 8: CREATE TABLE t1 (id INTEGER)")) << listing.out;
  // Nothing to resume from without the file; recording the manual undo works.
  auto resume = migrate({"repair", "--resume"});
  EXPECT_EQ(resume.status, 5) << describe(resume);
  EXPECT_TRUE(contains(resume.err, "has no file to resume from")) << resume.err;
  exec("DROP TABLE t1");
  auto r = migrate({"repair", "--mark-reverted", "bbb2", "--reason", "release rolled back"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(migrate({"repair"}).status, 0);
  EXPECT_EQ(migrate({"upgrade", "head"}).status, 0);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
}

TEST_F(RepairCliTest, ActionsWaitForTheMigrationLock) {
  fail_bbb2();
  // Another runner holds the lock: the mark waits for it and changes nothing meanwhile.
  auto holder = connect();
  holder->locker()->set_lock_key("", "migrate_version");
  holder->locker()->lock(std::chrono::seconds(10));
  auto repair = start_migrate({"repair", "--mark-reverted", "bbb2", "--reason", "waited for the lock"});
  bool waiting = false;
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       !waiting && std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(std::chrono::milliseconds(20)))
    waiting = contains(read_text(repair.err_file), "Waiting for the migration lock");
  EXPECT_TRUE(waiting) << read_text(repair.err_file);
  EXPECT_EQ(migrate({"repair"}).status, 5) << "nothing recorded while the lock is held";
  holder->locker()->unlock();
  auto r = wait_process(repair);
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(last_journal_row(), "repair|repair --mark-reverted|applied|waited for the lock");
  EXPECT_EQ(migrate({"repair"}).status, 0);
}

TEST_F(RepairCliTest, MarkAppliedAndRevertedOfWholeRevisions) {
  write_revision("a_first.sql", {"aaa1", "", "CREATE TABLE base (id INTEGER);", "DROP TABLE base;"});
  write_revision("b_second.sql", {"bbb2", "\"aaa1\"", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;"});
  write_revision("c_third.sql", {"ccc3", "\"bbb2\"", "CREATE TABLE c (id INTEGER);", "DROP TABLE c;"});
  ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);

  // ccc3's parent is not applied: one revision at a time, or `stamp`.
  auto refused = migrate({"repair", "--mark-applied", "ccc3", "--reason", "x", "--format", "json"});
  EXPECT_EQ(refused.status, 2) << describe(refused);
  EXPECT_TRUE(contains(refused.out, "\"kind\": \"invalid_target\"")) << refused.out;
  EXPECT_TRUE(contains(refused.out, "migrate stamp")) << refused.out;

  exec("CREATE TABLE b (id INTEGER)");
  auto applied = migrate({"repair", "--mark-applied", "bbb2", "--reason", "created b by hand"});
  ASSERT_EQ(applied.status, 0) << describe(applied);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  auto again = migrate({"repair", "--mark-applied", "bbb2", "--reason", "twice"});
  EXPECT_EQ(again.status, 2) << describe(again);

  // A current head can be recorded as reverted: the ops of downgrading exactly it.
  exec("DROP TABLE b");
  auto reverted = migrate({"repair", "--mark-reverted", "bbb2", "--reason", "dropped b by hand"});
  ASSERT_EQ(reverted.status, 0) << describe(reverted);
  EXPECT_TRUE(contains(reverted.out, "update bbb2 -> aaa1")) << reverted.out;
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
  // Not a head: refused.
  auto not_head = migrate({"repair", "--mark-reverted", "ccc3", "--reason", "x"});
  EXPECT_EQ(not_head.status, 2) << describe(not_head);

  EXPECT_EQ(column("SELECT command || ':' || reason FROM migrate_version_journal WHERE direction = 'repair' ORDER "
                   "BY id"),
            (std::vector<std::string>{"repair --mark-applied:created b by hand",
                                      "repair --mark-reverted:dropped b by hand"}));
  auto up = migrate({"upgrade", "head"});
  ASSERT_EQ(up.status, 0) << describe(up);
  EXPECT_TRUE(has_table("b"));
  EXPECT_TRUE(has_table("c"));
}

TEST_F(RepairCliTest, DowngradeOfAResumedRevisionWhoseFileIsGoneRunsTheFixedText) {
  fail_bbb2();
  // Fixed: statement 4 now creates t2, and the downgrade drops it.
  write_revision("b_second.sql", {"bbb2", "\"aaa1\"",
                                  "CREATE TABLE t1 (id INTEGER);\nALTER TABLE base ADD COLUMN note TEXT;\n"
                                  "CREATE INDEX ix_t1_id ON t1 (id);\nCREATE TABLE t2 (id INTEGER);",
                                  "DROP TABLE t2;\nDROP INDEX ix_t1_id;\nDROP TABLE t1;\n"
                                  "ALTER TABLE base DROP COLUMN note;",
                                  "-- transactional = false\n"});
  auto resumed = migrate({"repair", "--resume"});
  ASSERT_EQ(resumed.status, 0) << describe(resumed);
  ASSERT_TRUE(has_table("t2"));
  // The release is rolled back: the journal's copy is the resumed text, not the failed one.
  std::filesystem::remove(m_dir.path() / "migrations" / "versions" / "b_second.sql");
  auto down = migrate({"downgrade", "aaa1"});
  ASSERT_EQ(down.status, 0) << describe(down);
  EXPECT_TRUE(contains(down.err, "revision bbb2 has no file in the version locations")) << down.err;
  EXPECT_FALSE(has_table("t2"));
  EXPECT_FALSE(has_table("t1"));
  EXPECT_EQ(column_count("base"), 1);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
}

TEST_F(RepairCliTest, MarkAppliedRecordsTheFileSoLaterEditsAreCaught) {
  write_revision("a_first.sql", {"aaa1", "", "CREATE TABLE base (id INTEGER);", "DROP TABLE base;"});
  RevisionText b{"bbb2", "\"aaa1\"", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;"};
  write_revision("b_second.sql", b);
  write_revision("c_third.sql", {"ccc3", "\"bbb2\"", "CREATE TABLE c (id INTEGER);", "DROP TABLE c;"});
  ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);
  exec("CREATE TABLE b (id INTEGER)");
  auto marked = migrate({"repair", "--mark-applied", "bbb2", "--reason", "created b by hand"});
  ASSERT_EQ(marked.status, 0) << describe(marked);
  EXPECT_EQ(column("SELECT checksum_algorithm || ':' || length(checksum) FROM migrate_version_journal WHERE "
                   "command = 'repair --mark-applied'"),
            std::vector<std::string>{"sha256-lf-v1:64"});

  // An edit of the file marked as applied is caught like an edit of an upgraded one.
  write_revision("b_second.sql", {"bbb2", "\"aaa1\"", "CREATE TABLE b (id INTEGER, x INTEGER);", "DROP TABLE b;"});
  auto edited = migrate({"upgrade", "head"});
  EXPECT_EQ(edited.status, 5) << describe(edited);
  EXPECT_TRUE(contains(edited.err, "revision bbb2 is applied, but its file")) << edited.err;
  EXPECT_TRUE(contains(edited.err, "line 7 changed")) << edited.err;
  EXPECT_FALSE(has_table("c"));
  write_revision("b_second.sql", b);
  auto up = migrate({"upgrade", "head"});
  ASSERT_EQ(up.status, 0) << describe(up);

  // Its copy in the journal stands in for the file once it is gone.
  std::filesystem::remove(m_dir.path() / "migrations" / "versions" / "c_third.sql");
  std::filesystem::remove(m_dir.path() / "migrations" / "versions" / "b_second.sql");
  auto down = migrate({"downgrade", "aaa1"});
  ASSERT_EQ(down.status, 0) << describe(down);
  EXPECT_TRUE(contains(down.err, "revision bbb2 has no file in the version locations")) << down.err;
  EXPECT_FALSE(has_table("b"));
  EXPECT_FALSE(has_table("c"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
}

}  // namespace
}  // namespace migrate::test

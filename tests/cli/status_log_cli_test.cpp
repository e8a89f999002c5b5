// End-to-end `migrate status` and `migrate log` on both backends: each revision's state
// (applied, stamped, pending, partial, file gone) from the version table and the journal,
// when and by whom, the summary line, a database without a journal, and the journal rows
// newest first with -n and --revision; text and JSON. Both read without creating anything
// and exit 0.
#include <filesystem>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

/// The JSON object of `revision` in a `{"revisions": [...]}` document, up to its closing brace.
std::string revision_object(const std::string& doc, const std::string& revision) {
  auto start = doc.find("{\"revision\": \"" + revision + "\"");
  if (start == std::string::npos) return "";
  return doc.substr(start, doc.find('}', start) - start + 1);
}

/// The text line of `revision` in the status table.
std::string status_line(const std::string& out, const std::string& revision) {
  std::size_t start = 0;
  while (start < out.size()) {
    auto end = out.find('\n', start);
    std::string line = out.substr(start, end - start);
    if (line.rfind(revision + " ", 0) == 0) return line;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return "";
}

class StatusLogCliTest : public CliTest {
 protected:
  /// aaa1 → bbb2 → ccc3 → ddd4 (ccc3 carries the label `reports`), each creating one table;
  /// IF [NOT] EXISTS lets the SQL run again after stamps.
  void write_chain() {
    const char* ids[] = {"aaa1", "bbb2", "ccc3", "ddd4"};
    for (int i = 0; i < 4; ++i) {
      std::string t = std::string("t_") + ids[i];
      write_revision(std::string(ids[i]) + ".sql",
                     {ids[i], i == 0 ? "" : "\"" + std::string(ids[i - 1]) + "\"",
                      "CREATE TABLE IF NOT EXISTS " + t + " (id INTEGER);", "DROP TABLE IF EXISTS " + t + ";",
                      i == 2 ? "-- branch_labels = [\"reports\"]\n" : ""});
    }
  }
};

TEST_F(StatusLogCliTest, StatusTellsAppliedFromStampedAndPending) {
  write_chain();
  ASSERT_EQ(migrate({"upgrade", "bbb2"}).status, 0);
  ASSERT_EQ(migrate({"stamp", "ccc3"}).status, 0);

  auto r = migrate({"status"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "REVISION")) << r.out;
  EXPECT_TRUE(contains(status_line(r.out, "ddd4"), "pending")) << r.out;
  EXPECT_TRUE(contains(status_line(r.out, "ccc3"), "ccc3 (current)  stamped")) << r.out;
  EXPECT_TRUE(contains(status_line(r.out, "bbb2"), "applied")) << r.out;
  EXPECT_TRUE(contains(status_line(r.out, "aaa1"), "applied")) << r.out;
  EXPECT_TRUE(contains(status_line(r.out, "aaa1"), " ms")) << r.out;
  EXPECT_TRUE(contains(status_line(r.out, "aaa1"), "  revision aaa1")) << r.out;
  // Newest first, as `history`.
  EXPECT_LT(r.out.find("ddd4"), r.out.find("aaa1")) << r.out;
  EXPECT_TRUE(contains(r.out, "\n4 revisions: 2 applied, 1 stamped, 1 pending; database at ccc3; head ddd4\n"))
      << r.out;

  auto verbose = migrate({"status", "--verbose"});
  ASSERT_EQ(verbose.status, 0) << describe(verbose);
  EXPECT_TRUE(contains(verbose.out, "    stamp (journal row 3), file ")) << verbose.out;
  EXPECT_TRUE(contains(verbose.out, "    upgrade (journal row 1), file ")) << verbose.out;

  auto json = migrate({"status", "--format", "json"});
  ASSERT_EQ(json.status, 0) << describe(json);
  auto c = revision_object(json.out, "ccc3");
  EXPECT_TRUE(contains(c, "\"state\": \"stamped\", \"is_current\": true, \"applied_at\": \"20")) << json.out;
  EXPECT_TRUE(contains(c, "\"command\": \"stamp\", \"journal_id\": 3")) << c;
  auto a = revision_object(json.out, "aaa1");
  EXPECT_TRUE(contains(a, "\"state\": \"applied\"")) << a;
  EXPECT_TRUE(contains(a, "\"duration_ms\": ")) << a;
  EXPECT_FALSE(contains(a, "\"applied_by\": null")) << a;
  auto d = revision_object(json.out, "ddd4");
  EXPECT_TRUE(contains(d, "\"state\": \"pending\", \"is_current\": false, \"applied_at\": null, \"applied_by\": null, "
                          "\"duration_ms\": null"))
      << d;
  EXPECT_TRUE(contains(json.out, "\"summary\": {\"revisions\": 4, \"applied\": 2, \"stamped\": 1, \"file_gone\": 0, "
                                 "\"partial\": 0, \"pending\": 1, \"rows\": [\"ccc3\"], \"heads\": [\"ddd4\"], "
                                 "\"at_head\": false, \"has_journal\": true}, \"schema\": {\"fingerprint\": \""))
      << json.out;
  // The stamp, the last step, recorded the schema it left; nothing changed it since.
  EXPECT_TRUE(contains(json.out, "\"recorded_row\": 3, ")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"recorded_heads\": [\"ccc3\"], \"recorded_for_heads\": true, \"matches\": true}"))
      << json.out;
}

TEST_F(StatusLogCliTest, StatusFollowsTheJournalThroughStampsAndDowngrades) {
  write_chain();
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  ASSERT_EQ(migrate({"stamp", "base"}).status, 0);
  auto off = migrate({"status"});
  ASSERT_EQ(off.status, 0) << describe(off);
  EXPECT_TRUE(contains(off.out, "4 revisions: 0 applied, 4 pending; database at base; head ddd4")) << off.out;

  // Stamped back: the SQL that ran before does not count, the stamp put them there.
  ASSERT_EQ(migrate({"stamp", "ccc3"}).status, 0);
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto r = migrate({"status"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(status_line(r.out, "aaa1"), "stamped")) << r.out;
  EXPECT_TRUE(contains(status_line(r.out, "ccc3"), "stamped")) << r.out;
  EXPECT_TRUE(contains(status_line(r.out, "ddd4"), "ddd4 (current)  applied")) << r.out;
  EXPECT_TRUE(contains(r.out, "4 revisions: 1 applied, 3 stamped, 0 pending; database at ddd4 (head)")) << r.out;

  // A downgrade and a new upgrade run the SQL again: applied, not stamped.
  ASSERT_EQ(migrate({"downgrade", "bbb2"}).status, 0);
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto again = migrate({"status"});
  EXPECT_TRUE(contains(status_line(again.out, "ccc3"), "applied")) << again.out;
  EXPECT_TRUE(contains(status_line(again.out, "bbb2"), "stamped")) << again.out;
}

TEST_F(StatusLogCliTest, StatusWithoutJournalShowsAppliedWithUnknownTimeAndCreatesNothing) {
  write_chain();
  auto fresh = migrate({"status", "--format", "json"});
  if (k_postgres) {
    ASSERT_EQ(fresh.status, 0) << describe(fresh);
    EXPECT_TRUE(contains(fresh.out, "\"pending\": 4, \"rows\": [], \"heads\": [\"ddd4\"], \"at_head\": false, "
                                    "\"has_journal\": false"))
        << fresh.out;
  } else {
    // A SQLite file that does not exist is not created by a command that only reads: a
    // mistyped path is an error, not an empty database.
    ASSERT_EQ(fresh.status, 3) << describe(fresh);
    EXPECT_TRUE(contains(fresh.out, "no database at")) << fresh.out;
  }
  EXPECT_FALSE(database_touched());

  // Taken over from another tool: a version table and no journal.
  exec("CREATE TABLE migrate_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)");
  exec("INSERT INTO migrate_version (version_num) VALUES ('bbb2')");
  auto r = migrate({"status"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(status_line(r.out, "aaa1"), "applied  unknown")) << r.out;
  EXPECT_TRUE(contains(status_line(r.out, "bbb2"), "bbb2 (current)  applied  unknown")) << r.out;
  EXPECT_TRUE(contains(status_line(r.out, "ccc3"), "pending")) << r.out;
  EXPECT_TRUE(contains(r.out, "The database has no journal")) << r.out;
  EXPECT_FALSE(has_table("migrate_version_journal"));
  auto json = migrate({"status", "--format", "json"});
  EXPECT_TRUE(contains(revision_object(json.out, "aaa1"), "\"state\": \"applied\", \"is_current\": false, "
                                                          "\"applied_at\": null, \"applied_by\": null"))
      << json.out;
}

TEST_F(StatusLogCliTest, StatusShowsPartialAndFileGone) {
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;"});
  auto b = write_revision("b.sql", {"bbb2", "\"aaa1\"", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;"});
  write_revision("c.sql", {"ccc3", "\"bbb2\"", "CREATE TABLE c1 (id INTEGER);\nINSERT INTO missing VALUES (1);",
                           "DROP TABLE c1;", "-- transactional = false\n"});
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 3);
  auto partial = migrate({"status"});
  ASSERT_EQ(partial.status, 0) << describe(partial);
  EXPECT_TRUE(contains(status_line(partial.out, "ccc3"), "partial  started 20")) << partial.out;
  EXPECT_TRUE(contains(partial.out, "3 revisions: 2 applied, 1 partial, 0 pending; database at bbb2")) << partial.out;

  ASSERT_EQ(migrate({"repair", "--mark-reverted", "ccc3", "--reason", "undone by hand"}).status, 0);
  std::filesystem::remove(b);
  std::filesystem::remove(m_dir.path() / "migrations/versions/c.sql");
  auto gone = migrate({"status", "--format", "json"});
  ASSERT_EQ(gone.status, 0) << describe(gone);
  auto b_json = revision_object(gone.out, "bbb2");
  EXPECT_TRUE(contains(b_json, "\"path\": \"<journal copy of bbb2>\", \"state\": \"file gone\"")) << gone.out;
  EXPECT_TRUE(contains(b_json, "\"command\": \"upgrade\"")) << b_json;
  EXPECT_TRUE(contains(gone.out, "\"file_gone\": 1")) << gone.out;
}

TEST_F(StatusLogCliTest, LogListsTheJournalNewestFirst) {
  write_chain();
  if (!k_postgres) {
    // Reading never creates a SQLite file: a missing one is an error; then an empty one.
    auto missing = migrate({"log"});
    EXPECT_EQ(missing.status, 3) << describe(missing);
    EXPECT_FALSE(database_touched());
    column("SELECT 1");  // the fixture's connection creates an empty file
  }
  auto empty = migrate({"log"});
  ASSERT_EQ(empty.status, 0) << describe(empty);
  EXPECT_EQ(empty.out, "");
  auto empty_json = migrate({"log", "--format", "json"});
  EXPECT_EQ(empty_json.out, "{\"entries\": []}\n");
  EXPECT_FALSE(has_table("migrate_version"));
  EXPECT_FALSE(has_table("migrate_version_journal"));

  ASSERT_EQ(migrate({"upgrade", "ccc3"}).status, 0);
  ASSERT_EQ(migrate({"stamp", "ddd4", "--reason", "created by hand"}).status, 0);
  ASSERT_EQ(migrate({"downgrade", "-1"}).status, 0);
  auto r = migrate({"log"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(r.out.rfind("ID  STARTED", 0), 0U) << r.out;
  auto down = r.out.find("\n5  ");
  auto stamp = r.out.find("\n4  ");
  auto first = r.out.find("\n1  ");
  ASSERT_NE(down, std::string::npos) << r.out;
  EXPECT_LT(down, stamp) << r.out;
  EXPECT_LT(stamp, first) << r.out;
  EXPECT_TRUE(contains(r.out.substr(down, stamp - down), "downgrade  ddd4")) << r.out;
  EXPECT_TRUE(contains(r.out.substr(stamp), "stamp      ddd4      stamp      applied")) << r.out;

  auto two = migrate({"log", "-n", "2", "--format", "json"});
  ASSERT_EQ(two.status, 0) << describe(two);
  EXPECT_EQ(two.out.rfind("{\"entries\": [{\"id\": 5, ", 0), 0U) << two.out;
  EXPECT_TRUE(contains(two.out, "{\"id\": 4, ")) << two.out;
  EXPECT_FALSE(contains(two.out, "{\"id\": 3, ")) << two.out;
  EXPECT_TRUE(contains(two.out, "\"command\": \"stamp\", \"revision\": \"ddd4\", \"direction\": \"stamp\", "
                                "\"status\": \"applied\""))
      << two.out;
  EXPECT_TRUE(contains(two.out, "\"heads_before\": [\"ccc3\"], \"heads_after\": [\"ddd4\"]")) << two.out;

  // --revision takes what the grammar resolves: a prefix, a label.
  auto by_prefix = migrate({"log", "--revision", "bbb"});
  ASSERT_EQ(by_prefix.status, 0) << describe(by_prefix);
  EXPECT_TRUE(contains(by_prefix.out, "\n2  ")) << by_prefix.out;
  EXPECT_FALSE(contains(by_prefix.out, "\n1  ")) << by_prefix.out;
  auto by_label = migrate({"log", "--revision", "reports", "--format", "json"});
  ASSERT_EQ(by_label.status, 0) << describe(by_label);
  EXPECT_TRUE(contains(by_label.out, "\"revision\": \"ccc3\"")) << by_label.out;
  EXPECT_FALSE(contains(by_label.out, "\"revision\": \"ddd4\"")) << by_label.out;
  auto unknown = migrate({"log", "--revision", "nope", "--format", "json"});
  EXPECT_EQ(unknown.status, 2) << describe(unknown);
  EXPECT_TRUE(contains(unknown.out, "\"kind\": \"revision_not_found\"")) << unknown.out;
}

TEST_F(StatusLogCliTest, LogShowsTheErrorAndReasonUnderTheirRow) {
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;"});
  write_revision("b.sql", {"bbb2", "\"aaa1\"", "CREATE TABLE b1 (id INTEGER);\nINSERT INTO missing VALUES (1);",
                           "DROP TABLE b1;", "-- transactional = false\n"});
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 3);
  ASSERT_EQ(migrate({"repair", "--mark-reverted", "bbb2", "--reason", "undone by hand"}).status, 0);
  auto r = migrate({"log"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "repair --mark-reverted  bbb2      repair     applied")) << r.out;
  EXPECT_TRUE(contains(r.out, "\n    reason: undone by hand\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "failed (1/2)")) << r.out;
  EXPECT_TRUE(contains(r.out, "\n    error: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "missing")) << r.out;
  auto json = migrate({"log", "--revision", "bbb2", "--format", "json"});
  EXPECT_TRUE(contains(json.out, "\"reason\": \"undone by hand\", \"error\": null, \"schema_fingerprint\": \"")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"status\": \"failed\"")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"statements_done\": 1, \"statements_total\": 2")) << json.out;
}

TEST_F(StatusLogCliTest, StampRecordsItsReasonAndStatusShowsTheRevisionAsStamped) {
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;"});
  write_revision("b.sql", {"bbb2", "\"aaa1\"", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;"});
  ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);
  auto stamped = migrate({"stamp", "bbb2", "--reason", "b created by the other service"});
  ASSERT_EQ(stamped.status, 0) << describe(stamped);
  EXPECT_EQ(column("SELECT reason FROM migrate_version_journal WHERE direction = 'stamp'"),
            std::vector<std::string>{"b created by the other service"});
  auto log = migrate({"log", "-n", "1"});
  EXPECT_TRUE(contains(log.out, "reason: b created by the other service")) << log.out;
  auto status = migrate({"status"});
  EXPECT_TRUE(contains(status_line(status.out, "bbb2"), "stamped")) << status.out;
  EXPECT_TRUE(contains(status_line(status.out, "aaa1"), "applied")) << status.out;
}

TEST_F(StatusLogCliTest, LogRejectsANegativeLimit) {
  write_chain();
  auto r = migrate({"log", "-n", "-1", "--format", "json"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_TRUE(contains(r.out, "\"kind\": \"usage\"")) << r.out;
}

}  // namespace
}  // namespace migrate::test

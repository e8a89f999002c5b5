// End-to-end `migrate check` on both backends: it passes on the sample project once the
// database is at head, and fails (exit 1) naming the right check on each thing it exists to
// catch: two heads, an irreversible revision under --strict, a schema_file out of sync, a
// database behind head, an applied file changed or gone, a revision partially applied, a
// schema changed by hand, a revision file that does not parse. --offline never connects;
// a signal during the schema_file replay leaves no scratch database behind;
// --format json prints {"ok", "problems"}.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

using namespace std::chrono_literals;

/// A revision file without a downgrade section, `id` after `down` (TOML text).
std::string irreversible_revision(const std::string& id, const std::string& down, const std::string& up) {
  return "-- migrate:revision\n-- revision = \"" + id + "\"\n-- down_revision = " + down + "\n\n-- migrate:upgrade\n" +
         up + "\n";
}

class CheckCliTest : public ScratchCliTest {
 protected:
  ProcessResult check(std::vector<std::string> args = {}) { return migrate_with_scratch("check", std::move(args)); }

  /// aaa1 → bbb2, each reversible.
  void write_two() {
    write_revision("a.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER PRIMARY KEY);", "DROP TABLE a;"});
    write_revision("b.sql", {"bbb2", "\"aaa1\"", "CREATE TABLE b (id INTEGER PRIMARY KEY);", "DROP TABLE b;"});
  }
};

TEST_F(CheckCliTest, PassesOnTheSampleProjectAtHead) {
  std::filesystem::remove_all(m_dir.path() / "migrations");
  std::filesystem::copy(std::filesystem::path(MIGRATE_SOURCE_DIR) / "migrations", m_dir.path() / "migrations",
                        std::filesystem::copy_options::recursive);
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto r = check();
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(r.out, "All checks passed.\n") << describe(r);
  auto json = check({"--format", "json"});
  EXPECT_EQ(json.status, 0) << describe(json);
  EXPECT_EQ(json.out, "{\"ok\": true, \"problems\": []}\n");
}

TEST_F(CheckCliTest, TwoHeadsAreAnErrorUnlessAllowed) {
  write_two();
  write_revision("c.sql", {"ccc3", "\"aaa1\"", "CREATE TABLE c (id INTEGER PRIMARY KEY);", "DROP TABLE c;"});
  auto r = check({"--offline"});
  EXPECT_EQ(r.status, 1) << describe(r);
  EXPECT_TRUE(contains(r.out, "error heads: 2 heads: bbb2, ccc3; merge them with `migrate merge heads")) << r.out;
  EXPECT_TRUE(contains(r.out, "Checks failed: 1 error, 0 warnings.")) << r.out;

  auto allowed = check({"--offline", "--allow-multiple-heads"});
  EXPECT_EQ(allowed.status, 0) << describe(allowed);
  EXPECT_EQ(allowed.out, "All checks passed.\n");

  // Online, the database must be at both heads.
  ASSERT_EQ(migrate({"upgrade", "heads"}).status, 0);
  auto at_heads = check({"--allow-multiple-heads"});
  EXPECT_EQ(at_heads.status, 0) << describe(at_heads);
}

TEST_F(CheckCliTest, IrreversibleRevisionIsAWarningThatFailsOnlyUnderStrict) {
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER PRIMARY KEY);", "DROP TABLE a;"});
  m_dir.write("migrations/versions/b.sql", irreversible_revision("bbb2", "\"aaa1\"", "INSERT INTO a VALUES (1);"));
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);

  auto r = check();
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "versions/b.sql:1: warning irreversible: revision bbb2 has no downgrade section"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "Checks passed with 1 warning.")) << r.out;

  auto strict = check({"--strict"});
  EXPECT_EQ(strict.status, 1) << describe(strict);
  EXPECT_TRUE(contains(strict.out, "warning irreversible: revision bbb2")) << strict.out;
  EXPECT_TRUE(contains(strict.out, "Checks failed: 0 errors, 1 warning (--strict: warnings count).")) << strict.out;
}

TEST_F(CheckCliTest, SchemaFileOutOfSyncIsNamedAndInSyncPasses) {
  write_config("schema_file = \"schema.sql\"");
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);", "DROP TABLE t;"});
  m_dir.write("schema.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, email TEXT);\n");
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);

  auto r = check({"-v"});
  EXPECT_EQ(r.status, 1) << describe(r);
  const std::string p = k_postgres ? "public." : "";
  EXPECT_TRUE(contains(r.out, "schema.sql: error schema_file: the revisions up to aaa1 do not build what schema.sql "
                              "holds: missing column " + p + "t.email"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "Checks failed: 1 error, 0 warnings.")) << r.out;
  const auto scratch = scratch_name(r.err);
  ASSERT_FALSE(scratch.empty()) << r.err;
  EXPECT_FALSE(scratch_exists(scratch)) << "the scratch database is always dropped: " << scratch;

  auto offline = check({"--offline"});
  if (k_postgres) {  // a PostgreSQL scratch database needs the server: not checked, and said
    EXPECT_EQ(offline.status, 0) << describe(offline);
    EXPECT_TRUE(contains(offline.err, "schema.sql not checked")) << offline.err;
  } else {  // SQLite's scratch database is a file: checked offline too
    EXPECT_EQ(offline.status, 1) << describe(offline);
    EXPECT_TRUE(contains(offline.out, "missing column t.email")) << offline.out;
  }

  m_dir.write("schema.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);\n");
  auto in_sync = check();
  EXPECT_EQ(in_sync.status, 0) << describe(in_sync);
  EXPECT_EQ(in_sync.out, "All checks passed.\n");
}

TEST_F(CheckCliTest, TheScratchDatabaseIsGoneAfterASignal) {
  write_config("schema_file = \"schema.sql\"");
  m_dir.write("schema.sql", "CREATE TABLE knob (n INTEGER);\n");
  write_revision("a.sql", {"aa1", "", "CREATE TABLE knob (n INTEGER);\nINSERT INTO knob VALUES (1000000000);",
                           "DROP TABLE knob;"});
  const std::string slow =
      k_postgres ? "SELECT pg_sleep(30);"
                 : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < (SELECT n FROM knob)) "
                   "SELECT count(*) FROM c;";
  write_revision("b.sql", {"bb2", "\"aa1\"", slow, "SELECT 1;"});
  std::filesystem::create_directories(m_dir.path() / "tmp");
  auto running = start_migrate({"check", "--offline", "-v"}, {{"TMPDIR", (m_dir.path() / "tmp").string()}});
  if (k_postgres) {  // offline, PostgreSQL replays nothing: online then (the database is only read)
    ASSERT_EQ(wait_process(running).status, 0);
    running = start_migrate({"check", "-v"}, {{"TMPDIR", (m_dir.path() / "tmp").string()}});
  }
  ASSERT_TRUE(wait_for_slow_scratch_statement("SELECT count(*) FROM sqlite_master WHERE name = 'knob'"));
  ::kill(running.pid, SIGTERM);
  auto ended = wait_process(running);
  EXPECT_EQ(ended.status, 128 + SIGTERM) << describe(ended);
  EXPECT_TRUE(contains(ended.err, "interrupted")) << ended.err;
  const auto name = scratch_name(ended.err);
  ASSERT_FALSE(name.empty()) << ended.err;
  EXPECT_FALSE(scratch_exists(name)) << name;
}

TEST_F(CheckCliTest, SchemaFileThatFailsToBuildNamesItsLine) {
  write_config("schema_file = \"schema.sql\"");
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE t (id INTEGER PRIMARY KEY);", "DROP TABLE t;"});
  m_dir.write("schema.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY);\nCREATE INDEX ix ON no_such_table (id);\n");
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto r = check();
  EXPECT_EQ(r.status, 1) << describe(r);
  EXPECT_TRUE(contains(r.out, "schema.sql:2: error schema_file: ")) << r.out;
}

TEST_F(CheckCliTest, DatabaseBehindHeadNamesThePendingRevisions) {
  write_two();
  write_revision("c.sql", {"ccc3", "\"bbb2\"", "CREATE TABLE c (id INTEGER PRIMARY KEY);", "DROP TABLE c;"});
  // No revision applied yet (on SQLite: no database file yet, and none is created).
  auto fresh = check();
  EXPECT_EQ(fresh.status, 1) << describe(fresh);
  EXPECT_TRUE(contains(fresh.out, "error at_head: the database has no version table yet (no revision was applied "
                                  "there): it is at base, not at head ccc3; 3 revision(s) pending: aaa1, bbb2, ccc3; "
                                  "run `migrate upgrade head`"))
      << fresh.out;
  EXPECT_FALSE(database_touched());

  ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);
  auto behind = check();
  EXPECT_EQ(behind.status, 1) << describe(behind);
  EXPECT_TRUE(contains(behind.out, "error at_head: the database is at aaa1, not at head ccc3; 2 revision(s) pending: "
                                   "bbb2, ccc3"))
      << behind.out;
  EXPECT_TRUE(contains(behind.out, "Checks failed: 1 error, 0 warnings.")) << behind.out;
}

TEST_F(CheckCliTest, AppliedFileChangedOrGoneIsAnError) {
  write_two();
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER PRIMARY KEY, extra TEXT);", "DROP TABLE a;"});
  auto changed = check();
  EXPECT_EQ(changed.status, 1) << describe(changed);
  EXPECT_TRUE(contains(changed.out, "versions/a.sql: error checksum: revision aaa1 is applied, but its file "))
      << changed.out;
  EXPECT_TRUE(contains(changed.out, "line 7 changed")) << changed.out;
  EXPECT_TRUE(contains(changed.out, "migrate repair --accept-checksum aaa1")) << changed.out;

  std::filesystem::remove(m_dir.path() / "migrations" / "versions" / "b.sql");
  auto gone = check({"--format", "json"});
  EXPECT_EQ(gone.status, 1) << describe(gone);
  EXPECT_TRUE(contains(gone.out, "{\"check\": \"file_gone\", \"severity\": \"error\", \"message\": \"revision bbb2 is "
                                 "applied, but its file is gone from the version locations"))
      << gone.out;
  EXPECT_TRUE(contains(gone.out, "{\"check\": \"at_head\", \"severity\": \"error\", \"message\": \"the database is at "
                                 "bbb2, not at head aaa1"))
      << gone.out;
}

TEST_F(CheckCliTest, PartiallyAppliedRevisionIsAnError) {
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER PRIMARY KEY);", "DROP TABLE a;"});
  write_revision("b.sql", {"bbb2", "\"aaa1\"", "CREATE TABLE b1 (id INTEGER);\nINSERT INTO missing VALUES (1);",
                           "DROP TABLE b1;", "-- transactional = false\n"});
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 3);
  auto r = check();
  EXPECT_EQ(r.status, 1) << describe(r);
  EXPECT_TRUE(contains(r.out, "error partial: revision bbb2 (")) << r.out;
  EXPECT_TRUE(contains(r.out, "is partially applied: its upgrade failed at statement 2 of 2")) << r.out;
}

TEST_F(CheckCliTest, SchemaChangedByHandFailsTheFingerprint) {
  write_two();
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  exec("CREATE TABLE by_hand (id INTEGER)");
  auto r = check();
  EXPECT_EQ(r.status, 1) << describe(r);
  EXPECT_TRUE(contains(r.out, "error fingerprint: the live schema differs from the one recorded when the database "
                              "reached bbb2 (journal row 2, "))
      << r.out;
  EXPECT_TRUE(contains(r.out, "`migrate drift` shows what differs")) << r.out;
}

TEST_F(CheckCliTest, OfflineNeverConnects) {
  write_two();
  ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);
  EXPECT_EQ(check().status, 1);
  auto offline = check({"--offline"});
  EXPECT_EQ(offline.status, 0) << describe(offline);
  EXPECT_EQ(offline.out, "All checks passed.\n");

  if (!k_postgres) return;
  // A server that is not there: offline passes, online is the usual connection error.
  const std::string nowhere = "postgresql://nobody@127.0.0.1:1/nowhere";
  auto unreachable = check({"--offline", "--url", nowhere});
  EXPECT_EQ(unreachable.status, 0) << describe(unreachable);
  auto online = check({"--url", nowhere});
  EXPECT_EQ(online.status, 3) << describe(online);
}

TEST_F(CheckCliTest, ParseErrorIsAGraphProblemWithFileAndLine) {
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER PRIMARY KEY);", "DROP TABLE a;"});
  m_dir.write("migrations/versions/b.sql",
              "-- migrate:revision\n-- revision = \"bbb2\"\n-- down_revision = \"aaa1\"\n-- colour = \"red\"\n\n"
              "-- migrate:upgrade\nSELECT 1;\n");
  auto r = check();
  EXPECT_EQ(r.status, 1) << describe(r);
  EXPECT_TRUE(contains(r.out, "versions/b.sql:4: error graph: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "colour")) << r.out;
  EXPECT_TRUE(contains(r.out, "Checks failed: 1 error, 0 warnings.")) << r.out;
  EXPECT_FALSE(database_touched()) << "nothing runs once the graph is unsound";

  auto json = check({"--format", "json"});
  EXPECT_EQ(json.status, 1) << describe(json);
  const std::string path = (m_dir.path() / "migrations" / "versions" / "b.sql").string();
  EXPECT_TRUE(contains(json.out, "{\"ok\": false, \"problems\": [{\"check\": \"graph\", \"severity\": \"error\", "
                                 "\"message\": \""))
      << json.out;
  EXPECT_TRUE(contains(json.out, "\"file\": \"" + path + "\", \"line\": 4}]}")) << json.out;
}

TEST_F(CheckCliTest, JsonListsEveryProblemWithItsFields) {
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER PRIMARY KEY);", "DROP TABLE a;"});
  m_dir.write("migrations/versions/b.sql", irreversible_revision("bbb2", "\"aaa1\"", "SELECT 1;"));
  write_revision("c.sql", {"ccc3", "\"aaa1\"", "SELECT 1;", "SELECT 1;"});
  auto r = check({"--offline", "--format", "json"});
  EXPECT_EQ(r.status, 1) << describe(r);
  const std::string b = (m_dir.path() / "migrations" / "versions" / "b.sql").string();
  EXPECT_TRUE(contains(r.out, "{\"ok\": false, \"problems\": [{\"check\": \"heads\", \"severity\": \"error\", "
                              "\"message\": \"2 heads: bbb2, ccc3; "))
      << r.out;
  EXPECT_TRUE(contains(r.out, "stay apart\", \"file\": null, \"line\": null}, {\"check\": \"irreversible\", "
                              "\"severity\": \"warning\", \"message\": \"revision bbb2 has no downgrade section"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "\"file\": \"" + b + "\", \"line\": 1}]}\n")) << r.out;
}

}  // namespace
}  // namespace migrate::test

#include "runtime/runner.hpp"

#include <gtest/gtest.h>
#include <algorithm>
#include <spdlog/spdlog.h>

#include "support/fake_backend.hpp"
#include "support/temp_dir.hpp"
#include "unit/runtime/runtime_fixture.hpp"

namespace migrate {
namespace {

using graph::VersionOp;
using test::down;
using test::revision;
using test::up;

/// The FakeBackend's calls as short tokens; reads (SELECTs, table_exists) are dropped.
std::vector<std::string> summarize(const std::vector<std::string>& calls) {
  std::vector<std::string> out;
  auto starts = [](const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; };
  for (const auto& c : calls) {
    if (starts(c, "table_exists: ") || starts(c, "column_names: ") || starts(c, "query: SELECT") ||
        starts(c, "query: PRAGMA") || starts(c, "set_lock_key: ") || starts(c, "session_timeouts: "))
      continue;
    if (starts(c, "execute: CREATE TABLE IF NOT EXISTS migrate_version_journal")) out.push_back("create journal");
    else if (starts(c, "execute: CREATE TABLE migrate_version")) out.push_back("create version table");
    else if (starts(c, "execute: INSERT INTO migrate_version ") || starts(c, "execute: UPDATE migrate_version ") ||
             starts(c, "execute: DELETE FROM migrate_version "))
      out.push_back("version op");
    else if (starts(c, "query: INSERT INTO migrate_version_journal")) out.push_back("journal");
    else if (starts(c, "execute: UPDATE migrate_version_journal")) out.push_back("journal update");
    else if (starts(c, "execute_script: ")) out.push_back("sql: " + c.substr(16));
    else out.push_back(c);
  }
  return out;
}

std::vector<std::string> strings(backend::Backend& db, const std::string& query) {
  std::vector<std::string> out;
  for (auto& row : db.query(query)) out.push_back(row.at(0).value_or("NULL"));
  return out;
}

class RunnerTest : public ::testing::Test {
 protected:
  void TearDown() override { spdlog::set_level(m_level); }
  void SetUp() override {
    m_level = spdlog::get_level();
    spdlog::set_level(spdlog::level::warn);
    files.add(revision("a", {}, "CREATE TABLE ta (x INTEGER);", "DROP TABLE ta;"));
    files.add(revision("b", {"a"}, "CREATE TABLE tb (x INTEGER);", "DROP TABLE tb;"));
    files.add(revision("c", {"b"}, "CREATE TABLE tc (x INTEGER);", "DROP TABLE tc;"));
  }

  runtime::RunSettings settings(bool per_migration = true, runtime::Command command = runtime::Command::upgrade) {
    runtime::RunSettings s;
    s.transaction_per_migration = per_migration;
    s.command = command;
    s.lock_timeout = std::chrono::milliseconds(500);
    return s;
  }

  std::string file_url() const { return "sqlite:///" + (dir.path() / "app.db").string(); }

  test::Files files;
  test::TempDir dir;
  spdlog::level::level_enum m_level = spdlog::level::info;
};

TEST_F(RunnerTest, CallOrderWithATransactionPerMigration) {
  test::FakeBackend db;
  runtime::Runner runner(db, settings(), files.lookup());
  auto result = runner.run(test::linear_upgrade({"a", "b"}));
  EXPECT_EQ(result.plan.steps.size(), 2u);
  EXPECT_EQ(result.duration_ms.size(), 2u);
  EXPECT_EQ(summarize(db.calls),
            (std::vector<std::string>{"lock", "create version table", "create journal", "begin", "sql: CREATE TABLE ta (x INTEGER)",
                                      "version op", "journal", "commit", "begin",
                                      "sql: CREATE TABLE tb (x INTEGER)", "version op", "journal", "commit",
                                      "unlock"}));
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"b"}));
}

TEST_F(RunnerTest, CallOrderWithOneTransactionForTheRun) {
  test::FakeBackend db;
  runtime::Runner runner(db, settings(false), files.lookup());
  runner.run(test::linear_upgrade({"a", "b"}));
  EXPECT_EQ(summarize(db.calls),
            (std::vector<std::string>{"lock", "create version table", "begin", "sql: CREATE TABLE ta (x INTEGER)",
                                      "create journal", "version op", "journal", "sql: CREATE TABLE tb (x INTEGER)",
                                      "version op", "journal", "commit", "unlock"}));
}

TEST_F(RunnerTest, TheLastStepReadsTheSchemaUnderASavepointBeforeItsCommit) {
  test::FakeBackend db(backend::open(file_url()));
  db.reads_schema = true;
  runtime::Runner runner(db, settings(), files.lookup());
  runner.run(test::linear_upgrade({"a", "b"}));
  EXPECT_EQ(summarize(db.calls),
            (std::vector<std::string>{"lock", "create version table", "create journal", "begin",
                                      "sql: CREATE TABLE ta (x INTEGER)", "version op", "journal", "commit", "begin",
                                      "sql: CREATE TABLE tb (x INTEGER)",
                                      "execute: SAVEPOINT migrate_schema_read",
                                      "execute: SAVEPOINT migrate_catalog_digest", "catalog_digest",
                                      "execute: RELEASE SAVEPOINT migrate_catalog_digest", "read_schema",
                                      "execute: RELEASE SAVEPOINT migrate_schema_read", "version op", "journal",
                                      "commit",
                                      "unlock"}));
  auto recorded = strings(db.inner(), "SELECT coalesce(schema_fingerprint, 'NULL') FROM migrate_version_journal ORDER BY id");
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[0], "NULL");
  runtime::VersionTable vt;
  runtime::SchemaState state(db.inner(), vt, {});
  EXPECT_EQ(recorded[1], state.fingerprint().value());  // the schema with ta and tb, the journal left out
}

TEST_F(RunnerTest, ASchemaReadThatFailsRecordsNoFingerprintAndTheRevisionStillCommits) {
  test::FakeBackend db(backend::open(file_url()));
  db.reads_schema = true;
  db.schema_read_fails = true;
  runtime::Runner runner(db, settings(), files.lookup());
  runner.run(test::linear_upgrade({"a"}));
  EXPECT_EQ(runner.read_version_rows(), std::vector<std::string>{"a"});
  EXPECT_EQ(strings(db.inner(), "SELECT coalesce(schema_fingerprint, 'NULL') || ' ' || status FROM migrate_version_journal"),
            std::vector<std::string>{"NULL applied"});
  auto calls = summarize(db.calls);
  EXPECT_NE(std::find(calls.begin(), calls.end(), "execute: ROLLBACK TO SAVEPOINT migrate_schema_read"), calls.end());
}

// A digest the role cannot read (a catalog it may not select from) costs the digest only:
// the fingerprint is still recorded, and the revision commits.
TEST_F(RunnerTest, ACatalogDigestThatFailsStillRecordsTheFingerprint) {
  test::FakeBackend db(backend::open(file_url()));
  db.reads_schema = true;
  db.digest_fails = true;
  runtime::Runner runner(db, settings(), files.lookup());
  runner.run(test::linear_upgrade({"a"}));
  EXPECT_EQ(runner.read_version_rows(), std::vector<std::string>{"a"});
  runtime::VersionTable vt;
  runtime::SchemaState state(db.inner(), vt, {});
  EXPECT_EQ(strings(db.inner(), "SELECT schema_fingerprint || ' ' || coalesce(catalog_digest, 'NULL') || ' ' || "
                                "status FROM migrate_version_journal"),
            std::vector<std::string>{state.fingerprint().value() + " NULL applied"});
  auto calls = summarize(db.calls);
  EXPECT_NE(std::find(calls.begin(), calls.end(), "execute: ROLLBACK TO SAVEPOINT migrate_catalog_digest"),
            calls.end());
}

TEST_F(RunnerTest, AFailedAttemptRecordsTheSchemaItLeftForTheHeadsBefore) {
  files.add(revision("bad", {"a"}, "CREATE TABLE tbad (x INTEGER);\nSELECT * FROM missing_table;", ""));
  test::FakeBackend db(backend::open(file_url()));
  db.reads_schema = true;
  runtime::Runner runner(db, settings(), files.lookup());
  runner.run(test::linear_upgrade({"a"}));
  runtime::Runner failing(db, settings(), files.lookup());
  EXPECT_THROW(failing.run(test::linear_upgrade({"bad"})), Error);
  runtime::VersionTable vt;
  runtime::Journal journal(db.inner(), vt);
  auto recorded = journal.recorded_fingerprint();
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->heads, std::vector<std::string>{"a"});  // the failed row's heads before: nothing moved
  runtime::SchemaState state(db.inner(), vt, {});
  EXPECT_EQ(recorded->fingerprint, state.fingerprint().value());
}

TEST_F(RunnerTest, PlannerSeesTheRowsReadUnderTheLock) {
  test::FakeBackend db;
  runtime::Runner runner(db, settings(), files.lookup());
  runner.run(test::linear_upgrade({"a"}));
  db.calls.clear();
  std::vector<std::string> seen;
  runner.run([&](const std::vector<std::string>& rows) {
    seen = rows;
    EXPECT_EQ(db.calls.at(0), "set_lock_key: .migrate_version");
    EXPECT_EQ(db.calls.at(1), "lock");
    return graph::Plan{rows, {}, rows};
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"a"}));
  EXPECT_EQ(db.calls.back(), "unlock");
}

TEST_F(RunnerTest, ReadingCreatesNothingAndTakesNoLock) {
  test::FakeBackend db;
  runtime::Runner runner(db, settings(), files.lookup());
  EXPECT_TRUE(runner.read_version_rows().empty());
  EXPECT_TRUE(runner.partial_revisions().empty());
  EXPECT_TRUE(summarize(db.calls).empty());
}

TEST_F(RunnerTest, EmptyPlanStillCreatesTheVersionTable) {
  auto db = backend::open(file_url());
  runtime::Runner runner(*db, settings(), files.lookup());
  auto result = runner.run([](const auto& rows) { return graph::Plan{rows, {}, rows}; });
  EXPECT_TRUE(result.plan.steps.empty());
  EXPECT_TRUE(db->catalog().table_exists("", "migrate_version"));
  EXPECT_FALSE(db->catalog().table_exists("", "migrate_version_journal"));
}

TEST_F(RunnerTest, FailureHalfwayLeavesNoTraceAndEarlierRevisionsStay) {
  files.add(revision("b", {"a"}, "CREATE TABLE tb (x INTEGER);\n\nINSERT INTO nope VALUES (1);\n"));
  auto db = backend::open(file_url());
  runtime::Runner runner(*db, settings(), files.lookup());
  try {
    runner.run(test::linear_upgrade({"a", "b", "c"}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::database);
    std::string m = e.what();
    EXPECT_NE(m.find("revision b"), std::string::npos) << m;
    EXPECT_NE(m.find("versions/b.sql:12"), std::string::npos) << m;
    EXPECT_NE(m.find("INSERT INTO nope VALUES (1)"), std::string::npos) << m;
    EXPECT_NE(m.find("no such table: nope"), std::string::npos) << m;
    EXPECT_EQ(e.hint(), "revision b was rolled back; earlier revisions are committed");
  }
  EXPECT_FALSE(db->in_transaction());
  EXPECT_TRUE(db->catalog().table_exists("", "ta"));
  EXPECT_FALSE(db->catalog().table_exists("", "tb"));
  EXPECT_FALSE(db->catalog().table_exists("", "tc"));
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"a"}));
  // The attempt stays in the history: a `failed` row appended after the rollback, which
  // makes nothing partial.
  EXPECT_EQ(strings(*db, "SELECT revision || ':' || status || ':' || transactional FROM migrate_version_journal "
                         "ORDER BY id"),
            (std::vector<std::string>{"a:applied:1", "b:failed:1"}));
  auto error = strings(*db, "SELECT error FROM migrate_version_journal WHERE revision = 'b'");
  ASSERT_EQ(error.size(), 1u);
  EXPECT_NE(error[0].find("no such table: nope"), std::string::npos) << error[0];
  EXPECT_TRUE(runner.partial_revisions().empty());
}

TEST_F(RunnerTest, FailureInOneRunTransactionRollsBackTheWholeRun) {
  files.add(revision("b", {"a"}, "CREATE TABLE tb (x INTEGER);\nINSERT INTO nope VALUES (1);\n"));
  auto db = backend::open(file_url());
  runtime::Runner runner(*db, settings(false), files.lookup());
  try {
    runner.run(test::linear_upgrade({"a", "b", "c"}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::database);
    EXPECT_EQ(e.hint(), "the whole run was rolled back");
  }
  EXPECT_FALSE(db->catalog().table_exists("", "ta"));
  EXPECT_FALSE(db->catalog().table_exists("", "tb"));
  EXPECT_TRUE(runner.read_version_rows().empty());
  // Only the failed attempt is left, in its own transaction after the rollback.
  EXPECT_EQ(strings(*db, "SELECT revision || ':' || status FROM migrate_version_journal ORDER BY id"),
            (std::vector<std::string>{"b:failed"}));
}

TEST_F(RunnerTest, FakeFailureRollsBackAndUnlocks) {
  test::FakeBackend db;
  db.fail_on = "CREATE TABLE tb (x INTEGER)";
  runtime::Runner runner(db, settings(), files.lookup());
  EXPECT_THROW(runner.run(test::linear_upgrade({"a", "b"})), Error);
  auto calls = summarize(db.calls);
  ASSERT_GE(calls.size(), 6u);
  EXPECT_EQ(calls[calls.size() - 6], "sql: CREATE TABLE tb (x INTEGER)");
  EXPECT_EQ(calls[calls.size() - 5], "rollback");
  // The failed attempt's row, in a transaction of its own (the fake fails on it too, as it
  // holds the file's text: the journal write is then given up and logged).
  EXPECT_EQ(calls[calls.size() - 4], "begin");
  EXPECT_EQ(calls.back(), "unlock");
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"a"}));
}

TEST_F(RunnerTest, UpdateMustMatchExactlyOneRow) {
  test::FakeBackend db;
  runtime::Runner runner(db, settings(), files.lookup());
  try {
    runner.run([](const auto& rows) {
      return graph::Plan{rows, {up("b", {"a"}, {VersionOp::update("a", "b")})}, {"b"}};
    });
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::database);
    EXPECT_EQ(std::string(e.what()),
              "Online migration expected to match one row when updating 'a' to 'b' in 'migrate_version'; 0 found");
  }
  EXPECT_FALSE(db.table_exists("", "tb"));
}

TEST_F(RunnerTest, DeleteMustMatchExactlyOneRow) {
  test::FakeBackend db;
  files.add(revision("e", {}, "", ""));
  runtime::Runner runner(db, settings(true, runtime::Command::downgrade), files.lookup());
  try {
    runner.run([](const auto& rows) { return graph::Plan{rows, {down("e", {}, {VersionOp::remove("e")})}, {}}; });
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "Online migration expected to match one row when deleting 'e' in 'migrate_version'; 0 found");
  }
}

TEST_F(RunnerTest, DowngradeRunsDowngradeSql) {
  auto db = backend::open(file_url());
  runtime::Runner runner(*db, settings(), files.lookup());
  runner.run(test::linear_upgrade({"a", "b"}));
  runtime::Runner back(*db, settings(true, runtime::Command::downgrade), files.lookup());
  back.run([](const auto& rows) {
    return graph::Plan{rows, {down("b", {"a"}, {VersionOp::update("b", "a")})}, {"a"}};
  });
  EXPECT_FALSE(db->catalog().table_exists("", "tb"));
  EXPECT_TRUE(db->catalog().table_exists("", "ta"));
  EXPECT_EQ(back.read_version_rows(), (std::vector<std::string>{"a"}));
  EXPECT_EQ(strings(*db, "SELECT direction || ':' || revision || ':' || heads_before || '>' || heads_after "
                         "FROM migrate_version_journal ORDER BY id"),
            (std::vector<std::string>{"upgrade:a:>a", "upgrade:b:a>b", "downgrade:b:b>a"}));
}

TEST_F(RunnerTest, IrreversibleRevisionIsRefusedBeforeAnythingRuns) {
  files.add(revision("b", {"a"}, "CREATE TABLE tb (x INTEGER);", std::nullopt));
  auto real = backend::open(file_url());
  runtime::Runner(*real, settings(), files.lookup()).run(test::linear_upgrade({"a", "b", "c"}));
  real.reset();
  test::FakeBackend db(backend::open(file_url()));
  runtime::Runner runner(db, settings(true, runtime::Command::downgrade), files.lookup());
  try {
    runner.run([](const auto& rows) {
      return graph::Plan{rows,
                         {down("c", {"b"}, {VersionOp::update("c", "b")}), down("b", {"a"}, {VersionOp::update("b", "a")})},
                         {"a"}};
    });
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::irreversible);
    EXPECT_NE(std::string(e.what()).find("revision b (versions/b.sql)"), std::string::npos) << e.what();
  }
  EXPECT_EQ(summarize(db.calls), (std::vector<std::string>{"lock", "unlock"}));
  EXPECT_TRUE(db.table_exists("", "tc"));
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"c"}));
}

TEST_F(RunnerTest, MissingFileIsRefusedBeforeAnythingRuns) {
  test::FakeBackend db;
  runtime::Runner runner(db, settings(), files.lookup());
  try {
    runner.run([](const auto& rows) { return graph::Plan{rows, {up("zz", {}, {VersionOp::insert("zz")})}, {"zz"}}; });
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::needs_repair);
  }
  for (const auto& c : summarize(db.calls)) EXPECT_NE(c, "begin");
}

TEST_F(RunnerTest, LockTimeoutRunsNothing) {
  test::FakeBackend db;
  db.lock_times_out = true;
  runtime::Runner runner(db, settings(), files.lookup());
  try {
    runner.run(test::linear_upgrade({"a"}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::lock_timeout);
  }
  EXPECT_EQ(db.calls, (std::vector<std::string>{"set_lock_key: .migrate_version", "lock"}));
}

TEST_F(RunnerTest, JournalRowRecordsTheStep) {
  auto db = backend::open(file_url());
  runtime::Runner runner(*db, settings(), files.lookup());
  runner.run(test::linear_upgrade({"a", "b"}));
  auto rows = db->query(
      "SELECT revision, direction, command, heads_before, heads_after, checksum, file_path, message, downgrade_sql, "
      "status, statements_done, statements_total, error, started_at, finished_at, duration_ms, db_user, os_user, "
      "host, tool_version FROM migrate_version_journal ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  const auto& r = rows[1];
  EXPECT_EQ(r[0], "b");
  EXPECT_EQ(r[1], "upgrade");
  EXPECT_EQ(r[2], "upgrade");
  EXPECT_EQ(r[3], "a");
  EXPECT_EQ(r[4], "b");
  EXPECT_EQ(r[5], util::sha256_hex("sum-b"));
  EXPECT_EQ(r[6], "versions/b.sql");
  EXPECT_EQ(r[7], "message of b");
  EXPECT_EQ(r[8], "DROP TABLE tb;");
  EXPECT_EQ(r[9], "applied");
  EXPECT_EQ(r[10], "1");
  EXPECT_EQ(r[11], "1");
  EXPECT_FALSE(r[12].has_value());
  ASSERT_TRUE(r[13] && r[14] && r[15]);
  EXPECT_EQ(r[13]->size(), 24u);  // 2026-11-21T10:00:00.000Z
  EXPECT_LE(*r[13], *r[14]);
  EXPECT_EQ(r[16], "");
  EXPECT_TRUE(r[17] && !r[17]->empty());
  EXPECT_TRUE(r[18].has_value());
  EXPECT_EQ(r[19], MIGRATE_VERSION);
}

TEST_F(RunnerTest, StampWritesOnlyVersionRowsAndJournal) {
  test::FakeBackend db;
  runtime::Runner runner(db, settings(true, runtime::Command::stamp), files.lookup());
  runner.run([](const auto& rows) {
    return graph::Plan{rows, {{graph::Direction::stamp, "b", {}, {"b"}, {VersionOp::insert("b")}}}, {"b"}};
  });
  EXPECT_EQ(summarize(db.calls), (std::vector<std::string>{"lock", "create version table", "create journal", "begin", "version op",
                                                           "journal", "commit", "unlock"}));
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"b"}));
  EXPECT_FALSE(db.table_exists("", "tb"));
  EXPECT_EQ(strings(db.inner(), "SELECT direction || ':' || command FROM migrate_version_journal"),
            (std::vector<std::string>{"stamp:stamp"}));
}

TEST_F(RunnerTest, StampToBaseRecordsNoRevision) {
  test::FakeBackend db;
  runtime::Runner runner(db, settings(), files.lookup());
  runner.run(test::linear_upgrade({"a"}));
  runtime::Runner stamp(db, settings(true, runtime::Command::stamp), files.lookup());
  stamp.run([](const auto& rows) {
    return graph::Plan{rows, {{graph::Direction::stamp, std::nullopt, {"a"}, {}, {VersionOp::remove("a")}}}, {}};
  });
  EXPECT_TRUE(stamp.read_version_rows().empty());
  EXPECT_EQ(strings(db.inner(), "SELECT revision FROM migrate_version_journal WHERE direction = 'stamp'"),
            (std::vector<std::string>{"NULL"}));
}

TEST_F(RunnerTest, CommitInsideARevisionIsReported) {
  files.add(revision("b", {"a"}, "CREATE TABLE tb (x INTEGER);\nCOMMIT;\n"));
  test::FakeBackend db;
  runtime::Runner runner(db, settings(), files.lookup());
  try {
    runner.run(test::linear_upgrade({"a", "b"}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::database);
    EXPECT_NE(std::string(e.what()).find("ended the transaction"), std::string::npos) << e.what();
  }
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"a"}));
}

TEST_F(RunnerTest, FailedCommitRollsBackTheRevision) {
  test::FakeBackend db;
  runtime::Runner runner(db, settings(), files.lookup());
  runner.run(test::linear_upgrade({"a"}));
  db.commit_fails = true;
  try {
    runner.run(test::linear_upgrade({"a", "b"}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::database);
    EXPECT_NE(std::string(e.what()).find("fake commit failure"), std::string::npos) << e.what();
    EXPECT_EQ(e.hint(), "revision b was rolled back; earlier revisions are committed");
  }
  db.commit_fails = false;
  EXPECT_FALSE(db.in_transaction());
  EXPECT_FALSE(db.table_exists("", "tb"));
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"a"}));
}

TEST_F(RunnerTest, LockHeldByAnotherConnectionTimesOut) {
  auto holder = backend::open(file_url());
  holder->locker()->lock(std::chrono::milliseconds(100));
  auto db = backend::open(file_url());
  auto s = settings();
  s.lock_timeout = std::chrono::milliseconds(120);
  try {
    runtime::Runner(*db, s, files.lookup()).run(test::linear_upgrade({"a"}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::lock_timeout);
    EXPECT_EQ(exit_status(e.kind()), 4);
  }
  EXPECT_FALSE(db->catalog().table_exists("", "migrate_version"));
  holder->locker()->unlock();
  runtime::Runner(*db, s, files.lookup()).run(test::linear_upgrade({"a"}));
  EXPECT_TRUE(db->catalog().table_exists("", "ta"));
}

// --- non-transactional revisions ---------------------------------------------------------

TEST_F(RunnerTest, NonTransactionalRevisionRunsStatementByStatement) {
  files.add(revision("b", {"a"}, "CREATE TABLE tb (x INTEGER);\nINSERT INTO tb VALUES (1);\n", "DROP TABLE tb;", false));
  test::FakeBackend db(backend::open(file_url()));
  runtime::Runner runner(db, settings(), files.lookup());
  runner.run(test::linear_upgrade({"a", "b"}));
  EXPECT_EQ(summarize(db.calls),
            (std::vector<std::string>{"lock", "create version table", "create journal", "begin", "sql: CREATE TABLE ta (x INTEGER)",
                                      "version op", "journal", "commit", "begin", "journal", "commit",
                                      // each statement commits together with its progress record
                                      "begin", "sql: CREATE TABLE tb (x INTEGER)", "journal update", "commit",
                                      "begin", "sql: INSERT INTO tb VALUES (1)", "journal update", "commit",
                                      "begin", "version op", "journal update", "commit", "unlock"}));
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"b"}));
  EXPECT_EQ(strings(db.inner(), "SELECT status || ' ' || statements_done || '/' || statements_total || ' ' || "
                                "heads_after FROM migrate_version_journal WHERE revision = 'b'"),
            (std::vector<std::string>{"applied 2/2 b"}));
  EXPECT_TRUE(runner.partial_revisions().empty());
}

TEST_F(RunnerTest, NonTransactionalRevisionCommitsTheOpenRunTransactionFirst) {
  files.add(revision("b", {"a"}, "CREATE TABLE tb (x INTEGER);", "DROP TABLE tb;", false));
  test::FakeBackend db;
  runtime::Runner runner(db, settings(false), files.lookup());
  runner.run(test::linear_upgrade({"a", "b", "c"}));
  EXPECT_EQ(summarize(db.calls),
            (std::vector<std::string>{"lock", "create version table", "begin", "sql: CREATE TABLE ta (x INTEGER)",
                                      "create journal", "version op", "journal", "commit", "begin", "journal",
                                      "commit", "begin", "sql: CREATE TABLE tb (x INTEGER)", "journal update",
                                      "commit", "begin", "version op", "journal update", "commit", "begin",
                                      "sql: CREATE TABLE tc (x INTEGER)", "version op", "journal", "commit",
                                      "unlock"}));
}

TEST_F(RunnerTest, NonTransactionalFailureLeavesAFailedJournalRowAndNeedsRepair) {
  files.add(revision("b", {"a"}, "CREATE TABLE tb (x INTEGER);\nINSERT INTO nope VALUES (1);\nCREATE TABLE tb2 (x);\n",
                     "DROP TABLE tb;", false, 4));
  auto db = backend::open(file_url());
  runtime::Runner runner(*db, settings(), files.lookup());
  try {
    runner.run(test::linear_upgrade({"a", "b", "c"}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::database);
    EXPECT_EQ(exit_status(e.kind()), 3);
    std::string m = e.what();
    EXPECT_NE(m.find("versions/b.sql:5"), std::string::npos) << m;
    EXPECT_NE(m.find("statement 2 of 3"), std::string::npos) << m;
    EXPECT_NE(e.hint().find("1 of 3 statements ran"), std::string::npos) << e.hint();
  }
  EXPECT_TRUE(db->catalog().table_exists("", "tb"));
  EXPECT_FALSE(db->catalog().table_exists("", "tb2"));
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"a"}));
  auto partial = runner.partial_revisions();
  ASSERT_EQ(partial.size(), 1u);
  EXPECT_EQ(partial[0].revision, "b");
  EXPECT_EQ(partial[0].direction, "upgrade");
  EXPECT_EQ(partial[0].status, "failed");
  EXPECT_EQ(partial[0].statements_done, 1);
  EXPECT_EQ(partial[0].statements_total, 3);
  EXPECT_NE(partial[0].error.find("no such table: nope"), std::string::npos);
  EXPECT_EQ(partial[0].file_path, "versions/b.sql");

  // Every later state-changing run refuses, before planning.
  bool planned = false;
  try {
    runtime::Runner(*db, settings(), files.lookup()).run([&](const auto& rows) {
      planned = true;
      return test::linear_upgrade({"a", "b", "c"})(rows);
    });
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::needs_repair);
    EXPECT_EQ(exit_status(e.kind()), 5);
    std::string m = e.what();
    EXPECT_NE(m.find("revision b"), std::string::npos) << m;
    EXPECT_NE(m.find("statement 2 of 3"), std::string::npos) << m;
    EXPECT_NE(m.find("no such table: nope"), std::string::npos) << m;
    EXPECT_NE(e.hint().find("migrate stamp"), std::string::npos) << e.hint();
    EXPECT_NE(e.hint().find("repair"), std::string::npos) << e.hint();
  }
  EXPECT_FALSE(planned);

  // Fixed by hand, then stamped: resolved.
  db->execute_script("CREATE TABLE tb2 (x);");
  runtime::Runner(*db, settings(true, runtime::Command::stamp), files.lookup()).run([](const auto& rows) {
    return graph::Plan{rows, {{graph::Direction::stamp, "b", {"a"}, {"b"}, {VersionOp::update("a", "b")}}}, {"b"}};
  });
  EXPECT_TRUE(runner.partial_revisions().empty());
  runtime::Runner(*db, settings(), files.lookup()).run(test::linear_upgrade({"a", "b", "c"}));
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"c"}));
}

TEST_F(RunnerTest, InterruptedNonTransactionalRevisionNeedsRepair) {
  auto db = backend::open(file_url());
  runtime::Runner runner(*db, settings(), files.lookup());
  runner.run(test::linear_upgrade({"a"}));
  // What a killed process leaves: a `running` row.
  db->execute("INSERT INTO migrate_version_journal (revision, direction, heads_before, heads_after, status, "
              "statements_done, statements_total, started_at) VALUES ('b', 'upgrade', 'a', 'a', 'running', 2, 5, "
              "'2026-11-21T10:00:00.000Z')");
  try {
    runner.run(test::linear_upgrade({"a", "b"}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::needs_repair);
    EXPECT_NE(std::string(e.what()).find("after statement 2 of 5"), std::string::npos) << e.what();
  }
}

// --- dry run -------------------------------------------------------------------------------

TEST_F(RunnerTest, DryRunLeavesTheFileByteIdentical) {
  auto path = dir.path() / "app.db";
  auto db = backend::open(file_url());
  runtime::Runner(*db, settings(), files.lookup()).run(test::linear_upgrade({"a"}));
  auto before = test::read_file(path);
  auto s = settings();
  s.dry_run = true;
  runtime::Runner dry(*db, s, files.lookup());
  auto result = dry.run(test::linear_upgrade({"a", "b", "c"}));
  EXPECT_EQ(result.plan.steps.size(), 2u);
  EXPECT_EQ(result.duration_ms.size(), 2u);
  EXPECT_FALSE(db->in_transaction());
  EXPECT_EQ(test::read_file(path), before);
  EXPECT_FALSE(db->catalog().table_exists("", "tb"));
  EXPECT_EQ(dry.read_version_rows(), (std::vector<std::string>{"a"}));
}

TEST_F(RunnerTest, DryRunOnAFreshDatabaseCreatesNothing) {
  auto path = dir.path() / "app.db";
  auto db = backend::open(file_url());
  db->execute_script("CREATE TABLE other (x); INSERT INTO other VALUES (1);");
  auto before = test::read_file(path);
  auto s = settings(false);
  s.dry_run = true;
  s.allow_unversioned = true;  // `other` makes the file non-empty, so its bytes can be compared
  test::FakeBackend fake(std::move(db));
  runtime::Runner dry(fake, s, files.lookup());
  dry.run(test::linear_upgrade({"a", "b"}));
  auto calls = summarize(fake.calls);
  EXPECT_EQ(calls[0], "lock");
  EXPECT_EQ(calls[1], "begin");
  EXPECT_EQ(calls[2], "create version table");
  EXPECT_EQ(calls[calls.size() - 2], "rollback");
  for (const auto& c : calls) EXPECT_NE(c, "commit");
  EXPECT_EQ(test::read_file(path), before);
  EXPECT_FALSE(fake.table_exists("", "migrate_version"));
  EXPECT_FALSE(fake.table_exists("", "migrate_version_journal"));
}

TEST_F(RunnerTest, AnUnversionedDatabaseWithTablesIsRefusedUnlessAllowed) {
  auto db = backend::open(file_url());
  db->execute_script("CREATE TABLE tenants (id INTEGER);");
  runtime::Runner runner(*db, settings(), files.lookup());
  try {
    runner.run(test::linear_upgrade({"a"}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::unversioned_database);
    EXPECT_EQ(exit_status(e.kind()), 5);
    EXPECT_NE(std::string(e.what()).find("already holds tables (tenants)"), std::string::npos) << e.what();
    EXPECT_NE(e.hint().find("migrate stamp"), std::string::npos) << e.hint();
    EXPECT_NE(e.hint().find("--allow-unversioned"), std::string::npos) << e.hint();
  }
  EXPECT_FALSE(db->catalog().table_exists("", "ta"));
  EXPECT_FALSE(db->catalog().table_exists("", "migrate_version"));
  auto allowed = settings();
  allowed.allow_unversioned = true;
  runtime::Runner(*db, allowed, files.lookup()).run(test::linear_upgrade({"a"}));
  EXPECT_TRUE(db->catalog().table_exists("", "ta"));
  // Downgraded to base, the database is still one migrate ran (its journal says so).
  runtime::Runner(*db, settings(), files.lookup()).run([](const std::vector<std::string>& rows) {
    graph::Plan plan;
    plan.heads_before = rows;
    graph::Step step;
    step.direction = graph::Direction::downgrade;
    step.revision = "a";
    step.from = {"a"};
    step.ops = {graph::VersionOp::remove("a")};
    plan.steps.push_back(step);
    return plan;
  });
  EXPECT_TRUE(runtime::Runner(*db, settings(), files.lookup()).read_version_rows().empty());
  runtime::Runner(*db, settings(), files.lookup()).run(test::linear_upgrade({"a"}));
  EXPECT_TRUE(db->catalog().table_exists("", "ta"));
}

TEST_F(RunnerTest, DryRunFailureRollsBackEverything) {
  files.add(revision("b", {"a"}, "INSERT INTO nope VALUES (1);"));
  auto db = backend::open(file_url());
  auto s = settings();
  s.dry_run = true;
  try {
    runtime::Runner(*db, s, files.lookup()).run(test::linear_upgrade({"a", "b"}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::database);
    EXPECT_EQ(e.hint(), "dry run: every change was rolled back");
  }
  EXPECT_FALSE(db->catalog().table_exists("", "ta"));
  EXPECT_FALSE(db->catalog().table_exists("", "migrate_version"));
}

TEST_F(RunnerTest, DryRunRefusesNonTransactionalRevisions) {
  files.add(revision("b", {"a"}, "CREATE TABLE tb (x INTEGER);", "DROP TABLE tb;", false));
  test::FakeBackend db;
  auto s = settings();
  s.dry_run = true;
  try {
    runtime::Runner(db, s, files.lookup()).run(test::linear_upgrade({"a", "b"}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_NE(std::string(e.what()).find("b (versions/b.sql)"), std::string::npos) << e.what();
  }
  for (const auto& c : summarize(db.calls)) EXPECT_EQ(c.rfind("sql: ", 0), std::string::npos) << c;
  EXPECT_FALSE(db.table_exists("", "migrate_version"));
}

TEST_F(RunnerTest, DialectSectionIsPreferred) {
  auto f = revision("a", {}, "CREATE TABLE generic (x);");
  f.upgrade_sections()["sqlite"] = {"CREATE TABLE lite (x);", 3};
  files.add(f);
  test::FakeBackend db;
  runtime::Runner(db, settings(), files.lookup()).run(test::linear_upgrade({"a"}));
  EXPECT_TRUE(db.table_exists("", "lite"));
  EXPECT_FALSE(db.table_exists("", "generic"));
}

TEST_F(RunnerTest, CustomVersionTableName) {
  test::FakeBackend db;
  auto s = settings();
  s.version_table.name = "alembic_version";
  runtime::Runner runner(db, s, files.lookup());
  runner.run(test::linear_upgrade({"a"}));
  EXPECT_TRUE(db.table_exists("", "alembic_version"));
  EXPECT_TRUE(db.table_exists("", "alembic_version_journal"));
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"a"}));
}

}  // namespace
}  // namespace migrate

// One suite every backend must pass (ARCHITECTURE.md). Instantiated for SQLite
// on real files; a PostgreSQL instantiation takes its URL from MIGRATE_TEST_POSTGRES_URL.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "backend/backend.hpp"
#include "backend/sql_dialect.hpp"
#include "runtime/runner.hpp"
#include "support/temp_dir.hpp"

namespace migrate {
namespace {

namespace sql = backend::sql;

struct BackendCase {
  std::string name;
  /// The URL of a fresh, empty database; `dir` is a private temp folder. Empty = skip.
  std::function<std::string(const std::filesystem::path& dir)> url;
  /// Take the migration lock as a lease of this length (`lock = "table"`) instead of the
  /// backend's own lock.
  std::optional<std::chrono::milliseconds> lease = std::nullopt;
};

void PrintTo(const BackendCase& c, std::ostream* os) { *os << c.name; }

class BackendConformanceTest : public ::testing::TestWithParam<BackendCase> {
 protected:
  void SetUp() override {
    m_url = GetParam().url(m_dir.path());
    if (m_url.empty()) GTEST_SKIP() << GetParam().name << ": no database configured";
    m_db = reopen();
    // Servers are shared between runs and the tests of one process share the private schema
    // postgres_backend_test.cpp's environment made (mt_...): start from an empty one (the
    // runner refuses to upgrade a schema with tables and no versions). Never any other schema.
    if (dialect() == Dialect::postgresql)
      m_db->execute_script(
          "DO $$ DECLARE s text := current_schema(); BEGIN IF s LIKE 'mt\\_%' THEN "
          "EXECUTE format('DROP SCHEMA %I CASCADE', s); EXECUTE format('CREATE SCHEMA %I', s); END IF; END $$");
    for (auto table : {"t1", "t2", "t3", "ta", "tb", "conf_version", "conf_version_journal", "conf_version_lock",
                       "migrate_version_lock"})
      m_db->execute_script(std::string("DROP TABLE IF EXISTS ") + table);
  }

  /// A new connection, taking the lock the case names.
  std::unique_ptr<backend::Backend> reopen() const {
    auto db = backend::open(m_url);
    if (GetParam().lease) EXPECT_TRUE(db->locker()->use_lease(*GetParam().lease));
    return db;
  }
  Dialect dialect() const { return m_db->dialect(); }

  static std::vector<std::string> column_of(backend::Backend& db, std::string_view query) {
    std::vector<std::string> out;
    for (auto& row : db.query(query)) out.push_back(row.at(0).value_or("NULL"));
    return out;
  }

  std::vector<std::string> column(std::string_view query) {
    std::vector<std::string> out;
    for (auto& row : m_db->query(query)) out.push_back(row.at(0).value_or("NULL"));
    return out;
  }

  test::TempDir m_dir;
  std::string m_url;
  std::unique_ptr<backend::Backend> m_db;
};

TEST_P(BackendConformanceTest, VersionTableRoundTrip) {
  EXPECT_FALSE(m_db->catalog().table_exists("", "conf_version"));
  m_db->execute(sql::create_version_table(dialect(), "", "conf_version"));
  EXPECT_TRUE(m_db->catalog().table_exists("", "conf_version"));
  EXPECT_EQ(m_db->execute(sql::insert_version(dialect(), "", "conf_version", "a1")), 1);
  EXPECT_EQ(m_db->execute(sql::insert_version(dialect(), "", "conf_version", "b2")), 1);
  EXPECT_EQ(column(sql::select_versions(dialect(), "", "conf_version")), (std::vector<std::string>{"a1", "b2"}));
  EXPECT_EQ(m_db->execute(sql::update_version(dialect(), "", "conf_version", "a1", "c3")), 1);
  EXPECT_EQ(m_db->execute(sql::update_version(dialect(), "", "conf_version", "zz", "c4")), 0);
  EXPECT_EQ(m_db->execute(sql::delete_version(dialect(), "", "conf_version", "b2")), 1);
  EXPECT_EQ(column(sql::select_versions(dialect(), "", "conf_version")), (std::vector<std::string>{"c3"}));
  EXPECT_EQ(column(sql::select_versions(dialect(), "", "conf_version")),
            [&] {
              auto other = reopen();
              std::vector<std::string> rows;
              for (auto& r : other->query(sql::select_versions(dialect(), "", "conf_version"))) rows.push_back(*r[0]);
              return rows;
            }());
}

// The runner's bookkeeping batch: each statement's changed rows in order, the last one's
// RETURNING rows, and on a failure nothing after it runs and the transaction can roll back.
TEST_P(BackendConformanceTest, BatchReportsEachStatementsChangesAndTheLastOnesRows) {
  m_db->execute("CREATE TABLE conf_batch (id INTEGER PRIMARY KEY, v TEXT)");
  m_db->execute("INSERT INTO conf_batch (id, v) VALUES (1, 'a')");
  m_db->begin();
  auto result = m_db->execute_batch({"UPDATE conf_batch SET v = 'b' WHERE id = 1",
                                     "UPDATE conf_batch SET v = 'c' WHERE id = 99",
                                     "INSERT INTO conf_batch (id, v) VALUES (2, 'd') RETURNING id"});
  m_db->commit();
  EXPECT_EQ(result.changes, (std::vector<long long>{1, 0, 1}));
  ASSERT_EQ(result.last_rows.size(), 1u);
  EXPECT_EQ(result.last_rows[0].at(0).value_or("NULL"), "2");
  EXPECT_EQ(column("SELECT v FROM conf_batch ORDER BY id"), (std::vector<std::string>{"b", "d"}));

  m_db->begin();
  EXPECT_THROW(m_db->execute_batch({"UPDATE conf_batch SET v = 'e' WHERE id = 1",
                                    "INSERT INTO conf_batch (id, v) VALUES (1, 'duplicate')",
                                    "INSERT INTO conf_batch (id, v) VALUES (3, 'never') RETURNING id"}),
               backend::DatabaseError);
  m_db->rollback();
  EXPECT_EQ(column("SELECT v FROM conf_batch ORDER BY id"), (std::vector<std::string>{"b", "d"}));
}

// Values apart from the text (the journal's row): bound where the backend prepares the
// statement, written in as literals elsewhere; the same rows either way, quotes, NULL and
// numbers included, and the same statement run again with other values.
TEST_P(BackendConformanceTest, BatchStatementsTakeTheirValuesApartFromTheirText) {
  m_db->execute("CREATE TABLE \"conf?bound\" (id INTEGER PRIMARY KEY, v TEXT, n INTEGER)");
  const std::string insert = "INSERT INTO \"conf?bound\" (id, v, n) VALUES (?, ?, ?) RETURNING id, '?'";
  for (int round = 0; round < 2; ++round) {
    m_db->begin();
    auto result = m_db->execute_batch(
        {{insert, {std::to_string(1 + 2 * round), "it's a '?' \\ value", std::string("42")}},
         {insert, {std::to_string(2 + 2 * round), std::nullopt, std::nullopt}}});
    m_db->commit();
    EXPECT_EQ(result.changes, (std::vector<long long>{1, 1}));
    ASSERT_EQ(result.last_rows.size(), 1u);
    EXPECT_EQ(result.last_rows[0].at(0).value_or("NULL"), std::to_string(2 + 2 * round));
    EXPECT_EQ(result.last_rows[0].at(1).value_or("NULL"), "?");
  }
  EXPECT_EQ(column("SELECT coalesce(v, 'NULL') || ' ' || coalesce(n + 1, -1) FROM \"conf?bound\" ORDER BY id"),
            (std::vector<std::string>{"it's a '?' \\ value 43", "NULL -1", "it's a '?' \\ value 43", "NULL -1"}));
  // A failing bound statement leaves it usable for the next.
  m_db->begin();
  EXPECT_THROW(m_db->execute_batch({{insert, {std::string("1"), std::string("duplicate"), std::nullopt}}}),
               backend::DatabaseError);
  m_db->rollback();
  m_db->begin();
  EXPECT_EQ(m_db->execute_batch({{insert, {std::string("5"), std::string("after"), std::nullopt}}}).changes,
            std::vector<long long>{1});
  m_db->commit();
  EXPECT_EQ(column("SELECT count(*) FROM \"conf?bound\""), std::vector<std::string>{"5"});
}

TEST_P(BackendConformanceTest, VersionTableRejectsDuplicateRow) {
  m_db->execute(sql::create_version_table(dialect(), "", "conf_version"));
  m_db->execute(sql::insert_version(dialect(), "", "conf_version", "a1"));
  EXPECT_THROW(m_db->execute(sql::insert_version(dialect(), "", "conf_version", "a1")), backend::DatabaseError);
}

TEST_P(BackendConformanceTest, JournalTableTakesRowsAndReturnsIds) {
  m_db->execute(sql::create_journal_table(dialect(), "", "conf_version_journal"));
  m_db->execute(sql::create_journal_table(dialect(), "", "conf_version_journal"));  // IF NOT EXISTS
  auto insert = std::string("INSERT INTO conf_version_journal (revision, direction, heads_before, heads_after, "
                            "status, started_at) VALUES ('a1', 'upgrade', '', 'a1', 'applied', "
                            "'2026-01-01T00:00:00.000Z') RETURNING id");
  auto first = m_db->query(insert);
  auto second = m_db->query(insert);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_LT(std::stoll(*first[0][0]), std::stoll(*second[0][0]));
  EXPECT_EQ(column("SELECT statements_done FROM conf_version_journal ORDER BY id"),
            (std::vector<std::string>{"0", "0"}));
  EXPECT_EQ(column("SELECT error FROM conf_version_journal ORDER BY id"), (std::vector<std::string>{"NULL", "NULL"}));
}

TEST_P(BackendConformanceTest, RollbackLeavesNoTrace) {
  m_db->execute(sql::create_version_table(dialect(), "", "conf_version"));
  m_db->begin();
  EXPECT_TRUE(m_db->in_transaction());
  m_db->execute_script("CREATE TABLE t1 (x INTEGER); INSERT INTO t1 VALUES (1);");
  m_db->execute(sql::insert_version(dialect(), "", "conf_version", "a1"));
  m_db->rollback();
  EXPECT_FALSE(m_db->in_transaction());
  EXPECT_FALSE(m_db->catalog().table_exists("", "t1"));
  EXPECT_TRUE(column(sql::select_versions(dialect(), "", "conf_version")).empty());
  m_db->rollback();  // no transaction: a no-op, never throws
}

TEST_P(BackendConformanceTest, CommitIsVisibleToAnotherConnection) {
  m_db->begin();
  m_db->execute_script("CREATE TABLE t1 (x INTEGER); INSERT INTO t1 VALUES (7);");
  m_db->commit();
  EXPECT_FALSE(m_db->in_transaction());
  auto other = reopen();
  EXPECT_TRUE(other->catalog().table_exists("", "t1"));
  EXPECT_EQ(*other->query("SELECT x FROM t1").at(0).at(0), "7");
}

TEST_P(BackendConformanceTest, MultiStatementScriptRunsEveryStatement) {
  m_db->execute_script(
      "-- a comment first\n"
      "CREATE TABLE t1 (x INTEGER, s TEXT);\n"
      "/* block */ INSERT INTO t1 VALUES (1, 'a;b');\n"
      "INSERT INTO t1 VALUES (2, 'it''s');\n"
      "   ;\n"
      "-- trailing comment");
  EXPECT_EQ(column("SELECT s FROM t1 ORDER BY x"), (std::vector<std::string>{"a;b", "it's"}));
}

TEST_P(BackendConformanceTest, ExecuteReportsChangedRows) {
  m_db->execute_script("CREATE TABLE t1 (x INTEGER); INSERT INTO t1 VALUES (1); INSERT INTO t1 VALUES (1);");
  EXPECT_EQ(m_db->execute("UPDATE t1 SET x = 2 WHERE x = 1"), 2);
  EXPECT_EQ(m_db->execute("UPDATE t1 SET x = 3 WHERE x = 1"), 0);
  EXPECT_EQ(m_db->execute("DELETE FROM t1"), 2);
  EXPECT_EQ(m_db->execute("CREATE TABLE t2 (x INTEGER)"), 0);
}

TEST_P(BackendConformanceTest, QueryReturnsNullsAsNullopt) {
  auto rows = m_db->query("SELECT NULL, 'x', 3");
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].size(), 3u);
  EXPECT_FALSE(rows[0][0].has_value());
  EXPECT_EQ(*rows[0][1], "x");
  EXPECT_EQ(*rows[0][2], "3");
}

TEST_P(BackendConformanceTest, RowsHandedOneByOneAreTheRowsOfTheQuery) {
  m_db->execute_script("CREATE TABLE streamed (n INTEGER, label TEXT); "
                       "INSERT INTO streamed VALUES (1, 'a'), (2, NULL), (3, 'c')");
  const std::string sql = "SELECT n, label FROM streamed ORDER BY n DESC";
  std::vector<backend::Row> handed;
  m_db->for_each_row(sql, [&handed](backend::Row&& row) { handed.push_back(std::move(row)); });
  const std::vector<backend::Row> expected = {{"3", "c"}, {"2", std::nullopt}, {"1", "a"}};
  EXPECT_EQ(handed, expected);
  // A failing query throws as query() does, having handed over nothing.
  handed.clear();
  EXPECT_THROW(m_db->for_each_row("SELECT nope FROM streamed", [&handed](backend::Row&& row) { handed.push_back(row); }),
               backend::DatabaseError);
  EXPECT_TRUE(handed.empty());
}

TEST_P(BackendConformanceTest, ErrorCarriesPositionCodeAndMessage) {
  std::string script = "CREATE TABLE t1 (x INTEGER);\n\nINSERT INTO no_such_table VALUES (1);\n";
  auto statement_start = static_cast<long>(script.find("INSERT"));
  try {
    m_db->execute_script(script);
    FAIL() << "no error";
  } catch (const backend::DatabaseError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::database);
    EXPECT_GE(e.details().position, statement_start);
    EXPECT_LT(e.details().position, static_cast<long>(script.size()));
    EXPECT_NE(e.details().server_message.find("no_such_table"), std::string::npos) << e.details().server_message;
    EXPECT_EQ(e.details().sqlstate, dialect() == Dialect::sqlite ? "SQLITE_ERROR" : "42P01");
  }
  EXPECT_TRUE(m_db->catalog().table_exists("", "t1"));  // statements before the failing one ran
}

TEST_P(BackendConformanceTest, ConstraintErrorCarriesExtendedCode) {
  m_db->execute_script("CREATE TABLE t1 (x INTEGER PRIMARY KEY); INSERT INTO t1 VALUES (1);");
  std::string script = "INSERT INTO t1 VALUES (2);\nINSERT INTO t1 VALUES (1);";
  try {
    m_db->execute_script(script);
    FAIL() << "no error";
  } catch (const backend::DatabaseError& e) {
    EXPECT_EQ(e.details().position, static_cast<long>(script.find("INSERT INTO t1 VALUES (1)")));
    EXPECT_EQ(e.details().sqlstate, dialect() == Dialect::sqlite ? "SQLITE_CONSTRAINT_PRIMARYKEY" : "23505");
  }
}

TEST_P(BackendConformanceTest, RequestCancelStopsTheRunningStatement) {
  m_db->execute_script("CREATE TABLE t1 (x INTEGER); INSERT INTO t1 VALUES (1)");
  m_db->request_cancel();  // nothing runs: no effect on what follows
  EXPECT_EQ(column("SELECT count(*) FROM t1"), (std::vector<std::string>{"1"}));

  m_db->begin();
  m_db->execute("INSERT INTO t1 VALUES (2)");
  std::atomic<bool> finished{false};
  // A cancel before the statement starts is a no-op, so keep asking until it has stopped.
  std::thread canceller([&] {
    while (!finished) {
      m_db->request_cancel();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  const bool sqlite = dialect() == Dialect::sqlite;
  auto long_query = sqlite ? "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000000000) "
                             "SELECT count(*) FROM c"
                           : "SELECT pg_sleep(30)";
  auto start = std::chrono::steady_clock::now();
  try {
    m_db->query(long_query);
    ADD_FAILURE() << "the statement was not cancelled";
  } catch (const backend::DatabaseError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::database);
    EXPECT_EQ(e.details().sqlstate, sqlite ? "SQLITE_INTERRUPT" : "57014") << e.what();
    EXPECT_NE(std::string(e.what()).find(sqlite ? "SQLITE_INTERRUPT" : "[57014]"), std::string::npos) << e.what();
  }
  finished = true;
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
  if (!sqlite) {
    EXPECT_TRUE(m_db->in_transaction());  // aborted, still open until the rollback
  }
  m_db->rollback();
  EXPECT_FALSE(m_db->in_transaction());
  EXPECT_EQ(column("SELECT count(*) FROM t1"), (std::vector<std::string>{"1"}));  // the insert rolled back
  m_db->execute("INSERT INTO t1 VALUES (3)");
  EXPECT_EQ(column("SELECT count(*) FROM t1"), (std::vector<std::string>{"2"}));
}

TEST_P(BackendConformanceTest, LockTwiceTimesOutUntilReleased) {
  auto other = reopen();
  m_db->locker()->lock(std::chrono::milliseconds(1000));
  try {
    other->locker()->lock(std::chrono::milliseconds(150));
    FAIL() << "second lock succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::lock_timeout);
    EXPECT_NE(std::string(e.what()).find("another migrate process holds the lock"), std::string::npos) << e.what();
  }
  m_db->locker()->unlock();
  EXPECT_NO_THROW(other->locker()->lock(std::chrono::milliseconds(1000)));
  other->locker()->unlock();
}

TEST_P(BackendConformanceTest, ALockPollThatThrowsEndsTheWaitAtOnce) {
  auto other = reopen();
  m_db->locker()->lock(std::chrono::milliseconds(1000));
  int polls = 0;
  const backend::LockPoll stop_on_third = [&] {
    if (++polls == 3) throw Error(ErrorKind::interrupted, "stopped while waiting");
  };
  const auto started = std::chrono::steady_clock::now();
  try {
    other->locker()->lock(std::chrono::seconds(60), stop_on_third);
    FAIL() << "second lock succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::interrupted) << e.what();
  }
  EXPECT_EQ(polls, 3);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  // The waiter holds nothing: once the holder lets go, a third runner takes the lock at once.
  m_db->locker()->unlock();
  auto third = reopen();
  EXPECT_NO_THROW(third->locker()->lock(std::chrono::milliseconds(0), stop_on_third));
  EXPECT_EQ(polls, 3) << "the lock was free: no poll ran";
  third->locker()->unlock();
}

TEST_P(BackendConformanceTest, LockIsReleasedOnClose) {
  auto first = reopen();
  first->locker()->lock(std::chrono::milliseconds(1000));
  first.reset();
  EXPECT_NO_THROW(m_db->locker()->lock(std::chrono::milliseconds(1000)));
  m_db->locker()->unlock();
}

TEST_P(BackendConformanceTest, AKilledLockHolderGivesWayWithinItsLease) {
  using namespace std::chrono;
  m_db.reset();  // no connection may cross fork()
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    try {
      auto db = reopen();
      db->locker()->lock(milliseconds(5000));
      if (write(ready[1], "x", 1) != 1) _exit(2);
      pause();  // holds the lock until killed
    } catch (...) {
      _exit(3);
    }
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  const auto killed_at = steady_clock::now();
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  close(ready[0]);
  close(ready[1]);
  // The server ends an advisory lock's session with the process, the kernel a file lock; a
  // lease nobody renews expires.
  const auto lease = GetParam().lease.value_or(milliseconds(0));
  m_db = reopen();
  m_db->locker()->lock(lease + milliseconds(10000));
  const auto waited = duration_cast<milliseconds>(steady_clock::now() - killed_at);
  EXPECT_LT(waited, lease + milliseconds(3000));
  if (GetParam().lease) EXPECT_GE(waited, lease - milliseconds(1000)) << "the dead holder's lease was honoured";
  m_db->locker()->unlock();
}

TEST_P(BackendConformanceTest, LockDoesNotBlockTheLockHoldersOwnWrites) {
  m_db->locker()->lock(std::chrono::milliseconds(1000));
  m_db->begin();
  m_db->execute_script("CREATE TABLE t1 (x INTEGER)");
  m_db->commit();
  auto other = reopen();  // readers do not need the lock
  EXPECT_TRUE(other->catalog().table_exists("", "t1"));
  m_db->locker()->unlock();
}

TEST_P(BackendConformanceTest, NonTransactionalRevisionRecordsProgress) {
  script::RevisionFile file;
  file.path = "versions/nt.sql";
  file.id = "nt1";
  file.transactional = false;
  file.upgrade_sections()[""] = {"CREATE TABLE t1 (x INTEGER);\nINSERT INTO t1 VALUES (1);\nINSERT INTO nope VALUES (1);\n"
                      "CREATE TABLE t2 (x INTEGER);\n",
                      5};
  file.downgrade_sections()[""] = {"DROP TABLE t1;\n", 11};
  runtime::RunSettings settings;
  settings.version_table.name = "conf_version";
  settings.command = runtime::Command::upgrade;
  runtime::Runner runner(*m_db, settings, [&](const std::string& id) { return id == "nt1" ? &file : nullptr; });
  graph::Plan plan{{}, {{graph::Direction::upgrade, "nt1", {}, {"nt1"}, {graph::VersionOp::insert("nt1")}}}, {"nt1"}};
  try {
    runner.run([&](const auto&) { return plan; });
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::database);
    EXPECT_NE(std::string(e.what()).find("versions/nt.sql:7"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(m_db->catalog().table_exists("", "t1"));
  EXPECT_FALSE(m_db->catalog().table_exists("", "t2"));
  EXPECT_TRUE(runner.read_version_rows().empty());
  auto partial = runner.partial_revisions();
  ASSERT_EQ(partial.size(), 1u);
  EXPECT_EQ(partial[0].revision, "nt1");
  EXPECT_EQ(partial[0].status, "failed");
  EXPECT_EQ(partial[0].statements_done, 2);
  EXPECT_EQ(partial[0].statements_total, 4);
  EXPECT_NE(partial[0].error.find("nope"), std::string::npos);
}

TEST_P(BackendConformanceTest, JournalOfAnOlderReleaseGetsTheNewColumns) {
  // An older release's table: today's DDL without the columns added since repair came.
  std::vector<std::string> added = {"checksum_algorithm", "file_content", "statement_hashes", "version_ops",
                                    "has_downgrade", "transactional", "statement_started", "schema_fingerprint",
                                    "catalog_digest"};
  std::string ddl = sql::create_journal_table(dialect(), "", "conf_version_journal");
  for (const auto& name : added) {
    auto at = ddl.find(",\n    " + name + " ");
    ASSERT_NE(at, std::string::npos) << name;
    ddl.erase(at, ddl.find_first_of(",\n", at + 6) - at);
  }
  m_db->execute(ddl);
  m_db->execute("INSERT INTO conf_version_journal (revision, direction, command, heads_before, heads_after, "
                "downgrade_sql, status, statements_done, statements_total, error, started_at) VALUES ('ra', "
                "'upgrade', 'upgrade', '', '', 'DROP TABLE ta;', 'failed', 1, 2, 'boom', '2026-11-01T00:00:00.000Z')");
  runtime::VersionTable vt;
  vt.name = "conf_version";
  runtime::Journal journal(*m_db, vt);
  auto columns_before = journal.columns();
  ASSERT_EQ(journal.partial().size(), 1u);
  EXPECT_TRUE(journal.all().at(0).has_downgrade);
  EXPECT_EQ(journal.columns(), columns_before);  // reads change nothing

  runtime::JournalEntry e;
  e.revision = "ra";
  e.direction = "repair";
  e.command = "repair --resume";
  e.status = "applied";
  e.checksum = std::string(64, 'a');
  e.checksum_algorithm = runtime::k_checksum_algorithm;
  e.file_content = "line 1\nit's line 2\n";
  e.statement_hashes = {"h1", "h2"};
  e.version_ops = {graph::VersionOp::insert("ra")};
  e.reason = "finished by resume";
  auto id = journal.append(e);  // ensure() first
  std::vector<std::string> expected = {"id"};
  for (const auto& c : sql::journal_columns(dialect())) expected.push_back(c.name);
  EXPECT_EQ(journal.columns(), expected);
  auto back = journal.get(id);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->file_content, e.file_content);
  EXPECT_EQ(back->statement_hashes, e.statement_hashes);
  EXPECT_EQ(back->version_ops, e.version_ops);
  EXPECT_FALSE(back->has_downgrade);
  EXPECT_EQ(back->reason, "finished by resume");
  EXPECT_TRUE(journal.partial().empty());
  EXPECT_EQ(journal.recorded_checksum("ra")->id, id);
  EXPECT_EQ(journal.all().at(0).checksum_algorithm, "");
}

TEST_P(BackendConformanceTest, StateAtOnceReadsRowsPartialsAndChecksumsInOneQueryOrDeclines) {
  runtime::VersionTable vt;
  vt.name = "conf_version";
  runtime::Journal journal(*m_db, vt);
  std::vector<std::pair<std::string, runtime::RecordedChecksum>> handed;
  auto sink = [&handed](std::string&& revision, runtime::RecordedChecksum&& r) {
    handed.emplace_back(std::move(revision), std::move(r));
  };
  EXPECT_FALSE(journal.read_state_at_once(sink)) << "no version table yet";
  runtime::ensure_version_table(*m_db, vt);
  EXPECT_FALSE(journal.read_state_at_once(sink)) << "no journal yet";

  m_db->execute("INSERT INTO conf_version (version_num) VALUES ('rb')");
  m_db->execute("INSERT INTO conf_version (version_num) VALUES ('ra')");
  runtime::JournalEntry e;
  e.revision = "ra";
  e.direction = "upgrade";
  e.command = "upgrade";
  e.status = "applied";
  e.checksum = std::string(64, 'a');
  e.checksum_algorithm = runtime::k_checksum_algorithm;
  auto first = journal.append(e);
  e.checksum = std::string(64, 'b');
  auto second = journal.append(e);
  e.revision = "rb";
  e.status = "failed";  // a failed transactional attempt: no checksum, not partial
  e.transactional = true;
  journal.append(e);
  auto state = journal.read_state_at_once(sink);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->rows, (std::vector<std::string>{"rb", "ra"}));  // as a plain SELECT returns them
  EXPECT_FALSE(state->has_partial);
  ASSERT_EQ(handed.size(), 2u);
  std::map<long long, std::string> by_id;
  for (auto& [revision, r] : handed) {
    EXPECT_EQ(revision, "ra");
    EXPECT_EQ(r.checksum_algorithm, runtime::k_checksum_algorithm);
    by_id[r.id] = r.checksum;
  }
  EXPECT_EQ(by_id, (std::map<long long, std::string>{{first, std::string(64, 'a')}, {second, std::string(64, 'b')}}));

  e.transactional = false;  // a non-transactional step that failed midway is partial
  e.revision = "rc";
  journal.append(e);
  ASSERT_EQ(journal.partial().size(), 1u);
  auto with_partial = journal.read_state_at_once(sink);
  ASSERT_TRUE(with_partial);
  EXPECT_TRUE(with_partial->has_partial);

  m_db->begin();  // inside a transaction a failing query would abort it: never asked
  EXPECT_FALSE(journal.read_state_at_once(sink));
  m_db->rollback();
}

/// Files and a linear planner for the Runner checks below.
struct Chain {
  std::map<std::string, script::RevisionFile> files;
  void add(const std::string& id, std::vector<std::string> down, std::string up, bool transactional = true) {
    script::RevisionFile f;
    f.path = "versions/" + id + ".sql";
    f.id = id;
    f.down_revisions = std::move(down);
    f.transactional = transactional;
    f.upgrade_sections()[""] = {std::move(up), 3};
    f.downgrade_sections()[""] = {"", 9};
    files[id] = std::move(f);
  }
  runtime::FileLookup lookup() const {
    return [this](const std::string& id) -> const script::RevisionFile* {
      auto it = files.find(id);
      return it == files.end() ? nullptr : &it->second;
    };
  }
};

graph::Plan upgrade_ab(const std::vector<std::string>& rows) {
  using graph::VersionOp;
  return {rows,
          {{graph::Direction::upgrade, "ra", {}, {"ra"}, {VersionOp::insert("ra")}},
           {graph::Direction::upgrade, "rb", {"ra"}, {"rb"}, {VersionOp::update("ra", "rb")}}},
          {"rb"}};
}

runtime::RunSettings conformance_settings() {
  runtime::RunSettings s;
  s.version_table.name = "conf_version";
  s.command = runtime::Command::upgrade;
  s.lock_timeout = std::chrono::milliseconds(2000);
  return s;
}

TEST_P(BackendConformanceTest, RunnerAppliesAndRecordsEachRevision) {
  Chain chain;
  chain.add("ra", {}, "CREATE TABLE ta (x INTEGER);");
  chain.add("rb", {"ra"}, "CREATE TABLE tb (x INTEGER);\nINSERT INTO tb VALUES (1);");
  runtime::Runner runner(*m_db, conformance_settings(), chain.lookup());
  auto result = runner.run(upgrade_ab);
  EXPECT_EQ(result.duration_ms.size(), 2u);
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"rb"}));
  EXPECT_EQ(column("SELECT revision FROM conf_version_journal ORDER BY id"), (std::vector<std::string>{"ra", "rb"}));
  EXPECT_EQ(column("SELECT status FROM conf_version_journal ORDER BY id"),
            (std::vector<std::string>{"applied", "applied"}));
}

TEST_P(BackendConformanceTest, RunnerFailureLeavesNoTraceOfTheRevision) {
  Chain chain;
  chain.add("ra", {}, "CREATE TABLE ta (x INTEGER);");
  chain.add("rb", {"ra"}, "CREATE TABLE tb (x INTEGER);\n\nINSERT INTO no_such_table VALUES (1);");
  runtime::Runner runner(*m_db, conformance_settings(), chain.lookup());
  try {
    runner.run(upgrade_ab);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::database);
    EXPECT_NE(std::string(e.what()).find("versions/rb.sql:5"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(m_db->in_transaction());
  EXPECT_TRUE(m_db->catalog().table_exists("", "ta"));
  EXPECT_FALSE(m_db->catalog().table_exists("", "tb"));
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"ra"}));
  // The attempt is history: a `failed` row after the rollback, which makes nothing partial.
  EXPECT_EQ(column("SELECT revision || ' ' || status FROM conf_version_journal ORDER BY id"),
            (std::vector<std::string>{"ra applied", "rb failed"}));
  EXPECT_TRUE(runner.partial_revisions().empty());
}

TEST_P(BackendConformanceTest, RunnerDryRunChangesNothing) {
  Chain chain;
  chain.add("ra", {}, "CREATE TABLE ta (x INTEGER);");
  chain.add("rb", {"ra"}, "CREATE TABLE tb (x INTEGER);");
  auto settings = conformance_settings();
  settings.dry_run = true;
  runtime::Runner runner(*m_db, settings, chain.lookup());
  EXPECT_EQ(runner.run(upgrade_ab).plan.steps.size(), 2u);
  EXPECT_FALSE(m_db->in_transaction());
  for (auto table : {"ta", "tb", "conf_version", "conf_version_journal"}) EXPECT_FALSE(m_db->catalog().table_exists("", table)) << table;
}

TEST_P(BackendConformanceTest, ConcurrentRunnersApplyEachRevisionOnce) {
  Chain chain;
  chain.add("ra", {}, "CREATE TABLE ta (x INTEGER);");
  chain.add("rb", {"ra"}, "CREATE TABLE tb (x INTEGER);\nINSERT INTO tb VALUES (1);", false);
  auto plan_from = [](const std::vector<std::string>& rows) {
    if (rows.empty()) return upgrade_ab(rows);
    graph::Plan plan{rows, {}, rows};
    if (rows == std::vector<std::string>{"ra"})
      plan.steps.push_back({graph::Direction::upgrade, "rb", {"ra"}, {"rb"}, {graph::VersionOp::update("ra", "rb")}});
    return plan;
  };
  m_db.reset();  // no connection may cross fork()
  std::vector<pid_t> children;
  for (int i = 0; i < 16; ++i) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int code = 0;
      try {
        auto db = reopen();
        auto settings = conformance_settings();
        settings.lock_timeout = std::chrono::milliseconds(60000);
        runtime::Runner(*db, settings, chain.lookup()).run(plan_from);
      } catch (const Error& e) {
        code = 10 + static_cast<int>(e.kind());
      } catch (...) {
        code = 99;
      }
      _exit(code);
    }
    children.push_back(pid);
  }
  for (auto pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child exit status " << status;
  }
  m_db = reopen();
  EXPECT_EQ(column("SELECT version_num FROM conf_version"), (std::vector<std::string>{"rb"}));
  EXPECT_EQ(column("SELECT revision FROM conf_version_journal ORDER BY id"), (std::vector<std::string>{"ra", "rb"}));
  EXPECT_EQ(column("SELECT count(*) FROM tb"), (std::vector<std::string>{"1"}));
}

TEST_P(BackendConformanceTest, RevisionHeaderTimeoutsApplyToThatRevisionOnly) {
  // PostgreSQL enforces the header's statement_timeout for its revision and resets the
  // session afterwards; SQLite has no such setting and runs the same plan unchanged.
  bool pg = dialect() == Dialect::postgresql;
  Chain chain;
  chain.add("ra", {}, pg ? "SELECT pg_sleep(0.3);" : "SELECT 1;");
  chain.add("rb", {"ra"}, pg ? "CREATE TABLE tb (x INTEGER);\nSELECT pg_sleep(3);" : "CREATE TABLE tb (x INTEGER);");
  chain.files["rb"].statement_timeout = "200ms";
  auto settings = conformance_settings();
  settings.session_lock_timeout = "4s";
  runtime::Runner runner(*m_db, settings, chain.lookup());
  auto started = std::chrono::steady_clock::now();
  if (pg) {
    try {
      runner.run(upgrade_ab);
      FAIL() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::database);
      EXPECT_NE(std::string(e.what()).find("57014"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("versions/rb.sql:4"), std::string::npos) << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
    EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"ra"}));  // ra ran with no statement limit
    EXPECT_FALSE(m_db->catalog().table_exists("", "tb"));
    // Back to the session's defaults.
    auto defaults = reopen();
    EXPECT_EQ(column("SHOW statement_timeout"), column_of(*defaults, "SHOW statement_timeout"));
    EXPECT_EQ(column("SHOW lock_timeout"), column_of(*defaults, "SHOW lock_timeout"));
  } else {
    runner.run(upgrade_ab);
    EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"rb"}));
  }
}

std::vector<BackendCase> backend_cases() {
  std::vector<BackendCase> cases;
  cases.push_back({"SqliteFile", [](const std::filesystem::path& dir) {
                     return "sqlite:///" + (dir / "conformance.db").string();  // absolute: sqlite:////tmp/...
                   }});
  auto postgres = [](const std::filesystem::path&) {
    const char* url = std::getenv("MIGRATE_TEST_POSTGRES_URL");
    return std::string(url ? url : "");
  };
  cases.push_back({"Postgres", postgres});
  // The lease lock of `lock = "table"`, for engines whose advisory locks exclude nothing.
  cases.push_back({"PostgresLease", postgres, std::chrono::milliseconds(2000)});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendConformanceTest, ::testing::ValuesIn(backend_cases()),
                         [](const ::testing::TestParamInfo<BackendCase>& info) { return info.param.name; });

/// What only a lease does: expire, and be renewed while its holder lives.
class LeaseConformanceTest : public BackendConformanceTest {};

TEST_P(LeaseConformanceTest, LeaseOutlivesItsDurationWhileItsHolderLives) {
  m_db->locker()->lock(std::chrono::milliseconds(1000));
  std::this_thread::sleep_for(*GetParam().lease * 2);  // the heartbeat renews it
  auto other = reopen();
  EXPECT_THROW(other->locker()->lock(std::chrono::milliseconds(300)), Error);
  m_db->locker()->unlock();
  EXPECT_NO_THROW(other->locker()->lock(std::chrono::milliseconds(1000)));
  other->locker()->unlock();
}

TEST_P(LeaseConformanceTest, RunnersCreatingTheLeaseTableAtOnceAllGetTheirTurn) {
  // Each round starts without the lease table, so every runner races to create it: the
  // losers' catalog collisions (on the table's name or its row type's) are not errors.
  for (int round = 0; round < 10; ++round) {
    m_db->execute_script("DROP TABLE IF EXISTS migrate_version_lock");  // the locker's default table
    std::vector<std::unique_ptr<backend::Backend>> runners;
    for (int i = 0; i < 16; ++i) runners.push_back(reopen());
    std::vector<std::thread> threads;
    std::atomic<int> failures{0}, waiting{0};
    for (auto& runner : runners)
      threads.emplace_back([&runner, &failures, &waiting, count = int(runners.size())] {
        for (++waiting; waiting.load() < count;) std::this_thread::yield();  // all start at once
        try {
          runner->locker()->lock(std::chrono::milliseconds(20000));
          runner->locker()->unlock();
        } catch (const std::exception& e) {
          ++failures;
          ADD_FAILURE() << e.what();
        }
      });
    for (auto& t : threads) t.join();
    ASSERT_EQ(failures.load(), 0) << "round " << round;
  }
}

std::vector<BackendCase> lease_cases() {
  std::vector<BackendCase> cases;
  for (auto& c : backend_cases())
    if (c.lease) cases.push_back(c);
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Leases, LeaseConformanceTest, ::testing::ValuesIn(lease_cases()),
                         [](const ::testing::TestParamInfo<BackendCase>& info) { return info.param.name; });

}  // namespace
}  // namespace migrate

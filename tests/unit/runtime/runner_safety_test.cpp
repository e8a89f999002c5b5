// Runner: per-statement errors, lock key, session timeouts, hints, backups, signals and the
// crash hook. Runner logic on the FakeBackend; effects on real SQLite files.

#include <gtest/gtest.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "cli/signals.hpp"
#include "cli/test_hooks.hpp"
#include "runtime/journal.hpp"
#include "runtime/runner.hpp"
#include "support/fake_backend.hpp"
#include "support/temp_dir.hpp"
#include "unit/runtime/runtime_fixture.hpp"

namespace migrate {
namespace {

using test::revision;

std::vector<std::string> strings(backend::Backend& db, const std::string& query) {
  std::vector<std::string> out;
  for (auto& row : db.query(query)) out.push_back(row.at(0).value_or("NULL"));
  return out;
}

std::vector<std::string> matching(const std::vector<std::string>& calls, std::string_view prefix) {
  std::vector<std::string> out;
  for (const auto& c : calls)
    if (c.rfind(prefix, 0) == 0) out.push_back(c);
  return out;
}

/// Sets an environment variable for a scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : m_name(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(m_name); }

 private:
  const char* m_name;
};

/// What the command-line tool wires around a run: SIGINT/SIGTERM handlers feeding a stop
/// token, and the MIGRATE_TEST_* hooks (read when this is made) as the run's observer.
struct CliRunControl {
  runtime::StopToken stop;
  cli::SignalHandlers handlers{stop};
  cli::TestHooks hooks;
  runtime::RunSettings with(runtime::RunSettings s) {
    s.stop = &stop;
    s.observer = &hooks;
    return s;
  }
};

class RunnerSafetyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_level = spdlog::get_level();
    spdlog::set_level(spdlog::level::err);
    files.add(revision("a", {}, "CREATE TABLE ta (x INTEGER);", "DROP TABLE ta;"));
    files.add(revision("b", {"a"}, "CREATE TABLE tb (x INTEGER);\nINSERT INTO tb VALUES (1);\n", "DROP TABLE tb;"));
  }
  void TearDown() override { spdlog::set_level(m_level); }

  runtime::RunSettings settings(bool per_migration = true) {
    runtime::RunSettings s;
    s.transaction_per_migration = per_migration;
    s.command = runtime::Command::upgrade;
    s.lock_timeout = std::chrono::milliseconds(500);
    return s;
  }
  std::string file_url() const { return "sqlite:///" + (dir.path() / "app.db").string(); }

  /// True when another connection can take the migration lock now.
  bool lock_is_free() {
    auto other = backend::open(file_url());
    try {
      other->lock(std::chrono::milliseconds(0));
    } catch (const Error&) {
      return false;
    }
    other->unlock();
    return true;
  }

  test::Files files;
  test::TempDir dir;
  spdlog::level::level_enum m_level = spdlog::level::info;
};

// --- per statement -----------------------------------------------------------------------

TEST_F(RunnerSafetyTest, TransactionalRevisionRunsStatementByStatement) {
  test::FakeBackend db;
  runtime::Runner(db, settings(), files.lookup()).run(test::linear_upgrade({"a", "b"}));
  EXPECT_EQ(matching(db.calls, "execute_script: "),
            (std::vector<std::string>{"execute_script: CREATE TABLE ta (x INTEGER)",
                                      "execute_script: CREATE TABLE tb (x INTEGER)",
                                      "execute_script: INSERT INTO tb VALUES (1)"}));
}

TEST_F(RunnerSafetyTest, ErrorNamesTheExactStatementAndLine) {
  files.add(revision("b", {"a"},
                     "CREATE TABLE tb (x INTEGER);\nINSERT INTO tb VALUES (1);\n\n  INSERT INTO tb\n  VALUES (1, 2);\n",
                     "DROP TABLE tb;", true, 20));
  auto db = backend::open(file_url());
  try {
    runtime::Runner(*db, settings(), files.lookup()).run(test::linear_upgrade({"a", "b"}));
    FAIL();
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("versions/b.sql:23"), std::string::npos) << m;
    EXPECT_NE(m.find("statement: INSERT INTO tb VALUES (1, 2)"), std::string::npos) << m;
    EXPECT_EQ(e.hint(), "revision b was rolled back; earlier revisions are committed");
  }
  EXPECT_FALSE(db->table_exists("", "tb"));
}

TEST_F(RunnerSafetyTest, DatabaseHintIsKeptBesideTheRollbackNote) {
  test::FakeBackend db;
  db.fail_on = "INSERT INTO tb";
  db.fail_hint = "mark the revision `transactional = false`";
  try {
    runtime::Runner(db, settings(), files.lookup()).run(test::linear_upgrade({"a", "b"}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.hint(),
              "mark the revision `transactional = false`; revision b was rolled back; earlier revisions are committed");
  }
}

// --- lock key and session timeouts -------------------------------------------------------

TEST_F(RunnerSafetyTest, LockKeyNamesTheVersionTableBeforeLocking) {
  test::FakeBackend db;
  auto s = settings();
  s.version_table.name = "tenant_version";
  runtime::Runner(db, s, files.lookup()).run(test::linear_upgrade({"a"}));
  ASSERT_GE(db.calls.size(), 2u);
  EXPECT_EQ(db.calls[0], "set_lock_key: .tenant_version");
  EXPECT_EQ(db.calls[1], "lock");
}

TEST_F(RunnerSafetyTest, SessionTimeoutsPerRevisionOutsideTransactions) {
  auto fast = revision("b", {"a"}, "CREATE TABLE tb (x INTEGER);", "DROP TABLE tb;");
  fast.lock_timeout = "1s";
  files.add(fast);
  files.add(revision("c", {"b"}, "CREATE TABLE tc (x INTEGER);", "DROP TABLE tc;"));
  test::FakeBackend db;
  auto s = settings();
  s.session_lock_timeout = "5s";
  s.session_statement_timeout = "10min";
  runtime::Runner(db, s, files.lookup()).run(test::linear_upgrade({"a", "b", "c"}));
  // Each change comes right before the BEGIN of the revision that needs it; reset at the end.
  std::vector<std::string> seen;
  for (size_t i = 0; i < db.calls.size(); ++i) {
    const auto& c = db.calls[i];
    if (c.rfind("session_timeouts: ", 0) == 0) {
      seen.push_back(c);
      if (i + 1 < db.calls.size() && c != "session_timeouts: -/-") {
        EXPECT_EQ(db.calls[i + 1], "begin") << c;
      }
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"session_timeouts: 5s/10min", "session_timeouts: 1s/10min",
                                            "session_timeouts: 5s/10min", "session_timeouts: -/-"}));
  EXPECT_EQ(db.calls.back(), "unlock");
}

TEST_F(RunnerSafetyTest, NoTimeoutsMeansNoCalls) {
  test::FakeBackend db;
  runtime::Runner(db, settings(), files.lookup()).run(test::linear_upgrade({"a", "b"}));
  EXPECT_TRUE(matching(db.calls, "session_timeouts: ").empty());
}

TEST_F(RunnerSafetyTest, OneTransactionForTheRunKeepsTheFirstRevisionsTimeouts) {
  auto slow = revision("b", {"a"}, "CREATE TABLE tb (x INTEGER);", "DROP TABLE tb;");
  slow.statement_timeout = "1h";
  files.add(slow);
  test::FakeBackend db;
  auto s = settings(false);
  s.session_lock_timeout = "5s";
  runtime::Runner(db, s, files.lookup()).run(test::linear_upgrade({"a", "b"}));
  EXPECT_EQ(matching(db.calls, "session_timeouts: "),
            (std::vector<std::string>{"session_timeouts: 5s/-", "session_timeouts: -/-"}));
}

TEST_F(RunnerSafetyTest, TimeoutsAreResetAfterAFailure) {
  test::FakeBackend db;
  db.fail_on = "INSERT INTO tb";
  auto s = settings();
  s.session_statement_timeout = "30s";
  EXPECT_THROW(runtime::Runner(db, s, files.lookup()).run(test::linear_upgrade({"a", "b"})), Error);
  EXPECT_EQ(matching(db.calls, "session_timeouts: ").back(), "session_timeouts: -/-");
  EXPECT_FALSE(db.in_transaction());
}

// --- backup --------------------------------------------------------------------------------

TEST_F(RunnerSafetyTest, BackupIsTakenAfterPlanningBeforeTheFirstChange) {
  test::FakeBackend db(backend::open(file_url()));
  db.backup_result = backend::BackupResult{dir.path() / "copy.db", "cp copy.db app.db"};
  auto s = settings();
  s.backup = dir.path() / "copy.db";
  std::vector<std::string> calls_at_hook;
  s.before_changes = [&](const graph::Plan& plan) {
    EXPECT_EQ(plan.steps.size(), 2u);
    calls_at_hook = db.writes();
  };
  auto result = runtime::Runner(db, s, files.lookup()).run(test::linear_upgrade({"a", "b"}));
  ASSERT_TRUE(result.backup);
  EXPECT_EQ(result.backup->path, dir.path() / "copy.db");
  EXPECT_EQ(result.backup->restore_command, "cp copy.db app.db");
  EXPECT_EQ(calls_at_hook, (std::vector<std::string>{"set_lock_key: .migrate_version", "lock"}));
  auto writes = db.writes();
  ASSERT_GE(writes.size(), 4u);
  EXPECT_EQ(writes[2], "backup: " + (dir.path() / "copy.db").string());
  EXPECT_EQ(writes[3].rfind("execute: CREATE TABLE migrate_version", 0), 0u) << writes[3];
}

TEST_F(RunnerSafetyTest, BackupWithoutAPathUsesTheBackendsDefault) {
  test::FakeBackend db;
  db.backup_result = backend::BackupResult{"x", "y"};
  auto s = settings();
  s.backup = std::filesystem::path();
  runtime::Runner(db, s, files.lookup()).run(test::linear_upgrade({"a"}));
  auto backups = matching(db.calls, "backup: ");
  ASSERT_EQ(backups.size(), 1u);
  // `<db>.<timestamp>.backup`-style names carry `20261121T193000Z`: 16 characters, T and Z.
  std::string name = backups[0];
  auto t = name.find('T', 8);
  ASSERT_NE(t, std::string::npos) << name;
  EXPECT_NE(name.find('Z', t), std::string::npos) << name;
}

TEST_F(RunnerSafetyTest, NoBackupForAnEmptyPlanOrADryRun) {
  test::FakeBackend db;
  db.backup_result = backend::BackupResult{"x", "y"};
  auto s = settings();
  s.backup = dir.path() / "copy.db";
  bool hook = false;
  s.before_changes = [&](const graph::Plan&) { hook = true; };
  runtime::Runner(db, s, files.lookup()).run(test::linear_upgrade({}));
  s.dry_run = true;
  auto result = runtime::Runner(db, s, files.lookup()).run(test::linear_upgrade({"a"}));
  EXPECT_FALSE(result.backup);
  EXPECT_FALSE(hook);
  EXPECT_TRUE(matching(db.calls, "backup: ").empty());
}

TEST_F(RunnerSafetyTest, FailedBackupChangesNothing) {
  test::FakeBackend db(backend::open(file_url()));
  db.backup_error = Error(ErrorKind::usage, "pg_dump not found");
  auto s = settings();
  s.backup = dir.path() / "copy.db";
  try {
    runtime::Runner(db, s, files.lookup()).run(test::linear_upgrade({"a"}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
  }
  EXPECT_FALSE(db.table_exists("", "migrate_version"));
  EXPECT_FALSE(db.table_exists("", "ta"));
  EXPECT_TRUE(lock_is_free());
}

// --- signals -------------------------------------------------------------------------------

TEST_F(RunnerSafetyTest, SignalInATransactionalRevisionRollsItBackAndRecordsIt) {
  auto db = backend::open(file_url());
  ScopedEnv hook("MIGRATE_TEST_SIGNAL_AFTER_STATEMENT", "2");  // a: 1 statement; b: 2
  runtime::Runner runner(*db, settings(), files.lookup());
  try {
    CliRunControl control;
    runtime::Runner(*db, control.with(settings()), files.lookup()).run(test::linear_upgrade({"a", "b"}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::interrupted);
    EXPECT_EQ(e.signal(), SIGTERM);
    EXPECT_EQ(exit_status(e), 143);
    EXPECT_EQ(exit_status(e.kind()), 130);  // the kind alone cannot say which signal
    std::string m = e.what();
    EXPECT_NE(m.find("interrupted by SIGTERM while running revision b (versions/b.sql) (after statement 1 of 2)"),
              std::string::npos)
        << m;
    EXPECT_NE(e.hint().find("revision b was rolled back"), std::string::npos) << e.hint();
  }
  EXPECT_TRUE(db->table_exists("", "ta"));
  EXPECT_FALSE(db->table_exists("", "tb"));
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"a"}));
  EXPECT_EQ(strings(*db, "SELECT revision || ' ' || status || ' ' || COALESCE(error, '') || ' ' || heads_after "
                         "FROM migrate_version_journal ORDER BY id"),
            (std::vector<std::string>{"a applied  a", "b rolled_back interrupted by SIGTERM a"}));
  EXPECT_TRUE(runner.partial_revisions().empty());
  EXPECT_TRUE(lock_is_free());
  // The handlers are restored: SIGTERM's action is the default again.
  struct sigaction now {};
  sigaction(SIGTERM, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_DFL);
}

TEST_F(RunnerSafetyTest, SignalInANonTransactionalRevisionStopsAfterTheStatement) {
  files.add(revision("b", {"a"}, "CREATE TABLE tb (x INTEGER);\nINSERT INTO tb VALUES (1);\nCREATE TABLE tb2 (x);\n",
                     "DROP TABLE tb;", false));
  auto db = backend::open(file_url());
  ScopedEnv hook("MIGRATE_TEST_SIGNAL_AFTER_STATEMENT", "2:INT");  // statement 1 of b
  CliRunControl control;
  runtime::Runner runner(*db, control.with(settings()), files.lookup());
  try {
    runner.run(test::linear_upgrade({"a", "b"}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::interrupted);
    EXPECT_EQ(exit_status(e), 130);
    std::string m = e.what();
    EXPECT_NE(m.find("revision b (versions/b.sql) interrupted by SIGINT after statement 1 of 3"), std::string::npos)
        << m;
    EXPECT_NE(e.hint().find("migrate repair --resume"), std::string::npos) << e.hint();
  }
  EXPECT_TRUE(db->table_exists("", "tb"));
  EXPECT_FALSE(db->table_exists("", "tb2"));
  EXPECT_EQ(strings(*db, "SELECT count(*) FROM tb"), (std::vector<std::string>{"0"}));
  auto partial = runner.partial_revisions();
  ASSERT_EQ(partial.size(), 1u);
  EXPECT_EQ(partial[0].status, "failed");
  EXPECT_EQ(partial[0].statements_done, 1);
  EXPECT_EQ(partial[0].error, "interrupted by SIGINT after statement 1 of 3");
  EXPECT_TRUE(lock_is_free());
}

TEST_F(RunnerSafetyTest, SignalAfterTheLastStatementOfANonTransactionalRevisionFinishesIt) {
  files.add(revision("b", {"a"}, "CREATE TABLE tb (x INTEGER);\nINSERT INTO tb VALUES (1);\n", "DROP TABLE tb;", false));
  files.add(revision("c", {"b"}, "CREATE TABLE tc (x INTEGER);", "DROP TABLE tc;"));
  auto db = backend::open(file_url());
  ScopedEnv hook("MIGRATE_TEST_SIGNAL_AFTER_STATEMENT", "3");
  CliRunControl control;
  runtime::Runner runner(*db, control.with(settings()), files.lookup());
  try {
    runner.run(test::linear_upgrade({"a", "b", "c"}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::interrupted);
    EXPECT_NE(std::string(e.what()).find("before upgrade b -> c"), std::string::npos) << e.what();
  }
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"b"}));
  EXPECT_FALSE(db->table_exists("", "tc"));
  EXPECT_TRUE(runner.partial_revisions().empty());
}

TEST_F(RunnerSafetyTest, SignalInOneTransactionForTheRunRollsBackTheRun) {
  auto db = backend::open(file_url());
  ScopedEnv hook("MIGRATE_TEST_SIGNAL_AFTER_STATEMENT", "1");
  CliRunControl control;
  runtime::Runner runner(*db, control.with(settings(false)), files.lookup());
  EXPECT_THROW(runner.run(test::linear_upgrade({"a", "b"})), Error);
  EXPECT_FALSE(db->table_exists("", "ta"));
  EXPECT_EQ(strings(*db, "SELECT revision || ' ' || status FROM migrate_version_journal"),
            (std::vector<std::string>{"a rolled_back"}));
  EXPECT_TRUE(lock_is_free());
}

TEST_F(RunnerSafetyTest, SignalInADryRunRecordsNothing) {
  auto db = backend::open(file_url());
  ScopedEnv hook("MIGRATE_TEST_SIGNAL_AFTER_STATEMENT", "1");
  CliRunControl control;
  auto s = control.with(settings());
  s.dry_run = true;
  EXPECT_THROW(runtime::Runner(*db, s, files.lookup()).run(test::linear_upgrade({"a", "b"})), Error);
  EXPECT_FALSE(db->table_exists("", "migrate_version"));
  EXPECT_FALSE(db->table_exists("", "migrate_version_journal"));
}

TEST_F(RunnerSafetyTest, CancelIsRequestedOnlyInsideTransactionalRevisions) {
  files.add(revision("c", {"b"}, "CREATE TABLE tc (x INTEGER);\nCREATE TABLE tc2 (x);\n", "DROP TABLE tc;", false));
  {
    test::FakeBackend db;
    ScopedEnv hook("MIGRATE_TEST_SIGNAL_AFTER_STATEMENT", "2");
    CliRunControl control;
    EXPECT_THROW(runtime::Runner(db, control.with(settings()), files.lookup()).run(test::linear_upgrade({"a", "b", "c"})), Error);
    EXPECT_EQ(db.cancel_requests.load(), 1);
  }
  {
    test::FakeBackend db;
    ScopedEnv hook("MIGRATE_TEST_SIGNAL_AFTER_STATEMENT", "4");  // statement 1 of c
    CliRunControl control;
    EXPECT_THROW(runtime::Runner(db, control.with(settings()), files.lookup()).run(test::linear_upgrade({"a", "b", "c"})), Error);
    EXPECT_EQ(db.cancel_requests.load(), 0);
  }
}

// --- crash hook ----------------------------------------------------------------------------

TEST_F(RunnerSafetyTest, CrashHookKillsAfterTheNthStatementWithProgressRecorded) {
  files.add(revision("b", {"a"}, "CREATE TABLE tb (x INTEGER);\nINSERT INTO tb VALUES (1);\nCREATE TABLE tb2 (x);\n",
                     "DROP TABLE tb;", false));
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    setenv("MIGRATE_TEST_CRASH_AFTER_STATEMENT", "3", 1);  // a: 1, b: 2 of 3
    try {
      auto db = backend::open(file_url());
      CliRunControl control;
      runtime::Runner(*db, control.with(settings()), files.lookup()).run(test::linear_upgrade({"a", "b"}));
    } catch (...) {
    }
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  auto db = backend::open(file_url());
  runtime::Runner runner(*db, settings(), files.lookup());
  auto partial = runner.partial_revisions();
  ASSERT_EQ(partial.size(), 1u);
  EXPECT_EQ(partial[0].status, "running");
  EXPECT_EQ(partial[0].statements_done, 2);
  EXPECT_EQ(partial[0].statements_total, 3);
  EXPECT_TRUE(lock_is_free());
}

// --- needs repair --------------------------------------------------------------------------

TEST_F(RunnerSafetyTest, NeedsRepairPointsToRepair) {
  files.add(revision("b", {"a"}, "CREATE TABLE tb (x INTEGER);\nINSERT INTO nope VALUES (1);\n", "DROP TABLE tb;",
                     false));
  auto db = backend::open(file_url());
  EXPECT_THROW(runtime::Runner(*db, settings(), files.lookup()).run(test::linear_upgrade({"a", "b"})), Error);
  try {
    runtime::Runner(*db, settings(), files.lookup()).run(test::linear_upgrade({"a", "b"}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::needs_repair);
    for (auto text : {"`migrate repair`", "`migrate repair --resume`", "`migrate repair --mark-applied b --reason",
                      "`migrate repair --mark-reverted b --reason", "`migrate stamp"})
      EXPECT_NE(e.hint().find(text), std::string::npos) << text << "\n" << e.hint();
  }
}

}  // namespace
}  // namespace migrate

// migrate::Migrator driven directly, as an embedding program would: on SQLite files in a
// temporary folder, and on a fresh database per test on the PostgreSQL server named by
// MIGRATE_TEST_POSTGRES_URL (skipped without one, unless MIGRATE_REQUIRE_POSTGRES=1).
#include <migrate/error.hpp>
#include <migrate/migrator.hpp>

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <functional>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "backend/backend.hpp"
#include "support/temp_dir.hpp"

namespace migrate::test {
namespace {

std::string revision_text(const std::string& id, const std::string& down, const std::string& up,
                          const std::string& down_sql) {
  return "-- migrate:revision\n-- revision = \"" + id + "\"\n-- down_revision = \"" + down +
         "\"\n-- message = \"revision " + id + "\"\n\n-- migrate:upgrade\n" + up + "\n\n-- migrate:downgrade\n" +
         down_sql + "\n";
}

/// Records the callbacks it gets.
class RecordingObserver : public Observer {
 public:
  void step_started(const PlanStep& step) override { started.push_back(step.revision.value_or("")); }
  void step_finished(const PlanStep& step) override {
    finished.push_back(step.revision.value_or(""));
    EXPECT_TRUE(step.duration.has_value());
  }
  void statement_finished(const std::string& revision, int number) override {
    statements.push_back(revision + ":" + std::to_string(number));
  }
  std::vector<std::string> started, finished, statements;
};

class MigratorTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (postgres()) create_postgres_database();
    if (HasFatalFailure() || IsSkipped()) return;
    m_dir.write("migrations/versions/a.sql",
                revision_text("aaa1", "", "CREATE TABLE t_a (id INTEGER);", "DROP TABLE t_a;"));
    m_dir.write("migrations/versions/b.sql",
                revision_text("bbb2", "aaa1", "CREATE TABLE t_b (id INTEGER);", "DROP TABLE t_b;"));
  }

  void TearDown() override {
    if (!m_database.empty())
      backend::open(m_admin_url)->execute("DROP DATABASE IF EXISTS \"" + m_database + "\" WITH (FORCE)");
  }

  bool postgres() const { return GetParam(); }
  std::string url() const { return postgres() ? m_url : "sqlite:///" + (m_dir.path() / "app.db").string(); }

  Settings settings() const {
    Settings s;
    s.script_location = m_dir.path() / "migrations";
    s.database_url = url();
    return s;
  }

  bool has_table(const std::string& name) const { return backend::open(url())->catalog().table_exists("", name); }

  void create_postgres_database() {
    const char* base = std::getenv("MIGRATE_TEST_POSTGRES_URL");
    if (!base || !*base) {
      const char* required = std::getenv("MIGRATE_REQUIRE_POSTGRES");
      if (required && std::string(required) == "1") FAIL() << "MIGRATE_TEST_POSTGRES_URL is not set";
      GTEST_SKIP() << "MIGRATE_TEST_POSTGRES_URL is not set (scripts/test.sh starts a server)";
    }
    static std::atomic<int> counter{0};
    m_admin_url = base;
    auto name = "api_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    auto slash = m_admin_url.rfind('/');
    auto query = m_admin_url.find('?', slash);
    m_url = m_admin_url.substr(0, slash + 1) + name + (query == std::string::npos ? "" : m_admin_url.substr(query));
    backend::open(m_admin_url)->execute("CREATE DATABASE \"" + name + "\"");
    m_database = name;
  }

  TempDir m_dir;
  std::string m_admin_url, m_url, m_database;
};

TEST_P(MigratorTest, UpgradesToHead) {
  Migrator migrator(settings());
  RecordingObserver observer;
  RunOptions options;
  options.observer = &observer;
  auto result = migrator.upgrade("head", options);
  EXPECT_TRUE(result.executed);
  EXPECT_EQ(result.command, Command::upgrade);
  EXPECT_EQ(result.target, "head");
  EXPECT_TRUE(result.heads_before.empty());
  EXPECT_EQ(result.heads_after, std::vector<std::string>{"bbb2"});
  ASSERT_EQ(result.steps.size(), 2u);
  EXPECT_EQ(result.steps[0].revision, "aaa1");
  EXPECT_EQ(result.steps[0].direction, Direction::upgrade);
  EXPECT_EQ(result.steps[0].ops, (std::vector<VersionOp>{{VersionOp::Kind::insert, "", "aaa1"}}));
  EXPECT_EQ(result.steps[1].ops, (std::vector<VersionOp>{{VersionOp::Kind::update, "aaa1", "bbb2"}}));
  EXPECT_TRUE(result.steps[1].duration.has_value());
  EXPECT_EQ(observer.started, (std::vector<std::string>{"aaa1", "bbb2"}));
  EXPECT_EQ(observer.finished, (std::vector<std::string>{"aaa1", "bbb2"}));
  EXPECT_EQ(observer.statements, (std::vector<std::string>{"aaa1:1", "bbb2:1"}));
  EXPECT_TRUE(has_table("t_a"));
  EXPECT_TRUE(has_table("t_b"));

  auto again = migrator.upgrade("head");
  EXPECT_TRUE(again.steps.empty());
  EXPECT_EQ(again.heads_after, std::vector<std::string>{"bbb2"});
}

TEST_P(MigratorTest, DumpsTheLiveSchemaAndStatusComparesItsFingerprint) {
  Migrator migrator(settings());
  migrator.upgrade("head");
  EXPECT_TRUE(migrator.dump().json.empty());  // only what is asked for is built
  DumpOptions both;
  both.json = true;
  auto dump = migrator.dump(both);
  EXPECT_NE(dump.sql.find("t_a"), std::string::npos) << dump.sql;
  EXPECT_NE(dump.sql.find("t_b"), std::string::npos) << dump.sql;
  EXPECT_EQ(dump.sql.find("migrate_version"), std::string::npos) << dump.sql;
  EXPECT_NE(dump.json.find("\"fingerprint\": \"" + dump.fingerprint + "\""), std::string::npos) << dump.json;
  EXPECT_TRUE(dump.unsupported.empty());

  auto status = migrator.status();
  ASSERT_TRUE(status.schema.has_value());
  EXPECT_EQ(status.schema->fingerprint, dump.fingerprint);
  EXPECT_TRUE(status.schema->matches);
  EXPECT_EQ(status.schema->recorded_heads, std::vector<std::string>{"bbb2"});

  backend::open(url())->execute("CREATE TABLE by_hand (id INTEGER)");
  status = migrator.status();
  EXPECT_FALSE(status.schema->matches);
  EXPECT_TRUE(status.schema->recorded_for_heads);
  RunOptions checked;
  checked.check_drift = true;
  try {
    migrator.downgrade("-1", checked);
    FAIL() << "a drifted schema must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::drift);
    EXPECT_EQ(exit_status(e), 5);
  }
  EXPECT_TRUE(has_table("t_b"));  // nothing ran
}

TEST_P(MigratorTest, DumpAfterUpgradeFromSettingsWritesTheFile) {
  auto s = settings();
  s.dump_after_upgrade = m_dir.path() / "schema.sql";
  Migrator migrator(s);
  migrator.upgrade("aaa1");
  auto written = read_file(m_dir.path() / "schema.sql");
  EXPECT_EQ(written, migrator.dump().sql);
  EXPECT_EQ(written.find("t_b"), std::string::npos);
}

TEST_P(MigratorTest, PlanChangesNothing) {
  Migrator migrator(settings());
  auto plan = migrator.plan(Command::upgrade, {"head"});
  EXPECT_FALSE(plan.executed);
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_FALSE(plan.steps[0].duration.has_value());
  EXPECT_EQ(plan.heads_after, std::vector<std::string>{"bbb2"});
  EXPECT_FALSE(has_table("migrate_version"));
  EXPECT_FALSE(has_table("t_a"));
}

TEST_P(MigratorTest, DowngradesAndStatusFollows) {
  Migrator migrator(settings());
  migrator.upgrade("head");
  auto result = migrator.downgrade("-1");
  ASSERT_EQ(result.steps.size(), 1u);
  EXPECT_EQ(result.steps[0].direction, Direction::downgrade);
  EXPECT_EQ(result.steps[0].revision, "bbb2");
  EXPECT_EQ(result.heads_after, std::vector<std::string>{"aaa1"});
  EXPECT_FALSE(has_table("t_b"));
  auto status = migrator.status();
  EXPECT_EQ(status.rows, std::vector<std::string>{"aaa1"});
  EXPECT_EQ(status.current_heads, std::vector<std::string>{"aaa1"});
  EXPECT_EQ(status.heads, std::vector<std::string>{"bbb2"});
  EXPECT_FALSE(status.at_head());
  EXPECT_TRUE(status.partial.empty());
  EXPECT_EQ(migrator.current(), std::vector<std::string>{"aaa1"});
}

TEST_P(MigratorTest, StampsWithoutRunningSql) {
  Migrator migrator(settings());
  auto result = migrator.stamp({"bbb2"});
  EXPECT_EQ(result.command, Command::stamp);
  ASSERT_EQ(result.steps.size(), 1u);
  EXPECT_EQ(result.steps[0].direction, Direction::stamp);
  EXPECT_EQ(migrator.current(), std::vector<std::string>{"bbb2"});
  EXPECT_TRUE(migrator.status().at_head());
  EXPECT_FALSE(has_table("t_a"));
}

TEST_P(MigratorTest, StatusListsEveryRevisionWithItsState) {
  Migrator migrator(settings());
  if (!GetParam()) {
    // Reading never creates a SQLite file: no file is an error; then an empty one.
    EXPECT_THROW(migrator.status(), Error);
    EXPECT_FALSE(has_table("migrate_version"));  // the fixture's own connection creates the file
  }
  auto fresh = migrator.status();
  ASSERT_EQ(fresh.revisions.size(), 2u);
  EXPECT_FALSE(fresh.has_journal);
  EXPECT_EQ(fresh.count(RevisionState::pending), 2u);
  EXPECT_FALSE(has_table("migrate_version"));

  migrator.upgrade("aaa1");
  migrator.stamp({"bbb2"});
  auto s = migrator.status();
  EXPECT_TRUE(s.has_journal);
  ASSERT_EQ(s.revisions.size(), 2u);
  const auto& b = s.revisions[0];  // newest first
  EXPECT_EQ(b.revision, "bbb2");
  EXPECT_EQ(b.state, RevisionState::stamped);
  EXPECT_TRUE(b.is_current);
  EXPECT_EQ(b.command, "stamp");
  const auto& a = s.revisions[1];
  EXPECT_EQ(a.state, RevisionState::applied);
  EXPECT_EQ(a.message, "revision aaa1");
  EXPECT_EQ(a.command, "upgrade");
  EXPECT_EQ(a.journal_id, 1);
  EXPECT_FALSE(a.applied_at.empty());
  EXPECT_TRUE(a.duration_ms.has_value());
  EXPECT_FALSE(a.os_user.empty());
  EXPECT_EQ(to_string(RevisionState::file_gone), std::string("file gone"));
}

TEST_P(MigratorTest, LogReturnsJournalRowsNewestFirst) {
  Migrator migrator(settings());
  if (!GetParam()) {
    EXPECT_THROW(migrator.log(), Error);  // reading never creates a SQLite file
    EXPECT_FALSE(has_table("migrate_version"));  // the fixture's own connection creates the file
  }
  EXPECT_TRUE(migrator.log().empty());
  migrator.upgrade("head");
  migrator.downgrade("-1");
  auto all = migrator.log();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, 3);
  EXPECT_EQ(all[0].direction, "downgrade");
  EXPECT_EQ(all[0].revision, "bbb2");
  EXPECT_EQ(all[0].status, "applied");
  EXPECT_EQ(all[0].heads_before, std::vector<std::string>{"bbb2"});
  EXPECT_EQ(all[0].heads_after, std::vector<std::string>{"aaa1"});
  EXPECT_EQ(all[2].revision, "aaa1");

  LogQuery newest;
  newest.limit = 1;
  ASSERT_EQ(migrator.log(newest).size(), 1u);
  LogQuery of_b;
  of_b.revision = "bbb";  // a prefix, as the grammar resolves it
  auto b_rows = migrator.log(of_b);
  ASSERT_EQ(b_rows.size(), 2u);
  EXPECT_EQ(b_rows[1].direction, "upgrade");
  LogQuery unknown;
  unknown.revision = "nope";
  try {
    migrator.log(unknown);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::revision_not_found);
  }
}

TEST_P(MigratorTest, FailingStatementThrowsALocatedDatabaseError) {
  auto file = m_dir.write("migrations/versions/c.sql",
                          revision_text("ccc3", "bbb2", "CREATE TABLE t_c (id INTEGER);\nINSERT INTO no_such_table VALUES (1);",
                                        "DROP TABLE t_c;"));
  Migrator migrator(settings());
  try {
    migrator.upgrade("head");
    FAIL() << "the upgrade should fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::database) << e.what();
    EXPECT_EQ(e.where().revision, "ccc3");
    EXPECT_EQ(e.where().file, file.string());
    EXPECT_EQ(e.where().line, 8);
    EXPECT_EQ(e.where().statement, "INSERT INTO no_such_table VALUES (1)");
    EXPECT_EQ(e.where().sqlstate, postgres() ? "42P01" : "SQLITE_ERROR");
  }
  EXPECT_EQ(migrator.current(), std::vector<std::string>{"bbb2"});
  EXPECT_FALSE(has_table("t_c"));
}

TEST_P(MigratorTest, StopRequestedBeforeTheRunChangesNothing) {
  Migrator migrator(settings());
  migrator.request_stop(SIGTERM);
  try {
    migrator.upgrade("head");
    FAIL() << "the upgrade should stop";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::interrupted);
    EXPECT_EQ(e.signal(), SIGTERM);
  }
  EXPECT_FALSE(has_table("migrate_version"));
  // Reported once: the next run goes ahead.
  EXPECT_EQ(migrator.upgrade("head").heads_after, std::vector<std::string>{"bbb2"});
}

TEST_P(MigratorTest, StopRequestedDuringARunCancelsTheRunningRevision) {
  // A statement that runs for a long time unless cancelled.
  std::string slow = postgres() ? "SELECT pg_sleep(60);"
                                : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) "
                                  "SELECT count(*) FROM c;";
  m_dir.write("migrations/versions/c.sql",
              revision_text("ccc3", "bbb2", "CREATE TABLE t_c (id INTEGER);\n" + slow, "DROP TABLE t_c;"));
  Migrator migrator(settings());
  std::thread stopper([&migrator] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    migrator.request_stop(SIGINT);
  });
  try {
    migrator.upgrade("head");
    ADD_FAILURE() << "the upgrade should stop";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::interrupted) << e.what();
    EXPECT_EQ(e.signal(), SIGINT);
  }
  stopper.join();
  EXPECT_EQ(migrator.current(), std::vector<std::string>{"bbb2"});
  EXPECT_FALSE(has_table("t_c"));
}

TEST_P(MigratorTest, StopRequestedWhileWaitingForTheLockEndsTheWait) {
  Migrator migrator(settings());
  migrator.upgrade("aaa1");
  // Another runner holds the lock on the version table (in its home schema on PostgreSQL).
  auto holder = backend::open(url());
  holder->locker()->set_lock_key(postgres() ? "public" : "", "migrate_version");
  holder->locker()->lock(std::chrono::milliseconds(1000));
  RunOptions options;
  options.lock_timeout = std::chrono::seconds(60);
  // A request while the caller waits: the upgrade's, then a repair's (whose lock timeout is
  // the configuration's, 60 s).
  const std::vector<std::function<void()>> waits{
      [&] { migrator.upgrade("head", options); },
      [&] { migrator.repair(RepairAction::accept_checksum, "aaa1", "test"); }};
  for (const auto& wait : waits) {
    std::thread stopper([&migrator] {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      migrator.request_stop(SIGINT);
    });
    const auto started = std::chrono::steady_clock::now();
    try {
      wait();
      ADD_FAILURE() << "the lock is held: the call should stop";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::interrupted) << e.what();
      EXPECT_EQ(e.signal(), SIGINT);
      EXPECT_NE(std::string(e.what()).find("while waiting for the migration lock"), std::string::npos) << e.what();
    }
    stopper.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  }
  holder->locker()->unlock();
  EXPECT_EQ(migrator.current(), std::vector<std::string>{"aaa1"});
  EXPECT_FALSE(has_table("t_b"));
}

TEST_P(MigratorTest, PlanningErrorsAreStructured) {
  Migrator migrator(settings());
  try {
    migrator.upgrade("zzzz");
    FAIL() << "an unknown revision should be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::revision_not_found) << e.what();
    EXPECT_TRUE(e.where().empty());
  }
  EXPECT_FALSE(has_table("migrate_version"));
}

TEST_P(MigratorTest, WritesOfflineSqlWithoutAConnection) {
  Migrator migrator(settings());
  std::ostringstream out;
  migrator.write_sql(Command::upgrade, {"head"}, out);
  EXPECT_NE(out.str().find("CREATE TABLE t_b"), std::string::npos) << out.str();
  EXPECT_FALSE(has_table("migrate_version"));
}

TEST_P(MigratorTest, ReadsAConfigurationFile) {
  auto config = m_dir.write("migrate.toml", "script_location = \"migrations\"\n[database]\nurl = \"" + url() + "\"\n");
  Migrator migrator(config);
  EXPECT_EQ(migrator.upgrade("aaa1").heads_after, std::vector<std::string>{"aaa1"});
  EXPECT_TRUE(migrator.repair_report().clean());
}

INSTANTIATE_TEST_SUITE_P(Backends, MigratorTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PostgreSQL" : "SQLite"; });

}  // namespace
}  // namespace migrate::test

// `lint --rehearse` on the test server (MIGRATE_TEST_POSTGRES_URL): the PostgreSQL
// StatementProbe (the locks a statement takes, the tables it rewrites) on a scratch database
// of its own, and api::rehearse on a project, from the replay to the parents to the scratch
// database dropped at the end. Without a server these tests skip, unless
// MIGRATE_REQUIRE_POSTGRES=1, where they fail.
#include "api/rehearsal.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <ostream>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "backend/backend.hpp"
#include "backend/postgres/url.hpp"
#include "config/config.hpp"
#include "support/temp_dir.hpp"

namespace migrate {
namespace backend {
void PrintTo(const RelationLock& lock, std::ostream* out) { *out << lock.mode << " on " << lock.relation; }
}  // namespace backend
namespace lint {
void PrintTo(const MeasuredLock& lock, std::ostream* out) { *out << to_string(lock.mode) << " on " << lock.relation; }
}  // namespace lint

namespace {

using namespace std::chrono_literals;

/// The server's URL without the private search_path postgres_backend_test.cpp adds (a
/// scratch database has no such schema); "" when there is no server.
std::string server_url() {
  for (const char* name : {"MIGRATE_TEST_POSTGRES_BASE_URL", "MIGRATE_TEST_POSTGRES_URL"})
    if (const char* url = std::getenv(name); url && *url) return url;
  return "";
}

bool server_required() {
  const char* required = std::getenv("MIGRATE_REQUIRE_POSTGRES");
  return required && std::string(required) == "1";
}

#define REQUIRE_SERVER()                                                              \
  do {                                                                                \
    if (server_url().empty()) {                                                       \
      if (server_required()) FAIL() << "MIGRATE_REQUIRE_POSTGRES=1 but no server";     \
      GTEST_SKIP() << "MIGRATE_TEST_POSTGRES_URL is not set";                          \
    }                                                                                 \
  } while (false)

/// Databases on the server whose name starts with `prefix`.
long long databases_named(backend::Backend& db, const std::string& prefix) {
  auto rows = db.query("SELECT count(*) FROM pg_catalog.pg_database WHERE datname LIKE '" + prefix + "%'");
  return std::stoll(rows.at(0).at(0).value_or("-1"));
}

// --- the probe ---

class PostgresProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_SERVER();
    m_admin = backend::open(server_url());
    m_scratch = m_admin->scratch()->create_scratch();
    db().execute_script(
        "CREATE TABLE accounts (id int PRIMARY KEY, email varchar(10), n int);"
        "INSERT INTO accounts SELECT g, 'u' || g, g FROM generate_series(1, 1000) g");
  }

  backend::Backend& db() { return m_scratch->db(); }
  backend::StatementMeasurement probe(const std::string& sql) { return db().statement_probe()->probe(sql); }
  /// A second connection to the scratch database.
  std::unique_ptr<backend::Backend> other() {
    auto name = db().query("SELECT pg_catalog.current_database()").at(0).at(0).value();
    return backend::open(backend::postgres::with_database(server_url(), name));
  }

  std::unique_ptr<backend::Backend> m_admin;  // declared first: it drops the scratch database
  std::unique_ptr<backend::ScratchDatabase> m_scratch;
};

TEST_F(PostgresProbeTest, CreateIndexTakesAShareLockOnTheTable) {
  db().begin();
  auto measured = probe("CREATE INDEX accounts_email ON accounts (email)");
  db().rollback();
  EXPECT_TRUE(measured.locks_observed);
  EXPECT_EQ(measured.locks, (std::vector<backend::RelationLock>{{"public.accounts", "ShareLock"}}));
  EXPECT_TRUE(measured.rewritten.empty());
  EXPECT_GE(measured.duration_ms, 0);
}

TEST_F(PostgresProbeTest, ATypeChangeRewritesTheTableUnlessTheOldValuesFitAsTheyAre) {
  db().begin();
  auto to_bigint = probe("ALTER TABLE accounts ALTER COLUMN n TYPE bigint");
  db().rollback();
  EXPECT_EQ(to_bigint.rewritten, std::vector<std::string>{"public.accounts"});
  // The rewrite rebuilds the primary key's index too, which takes a SHARE lock on the table.
  EXPECT_EQ(to_bigint.locks, (std::vector<backend::RelationLock>{{"public.accounts", "AccessExclusiveLock"},
                                                                  {"public.accounts", "ShareLock"}}));

  db().begin();
  auto wider = probe("ALTER TABLE accounts ALTER COLUMN email TYPE varchar(20)");
  db().rollback();
  EXPECT_TRUE(wider.rewritten.empty());
  EXPECT_EQ(wider.locks, (std::vector<backend::RelationLock>{{"public.accounts", "AccessExclusiveLock"}}));
}

TEST_F(PostgresProbeTest, LocksTheTransactionAlreadyHoldsAreNotTakenAgain) {
  db().begin();
  auto first = probe("ALTER TABLE accounts ADD COLUMN note text");
  auto second = probe("ALTER TABLE accounts ADD COLUMN other text");
  auto index = probe("CREATE INDEX accounts_n ON accounts (n)");
  db().rollback();
  EXPECT_EQ(first.locks, (std::vector<backend::RelationLock>{{"public.accounts", "AccessExclusiveLock"}}));
  EXPECT_TRUE(second.locks.empty());
  EXPECT_EQ(index.locks, (std::vector<backend::RelationLock>{{"public.accounts", "ShareLock"}}));
}

TEST_F(PostgresProbeTest, ADroppedTableIsNamedAsItWasAndANewOneIsLeftOut) {
  db().begin();
  auto created = probe("CREATE TABLE fresh (id int)");
  auto dropped = probe("DROP TABLE accounts");
  db().rollback();
  EXPECT_TRUE(created.locks.empty());
  EXPECT_EQ(dropped.locks, (std::vector<backend::RelationLock>{{"public.accounts", "AccessExclusiveLock"}}));
}

// The locks the evidence table (lint/evidence.hpp) expects of a foreign key and a check.
TEST_F(PostgresProbeTest, AForeignKeyLocksBothTablesAndACheckLocksItsTableExclusively) {
  db().execute("CREATE TABLE orders (id int, account_id int)");
  db().begin();
  auto foreign_key =
      probe("ALTER TABLE orders ADD CONSTRAINT orders_account FOREIGN KEY (account_id) REFERENCES accounts NOT VALID");
  db().rollback();
  auto has = [](const std::vector<backend::RelationLock>& locks, const backend::RelationLock& lock) {
    return std::find(locks.begin(), locks.end(), lock) != locks.end();
  };
  EXPECT_TRUE(has(foreign_key.locks, {"public.orders", "ShareRowExclusiveLock"}));
  EXPECT_TRUE(has(foreign_key.locks, {"public.accounts", "ShareRowExclusiveLock"}));
  db().begin();
  auto check = probe("ALTER TABLE accounts ADD CONSTRAINT positive CHECK (n > 0) NOT VALID");
  db().rollback();
  EXPECT_EQ(check.locks, (std::vector<backend::RelationLock>{{"public.accounts", "AccessExclusiveLock"}}));
}

TEST_F(PostgresProbeTest, OutsideATransactionRewritesAreSeenButLocksAreNot) {
  auto measured = probe("ALTER TABLE accounts ALTER COLUMN n TYPE bigint");
  EXPECT_FALSE(measured.locks_observed);
  EXPECT_TRUE(measured.locks.empty());
  EXPECT_EQ(measured.rewritten, std::vector<std::string>{"public.accounts"});
  EXPECT_EQ(db().query("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                       "'accounts'::regclass AND attname = 'n'")
                .at(0)
                .at(0),
            "bigint");
}

TEST_F(PostgresProbeTest, AStatementWaitingForALockGivesUpAtLockTimeout) {
  auto holder = other();
  holder->begin();
  holder->execute("LOCK TABLE accounts IN ACCESS SHARE MODE");
  db().set_session_timeouts("200ms", std::nullopt);
  db().begin();
  const auto start = std::chrono::steady_clock::now();
  try {
    probe("ALTER TABLE accounts ADD COLUMN blocked int");
    ADD_FAILURE() << "the ALTER did not wait for the lock";
  } catch (const backend::DatabaseError& e) {
    EXPECT_EQ(e.details().sqlstate, "55P03") << e.what();
  }
  db().rollback();
  holder->rollback();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  db().set_session_timeouts(std::nullopt, std::nullopt);
}

// --- api::rehearse ---

/// A revision file: `id` after `down`, upgrading with `up`; `header` adds header lines.
std::string revision_text(const std::string& id, const std::string& down, const std::string& up,
                          const std::string& header = "") {
  return "-- migrate:revision\n-- revision = \"" + id + "\"\n" +
         (down.empty() ? "" : "-- down_revision = \"" + down + "\"\n") + header + "\n-- migrate:upgrade\n" + up +
         "\n\n-- migrate:downgrade\nSELECT 1;\n";
}
// Its upgrade's first statement is on line 6, or 5 for a base, plus the header lines.

class PostgresRehearseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_SERVER();
    m_target = backend::open(server_url());
    write("r1", "",
          "CREATE TABLE rh_accounts (id int PRIMARY KEY, email varchar(10), n int);\n"
          "INSERT INTO rh_accounts SELECT g, 'u' || g, g FROM generate_series(1, 500) g;");
  }

  void write(const std::string& id, const std::string& down, const std::string& up, const std::string& header = "") {
    m_dir.write("migrations/versions/" + id + ".sql", revision_text(id, down, up, header));
  }

  api::Project project() {
    return api::Project::load(config::load_from_string(
        "script_location = \"migrations\"\n[database]\nurl = \"" + server_url() + "\"\n",
        m_dir.path() / "migrate.toml", {}));
  }

  std::vector<lint::RevisionRehearsal> rehearse(const std::vector<std::string>& ids) {
    auto p = project();
    return api::rehearse(p, *m_target, ids, "", m_stop);
  }

  /// Scratch databases this process made (util::unique_tag starts with the pid).
  long long my_scratch_databases() {
    return databases_named(*m_target, "migrate\\_scratch\\_" + std::to_string(::getpid()) + "\\_");
  }

  test::TempDir m_dir;
  std::unique_ptr<backend::Backend> m_target;
  runtime::StopToken m_stop;
};

TEST_F(PostgresRehearseTest, EachRevisionRunsOnItsParentsAndIsMeasuredStatementByStatement) {
  write("r2", "r1",
        "CREATE INDEX rh_accounts_email ON rh_accounts (email);\n"
        "ALTER TABLE rh_accounts ALTER COLUMN n TYPE bigint;\n"
        "ALTER TABLE rh_accounts ALTER COLUMN email TYPE varchar(20);");
  auto report = rehearse({"r1", "r2"});
  ASSERT_EQ(report.size(), 2u);
  ASSERT_EQ(report[1].revision, "r2");
  EXPECT_TRUE(report[1].transactional);
  EXPECT_EQ(report[1].lock_timeout, api::k_rehearsal_lock_timeout);
  EXPECT_EQ(report[1].error, "");
  const auto& statements = report[1].statements;
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0].line, 6);
  EXPECT_EQ(statements[0].column, 1);
  EXPECT_EQ(statements[0].text, "CREATE INDEX rh_accounts_email ON rh_accounts (email)");
  for (const auto& s : statements) {
    EXPECT_TRUE(s.ran) << s.text;
    EXPECT_EQ(s.error, "") << s.text;
    EXPECT_TRUE(s.locks_observed) << s.text;
  }
  EXPECT_EQ(statements[0].locks, (std::vector<lint::MeasuredLock>{{"public.rh_accounts", lint::LockMode::share}}));
  EXPECT_TRUE(statements[0].rewritten.empty());
  EXPECT_EQ(statements[1].rewritten, std::vector<std::string>{"public.rh_accounts"});
  EXPECT_EQ(statements[1].locks,
            (std::vector<lint::MeasuredLock>{{"public.rh_accounts", lint::LockMode::access_exclusive}}));
  EXPECT_TRUE(statements[2].rewritten.empty());
  // r1 ran on an empty database: its table was new, so nobody could wait on it.
  ASSERT_EQ(report[0].statements.size(), 2u);
  EXPECT_TRUE(report[0].statements[0].locks.empty());
  EXPECT_EQ(my_scratch_databases(), 0);
  EXPECT_FALSE(m_target->catalog().table_exists("public", "rh_accounts"));

  // What the rules guessed from the text, held up against it.
  std::vector<lint::Finding> findings(3);
  for (auto& f : findings) f.revision = "r2";
  findings[0].rule = "require-concurrent-index";
  findings[0].line = 6;
  findings[1].rule = "change-column-type";
  findings[1].line = 7;
  findings[2].rule = "change-column-type";
  findings[2].line = 8;
  lint::apply_evidence(findings, report);
  EXPECT_EQ(findings[0].evidence, lint::Finding::Evidence::confirmed);
  EXPECT_EQ(findings[0].measured.rfind("SHARE on public.rh_accounts; ", 0), 0u) << findings[0].measured;
  EXPECT_EQ(findings[1].evidence, lint::Finding::Evidence::confirmed);
  EXPECT_EQ(findings[1].measured.rfind("rewrote public.rh_accounts; ", 0), 0u) << findings[1].measured;
  EXPECT_EQ(findings[2].evidence, lint::Finding::Evidence::cleared);
  EXPECT_EQ(findings[2].measured.rfind("no table rewritten; ", 0), 0u) << findings[2].measured;
}

TEST_F(PostgresRehearseTest, NonTransactionalRevisionsAndFailuresAreReportedAndTheNextRevisionStartsClean) {
  write("r2", "r1", "CREATE INDEX CONCURRENTLY rh_accounts_n ON rh_accounts (n);\nALTER TABLE rh_accounts ADD COLUMN x int;",
        "-- transactional = false\n");
  write("r3", "r2", "ALTER TABLE rh_accounts DROP COLUMN x;", "-- lock_timeout = \"2s\"\n");
  write("r4", "r3", "CREATE INDEX CONCURRENTLY rh_accounts_email ON rh_accounts (email);\nDROP TABLE rh_accounts;");
  auto report = rehearse({"r2", "r3", "r4"});
  ASSERT_EQ(report.size(), 3u);
  const auto& alone = report[0].statements.at(0);
  EXPECT_TRUE(alone.ran);
  EXPECT_EQ(alone.error, "");
  EXPECT_FALSE(alone.locks_observed);
  const auto& own_transaction = report[0].statements.at(1);  // runs in a transaction of its own, as the runner runs it
  EXPECT_TRUE(own_transaction.locks_observed);
  EXPECT_EQ(own_transaction.locks,
            (std::vector<lint::MeasuredLock>{{"public.rh_accounts", lint::LockMode::access_exclusive}}));
  // r2's statements committed on the scratch database; r3 still ran on exactly r2's schema.
  EXPECT_EQ(report[1].lock_timeout, "2s");
  ASSERT_EQ(report[1].error, "");
  EXPECT_EQ(report[1].statements.at(0).error, "");
  EXPECT_EQ(report[1].statements.at(0).locks,
            (std::vector<lint::MeasuredLock>{{"public.rh_accounts", lint::LockMode::access_exclusive}}));
  const auto& refused = report[2].statements.at(0);
  EXPECT_TRUE(refused.ran);
  EXPECT_EQ(refused.sqlstate, "25001");
  EXPECT_NE(refused.error.find("cannot run inside a transaction block"), std::string::npos) << refused.error;
  EXPECT_FALSE(report[2].statements.at(1).ran);
  EXPECT_EQ(report[2].statements.at(1).error, "an earlier statement of the revision failed");
  EXPECT_EQ(my_scratch_databases(), 0);
}

TEST_F(PostgresRehearseTest, ARevisionWhoseParentsCannotBeReplayedSaysSo) {
  write("r2", "r1", "ALTER TABLE no_such_table ADD COLUMN x int;");
  write("r3", "r2", "DROP TABLE rh_accounts;");
  auto report = rehearse({"r3"});
  ASSERT_EQ(report.size(), 1u);
  EXPECT_NE(report[0].error.find("could not be brought to the revision's parents"), std::string::npos)
      << report[0].error;
  ASSERT_EQ(report[0].statements.size(), 1u);
  EXPECT_FALSE(report[0].statements[0].ran);
}

TEST_F(PostgresRehearseTest, AStopRequestCancelsTheStatementAndDropsTheScratchDatabase) {
  write("r2", "r1", "SELECT pg_sleep(30);");
  // Stops once r2's statement runs on this process's scratch database.
  std::thread stopper([this] {
    auto watcher = backend::open(server_url());
    const std::string running =
        "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND datname LIKE "
        "'migrate\\_scratch\\_" + std::to_string(::getpid()) + "\\_%'";
    for (int i = 0; i < 200 && watcher->query(running).at(0).at(0) == "0"; ++i) std::this_thread::sleep_for(50ms);
    m_stop.request_stop(SIGINT);
  });
  const auto start = std::chrono::steady_clock::now();
  try {
    rehearse({"r1", "r2"});
    ADD_FAILURE() << "the rehearsal was not stopped";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::interrupted) << e.what();
    EXPECT_NE(std::string(e.what()).find("rehearsing revision r2"), std::string::npos) << e.what();
  }
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
  EXPECT_EQ(my_scratch_databases(), 0);
}

TEST(RehearseSqliteTest, RefusesASqliteTarget) {
  test::TempDir dir;
  dir.write("migrations/versions/r1.sql", revision_text("r1", "", "CREATE TABLE t (id int);"));
  const auto url = "sqlite:///" + (dir.path() / "app.db").string();
  auto project = api::Project::load(config::load_from_string(
      "script_location = \"migrations\"\n[database]\nurl = \"" + url + "\"\n", dir.path() / "migrate.toml", {}));
  auto target = backend::open(url);
  runtime::StopToken stop;
  try {
    api::rehearse(project, *target, {"r1"}, "", stop);
    FAIL() << "a SQLite target was rehearsed";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_NE(std::string(e.what()).find("lint --rehearse needs PostgreSQL"), std::string::npos) << e.what();
    EXPECT_FALSE(e.hint().empty());
  }
}

}  // namespace
}  // namespace migrate

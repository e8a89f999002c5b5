// Random-kill test: `migrate upgrade head` is killed with SIGKILL at random moments while it
// runs a non-transactional revision that mixes DDL, DML over 20,000 rows, and statements
// that cannot run in a transaction (SQLite `PRAGMA` and `VACUUM`, PostgreSQL `CREATE INDEX
// CONCURRENTLY`). After each kill:
//  - `migrate repair` explains the state: nothing partial, the statement count that ran, or
//    the one statement that may have run;
//  - the state is resolved as a user would: `repair --resume`, or for a statement in doubt,
//    `--assume-ran` / `--assume-not-run` chosen from what the database shows (an index left
//    invalid by a killed concurrent build is dropped first);
//  - `upgrade head` then reaches exactly the schema and rows of a clean run: a statement
//    that ran twice would double its rows or fail on an existing object.
// MIGRATE_KILLS sets the number of kills (default 20; scripts/soak.sh runs more),
// MIGRATE_KILL_SEED the random seed (fixed by default, so a failure can be replayed).
#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

using Clock = std::chrono::steady_clock;

int env_int(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::atoi(value) : fallback;
}

constexpr const char* k_sqlite_upgrade =
    "CREATE TABLE items (id INTEGER PRIMARY KEY, batch INTEGER NOT NULL, n INTEGER NOT NULL);\n"
    "INSERT INTO items (batch, n) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) "
    "SELECT 2, x FROM c;\n"
    "CREATE INDEX ix_items_batch ON items (batch);\n"
    "PRAGMA user_version = 4;\n"
    "INSERT INTO items (batch, n) SELECT 5, n FROM items WHERE batch = 2;\n"
    "ALTER TABLE items ADD COLUMN note TEXT;\n"
    "UPDATE items SET note = 'x' || n WHERE batch = 5;\n"
    "VACUUM;";
constexpr const char* k_sqlite_downgrade = "DROP TABLE items;\nPRAGMA user_version = 0;";

constexpr const char* k_postgres_upgrade =
    "CREATE TABLE items (id SERIAL PRIMARY KEY, batch INTEGER NOT NULL, n INTEGER NOT NULL);\n"
    "INSERT INTO items (batch, n) SELECT 2, g FROM generate_series(1, 20000) g;\n"
    "CREATE INDEX CONCURRENTLY ix_items_batch ON items (batch);\n"
    "INSERT INTO items (batch, n) SELECT 4, n FROM items WHERE batch = 2;\n"
    "ALTER TABLE items ADD COLUMN note TEXT;\n"
    "UPDATE items SET note = 'x' || n WHERE batch = 4;\n"
    "CREATE INDEX CONCURRENTLY ix_items_n ON items (n);\n"
    "INSERT INTO items (batch, n) VALUES (8, 1);";
constexpr const char* k_postgres_downgrade = "DROP TABLE items;";

class RandomKillCliTest : public CliTest {
 protected:
  void write_history() {
    write_revision("a_base.sql", {"aaa1", "", "CREATE TABLE base (id INTEGER);", "DROP TABLE base;"});
    write_revision("b_mixed.sql", {"bbb2", "\"aaa1\"", k_postgres ? k_postgres_upgrade : k_sqlite_upgrade,
                                   k_postgres ? k_postgres_downgrade : k_sqlite_downgrade,
                                   "-- transactional = false\n"});
  }

  /// Schema, rows (per batch: count, sum, notes), SQLite's user_version and the version table.
  std::vector<std::string> state() const {
    auto out = schema_snapshot();
    if (has_table("items"))
      for (const auto& row : column("SELECT batch || ':' || count(*) || ':' || sum(n) || ':' || count(note) FROM "
                                    "items GROUP BY batch ORDER BY batch"))
        out.push_back("rows " + row);
    if (!k_postgres) out.push_back("user_version " + column("PRAGMA user_version").at(0));
    for (const auto& v : version_rows()) out.push_back("version " + v);
    return out;
  }

  /// PostgreSQL: a killed client's server process may still run its statement; wait until
  /// it has gone, as a user would before looking.
  void wait_for_orphans() const {
    if (!k_postgres) return;
    for (int i = 0; i < 600; ++i) {
      auto n = column("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
                      "pg_backend_pid()");
      if (n.at(0) == "0") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "the killed runner's server process did not go away";
  }

  /// The newest journal row of bbb2's upgrade or its resumes: status, statements done, intent.
  struct Progress {
    std::string status;
    int done = 0;
    int started = 0;
  };
  Progress newest_progress() const {
    auto rows = column("SELECT status || ' ' || statements_done || ' ' || coalesce(statement_started, 0) FROM "
                       "migrate_version_journal WHERE revision = 'bbb2' ORDER BY id DESC");
    Progress p;
    if (rows.empty()) return p;
    std::istringstream in(rows.front());
    in >> p.status >> p.done >> p.started;
    return p;
  }

  /// What the database shows about statement `number`, which may have run: the flag that
  /// says so. A concurrently built index left invalid is dropped (it has to be rebuilt).
  std::string decide(int number) const {
    if (!k_postgres) {
      if (number == 4) return column("PRAGMA user_version").at(0) == "4" ? "--assume-ran" : "--assume-not-run";
      return "--assume-not-run";  // VACUUM: running it again changes nothing
    }
    std::string index = number == 3 ? "ix_items_batch" : "ix_items_n";
    auto valid = column("SELECT i.indisvalid::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE "
                        "c.relname = '" + index + "'");
    if (valid.empty()) return "--assume-not-run";
    if (valid[0] == "true") return "--assume-ran";
    exec("DROP INDEX " + index);
    return "--assume-not-run";
  }

  struct Tally {
    int killed = 0, partial = 0, in_doubt = 0;
  };

  /// Checks that `repair` explains the state, then resolves it.
  void resolve(Tally& tally) {
    auto listing = migrate({"repair"});
    if (listing.status == 0) {
      EXPECT_TRUE(contains(listing.out, "Nothing needs repair")) << describe(listing);
      return;
    }
    ASSERT_EQ(listing.status, 5) << describe(listing);
    ++tally.partial;
    auto p = newest_progress();
    bool doubt = p.status == "running" && p.started == p.done + 1;
    ASSERT_TRUE(contains(listing.out, "Revision bbb2: upgrade")) << describe(listing);
    if (!doubt) {
      EXPECT_FALSE(contains(listing.out, "may have run")) << describe(listing);
      auto resumed = migrate({"repair", "--resume"});
      ASSERT_EQ(resumed.status, 0) << describe(resumed);
      return;
    }
    ++tally.in_doubt;
    EXPECT_TRUE(contains(listing.out, "statement " + std::to_string(p.started) + " is in doubt")) << describe(listing);
    auto refused = migrate({"repair", "--resume"});
    ASSERT_EQ(refused.status, 5) << describe(refused);
    EXPECT_TRUE(contains(refused.err, "may have run")) << describe(refused);
    auto resumed = migrate({"repair", "--resume", decide(p.started), "--reason", "random kill test"});
    ASSERT_EQ(resumed.status, 0) << describe(resumed);
  }
};

TEST_F(RandomKillCliTest, NoStatementRunsTwiceAndResolvingReachesACleanRunsState) {
  write_history();
  ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);
  auto base = state();
  auto start = Clock::now();
  auto clean_run = migrate({"upgrade", "head"});
  auto clean_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  ASSERT_EQ(clean_run.status, 0) << describe(clean_run);
  auto clean = state();
  ASSERT_EQ(migrate({"downgrade", "aaa1"}).status, 0);
  ASSERT_EQ(state(), base);

  std::mt19937 random(static_cast<unsigned>(env_int("MIGRATE_KILL_SEED", 20261206)));
  std::uniform_int_distribution<long long> delay_us(0, clean_ms * 1200);
  Tally tally;
  const int kills = env_int("MIGRATE_KILLS", 20);
  for (int i = 0; i < kills && !HasFatalFailure(); ++i) {
    SCOPED_TRACE("kill " + std::to_string(i + 1));
    auto run = start_migrate({"upgrade", "head"});
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(random)));
    ::kill(run.pid, SIGKILL);
    if (wait_process(run).status != 0) ++tally.killed;
    wait_for_orphans();
    resolve(tally);
    auto finished = migrate({"upgrade", "head"});
    ASSERT_EQ(finished.status, 0) << describe(finished);
    ASSERT_EQ(state(), clean);
    ASSERT_EQ(migrate({"downgrade", "aaa1"}).status, 0);
  }
  std::cout << "random kills: " << kills << " runs, " << tally.killed << " killed before the end, " << tally.partial
            << " left bbb2 partial, " << tally.in_doubt << " with a statement in doubt (clean run " << clean_ms
            << " ms)\n";
  RecordProperty("partial", tally.partial);
  RecordProperty("in_doubt", tally.in_doubt);
}

// The same state, made deterministic: killed right after the intent of statement 2 (which
// runs on its own) was committed, before the statement ran.
class InDoubtCliTest : public CliTest {
 protected:
  void write_history() {
    write_revision("a_base.sql", {"aaa1", "", "CREATE TABLE base (id INTEGER);", "DROP TABLE base;"});
    std::string alone = k_postgres ? "CREATE INDEX CONCURRENTLY ix_items_n ON items (n);" : "PRAGMA user_version = 7;";
    write_revision("b_alone.sql",
                   {"bbb2", "\"aaa1\"",
                    "CREATE TABLE items (id INTEGER PRIMARY KEY, n INTEGER);\n" + alone +
                        "\nINSERT INTO items (id, n) VALUES (1, 10);",
                    "DROP TABLE items;", "-- transactional = false\n"});
  }
  /// Kills `upgrade head` before bbb2's statement 2 (the run's statement 3).
  void kill_in_doubt() {
    ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);
    auto killed = migrate({"upgrade", "head"}, {{"MIGRATE_TEST_CRASH_BEFORE_ALONE_STATEMENT", "2"}});
    ASSERT_EQ(killed.status, 128 + SIGKILL) << describe(killed);
  }
};

TEST_F(InDoubtCliTest, RepairShowsTheStatementInDoubtAndResumeWaitsToBeToldWhichWayItWent) {
  write_history();
  kill_in_doubt();
  auto listing = migrate({"repair"});
  ASSERT_EQ(listing.status, 5) << describe(listing);
  EXPECT_TRUE(contains(listing.out, "2. line 9:")) << listing.out;
  EXPECT_TRUE(contains(listing.out, "may have run")) << listing.out;
  EXPECT_TRUE(contains(listing.out, "statement 2 is in doubt")) << listing.out;
  if (k_postgres) EXPECT_TRUE(contains(listing.out, "catalog: index ix_items_n absent")) << listing.out;
  auto json = migrate({"repair", "--format", "json"});
  EXPECT_TRUE(contains(json.out, "\"state\": \"may have run\"")) << json.out;

  auto refused = migrate({"repair", "--resume", "--format", "json"});
  ASSERT_EQ(refused.status, 5) << describe(refused);
  EXPECT_TRUE(contains(refused.out, "\"kind\": \"needs_repair\"")) << refused.out;
  EXPECT_TRUE(contains(refused.err, "statement 2")) << refused.err;
  EXPECT_TRUE(contains(refused.err, "--assume-ran")) << refused.err;
  EXPECT_EQ(migrate({"repair", "--resume", "--assume-ran", "--assume-not-run"}).status, 2);

  // It did not run (the kill came first): run it again.
  auto resumed = migrate({"repair", "--resume", "--assume-not-run", "--reason", "checked: not built"});
  ASSERT_EQ(resumed.status, 0) << describe(resumed);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(column("SELECT count(*) FROM items"), std::vector<std::string>{"1"});
  if (k_postgres)
    EXPECT_EQ(column("SELECT indexname FROM pg_indexes WHERE indexname = 'ix_items_n'"),
              std::vector<std::string>{"ix_items_n"});
  else
    EXPECT_EQ(column("PRAGMA user_version"), std::vector<std::string>{"7"});
  auto reason = column("SELECT reason FROM migrate_version_journal WHERE command = 'repair --resume'");
  ASSERT_EQ(reason.size(), 1u);
  EXPECT_TRUE(contains(reason[0], "checked: not built; statement 2")) << reason[0];
  EXPECT_TRUE(contains(reason[0], "--assume-not-run")) << reason[0];
}

TEST_F(InDoubtCliTest, AssumeRanSkipsTheStatementAndRunsTheRest) {
  write_history();
  kill_in_doubt();
  // The statement did take effect (done by hand here, as the server may finish it after the
  // client died): skip it.
  exec(k_postgres ? "CREATE INDEX ix_items_n ON items (n)" : "PRAGMA user_version = 7");
  auto resumed = migrate({"repair", "--resume", "--assume-ran"});
  ASSERT_EQ(resumed.status, 0) << describe(resumed);
  EXPECT_TRUE(contains(resumed.out, "--assume-ran")) << resumed.out;
  EXPECT_EQ(column("SELECT count(*) FROM items"), std::vector<std::string>{"1"});
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(migrate({"repair"}).status, 0);
  auto nothing = migrate({"repair", "--resume", "--assume-ran"});
  EXPECT_EQ(nothing.status, 2) << describe(nothing);  // nothing is partial any more
}

}  // namespace
}  // namespace migrate::test

// End-to-end: SIGINT/SIGTERM during `migrate upgrade`, on SQLite files
// and on PostgreSQL. A transactional revision is rolled back and recorded `rolled_back`; a
// non-transactional one stops after its current statement and is left `failed` for
// `repair`; the lock is released and the exit status is 128 + signal.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

using namespace std::chrono_literals;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

class InterruptCliTest : public CliTest {
 protected:
  /// Polls `probe` until it returns true or `timeout` passes (waiting on an observable
  /// condition, not sleeping for a guessed time).
  template <class Probe>
  bool wait_until(Probe probe, std::chrono::seconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (probe()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  std::vector<std::string> journal(const std::string& what) {
    return column("SELECT " + what + " FROM migrate_version_journal ORDER BY id");
  }

  /// aa1 (knob) → bb2 (a table, then a statement that runs as long as the knob says).
  void write_slow_history() {
    write_revision("a_knob.sql", {"aa1", "", "CREATE TABLE knob (n INTEGER);\nINSERT INTO knob VALUES (1000000000);",
                                  "DROP TABLE knob;"});
    std::string slow =
        k_postgres ? "SELECT pg_sleep(CASE WHEN (SELECT n FROM knob) > 1 THEN 30 ELSE 0 END);"
                   : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < (SELECT n FROM knob)) "
                     "SELECT count(*) FROM c;";
    write_revision("b_slow.sql", {"bb2", "\"aa1\"", "CREATE TABLE slow_t (x INTEGER);\n" + slow, "DROP TABLE slow_t;"});
  }

  /// Three statements; the signal hook picks the one after which the signal comes.
  void write_three_statements(bool transactional) {
    write_revision("a_first.sql", {"aa1", "", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;"});
    write_revision("b_three.sql",
                   {"bb2", "\"aa1\"",
                    "CREATE TABLE b1 (id INTEGER);\nCREATE TABLE b2 (id INTEGER);\nCREATE TABLE b3 (id INTEGER);",
                    "DROP TABLE b3; DROP TABLE b2; DROP TABLE b1;",
                    transactional ? "" : "-- transactional = false\n"});
  }
};

TEST_F(InterruptCliTest, SignalBetweenStatementsOfATransactionalRevisionRollsItBack) {
  write_three_statements(true);
  // Statement 1 is aa1's; 3 is bb2's second.
  auto r = migrate({"upgrade", "head"}, {{"MIGRATE_TEST_SIGNAL_AFTER_STATEMENT", "3"}});
  ASSERT_EQ(r.status, 143) << describe(r);
  EXPECT_NE(r.err.find("interrupted by SIGTERM while running revision bb2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("revision bb2 was rolled back"), std::string::npos) << r.err;
  EXPECT_TRUE(has_table("a"));
  EXPECT_FALSE(has_table("b1"));
  EXPECT_FALSE(has_table("b2"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aa1"});
  EXPECT_EQ(journal("revision || ' ' || status || ' ' || coalesce(error, '')"),
            (std::vector<std::string>{"aa1 applied ", "bb2 rolled_back interrupted by SIGTERM"}));

  // Nothing needs repair, and the lock is free: the next run finishes the job.
  auto again = migrate({"upgrade", "head"});
  ASSERT_EQ(again.status, 0) << describe(again);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bb2"});
  EXPECT_TRUE(has_table("b3"));
}

TEST_F(InterruptCliTest, SignalInANonTransactionalRevisionStopsAfterTheCurrentStatement) {
  write_three_statements(false);
  auto r = migrate({"upgrade", "head", "--format", "json"}, {{"MIGRATE_TEST_SIGNAL_AFTER_STATEMENT", "2:INT"}});
  ASSERT_EQ(r.status, 130) << describe(r);
  EXPECT_NE(r.out.find("\"kind\": \"interrupted\""), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("revision bb2 ("), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("b_three.sql) interrupted by SIGINT after statement 1 of 3"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(has_table("b1"));
  EXPECT_FALSE(has_table("b2"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aa1"});
  EXPECT_EQ(journal("revision || ' ' || status || ' ' || statements_done || '/' || statements_total || ' ' || "
                    "coalesce(error, '')"),
            (std::vector<std::string>{"aa1 applied 1/1 ", "bb2 failed 1/3 interrupted by SIGINT after statement 1 of 3"}));

  // The partial revision blocks further runs until it is repaired.
  auto blocked = migrate({"upgrade", "head"});
  EXPECT_EQ(blocked.status, 5) << describe(blocked);
  EXPECT_NE(blocked.err.find("migrate repair --resume"), std::string::npos) << blocked.err;
}

TEST_F(InterruptCliTest, SigintCancelsALongRunningStatement) {
  write_slow_history();
  auto runner = start_migrate({"upgrade", "head"});
  bool started = wait_until([&] { return read_text(runner.err_file).find("Running upgrade aa1 -> bb2") !=
                                         std::string::npos; },
                            60s);
  ASSERT_TRUE(started) << describe(wait_process(runner));
  if (k_postgres) {
    // The statement itself must be running, so that the cancel has something to stop.
    bool sleeping = wait_until(
        [&] {
          return column("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = "
                        "'active'") == std::vector<std::string>{"1"};
        },
        30s);
    ASSERT_TRUE(sleeping) << describe(wait_process(runner));
  }
  auto sent = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(runner.pid, SIGINT), 0);
  auto r = wait_process(runner);
  auto took = std::chrono::steady_clock::now() - sent;
  ASSERT_EQ(r.status, 130) << describe(r);
  EXPECT_LT(took, 20s) << "the statement was not cancelled";
  EXPECT_NE(r.err.find("interrupted by SIGINT while running revision bb2"), std::string::npos) << r.err;
  EXPECT_FALSE(has_table("slow_t"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aa1"});
  EXPECT_EQ(journal("revision || ' ' || status || ' ' || coalesce(error, '')"),
            (std::vector<std::string>{"aa1 applied ", "bb2 rolled_back interrupted by SIGINT"}));

  // The lock was released and nothing needs repair: with the knob turned down the same
  // revision now runs through.
  exec("UPDATE knob SET n = 1");
  auto again = migrate({"upgrade", "head"});
  ASSERT_EQ(again.status, 0) << describe(again);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bb2"});
  EXPECT_TRUE(has_table("slow_t"));
}

}  // namespace
}  // namespace migrate::test

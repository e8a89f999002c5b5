// End-to-end on PostgreSQL only: a runner killed while it holds the lock, a CREATE INDEX
// CONCURRENTLY revision applying while another runner waits for the lock, and drift run by a
// role that may not create databases.
#include <signal.h>

#include <chrono>
#include <thread>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

using namespace std::chrono_literals;

class PostgresCliTest : public CliTest {
 protected:
  /// Revisions aaa1 and bbb2, the second sleeping `seconds` until a table named go_fast
  /// exists (so that a later run does not wait).
  void write_slow_chain(int seconds) {
    write_revision("a.sql", {"aaa1", "", "CREATE TABLE a (id int);", "DROP TABLE a;"});
    write_revision("b.sql", {"bbb2", "\"aaa1\"",
                             "CREATE TABLE b (id int);\nSELECT pg_sleep(CASE WHEN to_regclass('go_fast') IS NULL "
                             "THEN " + std::to_string(seconds) + " ELSE 0 END);",
                             "DROP TABLE b;"});
  }

  std::string sessions_running(const std::string& needle) {
    return "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND "
           "query LIKE '%" + needle + "%' AND pid <> pg_backend_pid()";
  }

  static constexpr const char* k_advisory_locks =
      "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND a.datname = current_database()";
};

TEST_F(PostgresCliTest, KilledRunnerLeavesNoLockAndTheNextRunnerCompletes) {
  write_slow_chain(4);
  auto runner = start_migrate({"upgrade", "head"});
  ASSERT_TRUE(wait_for(sessions_running("pg_sleep"), "1", 30s)) << describe(wait_process(runner));
  EXPECT_EQ(column(k_advisory_locks), std::vector<std::string>{"1"});

  ASSERT_EQ(kill(runner.pid, SIGKILL), 0);
  auto killed = wait_process(runner);
  EXPECT_EQ(killed.status, 128 + SIGKILL);

  // The server ends the dead sessions: the lock goes at once, the transaction when its
  // statement ends, and nothing of revision bbb2 remains.
  EXPECT_TRUE(wait_for(k_advisory_locks, "0", 10s));
  EXPECT_TRUE(wait_for(sessions_running("pg_sleep"), "0", 15s));
  EXPECT_FALSE(has_table("b"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});

  exec("CREATE TABLE go_fast (id int)");
  auto next = migrate({"upgrade", "head", "--lock-timeout", "20"});
  ASSERT_EQ(next.status, 0) << describe(next);
  EXPECT_TRUE(has_table("b"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(column("SELECT count(*) FROM migrate_version_journal WHERE revision = 'bbb2'"),
            std::vector<std::string>{"1"});
}

TEST_F(PostgresCliTest, WithTheLeaseLockAKilledRunnersLeaseExpiresAndTheNextRunnerCompletes) {
  write_config("lock = \"table\"\nlock_lease = \"3s\"\n");
  write_slow_chain(6);
  auto runner = start_migrate({"upgrade", "head"});
  ASSERT_TRUE(wait_for(sessions_running("pg_sleep"), "1", 30s)) << describe(wait_process(runner));
  // A lease, not an advisory lock: a row naming its owner, renewed while the runner lives.
  EXPECT_EQ(column(k_advisory_locks), std::vector<std::string>{"0"});
  EXPECT_EQ(column("SELECT count(*) FROM migrate_version_lock"), std::vector<std::string>{"1"});
  // A second runner waits for it and gives up, naming the lease's holder.
  auto waiting = migrate({"upgrade", "head", "--lock-timeout", "1"});
  EXPECT_EQ(waiting.status, 4) << describe(waiting);
  EXPECT_TRUE(contains(waiting.err, "another migrate process holds the lock")) << waiting.err;
  EXPECT_TRUE(contains(waiting.err, "lease expiring in")) << waiting.err;

  ASSERT_EQ(kill(runner.pid, SIGKILL), 0);
  EXPECT_EQ(wait_process(runner).status, 128 + SIGKILL);
  EXPECT_TRUE(wait_for(sessions_running("pg_sleep"), "0", 15s));
  exec("CREATE TABLE go_fast (id int)");
  // Nobody renews the dead runner's lease: the next runner takes it over once it expires.
  auto started = std::chrono::steady_clock::now();
  auto next = migrate({"upgrade", "head", "--lock-timeout", "20"});
  auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(next.status, 0) << describe(next);
  EXPECT_LT(waited, 6s);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(column("SELECT count(*) FROM migrate_version_journal WHERE revision = 'bbb2' AND status = 'applied'"),
            std::vector<std::string>{"1"});
  EXPECT_EQ(column("SELECT count(*) FROM migrate_version_lock"), std::vector<std::string>{"0"}) << "released";
  // migrate's own: the lease table is not the schema's.
  exec("DROP TABLE go_fast");
  auto drift = migrate({"drift"});
  EXPECT_EQ(drift.status, 0) << describe(drift);
}

TEST_F(PostgresCliTest, OnAnEngineWhoseDdlDoesNotRollBackRevisionsRunStatementByStatementUnderALease) {
  // The rules of CockroachDB, forced on PostgreSQL: its advisory locks exclude nothing and a
  // DDL statement commits what came before it.
  write_config("engine = \"cockroachdb\"\n");
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE a (id int);", "DROP TABLE a;"});
  write_revision("b.sql", {"bbb2", "\"aaa1\"", "CREATE TABLE b (id int);\nINSERT INTO nope VALUES (1);\nCREATE TABLE c (id int);",
                           "DROP TABLE b;"});
  auto r = migrate({"upgrade", "head"});
  EXPECT_EQ(r.status, 3) << describe(r);
  // Not rolled back: the first statement stays, and the journal says how far the revision got.
  EXPECT_EQ(column("SELECT count(*) FROM pg_tables WHERE tablename IN ('a', 'b', 'c')"), std::vector<std::string>{"2"});
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
  EXPECT_EQ(column("SELECT statements_done FROM migrate_version_journal WHERE revision = 'bbb2'"),
            std::vector<std::string>{"1"});
  // The lock was a lease (its table is there, and no advisory lock was ever taken).
  EXPECT_EQ(column("SELECT to_regclass('migrate_version_lock') IS NOT NULL"), std::vector<std::string>{"t"});
  write_revision("b.sql", {"bbb2", "\"aaa1\"", "CREATE TABLE b (id int);\nCREATE TABLE nope (id int);\nCREATE TABLE c (id int);",
                           "DROP TABLE b;"});
  auto resumed = migrate({"repair", "--resume"});
  ASSERT_EQ(resumed.status, 0) << describe(resumed);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(column("SELECT count(*) FROM pg_tables WHERE tablename IN ('a', 'b', 'c', 'nope')"),
            std::vector<std::string>{"4"});

  // Nothing of a dry run could be rolled back there: refused before anything runs.
  write_revision("c.sql", {"ccc3", "\"bbb2\"", "CREATE TABLE d (id int);", "DROP TABLE d;"});
  auto dry = migrate({"upgrade", "head", "--dry-run"});
  EXPECT_EQ(dry.status, 2) << describe(dry);
  EXPECT_TRUE(contains(dry.err, "--dry-run cannot run on cockroachdb")) << dry.err;
  EXPECT_EQ(column("SELECT count(*) FROM pg_tables WHERE tablename = 'd'"), std::vector<std::string>{"0"});

  write_config("engine = \"cockroachdb\"\nlock = \"advisory\"\n");
  auto refused = migrate({"current"});
  EXPECT_EQ(refused.status, 2) << describe(refused);
  EXPECT_TRUE(contains(refused.err, "would exclude nothing on cockroachdb")) << refused.err;
}

TEST_F(PostgresCliTest, OnCitusEachRevisionRunsInSequentialMultiShardMode) {
  write_config("engine = \"citus\"\n");  // a placeholder setting on PostgreSQL, as on Citus
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE seen AS SELECT current_setting('citus.multi_shard_modify_mode') AS mode;",
                           "DROP TABLE seen;"});
  auto r = migrate({"upgrade", "head"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(column("SELECT mode FROM seen"), std::vector<std::string>{"sequential"});
}

TEST_F(PostgresCliTest, ConcurrentIndexBuildAppliesWhileAnotherRunnerWaits) {
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE items (id int, name text);\n"
                                       "INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 1000) g;",
                           "DROP TABLE items;"});
  write_revision("b.sql", {"bbb2", "\"aaa1\"",
                           "SELECT pg_sleep(2);\nCREATE INDEX CONCURRENTLY ix_items_name ON items (name);",
                           "DROP INDEX CONCURRENTLY ix_items_name;", "-- transactional = false\n"});
  ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);

  auto first = start_migrate({"upgrade", "head"});
  ASSERT_TRUE(wait_for(sessions_running("pg_sleep"), "1", 30s)) << describe(wait_process(first));
  // The second runner starts while the first holds the lock, and waits for it.
  auto second = start_migrate({"upgrade", "head", "--lock-timeout", "60"});
  auto first_result = wait_process(first);
  auto second_result = wait_process(second);
  EXPECT_EQ(first_result.status, 0) << describe(first_result);
  EXPECT_EQ(second_result.status, 0) << describe(second_result);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(column("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_items_name'"),
            std::vector<std::string>{"1"});
  EXPECT_EQ(column("SELECT count(*) FROM migrate_version_journal WHERE revision = 'bbb2'"),
            std::vector<std::string>{"1"});
}

TEST_F(PostgresCliTest, ConcurrentIndexInATransactionalRevisionSaysToMarkItNonTransactional) {
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE items (id int);\nCREATE INDEX CONCURRENTLY ix_id ON items (id);",
                           "DROP TABLE items;"});
  auto r = migrate({"upgrade", "head"});
  EXPECT_EQ(r.status, 3) << describe(r);
  EXPECT_NE(r.err.find("25001"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("transactional = false"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("a.sql:8"), std::string::npos) << r.err;
  EXPECT_FALSE(has_table("items"));
}

// The version table in a schema of its own: the scratch database gets that schema too, so the
// replay runs and the schema list compares equal.
TEST_F(PostgresCliTest, DriftAndRepairWorkWithTheVersionTableInItsOwnSchema) {
  write_config("version_table_schema = \"meta\"");
  exec("CREATE SCHEMA meta");
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE a (id int PRIMARY KEY, note text);", "DROP TABLE a;"});
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto clean = migrate({"drift", "--identify"});
  EXPECT_EQ(clean.status, 0) << describe(clean);
  EXPECT_NE(clean.out.find("The live schema matches: aaa1 (exactly)"), std::string::npos) << clean.out;
  exec("ALTER TABLE a DROP COLUMN note");
  auto repaired = migrate({"repair", "--schema", "--reason", "note dropped by hand"});
  EXPECT_EQ(repaired.status, 0) << describe(repaired);
  EXPECT_EQ(migrate({"drift"}).status, 0);
}

// A role without CREATEDB cannot have a temporary scratch database: drift says so, and says
// how to name one instead; nothing is left behind.
TEST_F(PostgresCliTest, DriftWithoutCreatedbSaysHowToNameAScratchDatabase) {
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE a (id int);", "DROP TABLE a;"});
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  const std::string role = "drift_reader_" + std::to_string(getpid());
  exec("DROP ROLE IF EXISTS " + role);
  exec("CREATE ROLE " + role + " LOGIN NOCREATEDB");
  exec("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role);
  const std::string as_role = url().replace(url().find("postgres@"), 9, role + "@");
  auto refused = migrate({"--url", as_role, "drift"});
  exec("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM " + role);
  exec("DROP ROLE " + role);
  EXPECT_EQ(refused.status, 3) << describe(refused);
  EXPECT_NE(refused.err.find("could not create a scratch database"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("grant CREATEDB"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--scratch-url"), std::string::npos) << refused.err;
}

// An ordinary role (neither superuser nor able to read every catalog) records the schema's
// fingerprint and a catalog digest with its run, and its status takes the recorded
// fingerprint while nothing changed.
TEST_F(PostgresCliTest, AnOrdinaryRoleRecordsAFingerprintAndACatalogDigest) {
  write_revision("a.sql", {"aaa1", "", "CREATE TABLE a (id int PRIMARY KEY);", "DROP TABLE a;"});
  const std::string role = "digest_owner_" + std::to_string(getpid());
  exec("DROP ROLE IF EXISTS " + role);
  exec("CREATE ROLE " + role + " LOGIN");
  exec("GRANT USAGE, CREATE ON SCHEMA public TO " + role);
  const std::string as_role = url().replace(url().find("postgres@"), 9, role + "@");
  auto upgraded = migrate({"--url", as_role, "upgrade", "head"});
  auto status = migrate({"--url", as_role, "status"});
  auto recorded = column(
      "SELECT length(schema_fingerprint) || ' ' || length(catalog_digest) FROM migrate_version_journal "
      "ORDER BY id DESC LIMIT 1");
  exec("DROP OWNED BY " + role);
  exec("DROP ROLE " + role);
  EXPECT_EQ(upgraded.status, 0) << describe(upgraded);
  EXPECT_EQ(recorded, std::vector<std::string>{"64 64"});
  EXPECT_NE(status.out.find("matches the one recorded"), std::string::npos) << describe(status);
}

}  // namespace
}  // namespace migrate::test

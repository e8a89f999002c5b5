// End-to-end `migrate drift` on both backends: clean after an upgrade, each hand-made change
// named (text and JSON, exit 1), `--identify` naming the revision a database really matches
// and how its version table came to say otherwise, and the scratch database always gone
// afterwards: after success, after an error, after a signal. The three incidents the command
// exists for are tests here: a table missing the columns a revision added, a database whose
// tables were made by hand with no version table, and a database stamped at head while it
// is really behind with one revision half applied.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

using namespace std::chrono_literals;

class DriftCliTest : public ScratchCliTest {
 protected:
  ProcessResult drift(std::vector<std::string> args = {}) { return migrate_with_scratch("drift", std::move(args)); }

  /// tenants, then tenant_usage_quotas with three columns, then the nine columns a later
  /// revision adds (the first incident: they never reached production).
  void write_quota_history() {
    write_revision("q1.sql", {"q1", "", "CREATE TABLE tenants (id VARCHAR(50) PRIMARY KEY, name TEXT NOT NULL);",
                              "DROP TABLE tenants;"});
    write_revision("q2.sql", {"q2", "\"q1\"", k_quota_table, "DROP TABLE tenant_usage_quotas;"});
    std::string nine;
    for (const char* column : k_nine_columns) nine += std::string("ALTER TABLE tenant_usage_quotas ADD COLUMN ") + column + ";\n";
    write_revision("q3.sql", {"q3", "\"q2\"", nine, "DROP TABLE tenant_usage_quotas;\n" + std::string(k_quota_table)});
  }

  static constexpr const char* k_quota_table =
      "CREATE TABLE tenant_usage_quotas (id INTEGER PRIMARY KEY, tenant_id VARCHAR(50) NOT NULL REFERENCES tenants "
      "(id), period_start DATE NOT NULL);";
  static constexpr const char* k_nine_columns[] = {
      "api_calls_limit INTEGER NOT NULL DEFAULT 1000", "api_calls_used INTEGER NOT NULL DEFAULT 0",
      "storage_limit_mb INTEGER NOT NULL DEFAULT 1024", "storage_used_mb INTEGER NOT NULL DEFAULT 0",
      "users_limit INTEGER DEFAULT 5",                  "users_count INTEGER DEFAULT 0",
      "plugins_limit INTEGER DEFAULT 10",               "plugins_count INTEGER DEFAULT 0",
      "reset_at TIMESTAMP"};

  /// core (users) → services (workflows, workflow_executions, files and their indexes) →
  /// sagas (saga_instances, saga_timeouts): the second incident's project.
  void write_services_history() {
    write_revision("s1.sql", {"s1", "", k_core, "DROP TABLE users;"});
    write_revision("s2.sql",
                   {"s2", "\"s1\"",
                    "CREATE TABLE workflows (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL REFERENCES users (id), "
                    "name VARCHAR(200) NOT NULL);\n"
                    "CREATE TABLE workflow_executions (id INTEGER PRIMARY KEY, workflow_id INTEGER NOT NULL REFERENCES "
                    "workflows (id), status VARCHAR(20) NOT NULL DEFAULT 'pending');\n"
                    "CREATE INDEX ix_executions_workflow ON workflow_executions (workflow_id, status);\n"
                    "CREATE TABLE files (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);",
                    "DROP TABLE files;\nDROP TABLE workflow_executions;\nDROP TABLE workflows;"});
    write_revision("s3.sql", {"s3", "\"s2\"",
                              "CREATE TABLE saga_instances (id INTEGER PRIMARY KEY, state TEXT NOT NULL);\n"
                              "CREATE TABLE saga_timeouts (saga_id INTEGER NOT NULL REFERENCES saga_instances (id), "
                              "due_at TIMESTAMP NOT NULL);",
                              "DROP TABLE saga_timeouts;\nDROP TABLE saga_instances;"});
  }

  static constexpr const char* k_core =
      "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(320) NOT NULL UNIQUE);";
};

TEST_F(DriftCliTest, IsCleanAfterAnUpgradeAndNamesEachChangeMadeByHand) {
  write_quota_history();
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto clean = drift();
  EXPECT_EQ(clean.status, 0) << describe(clean);
  EXPECT_TRUE(contains(clean.out, "No drift: the live schema is what q3 builds.")) << clean.out;

  exec("ALTER TABLE tenants ADD COLUMN region TEXT");
  exec("CREATE INDEX ix_quota_period ON tenant_usage_quotas (period_start)");
  auto drifted = drift();
  EXPECT_EQ(drifted.status, 1) << describe(drifted);
  const std::string p = k_postgres ? "public." : "";
  EXPECT_TRUE(contains(drifted.out, "extra column " + p + "tenants.region")) << drifted.out;
  EXPECT_TRUE(contains(drifted.out, "extra index " + p + "ix_quota_period")) << drifted.out;
  EXPECT_TRUE(contains(drifted.out, "Drift: 2 difference(s).")) << drifted.out;

  auto json = drift({"--format", "json"});
  EXPECT_EQ(json.status, 1) << describe(json);
  EXPECT_TRUE(contains(json.out, "\"clean\": false")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"heads\": [\"q3\"]")) << json.out;
  EXPECT_TRUE(contains(json.out, "{\"change\": \"extra\", \"kind\": \"column\", \"object\": \"" + p +
                                     "tenants.region\", \"attribute\": null"))
      << json.out;
  EXPECT_TRUE(contains(json.out, "\"not_compared\": []")) << json.out;
}

// The first incident: the table exists, but without the nine columns a revision added (a
// deploy script re-created it by hand after `upgrade head`).
TEST_F(DriftCliTest, NamesTheNineColumnsATableLacksWithTheirTypesAndDefaults) {
  write_quota_history();
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  exec("DROP TABLE tenant_usage_quotas");
  exec(k_quota_table);

  auto drifted = drift();
  EXPECT_EQ(drifted.status, 1) << describe(drifted);
  const std::string table = (k_postgres ? "public." : "") + std::string("tenant_usage_quotas.");
  const std::string integer = k_postgres ? "integer" : "INTEGER";
  EXPECT_TRUE(contains(drifted.out, "missing column " + table + "api_calls_limit (" + integer + " NOT NULL DEFAULT 1000)"))
      << drifted.out;
  EXPECT_TRUE(contains(drifted.out, "missing column " + table + "users_limit (" + integer + " DEFAULT 5)")) << drifted.out;
  EXPECT_TRUE(contains(drifted.out, "missing column " + table + "reset_at (" +
                                        (k_postgres ? "timestamp without time zone" : "TIMESTAMP") + ")"))
      << drifted.out;
  EXPECT_TRUE(contains(drifted.out, "Drift: 9 difference(s).")) << drifted.out;

  auto repaired = migrate({"repair", "--schema", "--reason", "columns the deploy script never added"});
  EXPECT_EQ(repaired.status, 0) << describe(repaired);
  EXPECT_TRUE(contains(repaired.out, "applied: add column " + table + "api_calls_limit")) << repaired.out;
  EXPECT_TRUE(contains(repaired.out, "Drift is clean now.")) << repaired.out;
  EXPECT_EQ(column_count("tenant_usage_quotas"), 12);
  EXPECT_EQ(drift().status, 0);
  auto row = column("SELECT command || '|' || reason || '|' || length(schema_fingerprint) FROM migrate_version_journal "
                    "ORDER BY id DESC LIMIT 1");
  EXPECT_EQ(row, std::vector<std::string>{"repair --schema|columns the deploy script never added|64"});
}

// The second incident: the services' tables were never created, the core tables were made
// by hand, and there is no version table.
TEST_F(DriftCliTest, IdentifiesTheRevisionAnUnversionedDatabaseHasSoItCanBeStampedAndUpgraded) {
  write_services_history();
  exec(k_core);

  auto refused = migrate({"upgrade", "head"});
  EXPECT_EQ(refused.status, 5) << describe(refused);
  EXPECT_TRUE(contains(refused.err, "unversioned_database") || contains(refused.err, "already holds tables"))
      << refused.err;
  EXPECT_TRUE(contains(refused.err, "migrate drift --identify")) << refused.err;
  EXPECT_TRUE(contains(refused.err, "migrate baseline --stamp")) << refused.err;

  auto identified = drift({"--identify"});
  EXPECT_EQ(identified.status, 1) << describe(identified);  // against base (no rows), users is extra
  EXPECT_TRUE(contains(identified.out, "The version table says: base")) << identified.out;
  EXPECT_TRUE(contains(identified.out, "The live schema matches: s1 (exactly)")) << identified.out;
  auto json = drift({"--identify", "--format", "json"});
  EXPECT_TRUE(contains(json.out, "\"identified\": {\"heads\": [\"s1\"], \"exact\": true")) << json.out;

  ASSERT_EQ(migrate({"stamp", "s1", "--reason", "adopted: drift --identify"}).status, 0);
  auto upgraded = migrate({"upgrade", "head"});
  ASSERT_EQ(upgraded.status, 0) << describe(upgraded);
  EXPECT_TRUE(has_table("saga_timeouts"));
  auto clean = drift();
  EXPECT_EQ(clean.status, 0) << describe(clean);
}

// The third incident, as far as drift goes: stamped at head while really at q1, with q2 half
// applied by hand (its table but not the index of a later revision...).
TEST_F(DriftCliTest, IdentifiesTheRealRevisionOfADatabaseStampedAheadAndWhatAHalfAppliedOneLacks) {
  write_services_history();
  write_revision("s4.sql", {"s4", "\"s3\"", "CREATE INDEX ix_saga_state ON saga_instances (state);",
                            "DROP INDEX ix_saga_state;"});
  ASSERT_EQ(migrate({"upgrade", "s1"}).status, 0);
  // s2 half applied by hand: workflows and workflow_executions, not the index nor files.
  exec("CREATE TABLE workflows (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL REFERENCES users (id), name "
       "VARCHAR(200) NOT NULL)");
  exec("CREATE TABLE workflow_executions (id INTEGER PRIMARY KEY, workflow_id INTEGER NOT NULL REFERENCES workflows "
       "(id), status VARCHAR(20) NOT NULL DEFAULT 'pending')");
  ASSERT_EQ(migrate({"stamp", "s4", "--reason", "deploy script: schema is current"}).status, 0);

  auto identified = drift({"--identify"});
  EXPECT_EQ(identified.status, 1) << describe(identified);
  const std::string p = k_postgres ? "public." : "";
  EXPECT_TRUE(contains(identified.out, "The version table says: s4")) << identified.out;
  EXPECT_TRUE(contains(identified.out, "  set by stamp s4 on ")) << identified.out;
  EXPECT_TRUE(contains(identified.out, "reason: deploy script: schema is current")) << identified.out;
  EXPECT_TRUE(contains(identified.out, "Everything s1 builds is in the live schema.")) << identified.out;
  EXPECT_TRUE(contains(identified.out, "Only part of s2 is; missing or different:")) << identified.out;
  EXPECT_TRUE(contains(identified.out, "The live schema is closest to: s2 (2 difference(s)):")) << identified.out;
  EXPECT_TRUE(contains(identified.out, "  missing index " + p + "ix_executions_workflow")) << identified.out;
  EXPECT_TRUE(contains(identified.out, "  missing table " + p + "files")) << identified.out;

  auto json = drift({"--identify", "--format", "json"});
  EXPECT_TRUE(contains(json.out, "\"contained\": [\"s1\"], \"partly_applied\": [\"s2\"]")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"direction\": \"stamp\"")) << json.out;

  // The version table is right about where the database should be: the schema is brought there.
  auto repaired = migrate({"repair", "--schema", "--reason", "s2 half applied, s3 and s4 never ran"});
  EXPECT_EQ(repaired.status, 0) << describe(repaired);
  EXPECT_TRUE(contains(repaired.out, "Drift is clean now.")) << repaired.out;
  EXPECT_TRUE(has_table("saga_timeouts"));
  EXPECT_EQ(drift().status, 0);
  EXPECT_EQ(migrate({"upgrade", "head"}).status, 0);  // nothing left to run
}

// The other way out of the same state: stamp where it really is, finish the half-applied
// revision's objects by hand, and upgrade.
TEST_F(DriftCliTest, AStampAtTheIdentifiedRevisionAndAnUpgradeAlsoBringItToHead) {
  write_services_history();
  ASSERT_EQ(migrate({"upgrade", "s1"}).status, 0);
  ASSERT_EQ(migrate({"stamp", "s3", "--reason", "deploy script"}).status, 0);
  auto identified = drift({"--identify"});
  EXPECT_TRUE(contains(identified.out, "The live schema matches: s1 (exactly)")) << identified.out;
  ASSERT_EQ(migrate({"stamp", "s1", "--reason", "drift --identify: really at s1"}).status, 0);
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  EXPECT_EQ(drift().status, 0);
}

TEST_F(DriftCliTest, RepairSchemaIsAdditiveUnlessToldAndPrintsItsSqlWithoutChangingAnything) {
  write_quota_history();
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  exec("ALTER TABLE tenants ADD COLUMN region TEXT");
  exec("CREATE TABLE scratchpad (x INTEGER)");
  exec(k_postgres ? "ALTER TABLE tenant_usage_quotas DROP COLUMN reset_at" : "DROP TABLE tenant_usage_quotas");

  auto no_reason = migrate({"repair", "--schema"});
  EXPECT_EQ(no_reason.status, 2) << describe(no_reason);
  EXPECT_TRUE(contains(no_reason.err, "needs --reason")) << no_reason.err;

  const auto before = schema_snapshot();
  auto sql = migrate({"repair", "--schema", "--sql"});
  EXPECT_EQ(sql.status, 1) << describe(sql);  // destructive changes are skipped
  EXPECT_TRUE(contains(sql.out, "-- skipped (destructive; --allow-destructive runs it): drop table")) << sql.out;
  EXPECT_TRUE(contains(sql.out, k_postgres ? "ADD COLUMN IF NOT EXISTS reset_at" : "CREATE TABLE tenant_usage_quotas"))
      << sql.out;
  EXPECT_EQ(schema_snapshot(), before);  // --sql changes nothing

  auto additive = migrate({"repair", "--schema", "--reason", "put back what is missing"});
  EXPECT_EQ(additive.status, 1) << describe(additive);
  EXPECT_TRUE(contains(additive.out, "Still different")) << additive.out;
  EXPECT_TRUE(has_table("scratchpad"));
  auto left = drift();
  EXPECT_TRUE(contains(left.out, "Drift: 2 difference(s).")) << left.out;  // the extra column and table

  auto all = migrate({"repair", "--schema", "--allow-destructive", "--reason", "remove what no revision made",
                       "--format", "json"});
  EXPECT_EQ(all.status, 0) << describe(all);
  EXPECT_TRUE(contains(all.out, "{\"description\": \"drop table " + std::string(k_postgres ? "public." : "") +
                                    "scratchpad\"")) << all.out;
  EXPECT_TRUE(contains(all.out, "\"destructive\": true")) << all.out;
  EXPECT_TRUE(contains(all.out, "\"skipped\": [], \"notes\": [], \"applied\": true")) << all.out;
  EXPECT_TRUE(contains(all.out, "\"remaining\": []")) << all.out;
  EXPECT_FALSE(has_table("scratchpad"));
  EXPECT_EQ(drift().status, 0);

  auto nothing = migrate({"repair", "--schema", "--reason", "again"});
  EXPECT_EQ(nothing.status, 0) << describe(nothing);
  EXPECT_TRUE(contains(nothing.out, "Nothing to repair")) << nothing.out;
}

TEST_F(DriftCliTest, TheScratchDatabaseIsGoneAfterwards) {
  write_quota_history();
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto ran = drift({"--identify", "-v"});
  EXPECT_EQ(ran.status, 0) << describe(ran);
  const auto name = scratch_name(ran.err);
  ASSERT_FALSE(name.empty()) << ran.err;
  EXPECT_FALSE(scratch_exists(name)) << name;
}

TEST_F(DriftCliTest, TheScratchDatabaseIsGoneAfterAReplayFails) {
  write_quota_history();
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  // q3's file now fails where it runs against a fresh database (the applied file changed:
  // drift is about the schema, not the checksum, so it replays what is on disk).
  write_revision("q3.sql", {"q3", "\"q2\"", "ALTER TABLE no_such_table ADD COLUMN x INTEGER;", ""});
  auto failed = drift({"-v"});
  EXPECT_NE(failed.status, 0) << describe(failed);
  EXPECT_NE(failed.status, 1) << describe(failed);
  const auto name = scratch_name(failed.err);
  ASSERT_FALSE(name.empty()) << failed.err;
  EXPECT_FALSE(scratch_exists(name)) << name;
}

TEST_F(DriftCliTest, TheScratchDatabaseIsGoneAfterASignal) {
  write_revision("a_knob.sql", {"aa1", "", "CREATE TABLE knob (n INTEGER);\nINSERT INTO knob VALUES (1000000000);",
                                "DROP TABLE knob;"});
  const std::string slow =
      k_postgres ? "SELECT pg_sleep(30);"
                 : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < (SELECT n FROM knob)) "
                   "SELECT count(*) FROM c;";
  write_revision("b_slow.sql", {"bb2", "\"aa1\"", "CREATE TABLE slow_t (x INTEGER);\n" + slow, "DROP TABLE slow_t;"});
  exec("CREATE TABLE knob (n INTEGER)");  // the live database got there without running the slow statement
  exec("CREATE TABLE slow_t (x INTEGER)");
  ASSERT_EQ(migrate({"stamp", "bb2"}).status, 0);

  std::filesystem::create_directories(scratch_dir());
  auto running = start_migrate({"drift", "-v"}, {{"TMPDIR", scratch_dir().string()}});
  ASSERT_TRUE(wait_for_slow_scratch_statement("SELECT count(*) FROM sqlite_master WHERE name = 'knob'"));
  ::kill(running.pid, SIGTERM);
  auto ended = wait_process(running);
  EXPECT_EQ(ended.status, 128 + SIGTERM) << describe(ended);
  const auto name = scratch_name(ended.err);
  ASSERT_FALSE(name.empty()) << ended.err;
  EXPECT_TRUE(contains(ended.err, "interrupted")) << ended.err;
  EXPECT_FALSE(scratch_exists(name)) << name;
}

TEST_F(DriftCliTest, ARequestedScratchDatabaseIsEmptiedFirstAndTheTargetIsRefused) {
  write_quota_history();
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto refused = drift({"--scratch-url", url()});
  EXPECT_EQ(refused.status, 2) << describe(refused);
  EXPECT_TRUE(contains(refused.err, "is the target database itself")) << refused.err;
  if (k_postgres) return;  // a second PostgreSQL database: the temporary one is tested above

  {
    auto other = backend::open("sqlite:///" + (m_dir.path() / "scratch.db").string());
    other->execute("CREATE TABLE leftover (x INTEGER)");
  }
  auto ran = drift({"--scratch-url", "sqlite:///scratch.db"});
  EXPECT_EQ(ran.status, 0) << describe(ran);
  auto scratch = backend::open("sqlite:///" + (m_dir.path() / "scratch.db").string());
  EXPECT_FALSE(scratch->catalog().table_exists("", "leftover"));
  EXPECT_TRUE(scratch->catalog().table_exists("", "tenant_usage_quotas"));  // kept: the user's database
}

}  // namespace
}  // namespace migrate::test

// End-to-end `migrate test` (the stairway test) on both backends: it passes on the sample
// project and on a project with a branch and a merge; it fails (exit 1) naming the first
// broken revision, the phase and the differences for a downgrade that forgets an index, one
// that drops the wrong column, a revision that cannot be re-applied and one without a
// downgrade section; `-r` limits what is tested; the JSON document's shape; the scratch
// database is gone afterwards and the target database is untouched.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

using namespace std::chrono_literals;

class StairwayCliTest : public ScratchCliTest {
 protected:
  ProcessResult stairway(std::vector<std::string> args = {}) { return migrate_with_scratch("test", std::move(args)); }

  /// Tenants and users, then two branches (api keys; plugins) joined by a merge that adds a
  /// column, then an index on it: every downgrade really reverses its upgrade.
  void write_branchy_project() {
    write_revision("a1.sql", {"a1", "",
                              "CREATE TABLE tenants (id VARCHAR(50) PRIMARY KEY, name VARCHAR(200) NOT NULL, plan "
                              "VARCHAR(30) NOT NULL DEFAULT 'free');\n"
                              "CREATE INDEX ix_tenants_name ON tenants (name);\n"
                              "INSERT INTO tenants (id, name) VALUES ('default', 'Default tenant');",
                              "DROP INDEX ix_tenants_name;\nDROP TABLE tenants;"});
    write_revision("a2.sql", {"a2", "\"a1\"",
                              "CREATE TABLE users (id INTEGER PRIMARY KEY, tenant_id VARCHAR(50) NOT NULL REFERENCES "
                              "tenants (id), email VARCHAR(320) NOT NULL UNIQUE);",
                              "DROP TABLE users;"});
    write_revision("b1.sql", {"b1", "\"a2\"",
                              "CREATE TABLE api_keys (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES "
                              "users (id), secret VARCHAR(64) NOT NULL);\n"
                              "CREATE INDEX ix_api_keys_user ON api_keys (user_id);",
                              "DROP INDEX ix_api_keys_user;\nDROP TABLE api_keys;",
                              "-- branch_labels = [\"access\"]\n"});
    write_revision("c1.sql", {"c1", "\"a2\"", "CREATE TABLE plugins (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
                              "DROP TABLE plugins;", "-- branch_labels = [\"plugins\"]\n"});
    write_revision("m1.sql", {"m1", "[\"b1\", \"c1\"]", "ALTER TABLE users ADD COLUMN nickname VARCHAR(50);",
                              "ALTER TABLE users DROP COLUMN nickname;"});
    write_revision("n1.sql", {"n1", "\"m1\"", "CREATE INDEX ix_users_nickname ON users (nickname);",
                              "DROP INDEX ix_users_nickname;"});
  }

  /// A revision on top of n1.
  void write_top(const std::string& up, const std::string& down) {
    write_revision("x1.sql", {"x1", "\"n1\"", up, down});
  }

  std::string p() const { return k_postgres ? "public." : ""; }
};

TEST_F(StairwayCliTest, PassesOnAProjectWithABranchAndAMergeAndLeavesNoScratchDatabase) {
  write_branchy_project();
  auto r = stairway({"-v"});
  EXPECT_EQ(r.status, 0) << describe(r);
  for (const char* line :
       {"ok    a1  revision a1", "ok    a2  revision a2", "ok    m1  revision m1", "ok    n1  revision n1"})
    EXPECT_TRUE(contains(r.out, line)) << line << "\n" << r.out;
  EXPECT_TRUE(contains(r.out, "ok    b1") && contains(r.out, "ok    c1")) << r.out;
  EXPECT_LT(r.out.find("ok    a2"), r.out.find("ok    b1")) << r.out;
  EXPECT_LT(r.out.find("ok    c1"), r.out.find("ok    m1")) << r.out;
  EXPECT_TRUE(contains(r.out, "Stairway test passed: 6 revision(s) went up, down and up again; down to base, the "
                              "schema is empty."))
      << r.out;
  const auto name = scratch_name(r.err);
  ASSERT_FALSE(name.empty()) << r.err;
  EXPECT_FALSE(scratch_exists(name)) << name;
  EXPECT_FALSE(database_touched());
}

TEST_F(StairwayCliTest, NamesARevisionWhoseDowngradeForgetsAnIndex) {
  write_branchy_project();
  write_top("ALTER TABLE users ADD COLUMN region VARCHAR(20);\nCREATE INDEX ix_users_tenant_email ON users (tenant_id, "
            "email);",
            "ALTER TABLE users DROP COLUMN region;");
  auto r = stairway();
  EXPECT_EQ(r.status, 1) << describe(r);
  EXPECT_TRUE(contains(r.out, "ok    n1")) << r.out;  // aligned with the FAIL line
  EXPECT_TRUE(contains(r.out, "FAIL  x1  revision x1")) << r.out;
  EXPECT_TRUE(contains(r.out, "  the downgrade does not restore the schema:\n  extra index " + p() +
                                  "ix_users_tenant_email"))
      << r.out;
  EXPECT_TRUE(
      contains(r.out, "Stairway test failed at x1: the downgrade does not restore the schema (1 difference(s))."))
      << r.out;
}

TEST_F(StairwayCliTest, NamesARevisionWhoseDowngradeDropsTheWrongColumn) {
  write_branchy_project();
  write_top("ALTER TABLE tenants ADD COLUMN region VARCHAR(20);", "ALTER TABLE tenants DROP COLUMN plan;");
  auto r = stairway();
  EXPECT_EQ(r.status, 1) << describe(r);
  EXPECT_TRUE(contains(r.out, "FAIL  x1")) << r.out;
  EXPECT_TRUE(contains(r.out, "missing column " + p() + "tenants.plan")) << r.out;
  EXPECT_TRUE(contains(r.out, "extra column " + p() + "tenants.region")) << r.out;
  EXPECT_TRUE(contains(r.out, "Stairway test failed at x1: the downgrade does not restore the schema")) << r.out;
}

// The downgrade restores the schema but not the row its upgrade inserted: the second upgrade
// inserts it again into a primary key.
TEST_F(StairwayCliTest, NamesARevisionThatCannotBeReApplied) {
  write_branchy_project();
  write_top("ALTER TABLE tenants ADD COLUMN region VARCHAR(20);\nINSERT INTO tenants (id, name) VALUES ('system', "
            "'System tenant');",
            "ALTER TABLE tenants DROP COLUMN region;");
  auto r = stairway();
  EXPECT_EQ(r.status, 1) << describe(r);
  EXPECT_TRUE(contains(r.out, "FAIL  x1")) << r.out;
  EXPECT_TRUE(contains(r.out, "  it cannot be re-applied after its downgrade:")) << r.out;
  EXPECT_TRUE(contains(r.out, "INSERT INTO tenants")) << r.out;
  EXPECT_TRUE(contains(r.out, "x1.sql")) << r.out;
  EXPECT_TRUE(contains(r.out, "Stairway test failed at x1: it cannot be re-applied after its downgrade.")) << r.out;
  EXPECT_FALSE(contains(r.out, "hint:")) << r.out;  // the runner's hint is about the scratch database

  auto json = stairway({"--format", "json"});
  EXPECT_EQ(json.status, 1) << describe(json);
  EXPECT_TRUE(contains(json.out, "\"failure\": {\"revision\": \"x1\", \"phase\": \"reapply_fails\"")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"error\": {\"kind\": \"database\", \"message\": \"")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"revision\": \"x1\", \"file\": \"")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"statement\": \"INSERT INTO tenants")) << json.out;
  EXPECT_FALSE(contains(json.out, "\"hint\"")) << json.out;
}

TEST_F(StairwayCliTest, NamesARevisionWhoseUpgradeFails) {
  write_branchy_project();
  write_top("ALTER TABLE no_such_table ADD COLUMN x INTEGER;", "");
  auto r = stairway({"-v"});
  EXPECT_EQ(r.status, 1) << describe(r);
  EXPECT_TRUE(contains(r.out, "FAIL  x1")) << r.out;
  EXPECT_TRUE(contains(r.out, "Stairway test failed at x1: the upgrade fails.")) << r.out;
  const auto name = scratch_name(r.err);
  ASSERT_FALSE(name.empty()) << r.err;
  EXPECT_FALSE(scratch_exists(name)) << name;
}

// A revision without a downgrade section cannot be gone down through: a failure naming it.
TEST_F(StairwayCliTest, ARevisionWithoutADowngradeSectionIsAFailureNamingIt) {
  write_branchy_project();
  m_dir.write("migrations/versions/x1.sql",
              "-- migrate:revision\n-- revision = \"x1\"\n-- down_revision = \"n1\"\n-- message = \"one way\"\n\n"
              "-- migrate:upgrade\nCREATE TABLE audit (id INTEGER PRIMARY KEY);\n");
  auto r = stairway();
  EXPECT_EQ(r.status, 1) << describe(r);
  EXPECT_TRUE(contains(r.out, "FAIL  x1  one way")) << r.out;
  EXPECT_TRUE(contains(r.out, "Stairway test failed at x1: it has no downgrade section")) << r.out;
  // The revisions below it pass with -r, and so do those above it: it is applied untested and
  // the final downgrade stops above it.
  auto below = stairway({"-r", ":n1"});
  EXPECT_EQ(below.status, 0) << describe(below);
  write_revision("y1.sql", {"y1", "\"x1\"", "CREATE INDEX ix_audit_id ON audit (id);", "DROP INDEX ix_audit_id;"});
  auto above = stairway({"-r", "y1:heads"});
  EXPECT_EQ(above.status, 0) << describe(above);
  EXPECT_TRUE(contains(above.out, "Applied 7 revision(s) below the range first (not tested).\nok    y1")) << above.out;
}

// Each revision passes on its own, but t2's downgrade leaves its rows behind, and t1's
// downgrade cannot run over them: found on the way down to base.
TEST_F(StairwayCliTest, NamesARevisionWhoseDowngradeFailsOnTheWayDownToBase) {
  write_revision("t1.sql",
                 {"t1", "", "CREATE TABLE t (x INTEGER);", "CREATE UNIQUE INDEX ux_t_x ON t (x);\nDROP TABLE t;"});
  write_revision("t2.sql", {"t2", "\"t1\"", "ALTER TABLE t ADD COLUMN y INTEGER;\nINSERT INTO t (x) VALUES (1);",
                            "ALTER TABLE t DROP COLUMN y;"});
  auto r = stairway();
  EXPECT_EQ(r.status, 1) << describe(r);
  EXPECT_TRUE(contains(r.out, "ok    t1  revision t1\nok    t2  revision t2\nFAIL  t1  revision t1\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "  the downgrade fails on the way down to base:\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "CREATE UNIQUE INDEX ux_t_x")) << r.out;
  EXPECT_TRUE(contains(r.out, "Stairway test failed at t1: the downgrade fails on the way down to base.")) << r.out;

  auto json = stairway({"--format", "json"});
  EXPECT_EQ(json.status, 1) << describe(json);
  EXPECT_TRUE(contains(json.out, "{\"ok\": false, \"tested\": 2, ")) << json.out;
  EXPECT_FALSE(contains(json.out, "\"ok\": false}")) << json.out;  // both revisions passed their own stairs
  EXPECT_TRUE(contains(json.out, "\"failure\": {\"revision\": \"t1\", \"phase\": \"final_downgrade_fails\""))
      << json.out;
}

TEST_F(StairwayCliTest, RevRangeLimitsTheRevisionsTested) {
  write_branchy_project();
  write_top("ALTER TABLE tenants ADD COLUMN region VARCHAR(20);", "ALTER TABLE tenants DROP COLUMN plan;");
  auto r = stairway({"-r", "a2:b1"});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "Applied 1 revision(s) below the range first (not tested).")) << r.out;
  EXPECT_TRUE(contains(r.out, "ok    a2") && contains(r.out, "ok    b1")) << r.out;
  EXPECT_FALSE(contains(r.out, "ok    a1") || contains(r.out, "ok    c1") || contains(r.out, "x1")) << r.out;
  EXPECT_TRUE(contains(r.out, "Stairway test passed: 2 revision(s) went up, down and up again; down to where the "
                              "range starts, the schema is as it was."))
      << r.out;

  auto top = stairway({"-r", "n1:", "--format", "json"});
  EXPECT_EQ(top.status, 1) << describe(top);
  EXPECT_TRUE(contains(top.out, "\"prepared\": [\"a1\", \"a2\", ")) << top.out;
  EXPECT_TRUE(contains(top.out, "\"tested\": 1")) << top.out;

  auto bad = stairway({"-r", "n1"});
  EXPECT_EQ(bad.status, 2) << describe(bad);
}

TEST_F(StairwayCliTest, JsonNamesEachRevisionAndTheFailure) {
  write_branchy_project();
  auto ok = stairway({"--format", "json"});
  EXPECT_EQ(ok.status, 0) << describe(ok);
  EXPECT_TRUE(contains(ok.out, "{\"ok\": true, \"tested\": 6, \"revisions\": [{\"revision\": \"a1\", \"message\": "
                               "\"revision a1\", \"ok\": true}, {\"revision\": \"a2\""))
      << ok.out;
  EXPECT_TRUE(contains(ok.out, "\"prepared\": [], \"failure\": null, \"scratch\": \"")) << ok.out;

  write_top("ALTER TABLE users ADD COLUMN region VARCHAR(20);\nCREATE INDEX ix_users_tenant_email ON users (tenant_id, "
            "email);",
            "ALTER TABLE users DROP COLUMN region;");
  auto failed = stairway({"--format", "json"});
  EXPECT_EQ(failed.status, 1) << describe(failed);
  EXPECT_TRUE(contains(failed.out, "{\"ok\": false, \"tested\": 6, ")) << failed.out;
  EXPECT_TRUE(contains(failed.out, "{\"revision\": \"x1\", \"message\": \"revision x1\", \"ok\": false}"))
      << failed.out;
  EXPECT_TRUE(contains(failed.out, "\"failure\": {\"revision\": \"x1\", \"phase\": \"downgrade_differs\", \"message\": "
                                   "\"the downgrade does not restore the schema\", \"differences\": [{\"change\": "
                                   "\"extra\", \"kind\": \"index\", \"object\": \"" +
                                       p() + "ix_users_tenant_email\""))
      << failed.out;
  EXPECT_TRUE(contains(failed.out, "\"error\": null")) << failed.out;
  const auto name = scratch_name(failed.out);
  ASSERT_FALSE(name.empty()) << failed.out;
  EXPECT_FALSE(scratch_exists(name)) << name;
}

TEST_F(StairwayCliTest, TheTargetDatabaseIsUntouched) {
  write_branchy_project();
  ASSERT_EQ(migrate({"upgrade", "b1"}).status, 0);
  exec("INSERT INTO users (id, tenant_id, email) VALUES (1, 'default', 'a@example.com')");
  const auto rows = version_rows();
  const auto schema = schema_snapshot();
  const auto journal = column("SELECT count(*) FROM migrate_version_journal");
  auto r = stairway();
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(version_rows(), rows);
  EXPECT_EQ(schema_snapshot(), schema);
  EXPECT_EQ(column("SELECT count(*) FROM migrate_version_journal"), journal);
  EXPECT_EQ(column("SELECT email FROM users"), std::vector<std::string>{"a@example.com"});
}

TEST_F(StairwayCliTest, TheScratchDatabaseIsGoneAfterASignal) {
  write_revision("a_knob.sql", {"aa1", "", "CREATE TABLE knob (n INTEGER);\nINSERT INTO knob VALUES (1000000000);",
                                "DROP TABLE knob;"});
  const std::string slow =
      k_postgres ? "SELECT pg_sleep(30);"
                 : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < (SELECT n FROM knob)) "
                   "SELECT count(*) FROM c;";
  write_revision("b_slow.sql", {"bb2", "\"aa1\"", "CREATE TABLE slow_t (x INTEGER);\n" + slow, "DROP TABLE slow_t;"});
  std::filesystem::create_directories(scratch_dir());
  auto running = start_migrate({"test", "-v"}, {{"TMPDIR", scratch_dir().string()}});
  // A failed wait below must not leave the run counting (or a scratch database behind).
  struct KillUnlessCollected {
    int pid;
    ~KillUnlessCollected() {
      if (pid <= 0) return;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  } guard{running.pid};
  // aa1 went up, down and up again (three journal rows) and was reported (the comparison after
  // its third step comes before the line): bb2's slow upgrade runs next.
  ASSERT_TRUE(wait_for_slow_scratch_statement(
      "SELECT count(*) = 3 FROM migrate_version_journal WHERE revision = 'aa1'"));
  ASSERT_TRUE(wait_for_output(running, "ok    aa1"));
  ::kill(running.pid, SIGTERM);
  guard.pid = -1;
  auto ended = wait_process(running);
  EXPECT_EQ(ended.status, 128 + SIGTERM) << describe(ended);
  EXPECT_TRUE(contains(ended.err, "interrupted")) << ended.err;
  EXPECT_TRUE(contains(ended.out, "ok    aa1  revision aa1\n")) << ended.out;  // printed as it passed
  const auto name = scratch_name(ended.err);
  ASSERT_FALSE(name.empty()) << ended.err;
  EXPECT_FALSE(scratch_exists(name)) << name;
}

class StairwaySampleProjectTest : public StairwayCliTest {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(m_dir.path());
    std::filesystem::copy(std::filesystem::path(MIGRATE_SOURCE_DIR) / "migrations", m_dir.path() / "migrations",
                          std::filesystem::copy_options::recursive);
    StairwayCliTest::SetUp();
  }
};

TEST_F(StairwaySampleProjectTest, PassesOnTheSampleProject) {
  auto r = stairway();
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "ok    5e8f1c4b03d6")) << r.out;
  EXPECT_TRUE(contains(r.out, "Stairway test passed: 9 revision(s)")) << r.out;
}

}  // namespace
}  // namespace migrate::test

// End-to-end on PostgreSQL: `--targets` over 200 tenant schemas of one database and over 20
// databases found by a query; a revision failing on three tenants with a failure budget of
// two, and the run after the fix; a canary; four fleet runs at once applying every revision
// exactly once per target; passwords of target URLs never shown.
#include <signal.h>

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <thread>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

using nlohmann::json;

constexpr int k_tenants = 200;

std::string tenant(int i) {
  char name[16];
  std::snprintf(name, sizeof name, "t%03d", i);
  return name;
}

class FleetCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    write_revision("a.sql", {"aaa1", "", "CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL);",
                             "DROP TABLE items;"});
    write_revision("b.sql", {"bbb2", "\"aaa1\"", "CREATE INDEX items_qty ON items (qty);", "DROP INDEX items_qty;"});
  }

  /// `k_tenants` schemas t001..t200 listed in a `tenants` table, and a target set of them.
  void make_tenant_schemas() {
    std::string sql = "CREATE TABLE public.tenants (schema_name text PRIMARY KEY);";
    for (int i = 1; i <= k_tenants; ++i)
      sql += "CREATE SCHEMA " + tenant(i) + "; INSERT INTO public.tenants VALUES ('" + tenant(i) + "');";
    connect()->execute_script(sql);
    write_config("[targets.tenants]\nschemas_query = \"SELECT schema_name FROM public.tenants ORDER BY 1\"\n");
  }

  /// Runs `args` with --format json and parses stdout.
  json run_json(std::vector<std::string> args, int expected_status) {
    args.insert(args.begin(), {"--format", "json"});
    auto r = migrate(args);
    EXPECT_EQ(r.status, expected_status) << describe(r);
    try {
      return json::parse(r.out);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not JSON: " << e.what() << "\n" << describe(r);
      return json::object();
    }
  }

  /// Target name -> status.
  static std::map<std::string, std::string> statuses(const json& doc) {
    std::map<std::string, std::string> out;
    for (const auto& t : doc.at("targets")) out[t.at("target").get<std::string>()] = t.at("status").get<std::string>();
    return out;
  }

  std::vector<std::string> tenant_rows(const std::string& schema) const {
    return column("SELECT version_num FROM " + schema + ".migrate_version ORDER BY 1");
  }

  /// How many journal rows record `revision` applied in `schema`.
  int applied_count(const std::string& schema, const std::string& revision) const {
    return std::stoi(column("SELECT count(*) FROM " + schema + ".migrate_version_journal WHERE revision = '" +
                            revision + "' AND direction = 'upgrade' AND status = 'applied'")
                         .at(0));
  }
};

TEST_F(FleetCliTest, EveryTenantSchemaIsMigratedInItsOwnSchemaAndARunAtHeadChangesNothing) {
  make_tenant_schemas();
  auto doc = run_json({"upgrade", "head", "--targets", "tenants", "--concurrency", "4"}, 0);
  ASSERT_EQ(doc.at("targets").size(), std::size_t(k_tenants));
  EXPECT_EQ(doc.at("summary").at("applied"), k_tenants);
  const auto& first = doc.at("targets").at(0);
  EXPECT_EQ(first.at("target"), "t001");
  EXPECT_EQ(first.at("heads_before"), json::array());
  EXPECT_EQ(first.at("heads_after"), json::array({"bbb2"}));
  EXPECT_EQ(first.at("steps").size(), 2u);
  EXPECT_TRUE(first.at("error").is_null());
  for (int i : {1, 77, 200}) {
    EXPECT_EQ(tenant_rows(tenant(i)), std::vector<std::string>{"bbb2"});
    EXPECT_EQ(column("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + tenant(i) + "' AND indexname = 'items_qty'"),
              std::vector<std::string>{"1"});
  }
  // The revisions named their tables unqualified: they went to each tenant, not to public.
  EXPECT_EQ(column("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'tenants'"),
            std::vector<std::string>{"0"});

  auto again = run_json({"upgrade", "head", "--targets", "tenants"}, 0);
  EXPECT_EQ(again.at("summary").at("up_to_date"), k_tenants);
  EXPECT_EQ(applied_count("t100", "aaa1"), 1);

  auto current = migrate({"current", "--targets", "tenants"});
  ASSERT_EQ(current.status, 0) << describe(current);
  EXPECT_TRUE(contains(current.out, "t042: bbb2\n")) << current.out;
  EXPECT_TRUE(contains(current.out, "200 up to date, 0 behind, 0 failed, 0 not started")) << current.out;
}

TEST_F(FleetCliTest, StatusDriftAndCheckReadEachTenantInItsOwnSchema) {
  make_tenant_schemas();
  ASSERT_EQ(migrate({"upgrade", "head", "--targets", "tenants"}).status, 0);
  exec("ALTER TABLE t007.items ADD COLUMN note text");  // by hand, in one tenant
  exec("DROP INDEX t123.items_qty; UPDATE t123.migrate_version SET version_num = 'aaa1'");  // one revision back

  // Each tenant's expected schema is replayed inside a schema of its name: all clean but t007.
  auto drift = run_json({"drift", "--targets", "tenants", "--concurrency", "4"}, 1);
  auto status = statuses(drift);
  EXPECT_EQ(status["t007"], "drifted");
  EXPECT_EQ(status["t001"], "clean");
  EXPECT_EQ(status["t123"], "clean") << "compared with its own heads";
  EXPECT_EQ(drift.at("summary").at("clean"), k_tenants - 1);
  for (const auto& t : drift.at("targets"))
    if (t.at("target") == "t007") {
      ASSERT_EQ(t.at("differences").size(), 1u) << t.dump();
      EXPECT_EQ(t.at("differences").at(0).at("object"), "t007.items.note");
    }

  // A tenant records no fingerprint (check_drift is off), which is no warning here.
  auto check = run_json({"check", "--targets", "tenants"}, 1);
  status = statuses(check);
  EXPECT_EQ(status["t123"], "problems");
  EXPECT_EQ(status["t001"], "up_to_date");
  EXPECT_EQ(check.at("summary").at("up_to_date"), k_tenants - 1);
  for (const auto& t : check.at("targets"))
    if (t.at("target") == "t001") EXPECT_EQ(t.at("problems"), json::array()) << t.dump();

  auto pending = run_json({"status", "--targets", "tenants"}, 0);
  for (const auto& t : pending.at("targets"))
    if (t.at("target") == "t123") EXPECT_EQ(t.at("pending"), json::array({"bbb2"})) << t.dump();
  EXPECT_EQ(pending.at("summary").at("behind"), 1);
}

TEST_F(FleetCliTest, FailureBudgetStopsNewTargetsAndASecondRunAfterTheFixCompletesTheRest) {
  make_tenant_schemas();
  ASSERT_EQ(migrate({"upgrade", "head", "--targets", "tenants"}).status, 0);
  // Three tenants hold a row the new constraint refuses.
  const std::set<std::string> bad{"t010", "t020", "t150"};
  for (const auto& schema : bad) exec("INSERT INTO " + schema + ".items VALUES (1, -5)");
  write_revision("c.sql", {"ccc3", "\"bbb2\"", "ALTER TABLE items ADD CONSTRAINT qty_positive CHECK (qty > 0);",
                           "ALTER TABLE items DROP CONSTRAINT qty_positive;"});

  auto doc = run_json({"upgrade", "head", "--targets", "tenants", "--max-failures", "2", "--concurrency", "4"}, 3);
  auto status = statuses(doc);
  EXPECT_EQ(status["t010"], "failed");
  EXPECT_EQ(status["t020"], "failed");
  EXPECT_EQ(status["t150"], "not_started") << "no new target starts once two have failed";
  EXPECT_EQ(status["t001"], "applied");
  EXPECT_EQ(doc.at("summary").at("failed"), 2);
  // How many start while t020 fails depends on how fast the others are (a failed target's
  // connection is closed and the slot connects again): most of the list, not a set number.
  EXPECT_GE(doc.at("summary").at("not_started").get<int>(), 100);
  for (const auto& t : doc.at("targets")) {
    if (t.at("status") != "failed") continue;
    EXPECT_EQ(t.at("error").at("kind"), "database");
    EXPECT_EQ(t.at("error").at("revision"), "ccc3");
    EXPECT_EQ(t.at("heads_before"), json::array({"bbb2"}));
  }
  // A failed tenant was rolled back; a tenant that never started was not touched.
  EXPECT_EQ(tenant_rows("t010"), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(tenant_rows("t199"), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(column("SELECT count(*) FROM pg_constraint WHERE conname = 'qty_positive'"),
            std::vector<std::string>{std::to_string(doc.at("summary").at("applied").get<int>())});

  for (const auto& schema : bad) exec("DELETE FROM " + schema + ".items WHERE qty < 0");
  auto rerun = run_json({"upgrade", "head", "--targets", "tenants", "--max-failures", "2"}, 0);
  auto after = statuses(rerun);
  EXPECT_EQ(after["t010"], "applied");
  EXPECT_EQ(after["t150"], "applied");
  EXPECT_EQ(after["t001"], "up_to_date");
  EXPECT_EQ(rerun.at("summary").at("failed"), 0);
  for (int i = 1; i <= k_tenants; ++i) ASSERT_EQ(tenant_rows(tenant(i)), std::vector<std::string>{"ccc3"}) << tenant(i);
}

TEST_F(FleetCliTest, CanaryRunsAloneFirstAndItsFailureStartsNothingElse) {
  make_tenant_schemas();
  exec("INSERT INTO public.tenants VALUES ('t000')");
  exec("CREATE SCHEMA t000");
  // t000 sorts first: its revision aaa1 fails, as its table exists already.
  exec("CREATE TABLE t000.items (id int)");
  auto failed = run_json({"upgrade", "head", "--targets", "tenants", "--canary", "1"}, 3);
  EXPECT_EQ(statuses(failed)["t000"], "failed");
  EXPECT_EQ(failed.at("summary").at("not_started"), k_tenants);

  exec("DROP TABLE t000.items");
  auto doc = run_json({"upgrade", "head", "--targets", "tenants", "--canary", "1", "--concurrency", "4"}, 0);
  EXPECT_EQ(doc.at("summary").at("applied"), k_tenants + 1);
  // The canary's last step committed before any other tenant's first step started.
  auto canary_done = column("SELECT max(finished_at) FROM t000.migrate_version_journal").at(0);
  std::string others_started = "SELECT min(started_at) FROM (";
  for (int i = 1; i <= k_tenants; ++i)
    others_started += (i > 1 ? " UNION ALL " : "") + std::string("SELECT started_at FROM ") + tenant(i) +
                      ".migrate_version_journal";
  others_started += ") s";
  EXPECT_LT(canary_done, column(others_started).at(0));
}

TEST_F(FleetCliTest, FourFleetRunsAtOnceApplyEveryRevisionOncePerTarget) {
  make_tenant_schemas();
  std::vector<BackgroundProcess> runs;
  for (int i = 0; i < 4; ++i)
    runs.push_back(start_migrate({"upgrade", "head", "--targets", "tenants", "--concurrency", "2"}));
  for (auto& run : runs) {
    auto r = wait_process(run);
    EXPECT_EQ(r.status, 0) << describe(r);
  }
  for (int i = 1; i <= k_tenants; ++i) {
    ASSERT_EQ(applied_count(tenant(i), "aaa1"), 1) << tenant(i);
    ASSERT_EQ(applied_count(tenant(i), "bbb2"), 1) << tenant(i);
    ASSERT_EQ(tenant_rows(tenant(i)), std::vector<std::string>{"bbb2"}) << tenant(i);
  }
}

TEST_F(FleetCliTest, ARoleOrTemporaryTableATenantLeftOnTheSharedConnectionDoesNotReachTheNext) {
  const std::string role = "migrate_tenant_role_" + std::to_string(::getpid());
  connect()->execute_script("CREATE TABLE public.tenants (schema_name text PRIMARY KEY); CREATE SCHEMA t001; "
                            "CREATE SCHEMA t002; INSERT INTO public.tenants VALUES ('t001'), ('t002'); CREATE ROLE " +
                            role + "; GRANT " + role + " TO CURRENT_USER; GRANT CREATE, USAGE ON SCHEMA t001 TO " +
                            role + "; ALTER DEFAULT PRIVILEGES IN SCHEMA t001 GRANT ALL ON TABLES TO " + role +
                            "; ALTER DEFAULT PRIVILEGES IN SCHEMA t001 GRANT ALL ON SEQUENCES TO " + role);
  const std::string me = column("SELECT current_user").at(0);
  write_config("[targets.tenants]\nschemas_query = \"SELECT schema_name FROM public.tenants ORDER BY 1\"\n");
  run_json({"upgrade", "head", "--targets", "tenants"}, 0);
  // The next revision leaves a temporary table on the session and, in t001, a role, as a
  // data migration might (the role may write t001's bookkeeping tables, and may not even look
  // into t002, whose version table is read before its revisions); one worker takes both
  // tenants on one connection.
  write_revision("c.sql", {"ccc3", "\"bbb2\"",
                           "CREATE TEMP TABLE carried (x int);\nDO $$ BEGIN IF current_schema() = 't001' THEN EXECUTE "
                           "'SET ROLE " + role + "'; END IF; END $$;\nCREATE TABLE owned (x int);",
                           "DROP TABLE owned;"});
  auto doc = run_json({"upgrade", "head", "--targets", "tenants", "--concurrency", "1"}, 0);
  EXPECT_EQ(statuses(doc), (std::map<std::string, std::string>{{"t001", "applied"}, {"t002", "applied"}}));
  auto owner = [&](const std::string& schema, const std::string& table) {
    return column("SELECT tableowner FROM pg_tables WHERE schemaname = '" + schema + "' AND tablename = '" + table + "'");
  };
  EXPECT_EQ(owner("t001", "owned"), std::vector<std::string>{role}) << "the role holds within its tenant";
  EXPECT_EQ(owner("t002", "owned"), std::vector<std::string>{me}) << "the next tenant starts as the user";
  connect()->execute_script("DROP SCHEMA t001 CASCADE; DROP SCHEMA t002 CASCADE; DROP OWNED BY " + role +
                            "; DROP ROLE " + role);
}

TEST_F(FleetCliTest, ASignalStopsTheRunningTargetStartsNoOtherAndExitsWithItsStatus) {
  std::string sql = "CREATE TABLE public.tenants (schema_name text PRIMARY KEY);";
  for (int i = 1; i <= 5; ++i) sql += "CREATE SCHEMA " + tenant(i) + "; INSERT INTO public.tenants VALUES ('" + tenant(i) + "');";
  connect()->execute_script(sql);
  write_config("[targets.tenants]\nschemas_query = \"SELECT schema_name FROM public.tenants ORDER BY 1\"\n");
  write_revision("c.sql", {"ccc3", "\"bbb2\"", "SELECT pg_sleep(20);", "SELECT 1;"});
  auto run = start_migrate({"--format", "json", "upgrade", "head", "--targets", "tenants", "--concurrency", "1"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  // The statement opens its transaction, so the BEGIN is sent with it.
  while (column("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%SELECT pg_sleep(20)%' "
                "AND pid <> pg_backend_pid()") !=
             std::vector<std::string>{"1"} &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(kill(run.pid, SIGINT), 0);
  auto r = wait_process(run);
  ASSERT_EQ(r.status, 130) << describe(r);
  auto doc = json::parse(r.out);
  auto status = statuses(doc);
  EXPECT_EQ(status["t001"], "failed");
  EXPECT_EQ(doc.at("targets").at(0).at("error").at("kind"), "interrupted");
  EXPECT_EQ(doc.at("summary").at("not_started"), 4);
  // The interrupted revision was rolled back; the two before it stay.
  EXPECT_EQ(tenant_rows("t001"), std::vector<std::string>{"bbb2"});
}

TEST_F(FleetCliTest, ASignalWhileATargetWaitsForItsLockEndsTheWaitAtOnce) {
  connect()->execute_script("CREATE TABLE public.tenants (schema_name text PRIMARY KEY); CREATE SCHEMA t001; "
                            "INSERT INTO public.tenants VALUES ('t001');");
  write_config("[targets.tenants]\nschemas_query = \"SELECT schema_name FROM public.tenants ORDER BY 1\"\n");
  // Longer than the test's waits can take: it is cancelled at the end.
  write_revision("c.sql", {"ccc3", "\"bbb2\"", "SELECT pg_sleep(120);", "SELECT 1;"});
  // The first run holds t001's lock while its last revision sleeps.
  auto holder = start_migrate({"upgrade", "head", "--targets", "tenants"});
  // Sessions of this test's database only: other tests share the server.
  const std::string lock_polls =
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE "
      "'SELECT pg_catalog.pg_try_advisory_lock(%'";
  const std::string sleeping =
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE "
      "'%SELECT pg_sleep(120)%' AND pid <> pg_backend_pid()";
  ASSERT_TRUE(wait_for(sleeping, "1", std::chrono::seconds(30))) << describe(wait_process(holder));
  ASSERT_EQ(column(lock_polls).at(0), "1");
  // The second waits for it (its lock session polls), with a lock timeout far away.
  auto waiter = start_migrate({"--format", "json", "upgrade", "head", "--targets", "tenants", "--lock-timeout", "120"});
  ASSERT_TRUE(wait_for(lock_polls, "2", std::chrono::seconds(30))) << describe(wait_process(waiter));
  const auto signalled = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(waiter.pid, SIGINT), 0);
  auto r = wait_process(waiter);
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(10)) << describe(r);
  ASSERT_EQ(r.status, 130) << describe(r);
  auto doc = json::parse(r.out);
  EXPECT_EQ(statuses(doc)["t001"], "failed");
  const auto& error = doc.at("targets").at(0).at("error");
  EXPECT_EQ(error.at("kind"), "interrupted");
  EXPECT_NE(error.at("message").get<std::string>().find("while waiting for the migration lock"), std::string::npos)
      << r.out;
  // The holder was not disturbed: still in its revision, which a signal of its own rolls back.
  EXPECT_EQ(column(sleeping).at(0), "1");
  ASSERT_EQ(kill(holder.pid, SIGINT), 0);
  EXPECT_EQ(wait_process(holder).status, 130);
  EXPECT_EQ(tenant_rows("t001"), std::vector<std::string>{"bbb2"});
}

/// Databases of the test server found by a query on a control database.
class FleetDatabasesCliTest : public FleetCliTest {
 protected:
  void TearDown() override {
    auto admin = connect();
    for (const auto& name : m_databases) admin->execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
    FleetCliTest::TearDown();
  }

  /// `n` new databases, listed with a password in their URLs in a `tenant_databases` table.
  void make_databases(int n) {
    auto db = connect();
    db->execute("CREATE TABLE tenant_databases (n int, url text)");
    const auto at = url().find('@');
    const auto slash = url().rfind('/');
    for (int i = 0; i < n; ++i) {
      auto name = current_database() + "_d" + std::to_string(i);
      db->execute("CREATE DATABASE \"" + name + "\"");
      m_databases.push_back(name);
      auto with_password = url().substr(0, at) + ":s3cret-pw" + url().substr(at, slash + 1 - at) + name;
      db->execute("INSERT INTO tenant_databases VALUES (" + std::to_string(i) + ", '" + with_password + "')");
      m_urls.push_back(url().substr(0, slash + 1) + name);
    }
    write_config("[targets.dbs]\nquery = \"SELECT url FROM tenant_databases ORDER BY n\"\ncontrol_url = \"" + url() +
                 "\"\n");
  }

  std::string current_database() const { return column("SELECT current_database()").at(0); }

  std::vector<std::string> m_databases;
  std::vector<std::string> m_urls;  ///< without the password
};

TEST_F(FleetDatabasesCliTest, TwentyDatabasesFromAQueryAreMigratedAndNoPasswordIsShown) {
  make_databases(20);
  auto r = migrate({"upgrade", "head", "--targets", "dbs", "--concurrency", "4", "-v"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "20 target(s)")) << r.out;
  EXPECT_FALSE(contains(r.out + r.err, "s3cret-pw")) << describe(r);
  for (const auto& target_url : m_urls) {
    auto db = backend::open(target_url);
    auto rows = db->query("SELECT version_num FROM migrate_version");
    ASSERT_EQ(rows.size(), 1u) << target_url;
    EXPECT_EQ(*rows.at(0).at(0), "bbb2");
  }
  auto doc = run_json({"current", "--targets", "dbs"}, 0);
  for (const auto& t : doc.at("targets")) {
    EXPECT_FALSE(contains(t.at("target").get<std::string>(), "s3cret-pw"));
    EXPECT_TRUE(contains(t.at("target").get<std::string>(), "***")) << t.at("target");
  }
  EXPECT_EQ(doc.at("summary").at("up_to_date"), 20);

  // Drift moves each worker from database to database: its scratch database is dropped (through
  // the connection that made it) before that connection moves on, with no warning of a drop
  // that failed.
  backend::open(m_urls.at(5))->execute("ALTER TABLE items ADD COLUMN note text");
  auto drift = migrate({"--format", "json", "drift", "--targets", "dbs", "--concurrency", "2", "-v"});
  EXPECT_EQ(drift.status, 1) << describe(drift);
  EXPECT_TRUE(contains(drift.out, "\"clean\": 19, \"drifted\": 1")) << drift.out;
  EXPECT_TRUE(contains(drift.err, "replaying on temporary database migrate_scratch_")) << drift.err;
  EXPECT_FALSE(contains(drift.err, "could not drop")) << drift.err;
  EXPECT_FALSE(contains(drift.out + drift.err, "s3cret-pw")) << describe(drift);
}

TEST_F(FleetDatabasesCliTest, AFailingTargetsErrorNeverShowsItsPassword) {
  make_databases(2);
  const auto slash = url().rfind('/');
  const auto at = url().find('@');
  exec("INSERT INTO tenant_databases VALUES (9, '" + url().substr(0, at) + ":s3cret-pw" +
       url().substr(at, slash + 1 - at) + "no_such_database_here')");
  auto r = migrate({"--format", "json", "upgrade", "head", "--targets", "dbs", "--max-failures", "5"});
  EXPECT_EQ(r.status, 3) << describe(r);
  EXPECT_FALSE(contains(r.out + r.err, "s3cret-pw")) << describe(r);
  auto doc = json::parse(r.out);
  ASSERT_EQ(doc.at("targets").size(), 3u);
  EXPECT_EQ(doc.at("targets").at(2).at("status"), "failed");
  EXPECT_TRUE(contains(doc.at("targets").at(2).at("error").at("message").get<std::string>(), "no_such_database_here"));
  EXPECT_EQ(doc.at("summary").at("applied"), 2);
}

}  // namespace
}  // namespace migrate::test

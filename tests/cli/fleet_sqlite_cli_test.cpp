// End-to-end on SQLite files: `--targets` over a list of databases, a failure that spends
// part of the budget while the others go on, `current` across the fleet, and the usage and
// configuration errors of the fleet flags.
#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

class FleetSqliteCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    write_revision("a.sql", {"aaa1", "", "CREATE TABLE items (id INTEGER PRIMARY KEY);", "DROP TABLE items;"});
    write_revision("b.sql", {"bbb2", "\"aaa1\"", "ALTER TABLE items ADD COLUMN qty INTEGER;",
                             "ALTER TABLE items DROP COLUMN qty;"});
    write_config("[targets.shops]\nurls = [\"sqlite:///one.db\", \"sqlite:///two.db\", \"sqlite:///three.db\"]\n");
  }

  std::vector<std::string> rows_of(const std::string& file) const {
    auto db = backend::open("sqlite:///" + (m_dir.path() / file).string(), backend::OpenMode::existing_only);
    std::vector<std::string> out;
    for (const auto& row : db->query("SELECT version_num FROM migrate_version")) out.push_back(*row.at(0));
    return out;
  }
};

TEST_F(FleetSqliteCliTest, EachDatabaseOfTheListIsMigratedAndAFailedOneIsReportedWithoutStoppingTheBudget) {
  // two.db already has a table the first revision creates.
  backend::open("sqlite:///" + (m_dir.path() / "two.db").string())->execute("CREATE TABLE items (id INTEGER)");
  auto r = migrate({"upgrade", "head", "--targets", "shops", "--max-failures", "2", "--concurrency", "1"});
  EXPECT_EQ(r.status, 3) << describe(r);
  // A relative path in the file is the project folder's, and the target is named by it.
  EXPECT_TRUE(contains(r.out, "sqlite:///" + (m_dir.path() / "two.db").string() + ": failed: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "shops: 3 target(s) in ")) << r.out;
  EXPECT_TRUE(contains(r.out, "2 applied, 0 up to date, 1 failed, 0 not started")) << r.out;
  EXPECT_FALSE(contains(r.err, "\r")) << "no progress line on a pipe";
  EXPECT_EQ(rows_of("one.db"), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(rows_of("three.db"), std::vector<std::string>{"bbb2"});

  auto json = migrate({"--format", "json", "current", "--targets", "shops"});
  ASSERT_EQ(json.status, 0) << describe(json);
  EXPECT_TRUE(contains(json.out, "two.db\", \"status\": \"behind\", \"heads_before\": [], \"heads_after\": []"))
      << json.out;
  EXPECT_TRUE(contains(json.out, "\"up_to_date\": 2, \"behind\": 1")) << json.out;
  EXPECT_EQ(migrate({"current", "--targets", "shops", "--check-heads"}).status, 1);

  backend::open("sqlite:///" + (m_dir.path() / "two.db").string())->execute("DROP TABLE items");
  auto again = migrate({"--format", "json", "upgrade", "head", "--targets", "shops"});
  ASSERT_EQ(again.status, 0) << describe(again);
  EXPECT_TRUE(contains(again.out, "\"applied\": 1, \"up_to_date\": 2, \"failed\": 0, \"not_started\": 0")) << again.out;
  EXPECT_EQ(rows_of("two.db"), std::vector<std::string>{"bbb2"});

  auto down = migrate({"downgrade", "aaa1", "--targets", "shops"});
  ASSERT_EQ(down.status, 0) << describe(down);
  for (const auto* file : {"one.db", "two.db", "three.db"}) EXPECT_EQ(rows_of(file), std::vector<std::string>{"aaa1"});
}

TEST_F(FleetSqliteCliTest, StatusDriftAndCheckReportEachTargetAndFailOnWhatTheyFind) {
  ASSERT_EQ(migrate({"upgrade", "head", "--targets", "shops"}).status, 0);
  // one.db: a column added by hand (drift); two.db: one revision back (behind); three.db: fine.
  backend::open("sqlite:///" + (m_dir.path() / "one.db").string())->execute("ALTER TABLE items ADD COLUMN note TEXT");
  ASSERT_EQ(migrate({"--url", "sqlite:///two.db", "downgrade", "-1"}).status, 0);

  auto status = migrate({"--format", "json", "status", "--targets", "shops"});
  ASSERT_EQ(status.status, 0) << describe(status);
  EXPECT_TRUE(contains(status.out, "two.db\", \"status\": \"behind\", \"heads_before\": [\"aaa1\"]")) << status.out;
  EXPECT_TRUE(contains(status.out, "\"pending\": [\"bbb2\"], \"partial\": []")) << status.out;
  EXPECT_TRUE(contains(status.out, "\"up_to_date\": 2, \"behind\": 1, \"failed\": 0")) << status.out;
  auto status_text = migrate({"status", "--targets", "shops"});
  EXPECT_TRUE(contains(status_text.out, "two.db: aaa1, 1 pending\n")) << status_text.out;

  auto drift = migrate({"drift", "--targets", "shops"});
  EXPECT_EQ(drift.status, 1) << describe(drift);
  EXPECT_TRUE(contains(drift.out, "one.db: drifted\n  extra column items.note")) << drift.out;
  EXPECT_FALSE(contains(drift.out, "three.db")) << "a clean target has no line: " << drift.out;
  EXPECT_FALSE(contains(drift.out, "two.db")) << "compared with its own heads: " << drift.out;
  EXPECT_TRUE(contains(drift.out, "2 clean, 1 drifted, 0 failed, 0 not started")) << drift.out;
  auto drift_json = migrate({"--format", "json", "drift", "--targets", "shops"});
  EXPECT_TRUE(contains(drift_json.out, "\"differences\": [{\"change\": \"extra\", \"kind\": \"column\"")) << drift_json.out;

  auto check = migrate({"--format", "json", "check", "--targets", "shops"});
  EXPECT_EQ(check.status, 1) << describe(check);
  EXPECT_TRUE(contains(check.out, "two.db\", \"status\": \"problems\"")) << check.out;
  EXPECT_TRUE(contains(check.out, "\"check\": \"at_head\", \"severity\": \"error\"")) << check.out;
  EXPECT_TRUE(contains(check.out, "one.db\", \"status\": \"problems\"")) << "the fingerprint differs: " << check.out;
  EXPECT_TRUE(contains(check.out, "three.db\", \"status\": \"up_to_date\"")) << check.out;

  // Fixed: every command passes.
  backend::open("sqlite:///" + (m_dir.path() / "one.db").string())->execute("ALTER TABLE items DROP COLUMN note");
  ASSERT_EQ(migrate({"upgrade", "head", "--targets", "shops"}).status, 0);
  EXPECT_EQ(migrate({"drift", "--targets", "shops"}).status, 0);
  auto passed = migrate({"check", "--targets", "shops"});
  EXPECT_EQ(passed.status, 0) << describe(passed);
  EXPECT_TRUE(contains(passed.out, "shops: 3 target(s) in ")) << passed.out;
  EXPECT_TRUE(contains(passed.out, "3 up to date, 0 problems, 0 failed, 0 not started")) << passed.out;

  // A warning only (no fingerprint recorded for three.db's revisions): a problem with --strict.
  backend::open("sqlite:///" + (m_dir.path() / "three.db").string())
      ->execute("UPDATE migrate_version_journal SET schema_fingerprint = NULL");
  auto warned = migrate({"--format", "json", "check", "--targets", "shops"});
  EXPECT_EQ(warned.status, 0) << describe(warned);
  EXPECT_TRUE(contains(warned.out, "three.db\", \"status\": \"up_to_date\"")) << warned.out;
  EXPECT_TRUE(contains(warned.out, "\"check\": \"fingerprint\", \"severity\": \"warning\"")) << warned.out;
  auto strict = migrate({"--format", "json", "check", "--targets", "shops", "--strict"});
  EXPECT_EQ(strict.status, 1) << describe(strict);
  EXPECT_TRUE(contains(strict.out, "three.db\", \"status\": \"problems\"")) << strict.out;

  EXPECT_EQ(migrate({"drift", "--identify", "--targets", "shops"}).status, 2);
  EXPECT_EQ(migrate({"check", "--offline", "--targets", "shops"}).status, 2);
  EXPECT_EQ(migrate({"status", "--verbose", "--targets", "shops"}).status, 2);
}

TEST_F(FleetSqliteCliTest, CheckOfAFleetReportsABrokenProjectOnceWithoutTouchingTheTargets) {
  write_revision("c.sql", {"ccc3", "\"nope\"", "SELECT 1;", "SELECT 1;"});
  auto r = migrate({"check", "--targets", "shops"});
  EXPECT_EQ(r.status, 1) << describe(r);
  EXPECT_TRUE(contains(r.out, "graph")) << r.out;
  EXPECT_FALSE(contains(r.out, "target(s)")) << r.out;
  EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "one.db")) << "no target was opened";
}

TEST_F(FleetSqliteCliTest, FleetFlagsAndSectionsAreChecked) {
  auto alone = migrate({"upgrade", "head", "--concurrency", "2"});
  EXPECT_EQ(alone.status, 2) << describe(alone);
  EXPECT_TRUE(contains(alone.err, "go with --targets NAME")) << alone.err;

  auto unknown = migrate({"upgrade", "head", "--targets", "nope"});
  EXPECT_EQ(unknown.status, 2) << describe(unknown);
  EXPECT_TRUE(contains(unknown.err, "no [targets.nope] section")) << unknown.err;
  EXPECT_TRUE(contains(unknown.err, "known target sets: shops")) << unknown.err;

  auto modes = migrate({"upgrade", "head", "--targets", "shops", "--sql"});
  EXPECT_EQ(modes.status, 2) << describe(modes);
  auto zero = migrate({"upgrade", "head", "--targets", "shops", "--concurrency", "0"});
  EXPECT_EQ(zero.status, 2) << describe(zero);
  EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "one.db")) << "nothing ran";

  write_config("[targets.tenants]\nschemas_query = \"SELECT 1\"\n");
  auto schemas = migrate({"upgrade", "head", "--targets", "tenants"});
  EXPECT_EQ(schemas.status, 2) << describe(schemas);
  EXPECT_TRUE(contains(schemas.err, "schema-per-tenant targets need a PostgreSQL database")) << schemas.err;
}

}  // namespace
}  // namespace migrate::test

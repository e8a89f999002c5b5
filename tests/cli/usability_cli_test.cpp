// End-to-end command-line rough edges on both backends: an unknown command is named with
// the command it is probably a typo of, a dry run's last line says that nothing stayed,
// stamp steps name the rows they come from as Alembic does and `stamp --purge` has as many
// steps as Alembic's stamp, and the flags added for operations (`upgrade
// --allow-unversioned`, `stamp --reason`) are taken.
#include <algorithm>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

class UsabilityCliTest : public CliTest {
 protected:
  /// a → b, and b branches into c, e and f.
  void write_branch_point() {
    write_revision("a.sql", {"a", "", "CREATE TABLE ta (id INTEGER);", "DROP TABLE ta;"});
    write_revision("b.sql", {"b", "\"a\"", "CREATE TABLE tb (id INTEGER);", "DROP TABLE tb;"});
    for (const char* id : {"c", "e", "f"})
      write_revision(std::string(id) + ".sql", {id, "\"b\"", "SELECT 1;", "SELECT 1;"});
  }
};

TEST_F(UsabilityCliTest, UnknownCommandIsNamedWithTheClosestCommand) {
  auto r = migrate({"upgrde", "head"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "migrate: error: unknown command 'upgrde'\n")) << r.err;
  EXPECT_TRUE(contains(r.err, "hint: did you mean 'upgrade'?")) << r.err;
  EXPECT_EQ(r.out, "");

  auto json = migrate({"--format", "json", "dowgrade", "-1"});
  EXPECT_EQ(json.status, 2) << describe(json);
  EXPECT_EQ(json.out.rfind("{\"error\": {\"kind\": \"usage\", \"message\": \"unknown command 'dowgrade'\", \"hint\": "
                           "\"did you mean 'downgrade'?",
                           0),
            0U)
      << json.out;

  // Nothing close: no guess.
  auto far = migrate({"deploy"});
  EXPECT_EQ(far.status, 2) << describe(far);
  EXPECT_TRUE(contains(far.err, "unknown command 'deploy'")) << far.err;
  EXPECT_FALSE(contains(far.err, "did you mean")) << far.err;

  auto none = migrate({"--url", url()});
  EXPECT_EQ(none.status, 2) << describe(none);
  EXPECT_TRUE(contains(none.err, "no command given")) << none.err;

  // A known command with a bad option keeps the option's message.
  auto option = migrate({"upgrade", "head", "--nope"});
  EXPECT_EQ(option.status, 2) << describe(option);
  EXPECT_TRUE(contains(option.err, "--nope")) << option.err;
  EXPECT_FALSE(contains(option.err, "unknown command")) << option.err;
  EXPECT_FALSE(database_touched());
}

TEST_F(UsabilityCliTest, DryRunSaysTheDatabaseIsUnchanged) {
  write_branch_point();
  ASSERT_EQ(migrate({"upgrade", "a"}).status, 0);
  auto r = migrate({"upgrade", "b", "--dry-run"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.err, "dry run: 1 step(s) ran and were rolled back; the database is unchanged (heads still a)"))
      << r.err;
  EXPECT_FALSE(contains(r.err, "upgrade finished")) << r.err;
  EXPECT_EQ(version_rows(), std::vector<std::string>{"a"});
}

TEST_F(UsabilityCliTest, StampStepsNameTheRowsTheyComeFrom) {
  write_branch_point();
  auto sql = migrate({"stamp", "b:c", "b:e", "b:f", "--sql"});
  ASSERT_EQ(sql.status, 0) << describe(sql);
  EXPECT_TRUE(contains(sql.out, "-- Running stamp_revision b -> c\n")) << sql.out;
  EXPECT_TRUE(contains(sql.out, "-- Running stamp_revision b -> e\n")) << sql.out;
  EXPECT_TRUE(contains(sql.out, "-- Running stamp_revision b -> f\n")) << sql.out;

  ASSERT_EQ(migrate({"stamp", "b"}).status, 0);
  auto run = migrate({"stamp", "c", "e", "f"});
  ASSERT_EQ(run.status, 0) << describe(run);
  EXPECT_TRUE(contains(run.err, "Running stamp_revision b -> e\n")) << run.err;
  auto rows = version_rows();
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows, (std::vector<std::string>{"c", "e", "f"}));
}

TEST_F(UsabilityCliTest, StampPurgeHasAlembicsStepsWithTheDeletesFirst) {
  write_branch_point();
  ASSERT_EQ(migrate({"stamp", "c"}).status, 0);
  auto plan = migrate({"stamp", "a", "e", "f", "--purge", "--plan", "--format", "json"});
  ASSERT_EQ(plan.status, 0) << describe(plan);
  EXPECT_TRUE(contains(plan.out, "\"steps\": [{\"revision\": \"a\", \"direction\": \"stamp\", \"version_table_ops\": "
                                 "[[\"delete\", \"c\"], [\"insert\", \"a\"]]}, {\"revision\": \"e\", "))
      << plan.out;
  EXPECT_FALSE(contains(plan.out, "\"revision\": null")) << plan.out;

  auto run = migrate({"stamp", "a", "e", "f", "--purge", "--format", "json"});
  ASSERT_EQ(run.status, 0) << describe(run);
  EXPECT_EQ(column("SELECT count(*) FROM migrate_version_journal WHERE direction = 'stamp'"),
            std::vector<std::string>{"4"});  // the first stamp, then one row per step
  auto rows = version_rows();
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows, (std::vector<std::string>{"a", "e", "f"}));
}

TEST_F(UsabilityCliTest, OperationFlagsAreTaken) {
  write_branch_point();
  auto up = migrate({"upgrade", "b", "--allow-unversioned"});
  ASSERT_EQ(up.status, 0) << describe(up);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"b"});
  auto stamp = migrate({"stamp", "c", "--reason", "applied by hand"});
  ASSERT_EQ(stamp.status, 0) << describe(stamp);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"c"});
  auto plan = migrate({"stamp", "e", "--plan", "--reason", "why", "--format", "json"});
  EXPECT_EQ(plan.status, 2) << describe(plan);
  EXPECT_TRUE(contains(plan.out, "\"kind\": \"usage\"")) << plan.out;
}

}  // namespace
}  // namespace migrate::test

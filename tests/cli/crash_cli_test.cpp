// Crash test: the runner is killed with SIGKILL right after each
// statement of a 4-statement revision (MIGRATE_TEST_CRASH_AFTER_STATEMENT=k, runner.hpp).
// Transactional: after every kill the revision is wholly not applied (schema, version table
// and journal as before), and a later upgrade applies it. Non-transactional: `repair`
// reports k statements done of 4 and exits 5; `repair --resume` exits 0 and the schema
// equals what a clean run produces, compared through the catalog (schema_snapshot: SQLite
// sqlite_master, PostgreSQL information_schema.columns and pg_indexes), with the version
// table at the revision. Runs on SQLite files and on PostgreSQL.
#include <string>
#include <tuple>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

constexpr int k_statements = 4;
constexpr int k_sigkill_status = 128 + 9;

class CrashCliTest : public CliTest, public ::testing::WithParamInterface<std::tuple<bool, int>> {
 protected:
  bool transactional() const { return std::get<0>(GetParam()); }
  int kill_after() const { return std::get<1>(GetParam()); }

  void write_history() {
    write_revision("a_base.sql", {"aaa1", "", "CREATE TABLE base (id INTEGER);", "DROP TABLE base;"});
    write_revision("b_four.sql",
                   {"bbb2", "\"aaa1\"",
                    "CREATE TABLE items (id INTEGER PRIMARY KEY);\n"
                    "ALTER TABLE items ADD COLUMN name VARCHAR(40);\n"
                    "CREATE INDEX ix_items_name ON items (name);\n"
                    "INSERT INTO items (id, name) VALUES (1, 'first');",
                    "DROP INDEX ix_items_name;\nDROP TABLE items;",
                    transactional() ? "" : "-- transactional = false\n"});
  }

  /// The journal's rows of bbb2 as "direction status".
  std::vector<std::string> journal_of_bbb2() const {
    return column("SELECT direction || ' ' || status FROM migrate_version_journal WHERE revision = 'bbb2' ORDER BY id");
  }
};

TEST_P(CrashCliTest, KilledAfterEachStatement) {
  write_history();
  ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);
  auto before = schema_snapshot();

  // The count runs across the run; aaa1 is applied, so bbb2's statements are 1..4.
  auto killed = migrate({"upgrade", "head"}, {{"MIGRATE_TEST_CRASH_AFTER_STATEMENT", std::to_string(kill_after())}});
  ASSERT_EQ(killed.status, k_sigkill_status) << describe(killed);

  if (transactional()) {
    EXPECT_EQ(schema_snapshot(), before) << "k = " << kill_after();
    EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
    for (const auto& row : journal_of_bbb2()) EXPECT_NE(row, "upgrade applied");
    auto listing = migrate({"repair"});
    EXPECT_EQ(listing.status, 0) << describe(listing);
    auto up = migrate({"upgrade", "head"});
    ASSERT_EQ(up.status, 0) << describe(up);
    EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
    EXPECT_EQ(column("SELECT count(*) FROM items"), std::vector<std::string>{"1"});
    return;
  }

  EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
  auto listing = migrate({"repair"});
  EXPECT_EQ(listing.status, 5) << describe(listing);
  EXPECT_TRUE(contains(listing.out, "Revision bbb2: upgrade was interrupted after statement " +
                                        std::to_string(kill_after()) + " of " + std::to_string(k_statements)))
      << listing.out;
  auto json = migrate({"repair", "--format", "json"});
  EXPECT_TRUE(contains(json.out, "\"statements_done\": " + std::to_string(kill_after()))) << json.out;
  EXPECT_TRUE(contains(json.out, "\"status\": \"running\"")) << json.out;
  // Every statement reported as done has its effect in the catalog.
  EXPECT_FALSE(contains(json.out, "\"actual\": \"absent\"")) << json.out;

  auto resumed = migrate({"repair", "--resume"});
  ASSERT_EQ(resumed.status, 0) << describe(resumed);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(column("SELECT count(*) FROM items"), std::vector<std::string>{"1"}) << "no statement ran twice";
  EXPECT_EQ(migrate({"repair"}).status, 0);
  auto after_resume = schema_snapshot();

  // What a clean run produces, on the same database.
  ASSERT_EQ(migrate({"downgrade", "aaa1"}).status, 0);
  EXPECT_EQ(schema_snapshot(), before);
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  EXPECT_EQ(after_resume, schema_snapshot()) << "k = " << kill_after();
}

INSTANTIATE_TEST_SUITE_P(EveryStatement, CrashCliTest,
                         ::testing::Combine(::testing::Bool(), ::testing::Range(1, k_statements + 1)),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param) ? "Transactional" : "NonTransactional") +
                                  "KilledAfter" + std::to_string(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace migrate::test

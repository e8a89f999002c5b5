// End-to-end: the runner's own bookkeeping and how commands reach the database.
//  - A revision that empties `search_path` (as pg_dump output does) is applied and recorded:
//    the version table, the journal and the lock key are named fully qualified with the
//    schema resolved when migrate connected. SQLite has no search_path: the same project runs
//    there through its own dialect section, and its bookkeeping stays unqualified.
//  - `${VAR}` in the configured URL is read only by commands that connect.
//  - Commands that only read never create a database (a mistyped SQLite path).
#include <filesystem>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

std::string revision(const std::string& id, const std::string& down, const std::string& body) {
  return "-- migrate:revision\n-- revision = \"" + id + "\"\n-- down_revision = \"" + down + "\"\n-- message = \"" +
         id + "\"\n\n" + body;
}

class BookkeepingCliTest : public CliTest {};

TEST_F(BookkeepingCliTest, RevisionThatEmptiesTheSearchPathIsRecorded) {
  const std::string clear = k_postgres ? "SELECT pg_catalog.set_config('search_path', '', false);\n" : "";
  const std::string table = k_postgres ? "public.t" : "t";
  m_dir.write("migrations/versions/a_dump.sql",
              revision("aaa1", "", "-- migrate:upgrade\n" + clear + "CREATE TABLE " + table +
                                       " (id INTEGER);\n\n-- migrate:downgrade\n" + clear + "DROP TABLE " + table +
                                       ";\n"));
  const std::string next = k_postgres ? "public.u" : "u";
  m_dir.write("migrations/versions/b_next.sql",
              revision("bbb2", "aaa1", "-- migrate:upgrade\nCREATE TABLE " + next +
                                           " (id INTEGER);\n\n-- migrate:downgrade\nDROP TABLE " + next + ";\n"));
  // One run: the second revision and the bookkeeping of both run after the path was emptied.
  auto up = migrate({"upgrade", "head"});
  ASSERT_EQ(up.status, 0) << describe(up);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(column("SELECT revision || ' ' || status FROM migrate_version_journal ORDER BY id"),
            (std::vector<std::string>{"aaa1 applied", "bbb2 applied"}));
  EXPECT_TRUE(has_table("t"));
  EXPECT_TRUE(has_table("u"));

  auto current = migrate({"current"});
  EXPECT_EQ(current.status, 0) << describe(current);
  EXPECT_TRUE(contains(current.out, "bbb2")) << current.out;
  auto history = migrate({"history", "--indicate-current"});
  EXPECT_EQ(history.status, 0) << describe(history);
  EXPECT_TRUE(contains(history.out, "bbb2 (head) (current)")) << history.out;

  // Down through the revision that empties the path, in one run as well.
  auto down = migrate({"downgrade", "base"});
  ASSERT_EQ(down.status, 0) << describe(down);
  EXPECT_TRUE(version_rows().empty());
  EXPECT_FALSE(has_table("t"));
  EXPECT_EQ(column("SELECT count(*) FROM migrate_version_journal WHERE status = 'applied'"),
            std::vector<std::string>{"4"});
}

TEST_F(BookkeepingCliTest, UnsetUrlVariableMattersOnlyToCommandsThatConnect) {
  m_dir.write("migrate.toml", "script_location = \"migrations\"\n\n[database]\nurl = \"${MIGRATE_TEST_NO_SUCH_URL}\"\n");
  m_dir.write("migrations/versions/a_first.sql",
              revision("aaa1", "", "-- migrate:upgrade\nCREATE TABLE a (id INTEGER);\n\n-- migrate:downgrade\nDROP TABLE a;\n"));
  std::map<std::string, std::string> env{{"MIGRATE_TEST_NO_SUCH_URL", "\x01unset"}};
  for (const std::vector<std::string>& args : {std::vector<std::string>{"history"}, std::vector<std::string>{"heads"},
                                               std::vector<std::string>{"show", "aaa1"},
                                               std::vector<std::string>{"revision", "-m", "second"}}) {
    auto r = migrate(args, env);
    EXPECT_EQ(r.status, 0) << args.front() << ": " << describe(r);
  }
  auto current = migrate({"current"}, env);
  EXPECT_EQ(current.status, 2) << describe(current);
  EXPECT_TRUE(contains(current.err, "migrate.toml:4: environment variable MIGRATE_TEST_NO_SUCH_URL is not set"))
      << current.err;
  // Set, it is used.
  auto set = migrate({"upgrade", "aaa1"}, {{"MIGRATE_TEST_NO_SUCH_URL", url()}});
  EXPECT_EQ(set.status, 0) << describe(set);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
}

TEST_F(BookkeepingCliTest, ReadingCommandsDoNotCreateTheDatabase) {
  m_dir.write("migrations/versions/a_first.sql",
              revision("aaa1", "", "-- migrate:upgrade\nCREATE TABLE a (id INTEGER);\n\n-- migrate:downgrade\nDROP TABLE a;\n"));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"current"}, std::vector<std::string>{"history", "--indicate-current"}}) {
    auto r = migrate(args);
    if (k_postgres) {
      // A PostgreSQL database exists before any connection: an empty one reads as base.
      EXPECT_EQ(r.status, 0) << describe(r);
    } else {
      EXPECT_EQ(r.status, 3) << describe(r);
      EXPECT_TRUE(contains(r.err, "no database at " + (m_dir.path() / "app.db").string())) << r.err;
      EXPECT_TRUE(contains(r.err, "migrate upgrade")) << r.err;
      EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "app.db")) << args.front() << " created the file";
    }
    EXPECT_FALSE(database_touched());
  }
  // A command that changes the database still creates it.
  auto up = migrate({"upgrade", "head"});
  EXPECT_EQ(up.status, 0) << describe(up);
  EXPECT_EQ(migrate({"current"}).status, 0);
}

}  // namespace
}  // namespace migrate::test

// End-to-end: revision folders a new user really produced, each failing (or warning) at load
// with the real cause named, before any database work, on both backends.

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

using namespace std::string_literals;

class LoadErrorsCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    write_revision("a_first.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;"});
  }

  /// Writes migrations/versions/`name` verbatim.
  void write_raw(const std::string& name, const std::string& content) {
    m_dir.write("migrations/versions/" + name, content);
  }

  /// The full path of migrations/versions/`name`.
  std::string path_of(const std::string& name) const {
    return (m_dir.path() / "migrations" / "versions" / name).string();
  }

  /// How messages name migrations/versions/`name` (the tail of its path).
  static std::string versions(const std::string& name) { return "versions/" + name; }

  /// Runs `upgrade head` and checks it fails as a script error naming `where`, in text and
  /// JSON, before the database is touched; returns the text run's stderr.
  std::string expect_script_error(const std::string& where) {
    auto json = migrate({"upgrade", "head", "--format", "json"});
    EXPECT_EQ(json.status, 2) << describe(json);
    EXPECT_NE(json.out.find("\"kind\": \"script\""), std::string::npos) << json.out;
    auto text = migrate({"upgrade", "head"});
    EXPECT_EQ(text.status, 2) << describe(text);
    EXPECT_NE(text.err.find(where), std::string::npos) << describe(text);
    EXPECT_FALSE(database_touched()) << "no database work may happen";
    return text.err;
  }
};

bool has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

const std::string k_head = "-- migrate:revision\n-- revision = \"bbb2\"\n-- down_revision = \"aaa1\"\n";

TEST_F(LoadErrorsCliTest, NulByteNamesLineAndColumnInsteadOfHanging) {
  write_raw("b.sql", k_head + "\n-- migrate:upgrade\nINSERT INTO a VALUES (1);\0\n"s);
  const auto err = expect_script_error(versions("b.sql") + ":6:26: control character 0x00 (NUL)");
  EXPECT_TRUE(has(err, "hint: a revision file is plain text")) << err;
}

TEST_F(LoadErrorsCliTest, PsqlMetaCommandFromPgDumpIsNamed) {
  write_raw("b.sql", k_head + "\n-- migrate:upgrade\n\\restrict Zq8wYzq3\n\nCREATE TABLE b (id INTEGER);\n"
                              "\n\\unrestrict Zq8wYzq3\n");
  const auto err = expect_script_error(versions("b.sql") + ":6: psql meta-command `\\restrict` in the SQL");
  EXPECT_TRUE(has(err, "pg_dump 17.6")) << err;
}

TEST_F(LoadErrorsCliTest, BackslashInsideAStringIsNoMetaCommand) {
  write_raw("b.sql", k_head + "\n-- migrate:upgrade\nCREATE TABLE b (t TEXT);\nINSERT INTO b VALUES ('one\n"
                              "\\two');\n-- migrate:downgrade\nDROP TABLE b;\n");
  auto r = migrate({"upgrade", "head"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(column("SELECT t FROM b"), (std::vector<std::string>{"one\n\\two"}));
}

TEST_F(LoadErrorsCliTest, ForeignKeysPragmaInATransactionalRevisionIsRefused) {
  write_raw("b.sql", k_head + "\n-- migrate:upgrade\nPRAGMA foreign_keys = ON;\nCREATE TABLE b (id INTEGER);\n");
  const auto err = expect_script_error(versions("b.sql") + ":6: `PRAGMA foreign_keys` in a transactional revision");
  EXPECT_TRUE(has(err, "transactional = false")) << err;
}

TEST_F(LoadErrorsCliTest, ForeignKeysPragmaInANonTransactionalRevisionRuns) {
  write_raw("b.sql", k_head + "-- transactional = false\n\n-- migrate:upgrade dialect=sqlite\nPRAGMA foreign_keys = OFF;\n"
                              "-- migrate:upgrade dialect=postgresql\nSELECT 1;\n-- migrate:downgrade\n");
  auto r = migrate({"upgrade", "head"});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(version_rows(), (std::vector<std::string>{"bbb2"}));
}

TEST_F(LoadErrorsCliTest, RevisionNamedBaseIsRefusedSoDowngradeBaseIsNeverNothingToDo) {
  write_raw("b.sql", "-- migrate:revision\n-- revision = \"base\"\n-- down_revision = \"aaa1\"\n\n"
                     "-- migrate:upgrade\nSELECT 1;\n-- migrate:downgrade\nSELECT 1;\n");
  expect_script_error(versions("b.sql") + ":2: \"base\" cannot be a revision id");
  auto r = migrate({"downgrade", "base"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_FALSE(has(r.err + r.out, "Nothing to do")) << describe(r);
}

TEST_F(LoadErrorsCliTest, ReservedBranchLabelIsRefused) {
  write_raw("b.sql", k_head + "-- branch_labels = [\"HEAD\"]\n\n-- migrate:upgrade\nSELECT 1;\n");
  expect_script_error(versions("b.sql") + ":4: \"HEAD\" cannot be a branch label");
}

TEST_F(LoadErrorsCliTest, RevisionCommandWritesNoFileWithAReservedName) {
  auto r = migrate({"revision", "-m", "oops", "--rev-id", "head"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_TRUE(has(r.err, "\"head\" cannot be a revision id")) << describe(r);
  r = migrate({"revision", "-m", "oops", "--branch-label", "base"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_TRUE(has(r.err, "\"base\" cannot be a branch label")) << describe(r);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(path_of(""))) files += entry.is_regular_file();
  EXPECT_EQ(files, 1u) << "only a_first.sql";
}

TEST_F(LoadErrorsCliTest, ParentListedTwiceIsRefusedWithAShortMessage) {
  std::string parents;
  for (int i = 0; i < 100000; ++i) parents += i ? ", \"aaa1\"" : "\"aaa1\"";
  write_raw("b.sql", "-- migrate:revision\n-- revision = \"bbb2\"\n-- down_revision = [" + parents +
                         "]\n\n-- migrate:upgrade\nSELECT 1;\n");
  const auto err = expect_script_error(versions("b.sql") + ":3: `down_revision` lists \"aaa1\" twice");
  EXPECT_LT(err.size(), 1000u) << err.substr(0, 1000);
}

TEST_F(LoadErrorsCliTest, EncodingsNameTheRealCause) {
  std::string utf16 = "\xFF\xFE";
  for (char c : k_head) utf16 += std::string{c, '\0'};
  write_raw("b.sql", utf16);
  expect_script_error(versions("b.sql") + ":1: the file is UTF-16 (little-endian, with a byte-order mark)");
  write_raw("b.sql", "\xEF\xBB\xBF\xEF\xBB\xBF" + k_head);
  expect_script_error(versions("b.sql") + ":1: the file starts with two UTF-8 byte-order marks");
  write_raw("b.sql", "-- migrate:revision\r-- revision = \"bbb2\"\r\r-- migrate:upgrade\rSELECT 1;\r");
  expect_script_error(versions("b.sql") + ":1: the file has CR-only line endings");
}

TEST_F(LoadErrorsCliTest, DanglingSymlinkIsAnError) {
  std::filesystem::create_symlink("../elsewhere/b_real.sql", path_of("b.sql"));
  expect_script_error(versions("b.sql") + " is a symbolic link to ../elsewhere/b_real.sql, which does not exist");
}

TEST_F(LoadErrorsCliTest, EntriesThatAreNotFilesAreSkippedWithAWarning) {
  ASSERT_EQ(::mkfifo(path_of("p.sql").c_str(), 0600), 0);
  std::filesystem::create_directories(path_of("old.sql"));
  auto r = migrate({"upgrade", "head"});  // a pipe opened for reading would block here
  EXPECT_TRUE(has(r.err, "skipped ")) << describe(r);
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(has(r.err, versions("p.sql") + ": a named pipe, not a regular file")) << describe(r);
  EXPECT_TRUE(has(r.err, versions("old.sql") + ": a folder")) << describe(r);
  EXPECT_EQ(version_rows(), (std::vector<std::string>{"aaa1"}));
}

TEST_F(LoadErrorsCliTest, AlembicPythonFilesAreNamedOncePerFolder) {
  m_dir.write("migrations/versions/1975ea83b712_create_account.py", "revision = '1975ea83b712'\n");
  m_dir.write("migrations/versions/ae1027a6acf_add_a_column.py", "revision = 'ae1027a6acf'\n");
  auto r = migrate({"history"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(has(r.err, "versions holds 2 Python files (*.py), not loaded")) << describe(r);
  EXPECT_EQ(r.err.find("Python"), r.err.rfind("Python")) << "one warning per folder: " << describe(r);
  EXPECT_EQ(r.err.rfind("warning: ", 0), 0u) << "a warning says it is one: " << describe(r);
}

}  // namespace
}  // namespace migrate::test

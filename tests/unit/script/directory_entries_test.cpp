// Folder entries that are not revision files: never skipped without a word.

#include <gtest/gtest.h>

#include <sys/stat.h>


#include "core/error.hpp"
#include "script/directory.hpp"
#include "support/log_capture.hpp"
#include "support/temp_dir.hpp"

namespace migrate::script {
namespace {

namespace fs = std::filesystem;

std::string revision(const std::string& id) {
  return "-- migrate:revision\n-- revision = \"" + id + "\"\n\n-- migrate:upgrade\nSELECT 1;\n";
}

std::size_t count_of(const std::string& text, std::string_view part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

using test::LogCapture;

std::string load_error(const fs::path& location) {
  try {
    load_revision_files({location}, false);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::script);
    return e.what();
  }
  return "";
}

TEST(DirectoryEntriesTest, DanglingSymlinkIsAnErrorNamingItsTarget) {
  test::TempDir dir;
  dir.write("v/a.sql", revision("aaa1"));
  fs::create_symlink("gone/b_real.sql", dir.path() / "v" / "b.sql");
  const auto e = load_error(dir.path() / "v");
  EXPECT_NE(e.find("b.sql is a symbolic link to gone/b_real.sql, which does not exist"), std::string::npos) << e;
}

TEST(DirectoryEntriesTest, SymlinkLoopIsAnError) {
  test::TempDir dir;
  fs::create_directories(dir.path() / "v");
  fs::create_symlink("y.sql", dir.path() / "v" / "x.sql");
  fs::create_symlink("x.sql", dir.path() / "v" / "y.sql");
  const auto e = load_error(dir.path() / "v");
  EXPECT_NE(e.find("x.sql is a symbolic link to y.sql, which cannot be followed"), std::string::npos) << e;
}

TEST(DirectoryEntriesTest, NamedPipeIsSkippedWithAWarningAndNeverOpened) {
  test::TempDir dir;
  dir.write("v/a.sql", revision("aaa1"));
  ASSERT_EQ(::mkfifo((dir.path() / "v" / "b.sql").c_str(), 0600), 0);
  LogCapture log;
  const auto files = load_revision_files({dir.path() / "v"}, false);  // opening the pipe would block here
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].id, "aaa1");
  EXPECT_NE(log.text().find("warning: skipped " + (dir.path() / "v" / "b.sql").string() +
                            ": a named pipe, not a regular file"),
            std::string::npos)
      << log.text();
}

TEST(DirectoryEntriesTest, FolderNamedSqlWarnsUnlessItsFilesAreLoaded) {
  test::TempDir dir;
  dir.write("v/a.sql", revision("aaa1"));
  dir.write("v/old.sql/b.sql", revision("bbb2"));
  {
    LogCapture log;
    EXPECT_EQ(load_revision_files({dir.path() / "v"}, false).size(), 1u);
    EXPECT_NE(log.text().find("skipped " + (dir.path() / "v" / "old.sql").string() + ": a folder"),
              std::string::npos)
        << log.text();
  }
  LogCapture log;
  EXPECT_EQ(load_revision_files({dir.path() / "v"}, true).size(), 2u);
  EXPECT_EQ(log.text(), "");
}

TEST(DirectoryEntriesTest, PythonFilesWarnOncePerFolderWithTheirCount) {
  test::TempDir dir;
  dir.write("v/1975ea83b712_create_account.py", "revision = '1975ea83b712'\n");
  dir.write("v/ae1027a6acf_add_a_column.py", "revision = 'ae1027a6acf'\n");
  dir.write("v/27c6a30d7c24_add_table.py", "revision = '27c6a30d7c24'\n");
  dir.write("v/sub/3f2a_more.py", "revision = '3f2a'\n");
  LogCapture log;
  EXPECT_TRUE(load_revision_files({dir.path() / "v"}, true).empty());
  const auto text = log.text();
  EXPECT_EQ(count_of(text, "warning: "), 2u) << text;
  EXPECT_NE(text.find((dir.path() / "v").string() + " holds 3 Python files (*.py), not loaded"), std::string::npos)
      << text;
  EXPECT_NE(text.find((dir.path() / "v" / "sub").string() + " holds 1 Python file (*.py)"), std::string::npos) << text;
  EXPECT_NE(text.find("migrate reads .sql revision files only"), std::string::npos) << text;
}

}  // namespace
}  // namespace migrate::script

// api::check_project without a database (--offline), and file_line_in: how a load error's
// message gives the file and line a `graph` problem carries.
#include "api/check.hpp"

#include <gtest/gtest.h>

#include <string>

#include "config/config.hpp"
#include "support/temp_dir.hpp"

namespace migrate::api {
namespace {

std::string revision(const std::string& id, const std::string& down, bool with_downgrade) {
  return "-- migrate:revision\n-- revision = \"" + id + "\"\n-- down_revision = \"" + down +
         "\"\n\n-- migrate:upgrade\nSELECT 1;\n" + (with_downgrade ? "\n-- migrate:downgrade\nSELECT 1;\n" : "");
}

CheckReport check_offline(const test::TempDir& dir, bool allow_multiple_heads = false) {
  auto config = config::load_from_string("script_location = \"migrations\"\n", dir.path() / "migrate.toml", {});
  runtime::StopToken stop;
  return check_project(config, CheckOptions{allow_multiple_heads, true}, stop);
}

TEST(FileLineInTest, FindsAnExistingFileBeforeOrInsideTheMessage) {
  test::TempDir dir;
  const auto file = dir.write("with space/b.sql", "x").string();
  EXPECT_EQ(file_line_in(file + ":4: unknown key 'colour'"), (std::pair<std::string, int>{file, 4}));
  EXPECT_EQ(file_line_in(file + ":6:26: control character"), (std::pair<std::string, int>{file, 6}));
  EXPECT_EQ(file_line_in("Revision x referenced from y is not present (" + file + ":3)"),
            (std::pair<std::string, int>{file, 3}));
}

TEST(FileLineInTest, NothingWhenNoNamedFileExists) {
  EXPECT_EQ(file_line_in("started at 12:30:45"), (std::pair<std::string, int>{"", 0}));
  EXPECT_EQ(file_line_in("/no/such/file.sql:3: bad"), (std::pair<std::string, int>{"", 0}));
  EXPECT_EQ(file_line_in("no location at all"), (std::pair<std::string, int>{"", 0}));
}

TEST(CheckProjectTest, SoundProjectHasNoProblem) {
  test::TempDir dir;
  dir.write("migrations/versions/a.sql", revision("aaa1", "", true));
  dir.write("migrations/versions/b.sql", revision("bbb2", "aaa1", true));
  auto report = check_offline(dir);
  EXPECT_TRUE(report.problems.empty());
  EXPECT_TRUE(report.ok(true));
}

TEST(CheckProjectTest, IrreversibleIsAWarningWithFileAndHeaderLine) {
  test::TempDir dir;
  dir.write("migrations/versions/a.sql", revision("aaa1", "", true));
  const auto b = dir.write("migrations/versions/b.sql", "-- a comment first\n" + revision("bbb2", "aaa1", false));
  auto report = check_offline(dir);
  ASSERT_EQ(report.problems.size(), 1u);
  const auto& p = report.problems[0];
  EXPECT_EQ(p.check, "irreversible");
  EXPECT_EQ(p.severity, Severity::warning);
  EXPECT_EQ(p.file, b.string());
  EXPECT_EQ(p.line, 2);
  EXPECT_TRUE(report.ok(false));
  EXPECT_FALSE(report.ok(true));
  EXPECT_EQ(report.count(Severity::warning), 1u);
  EXPECT_EQ(report.count(Severity::error), 0u);
}

TEST(CheckProjectTest, TwoHeadsAreOneErrorUnlessAllowed) {
  test::TempDir dir;
  dir.write("migrations/versions/a.sql", revision("aaa1", "", true));
  dir.write("migrations/versions/b.sql", revision("bbb2", "aaa1", true));
  dir.write("migrations/versions/c.sql", revision("ccc3", "aaa1", true));
  auto report = check_offline(dir);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].check, "heads");
  EXPECT_EQ(report.problems[0].severity, Severity::error);
  EXPECT_NE(report.problems[0].message.find("bbb2, ccc3"), std::string::npos) << report.problems[0].message;
  EXPECT_FALSE(report.ok(false));
  EXPECT_TRUE(check_offline(dir, true).problems.empty());
}

TEST(CheckProjectTest, LoadErrorIsTheOnlyProblemAndNamesFileAndLine) {
  test::TempDir dir;
  dir.write("migrations/versions/a.sql", revision("aaa1", "", false));  // irreversible, but not reached
  const auto b = dir.write("migrations/versions/b.sql", revision("bbb2", "zzz9", true));
  auto report = check_offline(dir);
  ASSERT_EQ(report.problems.size(), 1u);
  const auto& p = report.problems[0];
  EXPECT_EQ(p.check, "graph");
  EXPECT_EQ(p.severity, Severity::error);
  EXPECT_EQ(p.file, b.string());
  EXPECT_EQ(p.line, 1);
  EXPECT_NE(p.message.find("zzz9"), std::string::npos) << p.message;
}

TEST(CheckProjectTest, ParseErrorMessageLosesTheLocationPrefixItCarriesAsFields) {
  test::TempDir dir;
  const auto a = dir.write("migrations/versions/a.sql",
                           "-- migrate:revision\n-- revision = \"aaa1\"\n-- colour = \"red\"\n\n-- migrate:upgrade\n");
  auto report = check_offline(dir);
  ASSERT_EQ(report.problems.size(), 1u);
  const auto& p = report.problems[0];
  EXPECT_EQ(p.file, a.string());
  EXPECT_EQ(p.line, 3);
  EXPECT_EQ(p.message.find(a.string()), std::string::npos) << p.message;
  EXPECT_NE(p.message.find("colour"), std::string::npos) << p.message;
}

}  // namespace
}  // namespace migrate::api

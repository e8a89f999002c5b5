#include "script/revision_writer.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/error.hpp"
#include "script/revision_file.hpp"
#include "support/temp_dir.hpp"

namespace migrate::script {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono;

// 2026-11-21 10:05:09.123456 UTC
system_clock::time_point sample_time() {
  return system_clock::time_point(seconds(1795255509) + microseconds(123456));
}

NewRevision sample() {
  NewRevision r;
  r.id = "ae1027a6acf";
  r.down_revisions = {"1975ea83b712"};
  r.message = "Add usage logs!";
  r.created = sample_time();
  return r;
}

TEST(SlugTest, JoinsWordsLowerCased) {
  EXPECT_EQ(slugify("Add usage logs!", 40), "add_usage_logs");
  EXPECT_EQ(slugify("  --hello,   World__x  ", 40), "hello_world__x");
  EXPECT_EQ(slugify("", 40), "");
  EXPECT_EQ(slugify("!!!", 40), "");
}

TEST(SlugTest, TruncatesAtLastUnderscoreAndAppendsOne) {
  EXPECT_EQ(slugify("this is a really long name with lots of characters and also more", 40),
            "this_is_a_really_long_name_with_lots_of_");
  EXPECT_EQ(slugify("abcdefghijklmnopqrstuvwxyz", 10), "abcdefghij_");
  EXPECT_EQ(slugify("exactly ten", 11), "exactly_ten");
  EXPECT_EQ(slugify("this is a really long name with lots of characters and also more", 0),
            "this_is_a_really_long_name_with_lots_of_");
}

TEST(SlugTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(slugify("héllo wörld", 40), "héllo_wörld");
  EXPECT_EQ(slugify("ééééé ééééé", 7), "ééééé_");
}

TEST(FileNameTest, DefaultTemplate) {
  EXPECT_EQ(render_file_name("{rev}_{slug}", sample(), 40, "UTC"), "ae1027a6acf_add_usage_logs.sql");
  auto r = sample();
  r.message = "";
  EXPECT_EQ(render_file_name("{rev}_{slug}", r, 40, "UTC"), "ae1027a6acf_.sql");
}

TEST(FileNameTest, DateTokensArePadded) {
  EXPECT_EQ(render_file_name("{year}/{month}/{day}_{hour}{minute}{second}-{rev}-{epoch}", sample(), 40, "UTC"),
            "2026/11/21_100509-ae1027a6acf-1795255509.sql");
}

TEST(FileNameTest, IanaTimezone) {
  EXPECT_EQ(render_file_name("{hour}", sample(), 40, "Asia/Tokyo"), "19.sql");
  EXPECT_EQ(render_file_name("{hour}", sample(), 40, "utc"), "10.sql");
  EXPECT_EQ(format_create_date(sample_time(), "America/New_York"), "2026-11-21 05:05:09.123456");
}

TEST(FileNameTest, UnknownTimezoneIsAConfigError) {
  try {
    render_file_name("{rev}", sample(), 40, "Mars/Olympus");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(std::string(e.what()), "Can't locate timezone: Mars/Olympus");
  }
  EXPECT_THROW(format_create_date(sample_time(), "../../etc/passwd"), Error);
}

TEST(FileNameTest, UnknownTokenIsAConfigError) {
  EXPECT_THROW(render_file_name("{rev}_{name}", sample(), 40, "UTC"), Error);
}

TEST(CreateDateTest, FormatsMicroseconds) {
  EXPECT_EQ(format_create_date(sample_time(), "UTC"), "2026-11-21 10:05:09.123456");
  EXPECT_EQ(format_create_date(system_clock::time_point(seconds(0)), "UTC"), "1970-01-01 00:00:00.000000");
}

TEST(RenderTest, WritesTheContractHeader) {
  EXPECT_EQ(render_revision_file(sample(), "UTC"),
            "-- migrate:revision\n"
            "-- revision = \"ae1027a6acf\"\n"
            "-- down_revision = \"1975ea83b712\"\n"
            "-- message = \"Add usage logs!\"\n"
            "-- create_date = \"2026-11-21 10:05:09.123456\"\n"
            "\n"
            "-- migrate:upgrade\n"
            "\n"
            "\n"
            "-- migrate:downgrade\n"
            "\n");
}

TEST(RenderTest, BaseMergeLabelsAndDependencies) {
  auto r = sample();
  r.down_revisions = {};
  r.message = "";
  std::string base = render_revision_file(r, "UTC");
  EXPECT_NE(base.find("-- down_revision = \"\"\n"), std::string::npos);
  EXPECT_NE(base.find("-- message = \"empty message\"\n"), std::string::npos);
  EXPECT_EQ(base.find("branch_labels"), std::string::npos);
  r.down_revisions = {"a", "b"};
  r.branch_labels = {"tenancy"};
  r.depends_on = {"c1", "lbl"};
  r.message = "say \"hi\"\\";
  std::string merge = render_revision_file(r, "UTC");
  EXPECT_NE(merge.find("-- down_revision = [\"a\", \"b\"]\n-- branch_labels = [\"tenancy\"]\n"
                       "-- depends_on = [\"c1\", \"lbl\"]\n-- message = \"say \\\"hi\\\"\\\\\"\n"),
            std::string::npos)
      << merge;
}

TEST(RenderTest, ReservedIdOrLabelIsAUsageErrorNotAnUnloadableFile) {
  auto r = sample();
  r.id = "Head";
  try {
    render_revision_file(r, "UTC");
    FAIL() << "Head is reserved";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_EQ(std::string(e.what()), "\"Head\" cannot be a revision id");
    EXPECT_NE(e.hint().find("--rev-id"), std::string::npos) << e.hint();
  }
  r = sample();
  r.branch_labels = {"current"};
  try {
    render_revision_file(r, "UTC");
    FAIL() << "current is reserved";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_NE(e.hint().find("--branch-label"), std::string::npos) << e.hint();
  }
}

TEST(RenderTest, RenderedFileParsesBack) {
  auto r = sample();
  r.down_revisions = {"a", "b"};
  r.branch_labels = {"x"};
  r.depends_on = {"d"};
  r.message = "tab\there \"quotes\" and \\ backslash";
  auto f = parse_revision_file("new.sql", render_revision_file(r, "UTC"));
  EXPECT_EQ(f.id, r.id);
  EXPECT_EQ(f.down_revisions, r.down_revisions);
  EXPECT_EQ(f.branch_labels, r.branch_labels);
  EXPECT_EQ(f.depends_on, r.depends_on);
  EXPECT_EQ(f.message, r.message);
  EXPECT_EQ(f.create_date, "2026-11-21 10:05:09.123456");
  EXPECT_FALSE(f.is_irreversible());
  EXPECT_EQ(f.upgrade_sections().at("").sql, "\n\n");
}

TEST(WriteTest, WritesAtomicallyAndRefusesToOverwrite) {
  test::TempDir dir;
  auto p = write_revision_file(dir.path() / "versions", "a_b.sql", "content");
  EXPECT_EQ(p, dir.path() / "versions" / "a_b.sql");
  EXPECT_EQ(test::read_file(p), "content");
  try {
    write_revision_file(dir.path() / "versions", "a_b.sql", "other");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos);
  }
  EXPECT_EQ(test::read_file(p), "content");
}

TEST(WriteTest, CreatesSubFoldersFromTheFileName) {
  test::TempDir dir;
  auto p = write_revision_file(dir.path(), "2026/11/x.sql", "c");
  EXPECT_EQ(p, dir.path() / "2026" / "11" / "x.sql");
  EXPECT_TRUE(fs::exists(p));
}

TEST(RevisionIdTest, TwelveLowercaseHexCharacters) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto id = generate_revision_id();
    ASSERT_EQ(id.size(), 12u);
    for (char c : id) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 200u);
}

}  // namespace
}  // namespace migrate::script

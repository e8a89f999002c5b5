// End-to-end checksum validation: an applied file edited afterwards
// stops upgrade and downgrade with a message naming the file and what changed, and both
// ways out work: restore the file, or accept the edit with a reason. SQLite and PostgreSQL.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

class ChecksumCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (IsSkipped()) return;
    m_a = write_revision("a_first.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;"});
    write_revision("b_second.sql", {"bbb2", "\"aaa1\"", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;"});
    write_revision("c_third.sql", {"ccc3", "\"bbb2\"", "CREATE TABLE c (id INTEGER);", "DROP TABLE c;"});
    auto r = migrate({"upgrade", "bbb2"});
    ASSERT_EQ(r.status, 0) << describe(r);
    m_original = read(m_a);
  }

  static std::string read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  /// Edits the applied aaa1 (10 lines): its upgrade statement on line 7 changes, and one
  /// line is added at the end.
  void edit_applied_file() {
    std::string text = m_original;
    auto pos = text.find("CREATE TABLE a (id INTEGER);");
    text.replace(pos, 28, "CREATE TABLE a (id INTEGER, name TEXT);");
    text += "-- a note added later\n";
    m_dir.write("migrations/versions/a_first.sql", text);
  }

  std::filesystem::path m_a;
  std::string m_original;
};

TEST_F(ChecksumCliTest, EditedAppliedFileIsRefusedWithFileAndDiffSummary) {
  edit_applied_file();
  auto r = migrate({"upgrade", "head"});
  ASSERT_EQ(r.status, 5) << describe(r);
  EXPECT_TRUE(contains(r.err, "revision aaa1 is applied, but its file")) << r.err;
  EXPECT_TRUE(contains(r.err, "a_first.sql changed since it was applied")) << r.err;
  // When: the start of the journal row that recorded the checksum.
  const auto recorded = column("SELECT started_at FROM migrate_version_journal WHERE revision = 'aaa1' AND direction "
                               "= 'upgrade' AND status = 'applied'");
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_TRUE(contains(r.err, "(checksum recorded " + recorded[0] + ")")) << r.err;
  // The upgrade section starts on line 7 of the fixture's layout.
  EXPECT_TRUE(contains(r.err, "line 7 changed, 1 line added after line 10")) << r.err;
  EXPECT_TRUE(contains(r.err, "migrate repair --accept-checksum aaa1 --reason")) << r.err;
  EXPECT_TRUE(contains(r.err, "restore the file")) << r.err;
  EXPECT_FALSE(has_table("c"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});

  auto json = migrate({"upgrade", "head", "--format", "json"});
  EXPECT_EQ(json.status, 5);
  EXPECT_TRUE(contains(json.out, "\"kind\": \"needs_repair\"")) << json.out;

  auto down = migrate({"downgrade", "base"});
  EXPECT_EQ(down.status, 5) << describe(down);
  EXPECT_TRUE(has_table("a"));
  EXPECT_TRUE(has_table("b"));

  auto listing = migrate({"repair"});
  EXPECT_EQ(listing.status, 5) << describe(listing);
  EXPECT_TRUE(contains(listing.out, "Revision aaa1: applied, but")) << listing.out;
  EXPECT_TRUE(contains(listing.out, "line 7 changed")) << listing.out;
}

TEST_F(ChecksumCliTest, RestoringTheFileIsOneWayOut) {
  edit_applied_file();
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 5);
  m_dir.write("migrations/versions/a_first.sql", m_original);
  auto r = migrate({"upgrade", "head"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(has_table("c"));
  EXPECT_EQ(version_rows(), std::vector<std::string>{"ccc3"});
}

TEST_F(ChecksumCliTest, CrLfAndBomAreNotAnEdit) {
  std::string crlf = "\xEF\xBB\xBF";
  for (char ch : m_original) {
    if (ch == '\n') crlf += '\r';
    crlf += ch;
  }
  m_dir.write("migrations/versions/a_first.sql", crlf);
  auto r = migrate({"upgrade", "head"});
  EXPECT_EQ(r.status, 0) << describe(r);
}

TEST_F(ChecksumCliTest, AcceptingTheEditIsTheOtherWayOut) {
  edit_applied_file();
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 5);
  auto no_reason = migrate({"repair", "--accept-checksum", "aaa1"});
  EXPECT_EQ(no_reason.status, 2) << describe(no_reason);

  auto r = migrate({"repair", "--accept-checksum", "aaa1", "--reason", "column added by hand in prod, file catches up"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "Accepted the current content of")) << r.out;
  EXPECT_TRUE(contains(r.out, "a_first.sql")) << r.out;
  EXPECT_EQ(column("SELECT command || ':' || reason FROM migrate_version_journal WHERE direction = 'repair'"),
            std::vector<std::string>{"repair --accept-checksum:column added by hand in prod, file catches up"});
  EXPECT_EQ(migrate({"repair"}).status, 0);

  auto up = migrate({"upgrade", "head"});
  ASSERT_EQ(up.status, 0) << describe(up);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"ccc3"});

  // Accepting again has nothing to accept.
  auto again = migrate({"repair", "--accept-checksum", "aaa1", "--reason", "again"});
  EXPECT_EQ(again.status, 2) << describe(again);
  // A later edit is caught again, diffed against the accepted content.
  m_dir.write("migrations/versions/a_first.sql", read(m_a) + "-- one more\n");
  auto later = migrate({"downgrade", "-1"});
  EXPECT_EQ(later.status, 5) << describe(later);
  EXPECT_TRUE(contains(later.err, "1 line added after line 11")) << later.err;
}

TEST_F(ChecksumCliTest, UnappliedFilesMayChange) {
  // ccc3 is not applied: editing it is normal development.
  write_revision("c_third.sql", {"ccc3", "\"bbb2\"", "CREATE TABLE c (id INTEGER, x INTEGER);", "DROP TABLE c;"});
  auto r = migrate({"upgrade", "head"});
  EXPECT_EQ(r.status, 0) << describe(r);
}

}  // namespace
}  // namespace migrate::test

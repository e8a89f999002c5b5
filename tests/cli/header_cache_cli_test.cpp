// The header cache (`.migrate/header-cache`) never changes an answer: a project whose cache
// is warm, then a file edited to the same size with its modification time put back, renamed,
// replaced by another of the same size, deleted, or a new one added; a damaged cache or one
// of another format; a `.migrate` that cannot be written; and the no-op `upgrade head`
// still refusing an applied file that changed. SQLite and PostgreSQL.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

namespace fs = std::filesystem;

class HeaderCacheCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (IsSkipped()) return;
    write_revision("a_first.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;"});
    m_b = write_revision("b_second.sql", {"bbb2", "\"aaa1\"", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;"});
  }

  fs::path cache() const { return m_dir.path() / ".migrate" / "header-cache"; }
  fs::path versions() const { return m_dir.path() / "migrations" / "versions"; }

  /// Waits until every file is older than the cache's racy window (2 s), so a run records it.
  static void settle() { std::this_thread::sleep_for(std::chrono::milliseconds(2200)); }

  /// How many of the files `migrate -v heads` took from the cache ("N of M").
  std::string cache_use() {
    auto r = migrate({"-v", "heads"});
    EXPECT_EQ(r.status, 0) << describe(r);
    auto at = r.err.find(" revision files unchanged since the header cache");
    if (at == std::string::npos) return "no cache";
    return r.err.substr(r.err.rfind('\n', at) + 1, at - r.err.rfind('\n', at) - 1);
  }

  /// Settles the files and runs twice: the first run records them, the second uses them all.
  void warm(const std::string& all = "2 of 2") {
    settle();
    auto first = migrate({"heads"});
    ASSERT_EQ(first.status, 0) << describe(first);
    ASSERT_TRUE(fs::exists(cache()));
    ASSERT_EQ(cache_use(), all);
  }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  /// Rewrites `path` with `text` (the same size), then puts its modification and access
  /// times back: only the status-change time tells the edit.
  static void edit_keeping_times(const fs::path& path, const std::string& text) {
    struct stat before {};
    ASSERT_EQ(::stat(path.c_str(), &before), 0);
    ASSERT_EQ(text.size(), static_cast<std::size_t>(before.st_size));
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    const timespec times[2] = {before.st_atim, before.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
    struct stat after {};
    ASSERT_EQ(::stat(path.c_str(), &after), 0);
    ASSERT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
    ASSERT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
    ASSERT_EQ(after.st_size, before.st_size);
  }

  /// b's text with its message "revision bbb2" as "REVISION BBB2": the same size.
  std::string b_with_new_message() const {
    std::string text = read(m_b);
    text.replace(text.find("revision bbb2"), 13, "REVISION BBB2");
    return text;
  }

  std::string history() {
    auto r = migrate({"history"});
    EXPECT_EQ(r.status, 0) << describe(r);
    return r.out;
  }

  fs::path m_b;
};

TEST_F(HeaderCacheCliTest, AFileEditedToTheSameSizeWithItsTimesPutBackIsReadAgain) {
  warm();
  const std::string before = history();
  EXPECT_TRUE(contains(before, "revision bbb2")) << before;
  edit_keeping_times(m_b, b_with_new_message());
  const std::string after = history();
  EXPECT_TRUE(contains(after, "REVISION BBB2")) << after;
  EXPECT_FALSE(contains(after, "revision bbb2")) << after;
  EXPECT_EQ(cache_use(), "1 of 2");  // the edited file is too recent to record again yet
}

TEST_F(HeaderCacheCliTest, ARenamedFileIsFoundUnderItsNewName) {
  warm();
  fs::rename(m_b, versions() / "c_renamed.sql");
  auto r = migrate({"show", "bbb2"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "c_renamed.sql")) << r.out;
  EXPECT_FALSE(contains(r.out, "b_second.sql")) << r.out;
  EXPECT_EQ(migrate({"heads"}).out, "bbb2 (head)\n");
}

TEST_F(HeaderCacheCliTest, AFileReplacedByAnotherOfTheSameSizeAndTimesIsReadAgain) {
  // The replacement is written before the cache is warm, so it is as old as the original.
  const fs::path other = m_dir.path() / "replacement.sql";
  std::ofstream(other, std::ios::binary) << b_with_new_message();
  struct stat original {};
  ASSERT_EQ(::stat(m_b.c_str(), &original), 0);
  const timespec times[2] = {original.st_atim, original.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, other.c_str(), times, 0), 0);
  warm();
  fs::rename(other, m_b);
  const std::string after = history();
  EXPECT_TRUE(contains(after, "REVISION BBB2")) << after;
}

TEST_F(HeaderCacheCliTest, ADeletedFileIsGoneAndANewOneIsLoaded) {
  warm();
  fs::remove(m_b);
  write_revision("c_third.sql", {"ccc3", "\"aaa1\"", "CREATE TABLE c (id INTEGER);", "DROP TABLE c;"});
  auto heads = migrate({"heads"});
  ASSERT_EQ(heads.status, 0) << describe(heads);
  EXPECT_EQ(heads.out, "ccc3 (head)\n");
  const std::string h = history();
  EXPECT_FALSE(contains(h, "bbb2")) << h;
  EXPECT_TRUE(contains(h, "ccc3")) << h;
}

TEST_F(HeaderCacheCliTest, ADamagedCacheOrOneOfAnotherFormatIsIgnoredAndRebuilt) {
  warm();
  const std::string expected = history();
  const std::string good = read(cache());
  for (const std::string& bad :
       {good.substr(0, good.size() / 2), good.substr(0, good.size() - 1), std::string("garbage\n"),
        "migrate header cache 999 9.9.9\n" + good.substr(good.find('\n') + 1)}) {
    std::ofstream(cache(), std::ios::binary | std::ios::trunc) << bad;
    EXPECT_EQ(history(), expected);
    EXPECT_EQ(cache_use(), "2 of 2");  // the run before rebuilt it
  }
  // A damaged entry's message, the file still well formed: the content hash refuses it.
  std::string flipped = good;
  flipped.replace(flipped.find("revision bbb2"), 13, "REVISION BBB2");
  std::ofstream(cache(), std::ios::binary | std::ios::trunc) << flipped;
  EXPECT_EQ(history(), expected);
}

TEST_F(HeaderCacheCliTest, ACacheThatCannotBeWrittenChangesNothing) {
  const std::string expected = history();
  // `.migrate` a plain file: no folder can be made there, whoever runs the test.
  std::ofstream(m_dir.path() / ".migrate") << "not a folder\n";
  settle();
  for (int run = 0; run < 2; ++run) {
    auto r = migrate({"history"});
    ASSERT_EQ(r.status, 0) << describe(r);
    EXPECT_EQ(r.out, expected);
    EXPECT_EQ(r.err, "");
  }
  fs::remove(m_dir.path() / ".migrate");
  // A read-only `.migrate` folder (root may still write into it; the answers are the test).
  fs::create_directory(m_dir.path() / ".migrate");
  fs::permissions(m_dir.path() / ".migrate", fs::perms::owner_read | fs::perms::owner_exec);
  for (int run = 0; run < 2; ++run) {
    auto r = migrate({"history"});
    EXPECT_EQ(r.status, 0) << describe(r);
    EXPECT_EQ(r.out, expected);
    EXPECT_EQ(r.err, "");
  }
  if (::geteuid() != 0) {
    EXPECT_FALSE(fs::exists(cache()));
  }
  fs::permissions(m_dir.path() / ".migrate", fs::perms::owner_all);
}

TEST_F(HeaderCacheCliTest, TheNoOpUpgradeStillRefusesAChangedAppliedFile) {
  auto up = migrate({"upgrade", "head"});
  ASSERT_EQ(up.status, 0) << describe(up);
  warm();
  auto noop = migrate({"upgrade", "head"});
  ASSERT_EQ(noop.status, 0) << describe(noop);
  std::string text = read(m_b);
  text.replace(text.find("CREATE TABLE b (id INTEGER);"), 28, "CREATE TABLE b (id NUMERIC);");
  edit_keeping_times(m_b, text);
  auto r = migrate({"upgrade", "head"});
  EXPECT_EQ(r.status, 5) << describe(r);
  EXPECT_TRUE(contains(r.err, "revision bbb2 is applied, but its file")) << r.err;
  EXPECT_TRUE(contains(r.err, "b_second.sql changed since it was applied")) << r.err;
}

TEST_F(HeaderCacheCliTest, RevisionsTakenFromTheCacheRunTheirSql) {
  warm();
  auto up = migrate({"upgrade", "head"});
  ASSERT_EQ(up.status, 0) << describe(up);
  EXPECT_TRUE(has_table("a"));
  EXPECT_TRUE(has_table("b"));
  auto sql = migrate({"downgrade", "head:base", "--sql"});
  ASSERT_EQ(sql.status, 0) << describe(sql);
  EXPECT_TRUE(contains(sql.out, "DROP TABLE b;")) << sql.out;
  auto down = migrate({"downgrade", "base"});
  ASSERT_EQ(down.status, 0) << describe(down);
  EXPECT_FALSE(has_table("a"));
  EXPECT_FALSE(has_table("b"));
}

TEST_F(HeaderCacheCliTest, MigrateNoCacheMakesNoCacheFile) {
  settle();
  for (int run = 0; run < 2; ++run) {
    auto r = migrate({"heads"}, {{"MIGRATE_NO_CACHE", "1"}});
    ASSERT_EQ(r.status, 0) << describe(r);
    EXPECT_EQ(r.out, "bbb2 (head)\n");
  }
  EXPECT_FALSE(fs::exists(m_dir.path() / ".migrate"));
  auto r = migrate({"heads"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(fs::exists(cache()));
}

}  // namespace
}  // namespace migrate::test

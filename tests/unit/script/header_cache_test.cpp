#include "script/header_cache.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "core/error.hpp"
#include "script/directory.hpp"
#include "support/log_capture.hpp"
#include "support/temp_dir.hpp"

namespace migrate::script {
namespace {

namespace fs = std::filesystem;

std::string revision(const std::string& id, const std::string& message, const std::string& up = "SELECT 1;") {
  return "-- migrate:revision\n-- revision = \"" + id + "\"\n-- down_revision = [\"p1\", \"p2\"]\n"
         "-- branch_labels = \"lab\"\n-- depends_on = [\"dep\"]\n-- message = \"" + message + "\"\n"
         "-- create_date = \"2026-01-01 10:00:00\"\n-- transactional = false\n-- lock_timeout = \"5s\"\n"
         "\n-- migrate:upgrade\n" + up + "\n\n-- migrate:upgrade dialect=postgresql\nSELECT 'pg';\n"
         "\n-- migrate:downgrade\nSELECT 2;\n";
}

// A time far enough after every file's times: nothing is racily clean.
std::int64_t settled_now() { return wall_clock_ns() + 10 * HeaderCache::k_racy_window_ns; }

struct Cached {
  test::TempDir dir;
  fs::path file = dir.write("v/a.sql", revision("aaa", "first"));
  fs::path cache = dir.path() / ".migrate" / "header-cache";

  // Records the file as a run would: parsed, stamped, saved.
  void record() {
    HeaderCache c(cache, settled_now());
    const RevisionFile parsed = read_revision_file(file);
    const std::string entry = c.entry_for(file.string(), *stamp_of(file.string()), parsed);
    ASSERT_FALSE(entry.empty());
    c.save({entry});
  }

  std::optional<RevisionFile> lookup() const {
    HeaderCache c(cache, settled_now());
    auto hit = c.find(file.string(), *stamp_of(file.string()));
    if (!hit) return std::nullopt;
    hit->file.path = file;
    return std::move(hit->file);
  }
};

TEST(HeaderCacheTest, AHitGivesWhatParsingGivesAndReadsTheSqlWhenAsked) {
  Cached c;
  c.record();
  const RevisionFile parsed = read_revision_file(c.file);
  auto hit = c.lookup();
  ASSERT_TRUE(hit);
  EXPECT_TRUE(hit->sections_pending());
  EXPECT_EQ(hit->id, parsed.id);
  EXPECT_EQ(hit->down_revisions, parsed.down_revisions);
  EXPECT_EQ(hit->branch_labels, parsed.branch_labels);
  EXPECT_EQ(hit->depends_on, parsed.depends_on);
  EXPECT_EQ(hit->message, parsed.message);
  EXPECT_EQ(hit->create_date, parsed.create_date);
  EXPECT_EQ(hit->transactional, parsed.transactional);
  EXPECT_EQ(hit->lock_timeout, parsed.lock_timeout);
  EXPECT_EQ(hit->statement_timeout, parsed.statement_timeout);
  EXPECT_EQ(hit->key_lines, parsed.key_lines);
  EXPECT_EQ(hit->header_line, parsed.header_line);
  EXPECT_EQ(hit->checksum, parsed.checksum);
  EXPECT_FALSE(hit->is_irreversible());
  EXPECT_TRUE(hit->has_upgrade_section("postgresql"));
  EXPECT_TRUE(hit->sections_pending());  // none of the above read the SQL
  ASSERT_NE(hit->upgrade_for(Dialect::postgresql), nullptr);
  EXPECT_FALSE(hit->sections_pending());
  EXPECT_EQ(hit->upgrade_for(Dialect::postgresql)->sql, parsed.upgrade_for(Dialect::postgresql)->sql);
  EXPECT_EQ(hit->upgrade_for(Dialect::sqlite)->sql, parsed.upgrade_for(Dialect::sqlite)->sql);
  EXPECT_EQ(hit->upgrade_for(Dialect::sqlite)->first_line, parsed.upgrade_for(Dialect::sqlite)->first_line);
  EXPECT_EQ(hit->downgrade_for(Dialect::sqlite)->sql, "SELECT 2;\n");
}

TEST(HeaderCacheTest, ACopyOfADeferredFileReadsItsOwnSql) {
  Cached c;
  c.record();
  auto hit = c.lookup();
  ASSERT_TRUE(hit);
  const RevisionFile copy = *hit;
  EXPECT_TRUE(copy.sections_pending());
  EXPECT_EQ(copy.upgrade_for(Dialect::sqlite)->sql, "SELECT 1;\n\n");
  EXPECT_TRUE(hit->sections_pending());
}

TEST(HeaderCacheTest, AnyChangeOfTheStampMisses) {
  Cached c;
  c.record();
  const FileStamp stamp = *stamp_of(c.file.string());
  HeaderCache cache(c.cache, settled_now());
  ASSERT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.find(c.file.string(), stamp));
  for (int field = 0; field < 5; ++field) {
    FileStamp other = stamp;
    if (field == 0) other.size += 1;
    if (field == 1) other.mtime_ns += 1;
    if (field == 2) other.ctime_ns += 1;
    if (field == 3) other.inode += 1;
    if (field == 4) other.device += 1;
    EXPECT_FALSE(cache.find(c.file.string(), other)) << "field " << field;
  }
  EXPECT_FALSE(cache.find((c.dir.path() / "v" / "b.sql").string(), stamp));
}

// Inside the project's folder a path is stored relative to it, outside it whole: both are
// found again, and neither stands for the other.
TEST(HeaderCacheTest, FilesInsideAndOutsideTheProjectFolderAreBothFound) {
  test::TempDir dir;
  const fs::path inside = dir.write("p/v/a.sql", revision("aaa", "inside"));
  const fs::path outside = dir.write("v/a.sql", revision("bbb", "outside"));
  const fs::path cache = dir.path() / "p" / ".migrate" / "header-cache";
  {
    HeaderCache c(cache, settled_now());
    const std::string in_entry = c.entry_for(inside.string(), *stamp_of(inside.string()), read_revision_file(inside));
    const std::string out_entry =
        c.entry_for(outside.string(), *stamp_of(outside.string()), read_revision_file(outside));
    EXPECT_EQ(in_entry.rfind("7:v/a.sql", 0), 0u) << in_entry;
    EXPECT_EQ(out_entry.rfind(std::to_string(outside.string().size()) + ":" + outside.string(), 0), 0u);
    c.save({in_entry, out_entry});
  }
  HeaderCache c(cache, settled_now());
  ASSERT_EQ(c.size(), 2u);
  auto in_hit = c.find(inside.string(), *stamp_of(inside.string()));
  auto out_hit = c.find(outside.string(), *stamp_of(outside.string()));
  ASSERT_TRUE(in_hit && out_hit);
  EXPECT_EQ(in_hit->file.id, "aaa");
  EXPECT_EQ(out_hit->file.id, "bbb");
  EXPECT_FALSE(c.find("v/a.sql", *stamp_of(inside.string())));  // a relative path is no real path
}

TEST(HeaderCacheTest, AFileChangedWithinTheRacyWindowGetsNoEntry) {
  Cached c;
  const FileStamp stamp = *stamp_of(c.file.string());
  const RevisionFile parsed = read_revision_file(c.file);
  HeaderCache at_write(c.cache, stamp.ctime_ns + HeaderCache::k_racy_window_ns - 1);
  EXPECT_EQ(at_write.entry_for(c.file.string(), stamp, parsed), "");
  FileStamp old_ctime = stamp;  // an old ctime but a recent (or future) mtime: still no entry
  old_ctime.ctime_ns -= 10 * HeaderCache::k_racy_window_ns;
  EXPECT_EQ(at_write.entry_for(c.file.string(), old_ctime, parsed), "");
  HeaderCache later(c.cache, stamp.ctime_ns + HeaderCache::k_racy_window_ns + 1);
  EXPECT_NE(later.entry_for(c.file.string(), stamp, parsed), "");
}

TEST(HeaderCacheTest, ADamagedOrForeignCacheIsIgnored) {
  Cached c;
  c.record();
  const std::string good = test::read_file(c.cache);
  ASSERT_EQ(HeaderCache(c.cache, settled_now()).size(), 1u);
  auto size_with = [&](const std::string& content) {
    c.dir.write(".migrate/header-cache", content);
    return HeaderCache(c.cache, settled_now()).size();
  };
  EXPECT_EQ(size_with(good.substr(0, good.size() / 2)), 0u);  // cut short
  EXPECT_EQ(size_with(good.substr(0, good.size() - 1)), 0u);  // last line feed missing
  std::string flipped = good;
  flipped[flipped.find("first")] = 'F';  // the message, still well formed
  EXPECT_EQ(size_with(flipped), 0u);
  std::string other_format = good;
  other_format.replace(0, std::string("migrate header cache 1").size(), "migrate header cache 0");
  EXPECT_EQ(size_with(other_format), 0u);
  std::string other_version = good;
  other_version.insert(good.find('\n'), "-other");
  EXPECT_EQ(size_with(other_version), 0u);
  EXPECT_EQ(size_with(""), 0u);
  EXPECT_EQ(size_with("garbage"), 0u);
  EXPECT_EQ(size_with(good), 1u);
}

TEST(HeaderCacheTest, SavingTheSameEntriesDoesNotRewriteTheFile) {
  Cached c;
  c.record();
  struct stat before {};
  ASSERT_EQ(::stat(c.cache.c_str(), &before), 0);
  HeaderCache cache(c.cache, settled_now());
  auto hit = cache.find(c.file.string(), *stamp_of(c.file.string()));
  ASSERT_TRUE(hit);
  cache.save({hit->entry});
  struct stat after {};
  ASSERT_EQ(::stat(c.cache.c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);  // a rewrite renames a new file over it
  cache.save({});  // the file is gone: its entry is dropped
  EXPECT_EQ(HeaderCache(c.cache, settled_now()).size(), 0u);
}

TEST(HeaderCacheTest, ACacheThatCannotBeWrittenIsNoError) {
  Cached c;
  c.dir.write(".migrate", "a file where the folder would be");
  const RevisionFile parsed = read_revision_file(c.file);
  HeaderCache cache(c.cache, settled_now());
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_NO_THROW(cache.save({cache.entry_for(c.file.string(), *stamp_of(c.file.string()), parsed)}));
  EXPECT_TRUE(fs::is_regular_file(c.dir.path() / ".migrate"));
}

TEST(HeaderCacheTest, ADeferredFileChangedSinceLoadingIsAScriptError) {
  Cached c;
  c.record();
  auto hit = c.lookup();
  ASSERT_TRUE(hit);
  c.dir.write("v/a.sql", revision("aaa", "first", "SELECT 9;"));  // same size, other SQL
  try {
    (void)hit->upgrade_for(Dialect::sqlite);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::script);
    EXPECT_NE(std::string(e.what()).find("changed while migrate was running"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(c.file.string()), std::string::npos) << e.what();
  }
  fs::remove(c.file);
  EXPECT_THROW((void)hit->downgrade_sections(), Error);
}

TEST(HeaderCacheTest, NoCacheWithoutAConfigurationFileOrWhenTurnedOff) {
  EXPECT_EQ(header_cache_file({}), fs::path());
  EXPECT_EQ(header_cache_file("/p/migrate.toml"), fs::path("/p/.migrate/header-cache"));
  ::setenv("MIGRATE_NO_CACHE", "1", 1);
  EXPECT_EQ(header_cache_file("/p/migrate.toml"), fs::path());
  ::setenv("MIGRATE_NO_CACHE", "0", 1);
  EXPECT_EQ(header_cache_file("/p/migrate.toml"), fs::path("/p/.migrate/header-cache"));
  ::unsetenv("MIGRATE_NO_CACHE");
}

// Through the loader, with real times: files are recorded once they are older than the
// racy window, and a file edited to the same size with its times put back is read again.
TEST(HeaderCacheTest, TheLoaderRecordsSettledFilesAndRereadsEditedOnes) {
  test::TempDir dir;
  dir.write("v/a.sql", revision("aaa", "first"));
  dir.write("v/b.sql", revision("bbb", "second"));
  const fs::path cache = dir.path() / ".migrate" / "header-cache";
  // The loader says at debug level how many files it took from the cache.
  auto load = [&](const std::string& taken) {
    test::LogCapture log(spdlog::level::debug);
    auto files = load_revision_files({dir.path() / "v"}, false, cache);
    EXPECT_NE(log.text().find(taken + " revision files unchanged"), std::string::npos) << log.text();
    return files;
  };
  auto files = load("0 of 2");
  EXPECT_FALSE(fs::exists(cache));  // every file is too recent to record
  std::this_thread::sleep_for(std::chrono::nanoseconds(HeaderCache::k_racy_window_ns + 100'000'000));
  files = load("0 of 2");
  ASSERT_TRUE(fs::exists(cache));
  EXPECT_FALSE(files[0].sections_pending());  // read and parsed: its SQL is at hand
  files = load("2 of 2");
  EXPECT_TRUE(files[0].sections_pending());
  EXPECT_TRUE(files[1].sections_pending());
  EXPECT_EQ(files[0].path, dir.path() / "v" / "a.sql");

  struct stat old {};
  ASSERT_EQ(::stat((dir.path() / "v" / "a.sql").c_str(), &old), 0);
  dir.write("v/a.sql", revision("aaa", "FIRST"));
  const timespec times[2] = {old.st_atim, old.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, (dir.path() / "v" / "a.sql").c_str(), times, 0), 0);
  files = load("1 of 2");
  EXPECT_EQ(files[0].message, "FIRST");
  EXPECT_FALSE(files[0].sections_pending());
  EXPECT_TRUE(files[1].sections_pending());
  EXPECT_EQ(files[1].message, "second");
}

}  // namespace
}  // namespace migrate::script

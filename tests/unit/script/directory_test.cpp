#include "script/directory.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "core/error.hpp"
#include "support/temp_dir.hpp"

namespace migrate::script {
namespace {

namespace fs = std::filesystem;

std::string revision(const std::string& id, const std::string& down = "") {
  return "-- migrate:revision\n-- revision = \"" + id + "\"\n-- down_revision = \"" + down +
         "\"\n-- message = \"m " + id + "\"\n\n-- migrate:upgrade\nSELECT 1;\n\n-- migrate:downgrade\nSELECT 2;\n";
}

std::vector<std::string> ids(const std::vector<RevisionFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.id);
  return out;
}

using V = std::vector<std::string>;

TEST(DirectoryTest, LoadsSqlFilesSortedByName) {
  test::TempDir dir;
  dir.write("v/b_second.sql", revision("bbb"));
  dir.write("v/a_first.sql", revision("zzz"));
  dir.write("v/c_third.sql", revision("aaa"));
  dir.write("v/notes.txt", "not a revision");
  dir.write("v/.#a_first.sql", "editor lock file");
  auto files = load_revision_files({dir.path() / "v"}, false);
  EXPECT_EQ(ids(files), (V{"zzz", "bbb", "aaa"}));
  EXPECT_EQ(files[0].path, dir.path() / "v" / "a_first.sql");
}

TEST(DirectoryTest, LocationsInGivenOrder) {
  test::TempDir dir;
  dir.write("one/z.sql", revision("r1"));
  dir.write("two/a.sql", revision("r2"));
  EXPECT_EQ(ids(load_revision_files({dir.path() / "one", dir.path() / "two"}, false)), (V{"r1", "r2"}));
  EXPECT_EQ(ids(load_revision_files({dir.path() / "two", dir.path() / "one"}, false)), (V{"r2", "r1"}));
}

TEST(DirectoryTest, SubFoldersOnlyWhenRecursive) {
  test::TempDir dir;
  dir.write("v/b.sql", revision("top_b"));
  dir.write("v/a.sql", revision("top_a"));
  dir.write("v/y/a.sql", revision("y_a"));
  dir.write("v/x/z/a.sql", revision("xz_a"));
  dir.write("v/x/b.sql", revision("x_b"));
  dir.write("v/.hidden/a.sql", revision("hidden"));
  EXPECT_EQ(ids(load_revision_files({dir.path() / "v"}, false)), (V{"top_a", "top_b"}));
  EXPECT_EQ(ids(load_revision_files({dir.path() / "v"}, true)), (V{"top_a", "top_b", "x_b", "xz_a", "y_a"}));
}

TEST(DirectoryTest, MissingLocationIsAConfigError) {
  test::TempDir dir;
  try {
    load_revision_files({dir.path() / "nope"}, false);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_NE(std::string(e.what()).find("nope does not exist"), std::string::npos);
    EXPECT_NE(e.hint().find("migrate init"), std::string::npos);
  }
}

TEST(DirectoryTest, EmptyLocationGivesNoFiles) {
  test::TempDir dir;
  fs::create_directories(dir.path() / "v");
  EXPECT_TRUE(load_revision_files({dir.path() / "v"}, true).empty());
}

TEST(DirectoryTest, SameRealPathLoadedOnce) {
  test::TempDir dir;
  dir.write("v/a.sql", revision("r1"));
  fs::create_directory_symlink(dir.path() / "v", dir.path() / "link");
  fs::create_symlink(dir.path() / "v" / "a.sql", dir.path() / "v" / "b.sql");
  auto files = load_revision_files({dir.path() / "v", dir.path() / "link", dir.path() / "v" / ".." / "v"}, false);
  EXPECT_EQ(ids(files), (V{"r1"}));
}

// A linked file comes first in load order: it is the one loaded, under its own path, and the
// file it points to is not loaded again when its folder is walked later.
TEST(DirectoryTest, ALinkedFileMetFirstIsLoadedAndItsTargetIsNotLoadedAgain) {
  test::TempDir dir;
  dir.write("b/x.sql", revision("rx"));
  dir.write("b/y.sql", revision("ry"));
  dir.write("a/m.sql", revision("rm"));
  fs::create_symlink(dir.path() / "b" / "y.sql", dir.path() / "a" / "n.sql");
  auto files = load_revision_files({dir.path() / "a", dir.path() / "b"}, false);
  EXPECT_EQ(ids(files), (V{"rm", "ry", "rx"}));
  EXPECT_EQ(files[1].path, dir.path() / "a" / "n.sql");
}

// A location inside another one, either order, with sub-folders walked: each file once, in the
// place where it was first met.
TEST(DirectoryTest, NestedLocationsLoadEachFileOnce) {
  test::TempDir dir;
  dir.write("v/a.sql", revision("top"));
  dir.write("v/sub/b.sql", revision("inner"));
  dir.write("v/sub/deeper/c.sql", revision("deep"));
  EXPECT_EQ(ids(load_revision_files({dir.path() / "v", dir.path() / "v" / "sub"}, true)),
            (V{"top", "inner", "deep"}));
  EXPECT_EQ(ids(load_revision_files({dir.path() / "v" / "sub", dir.path() / "v"}, true)),
            (V{"inner", "deep", "top"}));
  fs::create_directory_symlink(dir.path() / "v", dir.path() / "v" / "sub" / "loop");
  EXPECT_EQ(ids(load_revision_files({dir.path() / "v" / "sub", dir.path() / "v"}, true)),
            (V{"inner", "deep", "top"}));
}

TEST(DirectoryTest, ParseErrorNamesTheFile) {
  test::TempDir dir;
  dir.write("v/a.sql", revision("r1"));
  dir.write("v/b.sql", "-- migrate:revision\n-- revision = \"x-y\"\n");
  try {
    load_revision_files({dir.path() / "v"}, false);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::script);
    EXPECT_EQ(std::string(e.what()).rfind((dir.path() / "v" / "b.sql").string() + ":2: invalid revision id", 0), 0u)
        << e.what();
  }
}

// Files are read on several threads; the error reported is still the first bad file's in
// load order, whichever thread met it, and with a cache the outcome is the same.
TEST(DirectoryTest, TheFirstBadFileInLoadOrderIsTheOneReported) {
  test::TempDir dir;
  for (int i = 0; i < 1200; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "v/f%04d.sql", i);
    const bool bad = i == 700 || i == 300 || i == 1100;
    dir.write(name, bad ? "-- migrate:revision\n-- revision = \"bad-" + std::to_string(i) + "\"\n"
                        : revision("r" + std::to_string(i)));
  }
  for (const fs::path cache : {fs::path(), dir.path() / ".migrate" / "header-cache"}) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      try {
        load_revision_files({dir.path() / "v"}, false, cache);
        FAIL();
      } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind((dir.path() / "v" / "f0300.sql").string() + ":2:", 0), 0u) << e.what();
      }
    }
  }
}

// Loading and parsing must stay cheap: `migrate heads` on 10,000 files has a 0.2 s budget.
// 2,000 files here keep the unit run short; the limit is loose for Debug builds and busy
// machines (a Release build loads 10,000 files in well under 100 ms).
TEST(DirectoryTest, LoadsTwoThousandFilesQuickly) {
  test::TempDir dir;
  const int n = 2000;
  for (int i = 0; i < n; ++i) {
    char id[16], down[16];
    std::snprintf(id, sizeof id, "r%05d", i);
    std::snprintf(down, sizeof down, "r%05d", i - 1);
    dir.write(std::string("v/") + id + "_step.sql", revision(id, i == 0 ? "" : down));
  }
  const auto start = std::chrono::steady_clock::now();
  auto files = load_revision_files({dir.path() / "v"}, false);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(files.size(), static_cast<std::size_t>(n));
  EXPECT_EQ(files.back().id, "r01999");
  std::printf("loaded %d revision files in %lld ms\n", n, static_cast<long long>(ms));
  // Generous: Debug builds and busy CI machines; Release measures far below.
  EXPECT_LT(ms, 1000);
}

}  // namespace
}  // namespace migrate::script

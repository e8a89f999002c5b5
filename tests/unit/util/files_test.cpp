#include "util/files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <thread>

#include "support/temp_dir.hpp"

namespace migrate::util {
namespace {

TEST(FilesTest, ReadFileReturnsBytes) {
  test::TempDir dir;
  auto p = dir.write("a.txt", std::string("x\0y\r\n", 5));
  EXPECT_EQ(read_file(p), std::string("x\0y\r\n", 5));
}

TEST(FilesTest, ReadLargeFile) {
  test::TempDir dir;
  std::string big(100000, 'x');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  auto p = dir.write("big.txt", big);
  EXPECT_EQ(read_file(p), big);
  EXPECT_EQ(read_file(dir.write("empty.txt", "")), "");
}

TEST(FilesTest, ReadFolderFails) {
  test::TempDir dir;
  EXPECT_THROW(read_file(dir.path()), Error);
}

TEST(FilesTest, ReadMissingFileThrowsGivenKind) {
  test::TempDir dir;
  try {
    read_file(dir.path() / "nope.sql", ErrorKind::script);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::script);
    EXPECT_NE(std::string(e.what()).find("nope.sql"), std::string::npos);
  }
}

TEST(FilesTest, FolderReadsFilesIntoAReusedBuffer) {
  test::TempDir dir;
  std::string big(200000, 'y');
  big[12345] = 'z';
  dir.write("d/small.sql", "abc");
  dir.write("d/big.sql", big);
  Folder folder(dir.path() / "d");
  std::string buffer;
  // read_into may reallocate `buffer`, so its data() is taken only after the call returns
  // (in one expression the order of evaluation is unspecified).
  const std::size_t big_size = folder.read_into("big.sql", buffer);
  EXPECT_EQ(std::string(buffer.data(), big_size), big);
  const std::size_t small_size = folder.read_into("small.sql", buffer);
  EXPECT_EQ(std::string(buffer.data(), small_size), "abc");
  try {
    folder.read_into("none.sql", buffer, ErrorKind::script);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::script);
    EXPECT_NE(std::string(e.what()).find("none.sql"), std::string::npos);
  }
  EXPECT_THROW(Folder(dir.path() / "missing"), Error);
}

TEST(FilesTest, AtomicWriteCreatesAndRefusesToOverwrite) {
  test::TempDir dir;
  auto p = dir.path() / "f.sql";
  write_file_atomic(p, "one", false);
  EXPECT_EQ(read_file(p), "one");
  EXPECT_THROW(write_file_atomic(p, "two", false), Error);
  EXPECT_EQ(read_file(p), "one");
  write_file_atomic(p, "three", true);
  EXPECT_EQ(read_file(p), "three");
  int entries = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1);  // no temporary file left behind
}

TEST(FilesTest, AtomicWriteIntoMissingFolderFails) {
  test::TempDir dir;
  EXPECT_THROW(write_file_atomic(dir.path() / "no" / "f.sql", "x", false), Error);
}

}  // namespace
}  // namespace migrate::util

namespace migrate::util {
namespace {

// `migrate dump -o /dev/null` must write into the device, not rename a file over it: a pipe
// stands in for the device here (replacing it would make it a regular file).
TEST(FilesTest, OverwritingAFileThatIsNotRegularWritesIntoIt) {
  test::TempDir dir;
  auto pipe_path = dir.path() / "pipe";
  ASSERT_EQ(::mkfifo(pipe_path.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] {
    std::ifstream in(pipe_path, std::ios::binary);
    received.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  });
  write_file_atomic(pipe_path, "CREATE TABLE t (id INTEGER);\n", true);
  reader.join();
  EXPECT_EQ(received, "CREATE TABLE t (id INTEGER);\n");
  EXPECT_TRUE(std::filesystem::is_fifo(pipe_path));
  EXPECT_THROW(write_file_atomic(dir.path(), "x", true), Error);  // a folder is never written over
}

}  // namespace
}  // namespace migrate::util

#include "util/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

namespace migrate::util {

namespace {

std::string errno_text() { return std::strerror(errno); }

std::filesystem::path temp_name_for(const std::filesystem::path& path) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  static const char* hex = "0123456789abcdef";
  auto v = rng();
  for (int i = 0; i < 16; ++i) buf[i] = hex[(v >> (i * 4)) & 0xf];
  buf[16] = 0;
  std::string name = ".";
  name += path.filename().string();
  name += ".tmp-";
  name += buf;
  return path.parent_path() / name;
}

}  // namespace

std::string read_file(const std::filesystem::path& path, ErrorKind kind) {
  // open/read instead of iostreams: this runs once per revision file and must stay cheap.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(kind, "Cannot read " + path.string() + ": " + errno_text());
  // Size the string from fstat and read straight into it: one allocation per file. A read
  // shorter than asked means end of file; a file that grew meanwhile is read on.
  struct stat st {};
  std::size_t want = 4096;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) want = static_cast<std::size_t>(st.st_size) + 1;
  std::string out;
  std::size_t used = 0;
  for (;;) {
    out.resize(used + want);
    ssize_t n = ::read(fd, out.data() + used, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string why = errno_text();
      ::close(fd);
      throw Error(kind, "Cannot read " + path.string() + ": " + why);
    }
    used += static_cast<std::size_t>(n);
    if (n == 0 || static_cast<std::size_t>(n) < want) break;
    want = std::min<std::size_t>(std::max<std::size_t>(want * 2, 4096), 1 << 20);
  }
  ::close(fd);
  out.resize(used);
  return out;
}

Folder::Folder(const std::filesystem::path& path, ErrorKind kind) : m_path(path) {
  m_fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (m_fd < 0) throw Error(kind, "Cannot open folder " + path.string() + ": " + errno_text());
}

Folder::~Folder() {
  if (m_fd >= 0) ::close(m_fd);
}

std::size_t Folder::read_into(const char* name, std::string& buffer, ErrorKind kind) const {
  auto fail = [&](int err) -> std::size_t {
    throw Error(kind, "Cannot read " + (m_path / name).string() + ": " + std::strerror(err));
  };
  const int fd = ::openat(m_fd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(errno);
  if (buffer.size() < 65536) buffer.resize(65536);
  std::size_t used = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data() + used, buffer.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return fail(err);
    }
    used += static_cast<std::size_t>(n);
    if (used < buffer.size()) break;  // short read: end of a regular file
    buffer.resize(buffer.size() * 2);
  }
  ::close(fd);
  return used;
}

/// Writes into an existing file that is not a regular one (`/dev/null`, `/dev/stdout`, a
/// pipe): renaming a temporary file over it would replace the device with a plain file.
void write_in_place(const std::filesystem::path& path, const std::string& content, ErrorKind kind) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw Error(kind, "Cannot write " + path.string() + ": " + errno_text());
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string why = errno_text();
      ::close(fd);
      throw Error(kind, "Cannot write " + path.string() + ": " + why);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  ::close(fd);
}

void write_file_atomic(const std::filesystem::path& path, const std::string& content, bool overwrite,
                       ErrorKind kind) {
  if (!overwrite && std::filesystem::exists(path)) {
    throw Error(kind, "File " + path.string() + " already exists");
  }
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (std::filesystem::is_directory(status)) throw Error(kind, "Cannot write " + path.string() + ": it is a folder");
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    write_in_place(path, content, kind);
    return;
  }
  auto tmp = temp_name_for(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) throw Error(kind, "Cannot write " + path.string() + ": " + errno_text());
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string why = errno_text();
      ::close(fd);
      ::unlink(tmp.c_str());
      throw Error(kind, "Cannot write " + path.string() + ": " + why);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::string why = errno_text();
    ::unlink(tmp.c_str());
    throw Error(kind, "Cannot write " + path.string() + ": " + why);
  }
  if (overwrite) {
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      std::string why = errno_text();
      ::unlink(tmp.c_str());
      throw Error(kind, "Cannot write " + path.string() + ": " + why);
    }
    return;
  }
  // link() fails with EEXIST instead of replacing: no race with a file created meanwhile.
  if (::link(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    if (err == EPERM || err == ENOTSUP || err == EOPNOTSUPP || err == EMLINK) {
      // A file system without hard links: fall back to check-then-rename.
      if (!std::filesystem::exists(path) && ::rename(tmp.c_str(), path.c_str()) == 0) return;
      err = std::filesystem::exists(path) ? EEXIST : errno;
    }
    ::unlink(tmp.c_str());
    if (err == EEXIST) throw Error(kind, "File " + path.string() + " already exists");
    throw Error(kind, "Cannot write " + path.string() + ": " + std::strerror(err));
  }
  ::unlink(tmp.c_str());
}

}  // namespace migrate::util

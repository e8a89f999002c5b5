#pragma once
/// File helpers: whole-file reads and atomic writes, reporting failures as migrate::Error.

#include <filesystem>
#include <string>

#include "core/error.hpp"

namespace migrate::util {

/// The whole file, bytes as stored. Throws Error{kind} "Cannot read <path>: <reason>".
std::string read_file(const std::filesystem::path& path, ErrorKind kind = ErrorKind::config);

/// An open folder, for reading many small files in it cheaply: each read is openat(2) on
/// the folder (a one-component lookup), one read(2) into a reused buffer, and close(2),
/// with no fstat. Meant for regular files found by listing the folder: a read shorter than
/// the buffer is taken as the end of the file, which holds for regular files.
class Folder {
 public:
  /// Opens `path` (a folder). Throws Error{kind} when it cannot be opened.
  explicit Folder(const std::filesystem::path& path, ErrorKind kind = ErrorKind::config);
  ~Folder();
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;

  const std::filesystem::path& path() const { return m_path; }

  /// Reads file `name` of this folder into `buffer` (grown when too small, never shrunk;
  /// contents past the returned size are unspecified) and returns its size. Safe to call
  /// from several threads with different buffers. Throws Error{kind} "Cannot read
  /// <folder>/<name>: <reason>".
  std::size_t read_into(const char* name, std::string& buffer, ErrorKind kind = ErrorKind::config) const;

 private:
  std::filesystem::path m_path;
  int m_fd = -1;
};

/// Writes `content` to a temporary file next to `path`, then renames it over `path`, so
/// readers see the old file or the new one, never half of one. Parent folders must exist.
/// An existing `path` that is not a regular file (`/dev/null`, a pipe) is written in place
/// (with `overwrite`), never replaced; a folder is an error.
/// With `overwrite == false` an existing `path` is refused (Error{kind} "... already
/// exists"); the check and the rename use link(2), so a file created meanwhile is not
/// replaced either. Throws Error{kind} on any I/O failure; the temporary file is removed.
void write_file_atomic(const std::filesystem::path& path, const std::string& content, bool overwrite,
                       ErrorKind kind = ErrorKind::config);

}  // namespace migrate::util

#pragma once
/// A fresh directory under $TMPDIR, removed with everything in it when the object dies.

#include <filesystem>
#include <string>

namespace migrate::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  /// Writes `content` to path()/relative (parent folders created); returns the full path.
  std::filesystem::path write(const std::string& relative, const std::string& content) const;

 private:
  std::filesystem::path m_path;
};

/// Reads a whole file.
std::string read_file(const std::filesystem::path& path);

}  // namespace migrate::test

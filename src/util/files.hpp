#pragma once
/// File helpers: whole-file reads and atomic writes, reporting failures as migrate::Error.

#include <filesystem>
#include <string>

#include "core/error.hpp"

namespace migrate::util {

/// The whole file, bytes as stored. Throws Error{kind} "Cannot read <path>: <reason>".
std::string read_file(const std::filesystem::path& path, ErrorKind kind = ErrorKind::config);

/// Writes `content` to a temporary file next to `path`, then renames it over `path`, so
/// readers see the old file or the new one, never half of one. Parent folders must exist.
/// With `overwrite == false` an existing `path` is refused (Error{kind} "... already
/// exists"); the check and the rename use link(2), so a file created meanwhile is not
/// replaced either. Throws Error{kind} on any I/O failure; the temporary file is removed.
void write_file_atomic(const std::filesystem::path& path, const std::string& content, bool overwrite,
                       ErrorKind kind = ErrorKind::config);

}  // namespace migrate::util

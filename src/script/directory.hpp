#pragma once
/// The version locations on disk: finds revision files and loads them in load order.

#include <filesystem>
#include <vector>

#include "script/revision_file.hpp"

namespace migrate::script {

/// Every `*.sql` file directly in each location (sub-folders too, walked sorted and
/// top-down, when `recursive`), file names sorted per folder, locations in the given
/// order: that is the load order (docs/file-format.md). Within a folder its files come before
/// its sub-folders' files (os.walk order). Names starting with '.' (files and folders) are
/// skipped. A missing location, or one that is not a folder, is an error (config) naming
/// it and suggesting `migrate init`. A real path reached twice (two locations naming one
/// folder, a symlink) is loaded once, at its first place. Files whose parse fails throw
/// script errors naming file and line; an unreadable file is a script error too.
/// Each RevisionFile's `path` is the location joined with the relative file path, as given
/// (absolute when the locations are, as config::load makes them).
/// With a `header_cache` file (script/header_cache.hpp; header_cache_file() names it), a file
/// found unchanged since a run recorded it is taken from there, its SQL read only when
/// asked for; the cache is then brought up to date. Without one, every file is read in full.
std::vector<RevisionFile> load_revision_files(const std::vector<std::filesystem::path>& locations,
                                              bool recursive, const std::filesystem::path& header_cache = {});

}  // namespace migrate::script

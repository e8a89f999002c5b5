#pragma once
/// The version locations on disk: finds revision files and loads them in load order.

#include <filesystem>
#include <vector>

#include "script/revision_file.hpp"

namespace migrate::script {

/// Every `*.sql` file directly in each location (sub-folders too, walked sorted and
/// top-down, when `recursive`), file names sorted per folder, locations in the given
/// order: that is the load order (CONTRACT.md §2). A missing location is an error
/// (config) naming it and suggesting `migrate init`. A real path reached twice is
/// loaded once. Files whose parse fails throw script errors naming file and line.
std::vector<RevisionFile> load_revision_files(const std::vector<std::filesystem::path>& locations,
                                              bool recursive);

}  // namespace migrate::script

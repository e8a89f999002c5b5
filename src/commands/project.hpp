#pragma once
/// A loaded project: configuration, revision files in load order, and the graph built from
/// them. Every command that reads revision files starts here.

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include "graph/revision_map.hpp"
#include "script/revision_file.hpp"

namespace migrate::commands {

class Project {
 public:
  /// Loads files from the configured version locations and validates the graph. Throws
  /// script/graph errors before any database work (CONTRACT.md §2, §5).
  static Project load(config::Config config);

  const config::Config& config() const { return m_config; }
  const graph::RevisionMap& map() const { return *m_map; }
  const std::vector<script::RevisionFile>& files() const { return m_files; }
  /// The file that declares `id`, or nullptr.
  const script::RevisionFile* file(const std::string& id) const;
  /// Same as file() but throws Error{internal} when absent (ids from the map always have one).
  const script::RevisionFile& file_of(const std::string& id) const;

 private:
  config::Config m_config;
  std::vector<script::RevisionFile> m_files;
  std::unordered_map<std::string, std::size_t> m_by_id;
  std::unique_ptr<graph::RevisionMap> m_map;
};

}  // namespace migrate::commands

#include "commands/project.hpp"

#include "core/error.hpp"
#include "script/directory.hpp"

namespace migrate::commands {

Project Project::load(config::Config config) {
  Project p;
  p.m_config = std::move(config);
  p.m_files = script::load_revision_files(p.m_config.version_locations,
                                          p.m_config.recursive_version_locations);
  std::vector<graph::RevisionSpec> specs;
  specs.reserve(p.m_files.size());
  for (std::size_t i = 0; i < p.m_files.size(); ++i) {
    const auto& f = p.m_files[i];
    specs.push_back({f.id, f.down_revisions, f.branch_labels, f.depends_on,
                     f.path.string() + ":" + std::to_string(f.header_line)});
    p.m_by_id.emplace(f.id, i);  // duplicates are reported by the graph below
  }
  p.m_map = std::make_unique<graph::RevisionMap>(std::move(specs));
  return p;
}

const script::RevisionFile* Project::file(const std::string& id) const {
  auto it = m_by_id.find(id);
  return it == m_by_id.end() ? nullptr : &m_files[it->second];
}

const script::RevisionFile& Project::file_of(const std::string& id) const {
  if (const auto* f = file(id)) return *f;
  throw Error(ErrorKind::internal, "no file for revision " + id);
}

}  // namespace migrate::commands

#include "api/project.hpp"

#include <algorithm>

#include "runtime/version_table.hpp"
#include "core/error.hpp"
#include "script/directory.hpp"
#include "script/header_cache.hpp"

namespace migrate::api {

Project Project::load_files(config::Config config) {
  Project p;
  p.m_config = std::move(config);
  // Taken whole: adding the files one by one would hold two copies while the vector grows.
  *p.m_files = script::load_revision_files(p.m_config.version_locations, p.m_config.recursive_version_locations,
                                          script::header_cache_file(p.m_config.file));
  return p;
}

void Project::index_files() {
  const auto& files = *m_files;
  m_by_id.reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i)
    m_by_id.emplace(files[i].id, i);  // duplicates are reported by the graph
}

void Project::add_file(script::RevisionFile file) {
  if (m_by_id.empty()) index_files();  // the map no longer lists every file
  m_by_id.emplace(file.id, m_files->size());
  m_files->push_back(std::move(file));
}

void Project::build_map() {
  // Each file's spec is made as the graph takes it: a vector of them all would hold a second
  // copy of every file's links while the graph is built.
  const auto& files = *m_files;
  auto spec_at = [&files](std::size_t i) {
    const auto& f = files[i];
    return graph::RevisionSpec{f.id, f.down_revisions, f.branch_labels, f.depends_on, ""};
  };
  // "path:line" only for the message that needs it, not once per file.
  auto origin_of = [&files](std::size_t i) {
    return files[i].path.string() + ":" + std::to_string(files[i].header_line);
  };
  m_map = std::make_shared<const graph::RevisionMap>(files.size(), spec_at, origin_of);
}

Project Project::load(config::Config config) {
  Project p = load_files(std::move(config));
  p.build_map();
  return p;
}

namespace {

/// Applied revisions (the rows and, through the files and copies `p` has, their parents
/// and dependencies) that neither a file nor a journal copy declares, in the order found.
std::vector<std::string> gone_applied(const Project& p, const std::vector<std::string>& rows) {
  std::vector<std::string> gone, stack(rows.rbegin(), rows.rend());
  std::unordered_set<std::string> seen;
  while (!stack.empty()) {
    auto id = std::move(stack.back());
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    const auto* f = p.file(id);
    if (!f) {
      gone.push_back(id);
      continue;
    }
    for (auto it = f->depends_on.items().rbegin(); it != f->depends_on.items().rend(); ++it) stack.push_back(*it);
    for (auto it = f->down_revisions.rbegin(); it != f->down_revisions.rend(); ++it) stack.push_back(*it);
  }
  return gone;
}

/// A graph error about a missing revision, said as what it is when that revision is
/// applied: its file is gone and the journal cannot stand in (else `missing` as it is).
Error explain_missing(const Project& p, const std::vector<std::string>& rows, const Error& missing) {
  auto gone = gone_applied(p, rows);
  // A gone row nothing else names is left to require_known_rows (the commands decide).
  for (const auto& id : gone) {
    auto names_it = [&id](const script::RevisionFile& f) {
      auto has = [&id](const std::vector<std::string>& v) { return std::find(v.begin(), v.end(), id) != v.end(); };
      return has(f.down_revisions) || has(f.depends_on);
    };
    if (std::none_of(p.files().begin(), p.files().end(), names_it)) continue;
    return Error(ErrorKind::needs_repair,
                 "revision " + id + " is applied, but its file is gone from the version locations and the journal "
                 "holds no copy of it (" + missing.what() + ")",
                 "restore the file (e.g. check out the release that added it); without the file or a journal copy "
                 "it cannot be shown or downgraded, so otherwise check the schema by hand and record the real "
                 "state with `migrate stamp`");
  }
  return missing;
}

}  // namespace

Project Project::load_with_database(config::Config config, const std::function<backend::Backend&()>& connect,
                                    const runtime::VersionTable& vt) {
  Project p = load_files(std::move(config));
  // Errors other than a missing revision do not depend on the database: report them
  // before connecting to anything, as load() does.
  std::optional<Error> missing;
  try {
    p.build_map();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::missing_revision) throw;
    missing = e;
    p.index_files();  // no map to find the files by
  }
  auto& db = connect();
  p.m_journal_read = true;
  p.m_version_rows = runtime::read_version_rows(db, vt);
  const auto& rows = p.m_version_rows;
  std::vector<std::string> pending;
  for (auto& row : rows)
    if (!p.file(row)) pending.push_back(row);
  if (missing)  // a real file names a parent or dependency no file declares
    for (const auto& f : p.files()) {
      for (const auto& d : f.down_revisions)
        if (!p.file(d)) pending.push_back(d);
      for (const auto& d : f.depends_on)
        if (!p.file(d)) pending.push_back(d);
    }
  if (pending.empty()) {
    if (missing) throw explain_missing(p, rows, *missing);
    return p;
  }
  runtime::Journal journal(db, vt);
  std::unordered_set<std::string> tried;
  while (!pending.empty()) {
    auto id = std::move(pending.back());
    pending.pop_back();
    if (p.file(id) || !tried.insert(id).second) continue;
    auto copy = journal.stored_copy(id);
    if (!copy || copy->file_content.empty()) continue;
    auto file = script::parse_stored_copy("<journal copy of " + id + ">", copy->file_content);
    if (file.id != id) continue;  // a journal edited by hand: do not guess
    for (const auto& d : file.down_revisions) pending.push_back(d);
    for (const auto& d : file.depends_on) pending.push_back(d);
    p.m_copies.emplace(id, copy->started_at);
    p.add_file(std::move(file));
  }
  if (p.m_copies.empty() && missing) throw explain_missing(p, rows, *missing);
  try {
    p.build_map();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::missing_revision) throw;
    throw explain_missing(p, rows, e);
  }
  return p;
}

Project Project::with_config(config::Config config) const {
  if (m_journal_read) throw Error(ErrorKind::internal, "Project::with_config is for a project loaded without its database");
  Project p;
  p.m_config = std::move(config);
  p.m_files = m_files;
  p.m_by_id = m_by_id;
  p.m_map = m_map;
  return p;
}

const script::RevisionFile* Project::file(const std::string& id) const {
  if (m_by_id.empty() && m_map) {
    // The map lists the files, in their order, one revision per file.
    const auto* r = m_map->find(id);
    return r ? &(*m_files)[r->load_index] : nullptr;
  }
  auto it = m_by_id.find(id);
  return it == m_by_id.end() ? nullptr : &(*m_files)[it->second];
}

const script::RevisionFile& Project::file_of(const std::string& id) const {
  if (const auto* f = file(id)) return *f;
  throw Error(ErrorKind::internal, "no file for revision " + id);
}

std::string Project::copy_stored_at(const std::string& id) const {
  auto it = m_copies.find(id);
  return it == m_copies.end() ? "" : it->second;
}

}  // namespace migrate::api

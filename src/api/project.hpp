#pragma once
/// A loaded project: configuration, revision files in load order, and the graph built from
/// them. Every command that reads revision files starts here.
///
/// Commands that work on a database can also load the copies the journal keeps of applied
/// revisions whose files are gone (say `downgrade -1` after the application was rolled
/// back to a release without the applied revision's file). Such a revision is a *journal
/// copy*: its RevisionFile is parsed from the stored file_content, its path reads
/// `<journal copy of REV>`, and it comes after every real file in load order.

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "backend/backend.hpp"
#include "config/config.hpp"
#include "graph/revision_map.hpp"
#include "runtime/journal.hpp"
#include "script/revision_file.hpp"

namespace migrate::api {

class Project {
 public:
  /// Loads files from the configured version locations and validates the graph. Throws
  /// script/graph errors before any database work.
  static Project load(config::Config config);

  /// Same, then connects (`connect`, called once the files are read), reads the version
  /// table (no lock, nothing created) and adds the
  /// journal's stored copy of every applied revision with no file: each row no file
  /// declares, and recursively each parent or dependency that such a copy, or a real
  /// file, names and no file declares. Script and graph errors other than a missing
  /// revision are still thrown before connecting; a missing revision the journal cannot
  /// supply is thrown as Error{needs_repair} saying so when that revision is applied
  /// (named by a row's file or copy, or an ancestor's), else as load() throws it. A row
  /// that nothing declares and nothing names is left out (require_known_rows reports it).
  static Project load_with_database(config::Config config, const std::function<backend::Backend&()>& connect,
                                    const runtime::VersionTable& vt);

  /// The same files and graph under `config` (a fleet target's URL and version table),
  /// shared, not copied: one load serves every target. Only for a project from load(): the
  /// journal copies of another are one database's.
  Project with_config(config::Config config) const;

  const config::Config& config() const { return m_config; }
  const graph::RevisionMap& map() const { return *m_map; }
  const std::vector<script::RevisionFile>& files() const { return *m_files; }
  /// The file that declares `id`, or nullptr. A journal copy counts as a file here.
  const script::RevisionFile* file(const std::string& id) const;
  /// Same as file() but throws Error{internal} when absent (ids from the map always have one).
  const script::RevisionFile& file_of(const std::string& id) const;
  /// True when `id` comes from the journal's stored copy, its file being gone.
  bool is_journal_copy(const std::string& id) const { return m_copies.count(id) != 0; }
  /// True when a real file on disk declares `id` (not a journal copy).
  bool has_file(const std::string& id) const { return file(id) && !is_journal_copy(id); }
  /// When the journal copy of `id` was stored ("" for real files).
  std::string copy_stored_at(const std::string& id) const;
  /// True when loaded by load_with_database: a revision with neither file nor copy has no
  /// copy in the journal either.
  bool journal_read() const { return m_journal_read; }
  /// The version-table rows load_with_database read (in SELECT order; none when the table
  /// does not exist): the database's state when the project was loaded, so that a command
  /// reading the rows right after need not ask again.
  const std::vector<std::string>& version_rows() const { return m_version_rows; }

 private:
  static Project load_files(config::Config config);
  void add_file(script::RevisionFile file);
  /// Fills m_by_id. Until a file is added after loading, or when the map cannot be built, the
  /// map finds the files (one per revision, in load order) and m_by_id stays empty.
  void index_files();
  void build_map();

  config::Config m_config;
  /// Shared between the projects with_config makes; changed only while loading.
  std::shared_ptr<std::vector<script::RevisionFile>> m_files = std::make_shared<std::vector<script::RevisionFile>>();
  std::unordered_map<std::string, std::size_t> m_by_id;
  std::unordered_map<std::string, std::string> m_copies;  ///< id -> stored_at
  std::shared_ptr<const graph::RevisionMap> m_map;
  bool m_journal_read = false;
  std::vector<std::string> m_version_rows;
};

}  // namespace migrate::api

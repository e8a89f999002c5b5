#pragma once
/// Validation of applied revisions before a state-changing command ("an applied
/// revision whose file changed (checksum mismatch) or whose file is missing is reported
/// with its file name and a diff summary of what changed; the command refuses to run unless
/// the user chooses a documented way out").
///
/// Applied revisions are the version-table rows and every ancestor of theirs in the graph
/// (effective parents: down_revision and depends_on). A revision is checked only when the
/// journal holds a recorded checksum for it (Journal::recorded_checksum): databases taken
/// over from Alembic or older releases have none, and that is normal.

#include <functional>
#include <optional>
#include <unordered_map>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "graph/revision_map.hpp"
#include "runtime/journal.hpp"
#include "runtime/runner.hpp"

namespace migrate::runtime {

/// A short human summary of how `after` differs from `before`, line by line, in the line
/// numbers of `before`: "lines 12-14 changed, 2 lines added after line 20, line 30
/// removed". At most `max_hunks` parts, then "and N more changes". "no line changed
/// (line endings or the end of the file differ)" when the line lists are equal.
std::string diff_summary(std::string_view before, std::string_view after, std::size_t max_hunks = 5);


struct ChecksumMismatch {
  std::string revision;
  std::string file;         ///< the file's path
  std::string recorded_at;  ///< when the recorded checksum was written (journal started_at)
  std::string recorded_checksum;
  std::string file_checksum;
  std::string diff;         ///< diff_summary(stored copy, file); "" without a stored copy
};

struct ValidationReport {
  std::vector<ChecksumMismatch> mismatches;
  /// Applied revisions whose file is gone (ids, in the order found).
  std::vector<std::string> missing_files;
  bool clean() const { return mismatches.empty() && missing_files.empty(); }
};

/// Applied revisions: the rows plus every ancestor in `map`, rows first then ancestors in
/// load order; rows the map does not know are kept (they are missing files).
std::vector<std::string> applied_revisions(const graph::RevisionMap& map, const std::vector<std::string>& rows);

/// The newest recorded checksum of each revision of a map, by load index: taken row by row
/// from the journal's reads (Journal::for_each_recorded_checksum or read_state_at_once, in
/// any order: of two rows of a revision the one with the larger id stands), as 48 bytes a
/// revision (at 10,000 applied revisions a map of the rows' strings took megabytes). A
/// recorded value that is no SHA-256 in lower-case hex is kept as written, to be shown.
class RecordedChecksums {
 public:
  explicit RecordedChecksums(const graph::RevisionMap& map);
  /// Hands rows to add(); valid while this object lives.
  Journal::RecordedChecksumSink sink();
  void add(std::string&& revision, RecordedChecksum&& row);
  /// The recorded checksum of `rev` (as written) and its row when it differs from `file`'s;
  /// nullopt when it equals it, or none can be compared.
  std::optional<std::pair<std::string, long long>> mismatch(const graph::Revision& rev,
                                                             const util::Sha256Digest& file) const;

 private:
  struct Slot {
    long long row = 0;
    util::Sha256Digest digest;
    bool comparable = false;
  };
  const graph::RevisionMap& m_map;
  std::vector<Slot> m_by_index;
  std::unordered_map<std::size_t, std::string> m_not_hex;
};

/// Checks every applied revision. `has_file(id)` says whether the revision's file exists
/// (a journal copy standing in for a gone file does not count); `files(id)` returns the
/// file to compare (nullptr when gone). Reads the journal of `vt` only: one query for every
/// recorded checksum (Journal::for_each_recorded_checksum: this runs before every upgrade, no-op
/// ones included), and the recording row (or the stored copy) per mismatch for its diff.
ValidationReport validate_applied(const graph::RevisionMap& map, const std::vector<std::string>& rows,
                                  const FileLookup& files, const std::function<bool(const std::string&)>& has_file,
                                  backend::Backend& db, const VersionTable& vt);
/// The same with the recorded checksums already read (Journal::read_state_at_once); the
/// journal is read only for a mismatch's details.
ValidationReport validate_applied(const graph::RevisionMap& map, const std::vector<std::string>& rows,
                                  const FileLookup& files, const std::function<bool(const std::string&)>& has_file,
                                  backend::Backend& db, const VersionTable& vt, const RecordedChecksums& recorded);

/// Throws Error{needs_repair} for the first problem of `report`, naming revision, file, the
/// recorded time and the diff summary, with the ways out as the hint. `command` is
/// "upgrade" or "downgrade": a missing file stops an upgrade only (a downgrade runs from
/// the journal's copy).
void require_valid(const ValidationReport& report, const std::string& command);

}  // namespace migrate::runtime

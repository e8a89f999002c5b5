#pragma once
/// The read-only views of the journal behind `migrate status` and `migrate log`: how each
/// revision came to its state, and journal rows as the public JournalRecord.

#include <migrate/types.hpp>

#include <functional>
#include <string>
#include <vector>

#include "graph/revision_map.hpp"
#include "runtime/journal.hpp"

namespace migrate::api {

/// Every revision of `map` in history order (newest first) with its state in a database
/// whose version table holds `rows` (ids the map does not know are left out), and whose
/// journal holds `journal` (oldest first) with the partial rows `partial`
/// (Journal::partial). `file_gone` says which revisions are only known from the journal's
/// copy. Fills everything but `message` and `path`.
///
/// The rule: a revision is applied when it is a row or below one (through down_revision
/// and depends_on). Replaying the journal's `applied` rows in order says how it got there:
/// an upgrade of it, or a `repair` after which it is applied (`--resume`, `--mark-applied`),
/// makes it *ran* (state applied); a stamp makes *stamped* every revision that is applied
/// after the stamp's step and was not before; a downgrade of it, a `repair` after which it
/// is not applied, or a stamp that takes it off the applied revisions forgets it. An
/// applied revision that the replay leaves stamped is `stamped`; one it does not know (no
/// journal, a database taken over from Alembic) is `applied` with no time. A partial row
/// wins over all of that (`partial`); a file that is gone wins over applied and stamped
/// (`file_gone`), keeping the row that applied it.
std::vector<RevisionStatus> revision_states(const graph::RevisionMap& map, const std::vector<std::string>& rows,
                                            const std::vector<runtime::JournalEntry>& journal,
                                            const std::vector<runtime::JournalEntry>& partial,
                                            const std::function<bool(const std::string&)>& file_gone);

/// revision_states fed one journal row at a time, oldest first (Journal::for_each_outcome),
/// so that no more than one row is held: what the replay keeps of a row is copied into the
/// status of each revision it reaches, which is the result anyway.
class RevisionStates {
 public:
  explicit RevisionStates(const graph::RevisionMap& map);
  void replay(const runtime::JournalEntry& row);
  std::vector<RevisionStatus> finish(const std::vector<std::string>& rows,
                                     const std::vector<runtime::JournalEntry>& partial,
                                     const std::function<bool(const std::string&)>& file_gone) &&;

 private:
  void replay_stamp(const runtime::JournalEntry& row);
  void set_origin(std::size_t index, const runtime::JournalEntry* row);

  const graph::RevisionMap& m_map;
  /// By load index: who ran the journal row through which the revision is applied, as the
  /// replay leaves it (journal_id 0: none).
  std::vector<RevisionStatus> m_by_index;
  std::vector<char> m_stamped;  ///< by load index: that row is a stamp
};

/// The revisions an upgrade to every head would run from `rows` (known ids only), in order;
/// empty when the planner refuses to start from them (the caller names the rows instead).
std::vector<std::string> pending_revisions(const graph::RevisionMap& map, const std::vector<std::string>& rows);

/// The public form of a journal row.
JournalRecord to_record(const runtime::JournalEntry& entry);

/// The rows of `journal` (oldest first) whose revision is one of `revisions` (all rows when
/// `revisions` is nullopt), newest first, at most `limit` of them.
std::vector<JournalRecord> select_log(const std::vector<runtime::JournalEntry>& journal,
                                      const std::optional<std::vector<std::string>>& revisions,
                                      std::optional<std::size_t> limit);

}  // namespace migrate::api

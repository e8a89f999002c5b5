#include "api/status.hpp"

#include <algorithm>
#include <map>

namespace migrate::api {

namespace {

/// A set of revisions of the map, by load index.
using Applied = std::vector<char>;

/// The journal row through which each revision is applied, as the replay leaves it (by load
/// index; nullptr: none).
using Origins = std::vector<const runtime::JournalEntry*>;

/// A stamp step: what it added to the applied revisions is stamped, what it took off is
/// forgotten.
void replay_stamp(const graph::RevisionMap& map, const runtime::JournalEntry& row, Origins& origins) {
  Applied before = map.at_or_below(row.heads_before);
  Applied after = map.at_or_below(row.heads_after);
  for (std::size_t i = 0; i < origins.size(); ++i) {
    if (before[i] && !after[i]) origins[i] = nullptr;
    if (after[i] && !before[i]) origins[i] = &row;
  }
}

void replay(const graph::RevisionMap& map, const runtime::JournalEntry& row, Origins& origins) {
  if (row.status != "applied") return;
  if (row.direction == "stamp") return replay_stamp(map, row, origins);
  const auto* rev = map.find(row.revision);
  if (!rev) return;  // a revision the map does not list: nothing shows its state
  auto& origin = origins[rev->load_index];
  if (row.direction == "upgrade") {
    origin = &row;
  } else if (row.direction == "downgrade") {
    origin = nullptr;
  } else if (row.direction == "repair" && row.command != "repair --accept-checksum") {
    // --resume finishes an upgrade or a downgrade, --mark-applied / --mark-reverted record
    // either outcome: the rows after it say which.
    origin = map.at_or_below(row.heads_after)[rev->load_index] ? &row : nullptr;
  }
}

/// Who ran `row`, when, and how long it took.
void fill_from_row(RevisionStatus& s, const runtime::JournalEntry& row) {
  s.journal_id = row.id;
  s.command = row.command;
  s.started_at = row.started_at;
  if (row.status == "applied") s.applied_at = row.finished_at;
  if (row.duration_ms >= 0 && row.status == "applied") s.duration_ms = row.duration_ms;
  s.db_user = row.db_user;
  s.os_user = row.os_user;
  s.host = row.host;
}

}  // namespace

std::vector<RevisionStatus> revision_states(const graph::RevisionMap& map, const std::vector<std::string>& rows,
                                            const std::vector<runtime::JournalEntry>& journal,
                                            const std::vector<runtime::JournalEntry>& partial,
                                            const std::function<bool(const std::string&)>& file_gone) {
  const Applied applied = map.at_or_below(rows);
  Origins origins(map.revisions().size(), nullptr);
  for (const auto& row : journal) replay(map, row, origins);
  std::map<std::string, const runtime::JournalEntry*> partial_rows;
  for (const auto& row : partial) partial_rows[row.revision] = &row;  // the newest wins

  std::vector<RevisionStatus> out;
  auto ids = map.history("", {});
  out.reserve(ids.size());
  for (auto& id : ids) {
    const auto i = map.get(id).load_index;
    RevisionStatus s;
    s.is_current = std::find(rows.begin(), rows.end(), id) != rows.end();
    if (auto p = partial_rows.find(id); p != partial_rows.end()) {
      s.state = RevisionState::partial;
      fill_from_row(s, *p->second);
    } else if (applied[i]) {
      const auto* origin = origins[i];
      s.state = origin && origin->direction == "stamp" ? RevisionState::stamped : RevisionState::applied;
      if (origin) fill_from_row(s, *origin);
      if (file_gone(id)) s.state = RevisionState::file_gone;
    }
    s.revision = std::move(id);
    out.push_back(std::move(s));
  }
  return out;
}

JournalRecord to_record(const runtime::JournalEntry& e) {
  JournalRecord r;
  r.id = e.id;
  r.revision = e.revision;
  r.direction = e.direction;
  r.command = e.command;
  r.status = e.status;
  r.heads_before = e.heads_before;
  r.heads_after = e.heads_after;
  r.statements_done = e.statements_done;
  r.statements_total = e.statements_total;
  r.error = e.error;
  r.started_at = e.started_at;
  r.finished_at = e.finished_at;
  if (e.duration_ms >= 0) r.duration_ms = e.duration_ms;
  r.db_user = e.db_user;
  r.os_user = e.os_user;
  r.host = e.host;
  r.tool_version = e.tool_version;
  r.reason = e.reason;
  r.schema_fingerprint = e.schema_fingerprint;
  return r;
}

std::vector<JournalRecord> select_log(const std::vector<runtime::JournalEntry>& journal,
                                      const std::optional<std::vector<std::string>>& revisions,
                                      std::optional<std::size_t> limit) {
  std::vector<JournalRecord> out;
  for (auto it = journal.rbegin(); it != journal.rend(); ++it) {
    if (limit && out.size() >= *limit) break;
    if (revisions && std::find(revisions->begin(), revisions->end(), it->revision) == revisions->end()) continue;
    out.push_back(to_record(*it));
  }
  return out;
}

}  // namespace migrate::api

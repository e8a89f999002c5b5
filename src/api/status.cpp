#include "api/status.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "core/error.hpp"

namespace migrate::api {

namespace {

/// A set of revisions of the map, by load index.
using Applied = std::vector<char>;

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

RevisionStates::RevisionStates(const graph::RevisionMap& map)
    : m_map(map), m_by_index(map.revisions().size()), m_stamped(map.revisions().size(), 0) {}

void RevisionStates::set_origin(std::size_t index, const runtime::JournalEntry* row) {
  m_by_index[index] = RevisionStatus{};
  m_stamped[index] = row && row->direction == "stamp";
  if (row) fill_from_row(m_by_index[index], *row);
}

/// A stamp step: what it added to the applied revisions is stamped, what it took off is
/// forgotten.
void RevisionStates::replay_stamp(const runtime::JournalEntry& row) {
  Applied before = m_map.at_or_below(row.heads_before);
  Applied after = m_map.at_or_below(row.heads_after);
  for (std::size_t i = 0; i < m_by_index.size(); ++i) {
    if (before[i] && !after[i]) set_origin(i, nullptr);
    if (after[i] && !before[i]) set_origin(i, &row);
  }
}

void RevisionStates::replay(const runtime::JournalEntry& row) {
  if (row.status != "applied") return;
  if (row.direction == "stamp") return replay_stamp(row);
  const auto* rev = m_map.find(row.revision);
  if (!rev) return;  // a revision the map does not list: nothing shows its state
  const auto i = rev->load_index;
  if (row.direction == "upgrade") {
    set_origin(i, &row);
  } else if (row.direction == "downgrade") {
    set_origin(i, nullptr);
  } else if (row.direction == "repair" && row.command != "repair --accept-checksum") {
    // --resume finishes an upgrade or a downgrade, --mark-applied / --mark-reverted record
    // either outcome: the rows after it say which.
    set_origin(i, m_map.at_or_below(row.heads_after)[i] ? &row : nullptr);
  }
}

namespace {

/// Reorders `items` in place so that items[k] becomes what items[order[k]] was. In place: at
/// 10,000 revisions a second array of statuses would be 3 MB more at the peak of `migrate
/// status`. Throws Error{internal} unless `order` lists every position once.
template <class T>
void permute(std::vector<T>& items, const std::vector<std::uint32_t>& order) {
  std::vector<char> placed(items.size(), 0);
  for (const auto from : order) {
    if (order.size() != items.size() || from >= items.size() || std::exchange(placed[from], 1))
      throw Error(ErrorKind::internal, "revision history does not list every revision once");
  }
  std::fill(placed.begin(), placed.end(), 0);
  for (std::size_t start = 0; start < items.size(); ++start) {
    if (placed[start]) continue;
    T first = std::move(items[start]);
    std::size_t k = start;
    for (std::size_t from = order[k]; from != start; k = from, from = order[k]) {
      items[k] = std::move(items[from]);
      placed[k] = 1;
    }
    items[k] = std::move(first);
    placed[k] = 1;
  }
}

}  // namespace

std::vector<RevisionStatus> RevisionStates::finish(const std::vector<std::string>& rows,
                                                   const std::vector<runtime::JournalEntry>& partial,
                                                   const std::function<bool(const std::string&)>& file_gone) && {
  const Applied applied = m_map.at_or_below(rows);
  std::map<std::string, const runtime::JournalEntry*> partial_rows;
  for (const auto& row : partial) partial_rows[row.revision] = &row;  // the newest wins

  // History order lists every revision once: the statuses, by load index so far, are put
  // in that order where they are.
  auto ids = m_map.history("", {});
  std::vector<std::uint32_t> order;
  order.reserve(m_by_index.size());
  for (const auto& id : ids) order.push_back(static_cast<std::uint32_t>(m_map.get(id).load_index));
  std::vector<RevisionStatus> out = std::move(m_by_index);
  permute(out, order);
  for (std::size_t k = 0; k < out.size(); ++k) {
    const auto i = order[k];
    RevisionStatus& s = out[k];
    if (auto p = partial_rows.find(ids[k]); p != partial_rows.end()) {
      s = RevisionStatus{};
      s.state = RevisionState::partial;
      fill_from_row(s, *p->second);
    } else if (applied[i]) {
      // who ran its origin row, if the replay left one
      s.state = m_stamped[i] ? RevisionState::stamped : RevisionState::applied;
      if (file_gone(ids[k])) s.state = RevisionState::file_gone;
    } else {
      s = RevisionStatus{};
    }
    s.is_current = std::find(rows.begin(), rows.end(), ids[k]) != rows.end();
    s.revision = std::move(ids[k]);
  }
  return out;
}

std::vector<RevisionStatus> revision_states(const graph::RevisionMap& map, const std::vector<std::string>& rows,
                                            const std::vector<runtime::JournalEntry>& journal,
                                            const std::vector<runtime::JournalEntry>& partial,
                                            const std::function<bool(const std::string&)>& file_gone) {
  RevisionStates states(map);
  for (const auto& row : journal) states.replay(row);
  return std::move(states).finish(rows, partial, file_gone);
}

std::vector<std::string> pending_revisions(const graph::RevisionMap& map, const std::vector<std::string>& rows) {
  std::vector<std::string> out;
  try {
    for (const auto& step : map.plan_upgrade("heads", rows).steps)
      if (step.revision && std::find(out.begin(), out.end(), *step.revision) == out.end())
        out.push_back(*step.revision);
  } catch (const Error&) {
    // Rows the planner refuses to start from: no list.
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

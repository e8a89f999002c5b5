#include "api/drift.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

#include "api/database.hpp"
#include "api/replay.hpp"
#include "api/schema.hpp"
#include "api/status.hpp"
#include "runtime/journal.hpp"
#include "runtime/version_table.hpp"

namespace migrate::api {
namespace {

std::vector<SchemaDifference> all_to_public(const std::vector<schema::Difference>& differences) {
  std::vector<SchemaDifference> out;
  out.reserve(differences.size());
  for (const auto& d : differences) out.push_back(to_public(d));
  return out;
}

/// Live objects the model cannot represent, and those of the expected schema the live one
/// lacks in that list: neither side of them was compared.
std::vector<UnsupportedObject> not_compared(const schema::Schema& live, const schema::Schema& expected) {
  std::vector<UnsupportedObject> out;
  auto add = [&out](const schema::Unsupported& u) {
    for (const auto& o : out)
      if (o.kind == u.kind && o.name == u.name) return;
    out.push_back({u.kind, u.name, u.why});
  };
  for (const auto& u : live.unsupported) add(u);
  for (const auto& u : expected.unsupported) add(u);
  return out;
}

/// True when the live schema has everything of the state, unchanged (and maybe more).
bool only_extra(const std::vector<schema::Difference>& differences) {
  return std::all_of(differences.begin(), differences.end(),
                     [](const schema::Difference& d) { return d.change == schema::Difference::Change::extra; });
}

/// The best state of the walk so far: exact beats closest; among equally close states, the
/// later one (the live schema has more of it). Also follows the last state the live schema
/// contains and the state after it.
class Identification {
 public:
  Identification(const schema::Schema& live, const std::vector<std::string>& claimed)
      : m_live(live), m_live_fingerprint(schema::fingerprint_of_canonical(live)), m_claimed(claimed) {}

  void visit(const std::vector<std::string>& rows, const schema::Schema& state) {
    ++m_index;
    if (!m_expected && runtime::same_heads(rows, m_claimed)) m_expected = state;
    if (m_best && m_best->exact) return;
    if (schema::fingerprint_of_canonical(state) == m_live_fingerprint) {
      m_best = IdentifiedRevision{rows, true, {}, {}, {}, {}};
      return;
    }
    auto differences = schema::compare_canonical(state, m_live);  // both read from a catalog
    follow_containment(rows, differences);
    if (m_best && m_best->differences.size() < differences.size()) return;
    m_best = IdentifiedRevision{rows, false, all_to_public(differences), {}, {}, {}};
  }

  /// The schema of the claimed heads, when the walk passed through them.
  std::optional<schema::Schema>& expected() { return m_expected; }

  IdentifiedRevision best() const {
    auto best = m_best.value_or(IdentifiedRevision{});
    if (best.exact) return best;
    best.contained = m_contained;
    if (m_partly_index == m_contained_index + 1) {
      best.partly_applied = m_partly_applied;
      best.partly_missing = m_partly_missing;
    }
    return best;
  }

 private:
  void follow_containment(const std::vector<std::string>& rows, const std::vector<schema::Difference>& differences) {
    if (only_extra(differences)) {
      m_contained = rows;
      m_contained_index = m_index;
      return;
    }
    if (m_index != m_contained_index + 1) return;
    m_partly_index = m_index;
    m_partly_applied = rows;
    m_partly_missing.clear();
    for (const auto& d : differences)
      if (d.change != schema::Difference::Change::extra) m_partly_missing.push_back(to_public(d));
  }

  const schema::Schema& m_live;
  std::string m_live_fingerprint;
  std::vector<std::string> m_claimed;
  std::optional<schema::Schema> m_expected;
  std::optional<IdentifiedRevision> m_best;
  long m_index = -1;  ///< of the state being visited: 0 = base
  std::vector<std::string> m_contained;
  long m_contained_index = 0;
  std::vector<std::string> m_partly_applied;
  std::vector<SchemaDifference> m_partly_missing;
  long m_partly_index = -1;
};

/// The journal rows that put each current head in the version table: for each head, the
/// newest completed row that added it. Oldest first.
std::vector<JournalRecord> how_heads_were_set(const Project& project, backend::Backend& db,
                                              const std::vector<std::string>& rows) {
  runtime::Journal journal(db, version_table(project.config(), db));
  if (!journal.exists()) return {};
  auto history = journal.history();
  std::vector<JournalRecord> out;
  for (const auto& head : rows) {
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
      const auto has = [&head](const std::vector<std::string>& v) { return std::find(v.begin(), v.end(), head) != v.end(); };
      if (it->status != "applied" || !has(it->heads_after) || has(it->heads_before)) continue;
      if (std::none_of(out.begin(), out.end(), [&](const JournalRecord& r) { return r.id == it->id; }))
        out.push_back(to_record(*it));
      break;
    }
  }
  std::sort(out.begin(), out.end(), [](const JournalRecord& a, const JournalRecord& b) { return a.id < b.id; });
  return out;
}

}  // namespace

SchemaDifference to_public(const schema::Difference& d) {
  return {schema::to_string(d.change), d.kind, d.object, d.attribute, d.expected, d.actual, schema::describe(d)};
}

DriftReport drift(const Project& project, backend::Backend& db, const std::vector<std::string>& rows,
                  const DriftOptions& options, runtime::StopToken& stop) {
  runtime::StopToken::Armed armed(stop);
  auto scratch = open_scratch(project.config(), db, options.scratch_url);
  return drift_on(project, db, rows, options, stop, *scratch);
}

DriftReport drift_on(const Project& project, backend::Backend& db, const std::vector<std::string>& rows,
                     const DriftOptions& options, runtime::StopToken& stop, backend::ScratchDatabase& scratch) {
  runtime::StopToken::Armed armed(stop);
  const auto live = schema_state(project.config(), db).read();
  scratch.db().scratch()->drop_all_objects();
  Replay replay(project, scratch.db(), stop);
  DriftReport report;
  report.heads = rows;
  report.scratch = scratch.description();
  std::optional<schema::Schema> expected;
  if (options.identify) {
    Identification identification(live, rows);
    replay.walk([&](const std::vector<std::string>& state, const schema::Schema& schema) {
      identification.visit(state, schema);
    });
    report.identified = identification.best();
    report.how_heads_were_set = how_heads_were_set(project, db, rows);
    expected = std::move(identification.expected());
    if (!expected) scratch.db().scratch()->drop_all_objects();
  }
  if (!expected) expected = replay.upgrade_to(rows);
  report.differences = all_to_public(schema::compare(*expected, live));
  report.not_compared = not_compared(live, *expected);
  report.clean = report.differences.empty() && report.not_compared.empty();
  return report;
}

}  // namespace migrate::api

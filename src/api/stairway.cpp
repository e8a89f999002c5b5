#include "api/stairway.hpp"

#include <algorithm>
#include <unordered_set>

#include "api/drift.hpp"
#include "api/replay.hpp"
#include "runtime/runner.hpp"
#include "runtime/version_table.hpp"
#include "schema/diff.hpp"

namespace migrate::api {
namespace {

/// `tested` and everything below it through effective parents (depends_on included).
std::unordered_set<std::string> with_ancestors(const graph::RevisionMap& map, const std::vector<std::string>& tested) {
  std::unordered_set<std::string> seen(tested.begin(), tested.end());
  std::vector<std::string> todo = tested;
  while (!todo.empty()) {
    const auto id = std::move(todo.back());
    todo.pop_back();
    for (const auto& parent : map.effective_parents(map.get(id)))
      if (seen.insert(parent).second) todo.push_back(parent);
  }
  return seen;
}

/// Objects the model cannot represent are not compared by schema::compare; one present on
/// one side only is still a difference here, named by kind and name.
void add_unsupported_differences(const schema::Schema& expected, const schema::Schema& actual,
                                 std::vector<SchemaDifference>& out) {
  auto has = [](const schema::Schema& s, const schema::Unsupported& u) {
    return std::any_of(s.unsupported.begin(), s.unsupported.end(),
                       [&](const schema::Unsupported& o) { return o.kind == u.kind && o.name == u.name; });
  };
  for (const auto& u : expected.unsupported)
    if (!has(actual, u)) out.push_back({"missing", u.kind, u.name, "", u.why, "", "missing " + u.kind + " " + u.name});
  for (const auto& u : actual.unsupported)
    if (!has(expected, u)) out.push_back({"extra", u.kind, u.name, "", "", u.why, "extra " + u.kind + " " + u.name});
}

std::vector<SchemaDifference> differences(const schema::Schema& expected, const schema::Schema& actual) {
  std::vector<SchemaDifference> out;
  for (const auto& d : schema::compare(expected, actual)) out.push_back(to_public(d));
  add_unsupported_differences(expected, actual, out);
  return out;
}

/// One stairway over a scratch database: the revisions applied so far and the schema now.
class Walk {
 public:
  Walk(const Project& project, Replay& replay, runtime::StopToken& stop, StairwayReport& report)
      : m_project(project), m_replay(replay), m_stop(stop), m_report(report) {
    m_replay.prepare_schemas();  // before the first read, as every run makes it
    m_now = m_replay.read_changes();
  }

  /// Applies the revisions below the range, untested; then the test starts from here.
  bool prepare(const std::vector<std::string>& revisions) {
    for (const auto& rev : revisions) {
      if (!upgrade(rev, StairwayPhase::upgrade_fails)) return false;
      m_report.prepared.push_back(rev);
      check_stop();
    }
    if (!revisions.empty()) m_now = m_replay.read_changes();
    m_start = m_now;
    return true;
  }

  /// Up, down, up for one revision, each schema compared. False (and the failure in the
  /// report) when it broke.
  bool test(const std::string& rev) {
    if (m_project.file_of(rev).is_irreversible()) return fail(rev, StairwayPhase::no_downgrade);
    auto up = upgrade(rev, StairwayPhase::upgrade_fails);
    if (!up) return false;
    const schema::Schema after = m_replay.read_changes();
    const auto undo = undo_step(*up);
    if (!downgrade(undo, StairwayPhase::downgrade_fails)) return false;
    if (!same(m_now, rev, StairwayPhase::downgrade_differs)) return false;
    if (!upgrade(rev, StairwayPhase::reapply_fails)) return false;
    if (!same(after, rev, StairwayPhase::reapply_differs)) return false;
    m_now = after;
    m_undo.push_back(undo);
    m_report.passed.push_back(rev);
    check_stop();
    return true;
  }

  /// Every tested revision down again, newest first; the schema must be the one at the start.
  bool down_to_start() {
    for (auto it = m_undo.rbegin(); it != m_undo.rend(); ++it) {
      if (!downgrade(*it, StairwayPhase::final_downgrade_fails)) return false;
      check_stop();
    }
    return same(m_start, "", StairwayPhase::start_differs);
  }

 private:
  /// Upgrades exactly `rev` (its ancestors are applied); the step that ran, or nullopt when
  /// its SQL failed (recorded as `phase`).
  std::optional<graph::Step> upgrade(const std::string& rev, StairwayPhase phase) {
    auto planner = [&](const std::vector<std::string>& rows) {
      auto plan = m_project.map().plan_upgrade(rev, rows);
      if (plan.steps.size() != 1 || plan.steps.front().revision != rev)
        throw Error(ErrorKind::internal, "the stairway test planned " + std::to_string(plan.steps.size()) +
                                             " step(s) to upgrade " + rev + " alone");
      return plan;
    };
    try {
      return m_replay.run(planner, runtime::Command::upgrade).plan.steps.front();
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::database) throw;
      fail(rev, phase, {}, e);
      return std::nullopt;
    }
  }

  bool downgrade(const graph::Step& undo, StairwayPhase phase) {
    auto planner = [&](const std::vector<std::string>& rows) {
      graph::Plan plan{rows, {undo}, rows};
      for (const auto& op : undo.ops) runtime::apply_to_rows(plan.heads_after, op);
      return plan;
    };
    try {
      m_replay.run(planner, runtime::Command::downgrade);
      return true;
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::database) throw;
      return fail(undo.revision.value_or(""), phase, {}, e);
    }
  }

  /// Whether the scratch database's schema now is `expected`. Read in part where the backend
  /// can (SQLite re-reads only the tables that changed since the last read), as the walk of
  /// `drift --identify` does; differences found so are confirmed by a full read before they
  /// are reported.
  bool same(const schema::Schema& expected, const std::string& rev, StairwayPhase phase) {
    if (differences(expected, m_replay.read_changes()).empty()) return true;
    auto found = differences(expected, m_replay.read());
    return found.empty() || fail(rev, phase, std::move(found));
  }

  bool fail(const std::string& rev, StairwayPhase phase, std::vector<SchemaDifference> found = {},
            std::optional<Error> error = std::nullopt) {
    m_report.failure = StairwayFailure{rev, phase, std::move(found), std::move(error)};
    return false;
  }

  /// A stop request between two runs (while the schema is read) ends the test here.
  void check_stop() {
    if (int sig = m_stop.requested())
      throw Error::interrupted(sig, "interrupted by " + runtime::signal_name(sig) + " during the stairway test",
                               "the scratch database is dropped; the target database was not changed");
  }

  const Project& m_project;
  Replay& m_replay;
  runtime::StopToken& m_stop;
  StairwayReport& m_report;
  schema::Schema m_now;    ///< the scratch database's schema between two revisions
  schema::Schema m_start;  ///< where the test started (after the preparing upgrades)
  std::vector<graph::Step> m_undo;  ///< the undo step of each passed revision, upgrade order
};

}  // namespace

const char* to_string(StairwayPhase phase) {
  switch (phase) {
    case StairwayPhase::upgrade_fails: return "upgrade_fails";
    case StairwayPhase::no_downgrade: return "no_downgrade";
    case StairwayPhase::downgrade_fails: return "downgrade_fails";
    case StairwayPhase::downgrade_differs: return "downgrade_differs";
    case StairwayPhase::reapply_fails: return "reapply_fails";
    case StairwayPhase::reapply_differs: return "reapply_differs";
    case StairwayPhase::final_downgrade_fails: return "final_downgrade_fails";
    case StairwayPhase::start_differs: return "start_differs";
  }
  return "upgrade_fails";
}

std::string describe(StairwayPhase phase, bool from_base) {
  const std::string start = from_base ? "base" : "where the range starts";
  switch (phase) {
    case StairwayPhase::upgrade_fails: return "the upgrade fails";
    case StairwayPhase::no_downgrade: return "it has no downgrade section: the stairway cannot go down through it";
    case StairwayPhase::downgrade_fails: return "the downgrade fails";
    case StairwayPhase::downgrade_differs: return "the downgrade does not restore the schema";
    case StairwayPhase::reapply_fails: return "it cannot be re-applied after its downgrade";
    case StairwayPhase::reapply_differs: return "re-applied after its downgrade, it builds another schema";
    case StairwayPhase::final_downgrade_fails: return "the downgrade fails on the way down to " + start;
    case StairwayPhase::start_differs:
      return from_base ? "down to base, the schema is not empty"
                       : "down to where the range starts, the schema is not what it was there";
  }
  return {};
}

StairwayPlan stairway_plan(const graph::RevisionMap& map, const std::string& rev_range) {
  StairwayPlan plan;
  const auto order = upgrade_order(map);
  if (order.empty()) return plan;
  const auto in_range = map.history(rev_range, {});
  const std::unordered_set<std::string> tested(in_range.begin(), in_range.end());
  const auto needed = with_ancestors(map, in_range);
  for (const auto& rev : order) {
    if (tested.count(rev)) plan.test.push_back(rev);
    else if (needed.count(rev)) plan.prepare.push_back(rev);
  }
  return plan;
}

graph::Step undo_step(const graph::Step& up) {
  graph::Step undo;
  undo.direction = graph::Direction::downgrade;
  undo.revision = up.revision;
  undo.from = up.to;
  undo.to = up.from;
  for (auto it = up.ops.rbegin(); it != up.ops.rend(); ++it) {
    switch (it->kind) {
      case graph::VersionOp::Kind::insert: undo.ops.push_back(graph::VersionOp::remove(it->to)); break;
      case graph::VersionOp::Kind::remove: undo.ops.push_back(graph::VersionOp::insert(it->from)); break;
      case graph::VersionOp::Kind::update: undo.ops.push_back(graph::VersionOp::update(it->to, it->from)); break;
    }
  }
  return undo;
}

StairwayReport stairway(const Project& project, backend::Backend& target, const StairwayOptions& options,
                        runtime::StopToken& stop) {
  runtime::StopToken::Armed armed(stop);
  const auto plan = stairway_plan(project.map(), options.rev_range);
  auto scratch = open_scratch(project.config(), target, options.scratch_url);
  Replay replay(project, scratch->db(), stop);
  StairwayReport report;
  report.scratch = scratch->description();
  Walk walk(project, replay, stop, report);
  auto progress = [&] {
    if (options.progress) options.progress(report);
  };
  if (!walk.prepare(plan.prepare)) return report;
  if (!plan.prepare.empty()) progress();
  for (const auto& rev : plan.test) {
    if (!walk.test(rev)) return report;
    progress();
  }
  walk.down_to_start();
  return report;
}

}  // namespace migrate::api

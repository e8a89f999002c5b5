// The public planning entry points of RevisionMap, and the simulation of Alembic's
// HeadMaintainer (alembic/runtime/migration.py: RevisionStep, StampStep, update_to_step)
// that turns an ordered list of revisions into version-table operations.
#include <algorithm>
#include <string>

#include "core/error.hpp"
#include "graph/engine.hpp"
#include "graph/revision_map.hpp"

namespace migrate::graph {

using detail::Arg;
using detail::Engine;
using detail::Idx;
using detail::k_base;
using detail::k_none;

namespace {

/// The version table as a list of rows in row order (insert appends, update replaces in
/// place, remove deletes), recording each change into the current step.
class Rows {
 public:
  explicit Rows(std::vector<std::string> rows) : m_rows(std::move(rows)) {}

  bool has(const std::string& r) const { return std::find(m_rows.begin(), m_rows.end(), r) != m_rows.end(); }
  const std::vector<std::string>& list() const { return m_rows; }

  void insert(Step& s, const std::string& r) {
    m_rows.push_back(r);
    s.ops.push_back(VersionOp::insert(r));
  }
  void remove(Step& s, const std::string& r) {
    std::erase(m_rows, r);
    s.ops.push_back(VersionOp::remove(r));
  }
  void update(Step& s, const std::string& from, const std::string& to) {
    std::replace(m_rows.begin(), m_rows.end(), from, to);
    s.ops.push_back(VersionOp::update(from, to));
  }

 private:
  std::vector<std::string> m_rows;
};

std::vector<Idx> rows_except(const Engine& e, const Rows& rows, const std::vector<Idx>& except) {
  std::vector<Idx> out;
  for (const auto& r : rows.list()) {
    Idx x = static_cast<Idx>(e.m.find(r)->load_index);
    if (std::find(except.begin(), except.end(), x) == except.end()) out.push_back(x);
  }
  return out;
}

std::vector<Idx> eff_parents(const Engine& e, Idx r) {
  std::vector<Idx> out;
  for (auto p : e.links(r).eff) out.push_back(p);
  return out;
}

/// RevisionStep upgrade (HeadMaintainer.update_to_step).
void upgrade_ops(const Engine& e, Rows& rows, Idx r, Step& step) {
  const std::string& rid = e.id(r);
  const std::vector<Idx> parents = eff_parents(e, r);
  std::vector<Idx> in_rows;
  for (auto p : parents)
    if (rows.has(e.id(p))) in_rows.push_back(p);
  if (parents.empty() || in_rows.empty()) {  // a base, or parents only implied: new row
    rows.insert(step, rid);
    return;
  }
  if (parents.size() > 1 && in_rows.size() > 1) {
    // Merge. Alembic drops parents implied by rows outside the merge, then DELETEs all but
    // one and UPDATEs that one, picking from a set (arbitrary). Here only parents that are
    // rows take part, in down_revision order, and the LAST one is kept and updated
    // (docs/revision-graph.md: DELETE ae10, UPDATE 27c6 -> 53ff for (ae10, 27c6)).
    const std::vector<Idx> other = rows_except(e, rows, parents);
    std::vector<Idx> keep;
    for (auto p : in_rows)
      if (other.empty() || !e.implied_by(p, other)) keep.push_back(p);
    if (keep.empty()) keep = in_rows;
    for (std::size_t k = 0; k + 1 < keep.size(); ++k) rows.remove(step, e.id(keep[k]));
    rows.update(step, e.id(keep.back()), rid);
    return;
  }
  rows.update(step, e.id(in_rows.front()), rid);
}

/// RevisionStep downgrade, with Alembic 1.13.1's #1373 rule for an unmerge from a lone row.
void downgrade_ops(const Engine& e, Rows& rows, Idx r, Step& step) {
  const std::string& rid = e.id(r);
  if (!rows.has(rid)) return;  // cannot happen for plans built from consistent rows
  const std::vector<Idx> parents = eff_parents(e, r);
  const std::vector<Idx> other = rows_except(e, rows, {r});
  std::vector<Idx> targets;
  for (auto p : parents) {
    if (!other.empty()) {
      if (!e.implied_by(p, other)) targets.push_back(p);
    } else {
      std::vector<Idx> siblings;
      for (auto q : parents)
        if (q != p) siblings.push_back(q);
      if (siblings.empty() || !e.implied_by(p, siblings)) targets.push_back(p);
    }
  }
  if (parents.empty() || targets.empty()) {
    rows.remove(step, rid);
    return;
  }
  if (parents.size() > 1) {
    // Unmerge. Alembic picks from a set; here the first remaining parent takes over R's row
    // and the others are INSERTed first (INSERT 27c6, UPDATE 53ff -> ae10).
    for (std::size_t k = 1; k < targets.size(); ++k) rows.insert(step, e.id(targets[k]));
    rows.update(step, rid, e.id(targets.front()));
    return;
  }
  rows.update(step, rid, e.id(parents.front()));
}

Plan simulate(const Engine& e, const std::vector<std::string>& current, const std::vector<Idx>& order,
              Direction dir) {
  Plan plan;
  plan.heads_before = current;
  Rows rows(current);
  for (auto r : order) {
    Step step;
    step.direction = dir;
    step.revision = e.id(r);
    const auto& revision = e.rev(r);
    if (dir == Direction::upgrade) {
      step.from = revision.down_revisions;
      step.to = {revision.id};
      upgrade_ops(e, rows, r, step);
    } else {
      step.from = {revision.id};
      step.to = revision.down_revisions;
      downgrade_ops(e, rows, r, step);
    }
    plan.steps.push_back(std::move(step));
  }
  plan.heads_after = rows.list();
  return plan;
}

[[noreturn]] void rethrow_heads(const detail::MultipleHeads& mh, std::string_view argument, HeadsContext ctx) {
  throw MultipleHeadsError(mh.heads, std::string(argument), ctx);
}

}  // namespace

std::vector<std::string> RevisionMap::resolve(std::string_view ident) const {
  return resolve(ident, HeadsContext::command);
}

std::vector<std::string> RevisionMap::resolve(std::string_view ident, HeadsContext context) const {
  Engine e{*this};
  try {
    std::vector<std::string> out;
    for (auto x : e.get_revisions(ident))
      if (x >= 0) out.push_back(e.id(x));
    return out;
  } catch (const detail::MultipleHeads& mh) {
    rethrow_heads(mh, mh.argument, context);
  }
}

std::optional<std::string> RevisionMap::resolve_one(std::string_view ident, HeadsContext context) const {
  Engine e{*this};
  try {
    Idx x = e.get_revision(ident);
    if (x < 0) return std::nullopt;
    return e.id(x);
  } catch (const detail::MultipleHeads& mh) {
    rethrow_heads(mh, mh.argument, context);
  }
}

Plan RevisionMap::plan_upgrade(std::string_view target, const std::vector<std::string>& current) const {
  Engine e{*this};
  (void)e.rows_to_nodes(current);
  try {
    auto col = e.collect_upgrade(Arg::of(target), Arg::of_list(current), false, true, true);
    auto order = e.topological_sort(std::move(col.todo), col.heads);
    std::reverse(order.begin(), order.end());
    return simulate(e, current, order, Direction::upgrade);
  } catch (const detail::MultipleHeads& mh) {
    rethrow_heads(mh, target, HeadsContext::command);
  } catch (const detail::RangeNotAncestor&) {
    throw Error(ErrorKind::invalid_target,
                "Destination " + std::string(target) + " is not a valid upgrade target from current head(s)");
  }
}

Plan RevisionMap::plan_downgrade(std::string_view target, const std::vector<std::string>& current) const {
  Engine e{*this};
  // Alembic does not check the rows here; an inconsistent table is refused like for upgrade.
  e.check_rows_overlap(e.rows_to_nodes(current));
  try {
    auto col = e.collect_downgrade(Arg::of_list(current), target, true);
    auto order = e.topological_sort(std::move(col.todo), col.heads);
    return simulate(e, current, order, Direction::downgrade);
  } catch (const detail::MultipleHeads& mh) {
    rethrow_heads(mh, target, HeadsContext::command);
  } catch (const detail::RangeNotAncestor&) {
    throw Error(ErrorKind::invalid_target,
                "Destination " + std::string(target) + " is not a valid downgrade target from current head(s)",
                "the target must be below a current revision; `upgrade` moves up");
  }
}

// Stamp (alembic/script/base.py _stamp_revs + StampStep). Where Alembic crashes — several
// destinations sharing one existing row (`stamp 1975 27c6` from the merge row 53ff: the second
// step UPDATEs a row the first one already replaced), or a destination already written by an
// earlier step — each step works on the rows still present: a downward or upward step whose
// rows are all gone INSERTs its destination (as stamping from an empty table would), one whose
// rows are partly gone uses the ones left, and a destination already present is a no-op. So
// `stamp c1 c2` from the row of merge(c1, c2) gives rows [c1, c2].
namespace {

/// The stamp step to `dest` from the rows on its lineage (`filtered`), as Alembic's
/// StampStep: a new row for a branch not represented, else an UPDATE of the last present
/// row after DELETEs of the others. nullopt when an earlier step already wrote `dest`.
/// A step up or down the lineage names every filtered row as where it comes from (Alembic's
/// `stamp_revision b -> e`), also when an earlier step of the same stamp consumed them and
/// this one INSERTs; a new branch comes from nothing.
std::optional<Step> stamp_step(const Engine& e, Idx dest, const std::vector<Idx>& filtered, Rows& rows) {
  const std::string& did = e.id(dest);
  if (rows.has(did)) return std::nullopt;  // written by an earlier step (Alembic: assertion)
  Step s;
  s.direction = Direction::stamp;
  s.revision = did;
  s.to = {did};
  detail::Bits desc = e.descendants({dest}, true);
  detail::Bits anc = e.ancestors({dest}, true);
  bool downward = false, upward = false;
  for (auto h : filtered)
    if (desc.test(h)) downward = true;
  if (!downward)
    for (auto h : filtered)
      if (anc.test(h)) upward = true;
  std::vector<std::string> present;
  if (downward || upward)
    for (auto h : filtered)
      if (rows.has(e.id(h))) present.push_back(e.id(h));
  const bool all_present = present.size() == filtered.size();
  if (downward || upward) s.from = e.ids_of(filtered);
  if (!downward && !upward) {
    rows.insert(s, did);  // a branch not represented: new row
  } else if (present.empty() || (upward && !all_present)) {
    rows.insert(s, did);
  } else {
    for (std::size_t k = 0; k + 1 < present.size(); ++k) rows.remove(s, present[k]);
    rows.update(s, present.back(), did);
  }
  return s;
}

/// `--purge` empties the table before the first step (Alembic deletes the rows outside its
/// steps): the DELETEs lead the first step's ops, so the plan has as many steps as Alembic's
/// stamp. With no step to carry them (`stamp --purge base`) they make one step of their own,
/// to base.
void prepend_purge(Plan& plan, const std::vector<std::string>& current) {
  if (current.empty()) return;
  std::vector<VersionOp> deletes;
  for (const auto& r : current) deletes.push_back(VersionOp::remove(r));
  if (plan.steps.empty()) {
    Step s;
    s.direction = Direction::stamp;
    s.from = current;
    plan.steps.push_back(std::move(s));
  }
  auto& ops = plan.steps.front().ops;
  ops.insert(ops.begin(), deletes.begin(), deletes.end());
}

}  // namespace

Plan RevisionMap::plan_stamp(const std::vector<std::string>& targets, const std::vector<std::string>& current,
                             bool purge) const {
  Engine e{*this};
  Plan plan;
  plan.heads_before = current;
  Rows rows(purge ? std::vector<std::string>{} : current);
  std::vector<Idx> heads_revs;
  if (!purge) heads_revs = e.rows_to_nodes(current);
  std::vector<std::string> revs = targets;
  if (revs.empty()) revs.push_back("base");

  try {
    std::vector<Idx> filtered;
    for (const auto& t : revs) {
      if (t.empty()) continue;
      for (auto h : e.filter_for_lineage(heads_revs, t, true))
        if (std::find(filtered.begin(), filtered.end(), h) == filtered.end()) filtered.push_back(h);
    }
    std::vector<Idx> dests = e.get_revisions(Arg::of_list(revs));
    if (dests.empty()) dests.push_back(k_none);

    for (auto dest : dests) {
      if (dest < 0) {  // base: one "delete branch" step per filtered row
        for (auto h : filtered) {
          Step s;
          s.direction = Direction::stamp;
          s.from = {e.id(h)};
          if (rows.has(e.id(h))) rows.remove(s, e.id(h));
          plan.steps.push_back(std::move(s));
        }
        continue;
      }
      if (std::find(filtered.begin(), filtered.end(), dest) != filtered.end()) continue;
      if (auto s = stamp_step(e, dest, filtered, rows)) plan.steps.push_back(std::move(*s));
    }
  } catch (const detail::MultipleHeads& mh) {
    rethrow_heads(mh, mh.argument, HeadsContext::stamp);
  }
  if (purge) prepend_purge(plan, current);
  plan.heads_after = rows.list();
  return plan;
}

std::vector<std::string> RevisionMap::history(std::string_view range,
                                              const std::vector<std::string>& current) const {
  Engine e{*this};
  std::string r(range);
  auto trim = [](std::string s) {
    const char* ws = " \t\r\n";
    s.erase(0, s.find_first_not_of(ws));
    auto end = s.find_last_not_of(ws);
    s.erase(end == std::string::npos ? 0 : end + 1);
    return s;
  };
  r = trim(r);
  std::string start = "base", end = "heads";
  if (!r.empty()) {
    auto colon = r.find(':');
    if (colon == std::string::npos || r.find(':', colon + 1) != std::string::npos)
      throw Error(ErrorKind::usage, "History range requires [start]:[end], [start]:, or :[end]");
    if (colon > 0) start = r.substr(0, colon);
    if (colon + 1 < r.size()) end = r.substr(colon + 1);
  }
  // `current` stands for the rows; with an empty table Alembic falls back to the default end.
  auto arg_for = [&](const std::string& s, const char* fallback) {
    if (s != "current") return Arg::of(s);
    (void)e.rows_to_nodes(current);
    return current.empty() ? Arg::of(fallback) : Arg::of_list(current);
  };
  Arg lower = arg_for(start, "base");
  Arg upper = arg_for(end, "heads");
  try {
    auto col = e.collect_upgrade(upper, lower, true, false, false);
    return e.ids_of(e.topological_sort(std::move(col.todo), col.heads));
  } catch (const detail::MultipleHeads& mh) {
    rethrow_heads(mh, end, HeadsContext::command);
  } catch (const detail::RangeNotAncestor&) {
    throw Error(ErrorKind::invalid_target,
                "Requested range " + start + ":" + end +
                    " does not refer to ancestor/descendant revisions along the same branch");
  }
}

std::optional<std::pair<std::string, std::string>> RevisionMap::split_range(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  if (text.find(':', colon + 1) != std::string_view::npos)
    throw Error(ErrorKind::usage, "A range has one ':' (START:END), got '" + std::string(text) + "'");
  return std::make_pair(std::string(text.substr(0, colon)), std::string(text.substr(colon + 1)));
}

std::vector<std::string> RevisionMap::offline_start(std::string_view start) const {
  if (start.empty() || start == "base") return {};
  auto one = resolve_one(start);
  if (!one) return {};
  return {*one};
}

std::vector<std::string> RevisionMap::current_heads(const std::vector<std::string>& rows) const {
  Engine e{*this};
  return e.ids_of(e.all_current(e.rows_to_nodes(rows)));
}

std::vector<std::string> RevisionMap::branch_points() const {
  std::vector<std::string> out;
  for (const auto& id : history("", {}))
    if (find(id)->is_branch_point()) out.push_back(id);
  return out;
}

const char* to_string(Direction direction) {
  switch (direction) {
    case Direction::upgrade: return "upgrade";
    case Direction::downgrade: return "downgrade";
    case Direction::stamp: return "stamp";
  }
  return "upgrade";
}

std::string describe(const VersionOp& op) {
  switch (op.kind) {
    case VersionOp::Kind::insert: return "insert " + op.to;
    case VersionOp::Kind::update: return "update " + op.from + " -> " + op.to;
    case VersionOp::Kind::remove: return "delete " + op.from;
  }
  return {};
}

std::string short_log(const Step& step) {
  auto join = [](const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
    return out;
  };
  std::string verb = step.direction == Direction::stamp ? "stamp_revision" : to_string(step.direction);
  return verb + " " + join(step.from) + " -> " + join(step.to);
}

}  // namespace migrate::graph

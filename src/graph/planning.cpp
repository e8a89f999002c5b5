// Planning: a port of alembic/script/revision.py (_parse_upgrade_target,
// _parse_downgrade_target, _collect_upgrade_revisions, _collect_downgrade_revisions,
// _topological_sort) and of the target parsing in alembic/script/base.py.
#include <algorithm>
#include <set>
#include <string>

#include "core/error.hpp"
#include "graph/engine.hpp"

namespace migrate::graph::detail {

namespace {

[[noreturn]] void didnt_produce(std::string_view relative, long long n) {
  throw Error(ErrorKind::relative_out_of_range,
              "Relative revision " + std::string(relative) + " didn't produce " + std::to_string(n < 0 ? -n : n) +
                  " migrations",
              "the walk went past the end of the revision graph");
}

[[noreturn]] void walked_too_far() {
  throw Error(ErrorKind::relative_out_of_range, "Walked too far",
              "the walk went past the end of the revision graph");
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    out += v[i];
  }
  return out;
}

}  // namespace

std::vector<Idx> Engine::rows_to_nodes(const std::vector<std::string>& rows) const {
  std::vector<Idx> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    // Rows are full ids (the version table never holds labels or prefixes).
    auto pos = m.m_index.find(r);
    if (!pos)
      throw Error(ErrorKind::needs_repair, "Can't locate revision identified by '" + r + "'",
                  "the version table holds '" + r +
                      "', which no revision file declares; restore the file or fix the table "
                      "(e.g. `stamp --purge`)");
    out.push_back(static_cast<Idx>(*pos));
  }
  return out;
}

void Engine::check_rows_overlap(const std::vector<Idx>& rows) const { (void)ancestors_checked(rows, true); }

std::vector<Idx> Engine::parse_upgrade_target(const Arg& current, const Arg& target, bool assert_len) const {
  std::optional<Relative> rel;
  if (!target.is_list) rel = match_relative(target.text);
  if (!rel) return get_revisions(target);

  std::vector<std::string> cur = current.as_tuple();
  if (rel->value > 0) {
    if (!rel->symbol) {
      std::vector<Idx> start_revs;
      if (!rel->branch) {
        if (cur.size() > 1)
          throw Error(ErrorKind::ambiguous_walk, "Ambiguous upgrade from multiple current revisions",
                      "use <branch>@" + rel->relative + " to choose a branch");
        start_revs.push_back(cur.empty() ? k_none : get_revision(cur.front()));
      } else {
        std::vector<Idx> cur_revs = cur.empty() ? std::vector<Idx>{} : get_revisions(Arg::of_list(cur));
        start_revs = filter_for_lineage(cur_revs, *rel->branch);
        if (start_revs.empty()) {
          // The branch has no row of its own: start from its newest applied revision.
          Bits active = ancestors(cur_revs, true);
          std::vector<Idx> all;
          for (std::size_t i = 0; i < size(); ++i)
            if (active.test(static_cast<Idx>(i))) all.push_back(static_cast<Idx>(i));
          std::vector<Idx> on_branch = filter_for_lineage(all, *rel->branch);
          Bits below(size());
          for (auto x : on_branch)
            for (auto p : links(x).eff) below.set(p);
          for (auto x : on_branch)
            if (!below.test(x)) start_revs.push_back(x);
          if (start_revs.empty()) start_revs.push_back(k_none);
        }
        if (start_revs.size() > 1)
          throw Error(ErrorKind::ambiguous_walk, "Ambiguous upgrade from multiple current revisions",
                      "several current revisions are on branch '" + *rel->branch + "'");
      }
      Idx r = walk(start_revs.front(), rel->value, rel->branch, assert_len);
      if (r == k_none) didnt_produce(rel->relative, rel->value);
      return {r};
    }
    // Relative to a symbol. Overshooting crashes Alembic (assertion); a clean error here.
    Idx r = walk(get_revision(*rel->symbol), rel->value, rel->branch, assert_len);
    if (r == k_none) walked_too_far();
    return {r};
  }
  if (!rel->symbol) didnt_produce(std::to_string(rel->value), rel->value);
  Idx start = rel->branch ? get_revision(*rel->branch + "@" + *rel->symbol) : get_revision(*rel->symbol);
  Idx r = walk(start, rel->value, std::nullopt, assert_len);
  if (r == k_none) walked_too_far();
  return {r};
}

void Engine::refuse_walk_from_rows(const std::vector<std::string>& rows, const std::string& relative) const {
  // Refused (docs/commands.md), where Alembic warns and takes the first row.
  std::vector<Idx> cur_revs;
  for (const auto& c : rows) cur_revs.push_back(revision_for_ident(c, std::nullopt));
  std::string choices;
  for (auto r : cur_revs) {
    std::string name = id(r);
    for (const auto& label : rev(r).branch_labels)
      if (filter_for_lineage(cur_revs, label).size() == 1) {
        name = label;
        break;
      }
    if (!choices.empty()) choices += ", ";
    choices += name + "@" + relative;
  }
  throw Error(ErrorKind::ambiguous_walk,
              "downgrade " + relative + " from multiple heads is ambiguous (current: " + join(rows) + ")",
              "use <label-or-head-id>@" + relative + " to choose a branch, one of: " + choices);
}

std::pair<std::optional<std::string>, Idx> Engine::parse_downgrade_target(const Arg& current,
                                                                          std::string_view target,
                                                                          bool assert_len,
                                                                          bool refuse_multiple_rows) const {
  if (target.empty()) return {std::nullopt, k_none};
  if (auto rel = match_relative(target)) {
    if (rel->value >= 0) {
      if (!rel->symbol) didnt_produce(rel->relative, rel->value);
      Idx r = walk(get_revision(*rel->symbol), rel->value, rel->branch, assert_len);
      if (r == k_none) walked_too_far();
      return {rel->branch, r};
    }
    const bool relative_revision = !rel->symbol;
    std::optional<std::string> branch = rel->branch;
    std::string symbol = rel->symbol.value_or("");
    if (relative_revision) {
      std::vector<std::string> cur = current.as_tuple();
      if (branch) {
        std::vector<Idx> cur_revs;
        for (const auto& c : cur) cur_revs.push_back(revision_for_ident(c, std::nullopt));
        std::vector<Idx> symbol_list = filter_for_lineage(cur_revs, *branch);
        if (symbol_list.empty()) {
          // The branch's head is implied through dependencies by another row.
          symbol_list = filter_for_lineage(all_current(cur_revs), *branch);
        }
        // Alembic asserts exactly one; clean errors instead.
        if (symbol_list.empty())
          throw Error(ErrorKind::relative_out_of_range,
                      "Relative revision " + rel->relative + " didn't produce " +
                          std::to_string(-rel->value) + " migrations",
                      "no current revision is on branch '" + *branch + "'");
        if (symbol_list.size() > 1)
          throw Error(ErrorKind::ambiguous_walk, "Ambiguous walk",
                      "several current revisions are on branch '" + *branch + "': " + join(ids_of(symbol_list)));
        symbol = id(symbol_list.front());
      } else {
        if (cur.empty()) didnt_produce(rel->relative, rel->value);
        std::vector<std::string> distinct;
        for (const auto& c : cur)
          if (std::find(distinct.begin(), distinct.end(), c) == distinct.end()) distinct.push_back(c);
        if (refuse_multiple_rows && distinct.size() > 1) refuse_walk_from_rows(distinct, rel->relative);
        symbol = cur.front();
        branch = symbol;
      }
    }
    Idx start = branch ? get_revision(*branch + "@" + symbol) : get_revision(symbol);
    Idx r = walk(start, rel->value, std::nullopt, assert_len);
    if (r == k_none) {
      if (relative_revision) didnt_produce(rel->relative, rel->value);
      walked_too_far();
    }
    return {branch, r};
  }
  // Absolute: branch, _, symbol = target.rpartition("@")
  std::optional<std::string> branch;
  std::string_view symbol = target;
  if (auto at = target.rfind('@'); at != std::string_view::npos) {
    if (at > 0) branch = std::string(target.substr(0, at));
    symbol = target.substr(at + 1);
  }
  // Alembic only looks the branch up when it has to choose between several roots; an
  // unknown branch is refused here rather than meaning "every branch".
  if (branch) (void)resolve_branch(*branch);
  return {branch, get_revision(symbol)};
}

Engine::Collected Engine::collect_upgrade(const Arg& upper, const Arg& lower, bool inclusive, bool implicit_base,
                                          bool assert_len) const {
  std::vector<Idx> targets;
  for (auto t : parse_upgrade_target(lower, upper, assert_len)) {
    if (t == k_base) continue;  // a walk that ended on "base": nothing to reach
    if (t == k_none) walked_too_far();
    targets.push_back(t);
  }

  // Named lower bound (`ebranch@base`): keep only targets that carry that branch's label.
  if (!lower.is_list && lower.text.find('@') != std::string::npos) {
    std::string branch = lower.text.substr(0, lower.text.find('@'));
    Idx branch_rev = get_revision(branch);
    if (branch_rev >= 0 && id(branch_rev) == branch) {
      // A revision id was used as a label; Alembic asserts it carries exactly one label.
      const auto& labels = rev(branch_rev).branch_labels;
      if (!labels.empty()) branch = labels.front();
    }
    std::erase_if(targets, [&](Idx t) {
      const auto& labels = rev(t).branch_labels;
      return std::find(labels.begin(), labels.end(), branch) == labels.end();
    });
  }

  Bits required = ancestors_checked(targets, true);

  std::vector<Idx> current = get_revisions(lower);
  if (!implicit_base) {
    for (auto c : current)
      if (c != k_none && !required.test(c)) throw RangeNotAncestor{lower.display(), upper.display()};
  }
  Arg lower_now = lower;
  if (!current.empty() && current.front() == k_none) {
    // lower is a relative value that overshot from the graph heads: walk from upper instead.
    auto [b, r] = parse_downgrade_target(upper, lower.is_list ? std::string() : lower.text, assert_len);
    (void)b;
    if (r == k_base || r == k_none) {
      current.clear();
      lower_now = Arg::of("base");
    } else {
      current = {r};
      lower_now = Arg::of(id(r));
    }
  }
  std::erase_if(current, [](Idx c) { return c < 0; });

  Bits needs = required;
  needs.subtract(ancestors_checked(current, true));
  if (inclusive) {
    for (auto c : get_revisions(lower_now))
      if (c >= 0) needs.set(c);
  }
  if (!current.empty() && !implicit_base) needs.intersect(descendants_checked(current, false));
  return {std::move(needs), std::move(targets)};
}

Engine::Collected Engine::collect_downgrade(const Arg& upper, std::string_view target, bool assert_len) const {
  auto [branch, trev] = parse_downgrade_target(upper, target, assert_len, true);
  if (trev == k_base) trev = k_none;

  std::vector<Idx> roots;
  if (trev == k_none) {
    for (std::size_t i = 0; i < size(); ++i)
      if (links(static_cast<Idx>(i)).down.empty()) roots.push_back(static_cast<Idx>(i));
  } else {
    for (auto c : links(trev).children) roots.push_back(c);
  }
  if (branch && roots.size() > 1) {
    Bits anc = ancestors({resolve_branch(*branch)}, false);
    std::erase_if(roots, [&](Idx r) { return !anc.test(r); });
    if (roots.empty())
      throw Error(ErrorKind::invalid_target, "Not a valid downgrade target from current heads",
                  "the target is not below branch '" + *branch + "'");
  }
  std::vector<Idx> heads = get_revisions(upper);
  std::erase_if(heads, [](Idx h) { return h < 0; });
  Bits todo = descendants(roots, true);
  todo.intersect(ancestors(heads, true));
  if (trev != k_none && !todo.any() && std::find(heads.begin(), heads.end(), trev) == heads.end())
    throw RangeNotAncestor{"Nothing to drop", upper.display()};
  return {std::move(todo), std::move(heads)};
}

namespace {

/// The ancestor set (self included) of one work-list entry of the topological sort, grown on
/// demand: a membership test for c only needs the nodes above c's generation, so each set is
/// expanded downward no further than the deepest candidate tested against it. Only members
/// of the sort's remaining set are ever tested; when that set is convex (no path leaves it and
/// comes back, true for every upgrade, downgrade and full history), expansion may stay inside
/// it (`within`). Answers are exactly Alembic's `get_ancestors` membership.
class LazyAncestors {
 public:
  LazyAncestors(const Engine& e, Idx x, const Bits* within)
      : m_discovered(e.size()), m_expanded(e.size()), m_within(within) {
    m_discovered.set(x);
    push(e, x);
  }

  bool contains(const Engine& e, Idx c) {
    if (m_discovered.test(c)) return true;
    const auto g = e.links(c).generation;
    while (!m_heap.empty() && m_heap.front().first > g) {
      std::pop_heap(m_heap.begin(), m_heap.end());
      Idx x = m_heap.back().second;
      m_heap.pop_back();
      expand(e, x);
    }
    return m_discovered.test(c);
  }

  /// Alembic's cheap path: the entry moves from c to its only parent; anc(p) = anc(c) - {c}.
  void step_down(const Engine& e, Idx c) {
    expand(e, c);
    m_discovered.reset(c);
  }

 private:
  void push(const Engine& e, Idx x) {
    m_heap.emplace_back(e.links(x).generation, x);
    std::push_heap(m_heap.begin(), m_heap.end());
  }
  void expand(const Engine& e, Idx x) {
    if (m_expanded.test(x)) return;
    m_expanded.set(x);
    for (auto p : e.links(x).eff)
      if (!m_discovered.test(p) && (!m_within || m_within->test(p))) {
        m_discovered.set(p);
        push(e, p);
      }
  }

  Bits m_discovered;
  Bits m_expanded;
  const Bits* m_within;
  std::vector<std::pair<std::uint32_t, Idx>> m_heap;
};

/// True when no effective-parent path leaves `set` and comes back into it.
bool is_convex(const Engine& e, const Bits& set) {
  Bits seen(e.size());
  std::vector<Idx> st;
  for (std::size_t i = 0; i < e.size(); ++i)
    if (set.test(static_cast<Idx>(i)))
      for (auto p : e.links(static_cast<Idx>(i)).eff)
        if (!set.test(p)) st.push_back(p);
  while (!st.empty()) {
    Idx y = st.back();
    st.pop_back();
    if (seen.test(y)) continue;
    seen.set(y);
    for (auto p : e.links(y).eff) {
      if (set.test(p)) return false;
      st.push_back(p);
    }
  }
  return true;
}

}  // namespace

namespace {

/// The work list of Engine::topological_sort: the entries still to walk down, with what it
/// takes to ask whether another entry lies above one of them.
///
/// Alembic keeps the ancestor set of every work-list entry and asks whether the candidate
/// lies in another entry's set. Only members of `todo` are ever asked about, and the emitted
/// nodes always form an up-closed part of `todo` (the output is a topological order), so a
/// convex `todo` stays convex: then "c is an ancestor of entry e" holds exactly when e is
/// reached from c going up inside `todo`, a search over the few not-yet-emitted revisions
/// above c. Otherwise (some history ranges) the entries' ancestor sets are kept, lazily.
class SortFrontier {
 public:
  SortFrontier(const Engine& e, const Bits& todo, const std::vector<Idx>& heads)
      : m_e(e), m_convex(is_convex(e, todo)), m_in_list(e.size()), m_mark(m_convex ? e.size() : 0, 0) {
    for (auto h : heads)
      if (h >= 0 && todo.test(h) && std::find(current.begin(), current.end(), h) == current.end())
        current.push_back(h);
    std::sort(current.begin(), current.end());  // load order
    for (auto h : current) {
      if (m_convex) m_in_list.set(h);
      else m_anc.emplace_back(e, h, nullptr);
    }
  }

  /// Index of the first other entry that has `current[i]` as an ancestor.
  std::optional<std::size_t> entry_above(std::size_t i, const Bits& todo) {
    const Idx c = current[i];
    if (!m_convex) {
      for (std::size_t j = 0; j < m_anc.size(); ++j)
        if (j != i && m_anc[j].contains(m_e, c)) return j;
      return std::nullopt;
    }
    ++m_epoch;
    bool hit = false;
    m_stack.assign(m_e.links(c).eff_next.begin(), m_e.links(c).eff_next.end());
    while (!m_stack.empty()) {
      Idx x = m_stack.back();
      m_stack.pop_back();
      if (!todo.test(x) || m_mark[x] == m_epoch) continue;
      m_mark[x] = m_epoch;
      if (m_in_list.test(x)) hit = true;  // entries above may have more entries above them
      for (auto y : m_e.links(x).eff_next) m_stack.push_back(y);
    }
    if (!hit) return std::nullopt;
    for (std::size_t j = 0; j < current.size(); ++j)
      if (j != i && m_mark[current[j]] == m_epoch) return j;
    return std::nullopt;
  }

  /// `current[i]` (the emitted `candidate`) has no parents left to walk: drop it.
  void drop(std::size_t i, Idx candidate) {
    if (m_convex) m_in_list.reset(candidate);
    current.erase(current.begin() + static_cast<std::ptrdiff_t>(i));
    if (!m_convex) m_anc.erase(m_anc.begin() + static_cast<std::ptrdiff_t>(i));
  }

  /// `current[i]` (the emitted `candidate`) is replaced by its parents `to_add` (non-empty).
  void descend(std::size_t i, Idx candidate, const std::vector<Idx>& to_add) {
    if (m_convex) m_in_list.reset(candidate);
    current[i] = to_add.front();
    for (std::size_t k = 1; k < to_add.size(); ++k) current.push_back(to_add[k]);
    if (m_convex) {
      for (auto p : to_add) m_in_list.set(p);
      return;
    }
    // Alembic's "plain movement down a revision line": no normalized dependencies and one
    // down_revision; anc(parent) = anc(candidate) - {candidate}.
    const bool plain = m_e.links(candidate).eff.size() == 1 && m_e.links(candidate).down.size() == 1;
    if (plain) {
      m_anc[i].step_down(m_e, candidate);
    } else {
      m_anc[i] = LazyAncestors(m_e, to_add.front(), nullptr);
      for (std::size_t k = 1; k < to_add.size(); ++k) m_anc.emplace_back(m_e, to_add[k], nullptr);
    }
  }

  std::vector<Idx> current;  ///< the entries, in walk order

 private:
  const Engine& m_e;
  const bool m_convex;
  std::vector<LazyAncestors> m_anc;  ///< not convex: each entry's ancestors
  Bits m_in_list;                    ///< convex: the entries, as a set
  std::vector<std::uint32_t> m_mark;
  std::uint32_t m_epoch = 0;
  std::vector<Idx> m_stack;
};

}  // namespace

std::vector<Idx> Engine::topological_sort(Bits todo, const std::vector<Idx>& heads) const {
  SortFrontier frontier(*this, todo, heads);
  auto& current = frontier.current;
  const std::size_t expected = todo.count();
  std::vector<Idx> output;
  std::size_t i = 0;
  while (!current.empty()) {
    const Idx candidate = current[i];
    if (auto j = frontier.entry_above(i, todo)) {
      // Another head is above us: it has to be walked first.
      i = *j;
      continue;
    }
    if (todo.test(candidate)) {
      output.push_back(candidate);
      todo.reset(candidate);
    }
    std::vector<Idx> to_add;
    for (auto p : links(candidate).eff)
      if (todo.test(p) && std::find(current.begin(), current.end(), static_cast<Idx>(p)) == current.end())
        to_add.push_back(p);
    if (to_add.empty()) {
      frontier.drop(i, candidate);
      i = i > 0 ? i - 1 : 0;
      continue;
    }
    frontier.descend(i, candidate, to_add);
  }
  // Alembic asserts here; it happens for a history range whose lower end is related to the
  // upper one through a dependency only (e.g. `dep:current`).
  if (output.size() != expected) throw RangeNotAncestor{"", ""};
  return output;
}

}  // namespace migrate::graph::detail

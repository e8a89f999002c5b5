#include "graph/revision_map.hpp"

#include <algorithm>
#include <string>
#include <unordered_set>
#include <utility>

#include "core/error.hpp"
#include "graph/engine.hpp"

namespace migrate::graph {

namespace {

std::string join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

// Appends each of `items` that `out` does not hold yet, in order. Linear in both sizes: a
// revision may declare many thousands of branch labels, and each one reaches every
// revision of its branch.
void append_unique(util::CompactList<std::string>& out, const std::vector<std::string>& items) {
  if (out.size() + items.size() <= 16) {
    for (const auto& s : items)
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    return;
  }
  out.reserve(out.size() + items.size());  // no reallocation below: the views stay valid
  std::unordered_set<std::string_view> seen;
  seen.reserve(out.size() + items.size());
  seen.insert(out.begin(), out.end());
  for (const auto& s : items)
    if (seen.insert(s).second) out.push_back(s);
}

// 1234567 -> "1,234,567".
std::string grouped(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

template <typename List>
void push_unique(List& v, std::uint32_t x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

}  // namespace

std::string short_list(const std::vector<std::string>& items, std::size_t shown) {
  if (items.size() <= shown + 1) return join(items);  // "and 1 more" saves nothing
  std::string out = join(std::vector<std::string>(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(shown)));
  return out + " and " + grouped(items.size() - shown) + " more";
}

std::string multiple_heads_message(HeadsContext context, std::string_view argument) {
  switch (context) {
    case HeadsContext::revision:
      return "Multiple heads are present; please specify the head revision on which the new "
             "revision should be based, or perform a merge.";
    case HeadsContext::stamp:
      return "Multiple heads are present; please specify a single target revision";
    case HeadsContext::current_head:
      return "The script directory has multiple heads (due to branching).Please use get_heads(), "
             "or merge the branches using alembic merge.";
    case HeadsContext::command:
      break;
  }
  std::string arg(argument);
  return "Multiple head revisions are present for given argument '" + arg +
         "'; please specify a specific target revision, '<branchname>@" + arg +
         "' to narrow to a specific head, or 'heads' for all heads";
}

MultipleHeadsError::MultipleHeadsError(std::vector<std::string> heads, std::string argument,
                                       HeadsContext context)
    : Error(ErrorKind::multiple_heads, multiple_heads_message(context, argument),
            "heads: " + short_list(heads)),
      m_heads(std::move(heads)),
      m_argument(std::move(argument)) {}

RevisionMap::RevisionMap(std::vector<RevisionSpec> specs, OriginFn origin_of) {
  const std::size_t count = specs.size();
  build(count, [&specs, count](std::size_t i) {
    RevisionSpec spec = std::move(specs[i]);
    if (i + 1 == count) specs = {};  // the last one taken: give the block back before the links are built
    return spec;
  }, std::move(origin_of));
}

RevisionMap::RevisionMap(std::size_t count, const SpecFn& spec_at, OriginFn origin_of) {
  build(count, spec_at, std::move(origin_of));
}

void RevisionMap::build(std::size_t count, const SpecFn& spec_at, OriginFn origin_of) {
  m_origin_of = std::move(origin_of);
  auto duplicate = add_revisions(count, spec_at);
  check_revisions();
  if (duplicate) throw *duplicate;  // after the checks of every revision, as they come first
  map_branch_labels();
  auto resolved_deps = resolve_links();
  auto all_down = link_children(resolved_deps);
  normalize_depends_on(resolved_deps);
  if (!m_revisions.empty()) detect_cycles(all_down);
  compute_generations();
  add_branches();
  // Origins only serve the construction's errors; the function may view the caller's data.
  m_origins = {};
  m_origin_of = nullptr;
}

RevisionMap::RevisionMap(const RevisionMap& other)
    : m_revisions(other.m_revisions),
      m_links(other.m_links),
      m_heads(other.m_heads),
      m_real_heads(other.m_real_heads),
      m_bases(other.m_bases) {
  index_keys();
}

RevisionMap& RevisionMap::operator=(const RevisionMap& other) {
  if (this != &other) {
    RevisionMap copy(other);
    *this = std::move(copy);
  }
  return *this;
}

void RevisionMap::index_keys() {
  m_index.reset(m_revisions.data(), m_revisions.size());
  for (std::uint32_t i = 0; i < m_revisions.size(); ++i) {
    m_index.insert(i);
    for (const auto& label : m_revisions[i].declared_branch_labels) m_label_index.emplace(label, i);
  }
}

std::string RevisionMap::origin(std::size_t i) const {
  if (i < m_origins.size() && !m_origins[i].empty()) return m_origins[i];
  return m_origin_of ? m_origin_of(i) : std::string();
}

std::string RevisionMap::at_origin(std::size_t i) const {
  auto o = origin(i);
  return o.empty() ? std::string() : " (" + o + ")";
}

void RevisionMap::check_revisions() const {
  // Revision() constructor checks (alembic Revision.__init__): self-loops, then id grammar.
  for (std::size_t i = 0; i < m_revisions.size(); ++i) {
    const auto& r = m_revisions[i];
    if (std::find(r.down_revisions.begin(), r.down_revisions.end(), r.id) != r.down_revisions.end())
      throw Error(ErrorKind::cycle, "Self-loop is detected in revisions (" + r.id + ")" + at_origin(i));
    if (std::find(r.declared_depends_on.begin(), r.declared_depends_on.end(), r.id) != r.declared_depends_on.end())
      throw Error(ErrorKind::dependency_cycle,
                  "Dependency self-loop is detected in revisions (" + r.id + ")" + at_origin(i));
    std::string bad;
    for (char c : std::string_view("+-:@"))
      if (r.id.find(c) != std::string::npos) {
        if (!bad.empty()) bad += ", ";
        bad += c;
      }
    if (!bad.empty())
      throw Error(ErrorKind::script, "Character(s) '" + bad + "' not allowed in revision identifier '" +
                                         r.id + "'" + at_origin(i));
    if (r.id.empty()) throw Error(ErrorKind::script, "Empty revision identifier" + at_origin(i));
  }
}

std::optional<Error> RevisionMap::add_revisions(std::size_t count, const SpecFn& spec_at) {
  m_revisions.reserve(count);
  m_index.reset(m_revisions.data(), count);
  std::optional<Error> duplicate;
  for (std::size_t i = 0; i < count; ++i) {
    RevisionSpec s = spec_at(i);
    if (!s.origin.empty()) {
      m_origins.resize(count);  // kept only when some spec has one
      m_origins[i] = std::move(s.origin);
    }
    Revision r;
    r.id = std::move(s.id);
    r.down_revisions = std::move(s.down_revisions);
    append_unique(r.branch_labels, s.branch_labels);
    r.declared_branch_labels = std::move(s.branch_labels);
    r.declared_depends_on = std::move(s.depends_on);
    r.load_index = i;
    m_revisions.push_back(std::move(r));  // reserved: no element moves after this
    auto [held_at, inserted] = m_index.insert(static_cast<std::uint32_t>(i));
    if (!inserted && !duplicate) {
      // Alembic only warns ("present more than once") and lets the later file win; two files
      // with one id is an error here (docs/exit-codes.md duplicate_revision).
      auto first = origin(held_at), second = origin(i);
      duplicate = Error(ErrorKind::duplicate_revision,
                        "Revision " + m_revisions.back().id + " is present more than once" +
                            (first.empty() && second.empty() ? std::string() : " (" + first + ", " + second + ")"),
                        "give one of the files a new revision id");
    }
  }
  return duplicate;
}

void RevisionMap::map_branch_labels() {
  const std::size_t n = m_revisions.size();
  // Branch labels live in the revision-id namespace (_map_branch_labels), load order.
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = m_revisions[i];
    for (const auto& label : r.declared_branch_labels) {
      std::optional<std::size_t> used;
      if (auto pos = m_index.find(label)) used = *pos;
      else if (auto jt = m_label_index.find(label); jt != m_label_index.end()) used = jt->second;
      if (used)
        throw Error(ErrorKind::duplicate_revision,
                    "Branch name '" + label + "' in revision " + r.id + " already used by revision " +
                        m_revisions[*used].id + at_origin(i),
                    "branch labels share the namespace of revision ids and must be unique");
      m_label_index.emplace(label, static_cast<std::uint32_t>(i));
    }
  }
}

std::vector<detail::SmallIds> RevisionMap::resolve_links() {
  const std::size_t n = m_revisions.size();
  // depends_on: exact ids or labels (_add_depends_on); then down_revisions must exist.
  m_links.resize(n);
  std::vector<detail::SmallIds> resolved_deps(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& r = m_revisions[i];
    for (const auto& d : r.declared_depends_on) {
      std::optional<std::size_t> target;
      if (auto pos = m_index.find(d)) target = *pos;
      else if (auto jt = m_label_index.find(d); jt != m_label_index.end()) target = jt->second;
      if (!target)
        throw Error(ErrorKind::missing_revision,
                    "Revision " + d + " referenced from " + r.id + " is not present" + at_origin(i),
                    "depends_on names a revision id or a branch label exactly");
      r.dependencies.push_back(m_revisions[*target].id);
      resolved_deps[i].push_back(static_cast<std::uint32_t>(*target));
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = m_revisions[i];
    for (const auto& d : r.down_revisions) {
      auto pos = m_index.find(d);
      if (!pos)
        throw Error(ErrorKind::missing_revision,
                    "Revision " + d + " referenced from " + r.id + " is not present" + at_origin(i),
                    "down_revision names a full revision id");
      push_unique(m_links[i].down, *pos);
    }
  }
  return resolved_deps;
}

std::vector<detail::SmallIds> RevisionMap::link_children(const std::vector<detail::SmallIds>& resolved_deps) {
  const std::size_t n = m_revisions.size();
  // Children / dependents / all_next (add_nextrev) and the "all down" list used by the
  // dependency cycle pass (_all_down_revisions: down_revision + resolved deps, deduped).
  std::vector<detail::SmallIds> all_down(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (auto d : m_links[i].down) push_unique(all_down[i], d);
    for (auto d : resolved_deps[i]) push_unique(all_down[i], d);
    for (auto d : m_links[i].down) {
      m_links[d].children.push_back(static_cast<std::uint32_t>(i));
      ++m_revisions[d].child_count;
    }
    for (auto d : all_down[i]) m_links[d].all_next.push_back(static_cast<std::uint32_t>(i));
    std::vector<std::uint32_t> seen_dep;
    for (auto d : resolved_deps[i]) {
      if (std::find(seen_dep.begin(), seen_dep.end(), d) != seen_dep.end()) continue;
      seen_dep.push_back(d);
      m_revisions[d].dependents.push_back(m_revisions[i].id);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto u = static_cast<std::uint32_t>(i);
    if (m_links[i].children.empty()) m_heads.push_back(u);
    if (m_links[i].all_next.empty()) m_real_heads.push_back(u);
    if (m_links[i].down.empty()) m_bases.push_back(u);
  }
  return all_down;
}

void RevisionMap::normalize_depends_on(const std::vector<detail::SmallIds>& resolved_deps) {
  const std::size_t n = m_revisions.size();
  // _normalize_depends_on: drop a dependency that a down_revision-ancestor already depends on.
  // Alembic keeps the survivors in a set (arbitrary order); declared order is kept here.
  {
    std::vector<std::uint32_t> mark(n, 0);
    std::uint32_t epoch = 0;
    std::vector<std::uint32_t> stack;
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<std::uint32_t> norm;
      if (!resolved_deps[i].empty()) {
        for (auto d : resolved_deps[i]) push_unique(norm, d);
        ++epoch;
        stack.assign(m_links[i].down.begin(), m_links[i].down.end());
        mark[i] = epoch;
        while (!stack.empty() && !norm.empty()) {
          auto x = stack.back();
          stack.pop_back();
          if (mark[x] == epoch) continue;
          mark[x] = epoch;
          for (auto d : resolved_deps[x]) std::erase(norm, d);
          for (auto p : m_links[x].down) stack.push_back(p);
        }
      }
      auto& eff = m_links[i].eff;
      for (auto d : m_links[i].down) push_unique(eff, d);
      for (auto d : norm) push_unique(eff, d);
    }
  }
}

void RevisionMap::detect_cycles(const std::vector<detail::SmallIds>& all_down) {
  const std::size_t n = m_revisions.size();
  // _detect_cycles: first through down_revision only, then with dependencies.
  if (n > 0) {
    auto all_ids = [&] {
      std::vector<std::string> v;
      for (const auto& r : m_revisions) v.push_back(r.id);
      return v;
    };
    auto reach = [&](const auto& from, auto&& next) {
      std::vector<char> seen(n, 0);
      std::vector<std::uint32_t> st(from.begin(), from.end());
      while (!st.empty()) {
        auto x = st.back();
        st.pop_back();
        if (seen[x]) continue;
        seen[x] = 1;
        for (auto y : next(x)) st.push_back(y);
      }
      return seen;
    };
    auto fail = [&](ErrorKind kind, const std::string& what, std::vector<std::string> ids) {
      std::vector<std::string> where;
      for (const auto& id : ids) {
        const auto o = origin(*m_index.find(id));
        if (!o.empty()) where.push_back(id + " in " + o);
        if (where.size() > 11) break;  // short_list shows 10
      }
      std::string hint = where.empty() ? std::string() : short_list(where);
      if (where.size() > 11) hint = short_list(std::vector<std::string>(where.begin(), where.begin() + 10)) +
                                    " and more (" + std::to_string(ids.size()) + " revisions in all)";
      throw Error(kind, what + " is detected in revisions (" + short_list(ids) + ")", hint);
    };
    auto check = [&](ErrorKind kind, const std::string& what, const std::vector<std::uint32_t>& heads,
                     const std::vector<std::uint32_t>& bases, auto&& down, auto&& up) {
      if (heads.empty() || bases.empty()) fail(kind, what, all_ids());
      auto a = reach(heads, down);
      auto b = reach(bases, up);
      std::vector<std::string> deleted;
      for (std::size_t i = 0; i < n; ++i)
        if (!(a[i] && b[i])) deleted.push_back(m_revisions[i].id);
      if (!deleted.empty()) {
        std::sort(deleted.begin(), deleted.end());
        fail(kind, what, std::move(deleted));
      }
    };
    check(ErrorKind::cycle, "Cycle", m_heads, m_bases,
          [&](std::uint32_t x) -> const detail::SmallIds& { return m_links[x].down; },
          [&](std::uint32_t x) -> const detail::SmallIds& { return m_links[x].children; });
    std::vector<std::uint32_t> real_bases;
    for (std::size_t i = 0; i < n; ++i)
      if (m_revisions[i].is_real_base()) real_bases.push_back(static_cast<std::uint32_t>(i));
    check(ErrorKind::dependency_cycle, "Dependency cycle", m_real_heads, real_bases,
          [&](std::uint32_t x) -> const detail::SmallIds& { return all_down[x]; },
          [&](std::uint32_t x) -> const detail::SmallIds& { return m_links[x].all_next; });
  }
}

void RevisionMap::compute_generations() {
  const std::size_t n = m_revisions.size();
  // Generation (longest effective-parent path from a root), for pruning ancestor searches.
  {
    std::vector<std::uint32_t> pending(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      pending[i] = static_cast<std::uint32_t>(m_links[i].eff.size());
      for (auto p : m_links[i].eff) m_links[p].eff_next.push_back(static_cast<std::uint32_t>(i));
    }
    std::vector<std::uint32_t> ready;
    for (std::size_t i = 0; i < n; ++i)
      if (!pending[i]) ready.push_back(static_cast<std::uint32_t>(i));
    while (!ready.empty()) {
      auto x = ready.back();
      ready.pop_back();
      for (auto c : m_links[x].eff_next) {
        m_links[c].generation = std::max(m_links[c].generation, m_links[x].generation + 1);
        if (--pending[c] == 0) ready.push_back(c);
      }
    }
  }
}

void RevisionMap::add_branches() {
  const std::size_t n = m_revisions.size();
  // _add_branches: a label reaches every down_revision descendant of its revision, then the
  // walk goes down from the last descendant visited until a (real) branch point, a merge
  // point or a base. Alembic visits children from a frozenset and labelled revisions from a
  // set (both in hash order); here children are pushed in load order and labelled revisions
  // are processed in load order, so the quirk is deterministic.
  for (std::size_t i = 0; i < n; ++i) {
    if (m_revisions[i].declared_branch_labels.empty()) continue;
    const std::vector<std::string> labels = m_revisions[i].branch_labels;
    auto add = [&](std::uint32_t x) { append_unique(m_revisions[x].branch_labels, labels); };
    std::vector<char> seen(n, 0);
    std::vector<std::uint32_t> st{static_cast<std::uint32_t>(i)};
    std::uint32_t node = static_cast<std::uint32_t>(i);
    while (!st.empty()) {
      auto x = st.back();
      st.pop_back();
      if (seen[x]) continue;
      seen[x] = 1;
      for (auto c : m_links[x].children) st.push_back(c);
      add(x);
      node = x;
    }
    std::uint32_t parent = node;
    while (m_links[parent].all_next.size() <= 1 && m_links[parent].down.size() <= 1) {
      add(parent);
      if (m_links[parent].down.empty()) break;
      parent = m_links[parent].down.front();
    }
  }
}

const Revision* RevisionMap::find(std::string_view id) const {
  auto pos = m_index.find(id);
  return pos ? &m_revisions[*pos] : nullptr;
}

const Revision& RevisionMap::get(std::string_view id) const {
  if (const auto* r = find(id)) return *r;
  throw Error(ErrorKind::revision_not_found,
              "Can't locate revision identified by '" + std::string(id) + "'",
              "No such revision '" + std::string(id) + "'");
}

namespace {
template <typename Indices>
std::vector<std::string> names(const std::vector<Revision>& revs, const Indices& v) {
  std::vector<std::string> out;
  out.reserve(v.size());
  for (auto i : v) out.push_back(revs[i].id);
  return out;
}
}  // namespace

std::vector<std::string> RevisionMap::children(const Revision& rev) const {
  return names(m_revisions, m_links[rev.load_index].children);
}

std::vector<std::string> RevisionMap::effective_parents(const Revision& rev) const {
  return names(m_revisions, m_links[rev.load_index].eff);
}

std::vector<std::string> RevisionMap::heads() const { return names(m_revisions, m_heads); }
std::vector<std::string> RevisionMap::real_heads() const { return names(m_revisions, m_real_heads); }
std::vector<std::string> RevisionMap::bases() const { return names(m_revisions, m_bases); }

bool RevisionMap::is_ancestor(std::string_view ancestor, std::string_view rev) const {
  const auto* a = find(ancestor);
  const auto* r = find(rev);
  if (!a || !r || a == r) return false;
  detail::Engine e{*this};
  return e.implied_by(static_cast<detail::Idx>(a->load_index), {static_cast<detail::Idx>(r->load_index)});
}

std::vector<char> RevisionMap::at_or_below(const std::vector<std::string>& ids) const {
  std::vector<detail::Idx> targets;
  for (const auto& id : ids)
    if (const auto* r = find(id)) targets.push_back(static_cast<detail::Idx>(r->load_index));
  const auto reached = detail::Engine{*this}.ancestors(targets, true);
  std::vector<char> out(m_revisions.size(), 0);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = reached.test(static_cast<detail::Idx>(i)) ? 1 : 0;
  return out;
}

}  // namespace migrate::graph

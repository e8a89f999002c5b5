// Identifier resolution and traversal: a port of alembic/script/revision.py
// (_resolve_revision_number, _revision_for_ident, _resolve_branch, filter_for_lineage,
// _shares_lineage, get_revisions, get_revision, _walk, _iterate_related_revisions).
#include <algorithm>
#include <regex>
#include <string>

#include "core/error.hpp"
#include "graph/engine.hpp"

namespace migrate::graph::detail {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    out += v[i];
  }
  return out;
}

[[noreturn]] void not_found(std::string_view argument, std::string detail) {
  throw Error(ErrorKind::revision_not_found,
              "Can't locate revision identified by '" + std::string(argument) + "'", std::move(detail));
}

}  // namespace

std::string Arg::display() const {
  if (!is_list) return text;
  return join(list);
}

std::optional<long long> parse_int(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i == s.size()) return std::nullopt;
  for (std::size_t k = i; k < s.size(); ++k)
    if (s[k] < '0' || s[k] > '9') return std::nullopt;
  try {
    return std::stoll(std::string(s));
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<Relative> match_relative(std::string_view text) {
  // Same pattern as Alembic's _relative_destination, anchored at the start only (re.match).
  static const std::regex re(R"(^(?:(.+?)@)?(\w+)?((?:\+|-)\d+))");
  std::string s(text);
  std::smatch m;
  if (!std::regex_search(s, m, re)) return std::nullopt;
  Relative r;
  if (m[1].matched) r.branch = m[1].str();
  if (m[2].matched) r.symbol = m[2].str();
  r.relative = m[3].str();
  auto v = parse_int(r.relative);
  if (!v) throw Error(ErrorKind::usage, "Relative revision " + r.relative + " is out of range");
  r.value = *v;
  return r;
}

std::optional<Idx> Engine::key_lookup(std::string_view key) const {
  if (auto pos = m.m_index.find(key)) return static_cast<Idx>(*pos);
  if (auto it = m.m_label_index.find(key); it != m.m_label_index.end()) return static_cast<Idx>(it->second);
  return std::nullopt;
}

std::vector<std::string> Engine::ids_of(const std::vector<Idx>& v) const {
  std::vector<std::string> out;
  out.reserve(v.size());
  for (auto i : v) out.push_back(i >= 0 ? id(i) : std::string(i == k_base ? "base" : ""));
  return out;
}

// ---------------------------------------------------------------------------------------
// Traversal

Bits Engine::ancestors(const std::vector<Idx>& targets, bool deps) const {
  Bits seen(size());
  std::vector<Idx> st;
  for (auto t : targets)
    if (t >= 0) st.push_back(t);
  while (!st.empty()) {
    Idx x = st.back();
    st.pop_back();
    if (seen.test(x)) continue;
    seen.set(x);
    for (auto p : deps ? links(x).eff : links(x).down) st.push_back(p);
  }
  return seen;
}

Bits Engine::descendants(const std::vector<Idx>& targets, bool deps) const {
  Bits seen(size());
  std::vector<Idx> st;
  for (auto t : targets)
    if (t >= 0) st.push_back(t);
  while (!st.empty()) {
    Idx x = st.back();
    st.pop_back();
    if (seen.test(x)) continue;
    seen.set(x);
    for (auto c : deps ? links(x).all_next : links(x).children) st.push_back(c);
  }
  return seen;
}

namespace {
// _iterate_related_revisions(check=True): a shared `seen`; every node popped while walking from
// one target (even one already seen) counts for that target's overlap test.
template <typename Next>
Bits checked_walk(const Engine& e, const std::vector<Idx>& targets, Next&& next) {
  Bits seen(e.size());
  Bits target_set(e.size());
  for (auto t : targets)
    if (t >= 0) target_set.set(t);
  std::vector<Idx> st;
  for (auto t : targets) {
    if (t < 0) continue;
    std::vector<Idx> overlaps;
    st.push_back(t);
    while (!st.empty()) {
      Idx x = st.back();
      st.pop_back();
      if (x != t && target_set.test(x) && std::find(overlaps.begin(), overlaps.end(), x) == overlaps.end())
        overlaps.push_back(x);
      if (seen.test(x)) continue;
      seen.set(x);
      for (auto y : next(x)) st.push_back(y);
    }
    if (!overlaps.empty()) {
      // Alembic lists a set; target order is used here.
      std::vector<std::string> names;
      for (auto o : targets)
        if (std::find(overlaps.begin(), overlaps.end(), o) != overlaps.end()) names.push_back(e.id(o));
      throw Error(ErrorKind::overlap,
                  "Requested revision " + e.id(t) + " overlaps with other requested revisions " + short_list(names),
                  "one of them already implies the other; name only the newest");
    }
  }
  return seen;
}
}  // namespace

Bits Engine::ancestors_checked(const std::vector<Idx>& targets, bool deps) const {
  return checked_walk(*this, targets, [&](Idx x) -> const SmallIds& {
    return deps ? links(x).eff : links(x).down;
  });
}

Bits Engine::descendants_checked(const std::vector<Idx>& targets, bool deps) const {
  return checked_walk(*this, targets, [&](Idx x) -> const SmallIds& {
    return deps ? links(x).all_next : links(x).children;
  });
}

bool Engine::implied_by(Idx node, const std::vector<Idx>& others, bool deps) const {
  if (node < 0) return false;
  // Search down from `others`, pruning below node's generation: nothing there can reach it.
  const auto g = links(node).generation;
  std::vector<Idx> st;
  Bits seen(size());
  for (auto o : others)
    if (o >= 0) st.push_back(o);
  while (!st.empty()) {
    Idx x = st.back();
    st.pop_back();
    if (x == node) return true;
    if (seen.test(x) || links(x).generation <= g) continue;
    seen.set(x);
    for (auto p : deps ? links(x).eff : links(x).down) st.push_back(p);
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// Resolution

Engine::RevNum Engine::resolve_revision_number(std::string_view ident) const {
  RevNum out;
  std::string_view idv = ident;
  if (auto at = ident.find('@'); at != std::string_view::npos) {
    out.branch = std::string(ident.substr(0, at));
    idv = ident.substr(at + 1);
  }
  if (idv == "heads") {
    if (out.branch) {
      out.ids = ids_of(versioned_heads_in_lineage(*out.branch));
    } else {
      for (auto h : m.m_real_heads) out.ids.push_back(id(h));
    }
  } else if (idv == "head") {
    std::vector<Idx> heads;
    if (out.branch) {
      heads = versioned_heads_in_lineage(*out.branch);
    } else {
      for (auto h : m.m_heads) heads.push_back(h);
    }
    if (heads.size() > 1)
      throw MultipleHeads{ids_of(heads), out.branch ? *out.branch + "@head" : std::string("head")};
    if (!heads.empty()) out.ids.push_back(id(heads.front()));
  } else if (idv == "base" || idv.empty()) {
    // Alembic does not look at X in `X@base` here, so a typo silently means "every branch";
    // an unknown X is refused instead.
    if (out.branch) (void)resolve_branch(*out.branch);
  } else {
    out.ids.emplace_back(idv);
  }
  return out;
}

std::vector<Idx> Engine::versioned_heads_in_lineage(std::string_view branch) const {
  std::vector<Idx> heads;
  for (auto h : m.m_heads) heads.push_back(h);
  return filter_for_lineage(heads, branch);
}

Idx Engine::resolve_branch(std::string_view label) const {
  if (auto k = key_lookup(label)) return *k;
  try {
    return revision_for_ident(label, std::nullopt);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::revision_not_found) throw;
    not_found(label, "No such branch: '" + std::string(label) + "'");
  }
}

Idx Engine::revision_for_ident(std::string_view resolved, const std::optional<std::string>& branch) const {
  Idx branch_rev = k_none;
  if (branch && !branch->empty()) branch_rev = resolve_branch(*branch);
  if (resolved.empty()) return k_none;

  Idx revision = k_none;
  if (auto k = key_lookup(resolved)) {
    revision = *k;
  } else {
    // Partial lookup over every key longer than 3 chars, in Alembic's map order: ids in
    // load order, then labels in load and declaration order.
    std::vector<std::string> candidates;
    auto consider = [&](const std::string& key) {
      if (key.size() > 3 && key.starts_with(resolved)) candidates.push_back(key);
    };
    for (const auto& r : m.m_revisions) consider(r.id);
    for (const auto& r : m.m_revisions)
      for (const auto& label : r.declared_branch_labels) consider(label);
    if (branch_rev >= 0 && !candidates.empty()) {
      const Bits lineage = [&] {
        Bits a = ancestors({branch_rev}, false);
        a.unite(descendants({branch_rev}, false));
        return a;
      }();
      std::erase_if(candidates, [&](const std::string& key) { return !lineage.test(*key_lookup(key)); });
    }
    if (candidates.empty()) {
      std::string detail = "No such revision or branch '" + std::string(resolved) + "'";
      if (resolved.size() < 4)
        detail += "; please ensure at least four characters are present for partial revision identifier matches";
      not_found(resolved, std::move(detail));
    }
    if (candidates.size() > 1) {
      std::string msg = "Multiple revisions start with '" + std::string(resolved) + "': ";
      for (std::size_t i = 0; i < candidates.size() && i < 3; ++i) {
        if (i) msg += ", ";
        msg += "'" + candidates[i] + "'";
      }
      msg += "...";
      std::vector<std::string> full;
      for (const auto& c : candidates) {
        const auto& rid = id(*key_lookup(c));
        full.push_back(c == rid ? c : c + " (label of " + rid + ")");
      }
      throw Error(ErrorKind::ambiguous_revision, msg,
                  "give more characters; candidates: " + short_list(full));
    }
    revision = *key_lookup(candidates.front());
  }
  if (branch_rev >= 0 && !shares_lineage(revision, branch_rev, false))
    not_found(resolved, "Revision " + id(revision) + " is not a member of branch '" + *branch + "'");
  return revision;
}

bool Engine::shares_lineage(Idx target, Idx other, bool deps) const {
  if (target == other) return true;
  return implied_by(target, {other}, deps) || implied_by(other, {target}, deps);
}

std::vector<Idx> Engine::filter_for_lineage(const std::vector<Idx>& targets, std::string_view check_against,
                                            bool deps) const {
  RevNum r = resolve_revision_number(check_against);
  std::vector<Idx> shares;
  if (r.branch) shares.push_back(revision_for_ident(*r.branch, std::nullopt));
  for (const auto& s : r.ids) shares.push_back(revision_for_ident(s, std::nullopt));
  std::erase(shares, k_none);
  if (shares.empty() && !r.branch && r.ids.empty()) return targets;
  // target shares lineage with s  <=>  target is an ancestor or a descendant of s.
  Bits lineage = ancestors(shares, deps);
  lineage.unite(descendants(shares, deps));
  std::vector<Idx> out;
  for (auto t : targets)
    if (t >= 0 && lineage.test(t)) out.push_back(t);
  return out;
}

std::vector<Idx> Engine::get_revisions(const Arg& arg) const {
  if (!arg.is_list) return get_revisions(arg.text);
  std::vector<Idx> out;
  for (const auto& s : arg.list) {
    auto v = get_revisions(s);
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

std::vector<Idx> Engine::get_revisions(std::string_view ident) const {
  RevNum r = resolve_revision_number(ident);
  if (r.ids.size() == 1) {
    if (auto n = parse_int(r.ids.front()); n && *n < 0) {
      // branch@-n: walk down from the (real) heads carrying that label.
      std::vector<Idx> out;
      for (auto h : m.m_real_heads) {
        if (r.branch) {
          const auto& labels = rev(h).branch_labels;
          if (std::find(labels.begin(), labels.end(), *r.branch) == labels.end()) continue;
        }
        out.push_back(walk(h, *n, std::nullopt, true));
      }
      return out;
    }
  }
  std::vector<Idx> out;
  for (const auto& s : r.ids) out.push_back(revision_for_ident(s, r.branch));
  return out;
}

Idx Engine::get_revision(std::string_view ident) const {
  RevNum r = resolve_revision_number(ident);
  if (r.ids.size() > 1) throw MultipleHeads{r.ids, std::string(ident)};
  return revision_for_ident(r.ids.empty() ? std::string_view() : std::string_view(r.ids.front()), r.branch);
}

Idx Engine::walk(Idx start, long long steps, const std::optional<std::string>& branch, bool no_overwalk) const {
  Idx initial = start;
  const long long n = steps < 0 ? -steps : steps;
  for (long long i = 0; i < n; ++i) {
    std::vector<Idx> children;
    if (steps > 0) {
      std::vector<Idx> up;
      if (initial < 0) {
        for (auto b : m.m_bases) up.push_back(b);
      } else {
        for (auto c : links(initial).children) up.push_back(c);
      }
      children = branch ? filter_for_lineage(up, *branch) : up;
    } else {
      if (initial == k_base) {
        // nothing below base
      } else if (initial == k_none) {
        for (auto h : m.m_heads) children.push_back(h);
      } else {
        for (auto d : links(initial).down) children.push_back(d);
        if (children.empty()) children.push_back(k_base);
      }
    }
    if (children.empty()) return no_overwalk ? k_none : initial;
    if (children.size() > 1)
      throw Error(ErrorKind::ambiguous_walk, "Ambiguous walk",
                  "a relative move cannot cross a branch point or a merge point (candidates: " +
                      short_list(ids_of(children)) + "); name a revision" +
                      (steps > 0 ? " or restrict the walk with <branch>@+N" : ""));
    initial = children.front();
  }
  return initial;
}

std::vector<Idx> Engine::all_current(const std::vector<Idx>& rows) const {
  Bits set = ancestors(rows, true);
  // Keep members with no down_revision child in the set (the set is ancestor-closed, so a
  // member with a descendant in the set has a child in it).
  auto keep = [&](Idx x) {
    for (auto c : links(x).children)
      if (set.test(c)) return false;
    return true;
  };
  std::vector<Idx> out;
  Bits emitted(size());
  for (auto r : rows)
    if (r >= 0 && !emitted.test(r) && keep(r)) {
      out.push_back(r);
      emitted.set(r);
    }
  for (std::size_t i = 0; i < size(); ++i) {
    Idx x = static_cast<Idx>(i);
    if (set.test(x) && !emitted.test(x) && keep(x)) {
      out.push_back(x);
      emitted.set(x);
    }
  }
  return out;
}

}  // namespace migrate::graph::detail

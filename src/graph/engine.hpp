#pragma once
/// Internal to graph/: the port of Alembic's RevisionMap traversal, resolution and planning
/// machinery (alembic/script/revision.py, script/base.py, runtime/migration.py) over the
/// index-based adjacency of `RevisionMap`. Not for use outside src/graph/.
///
/// Conventions: a node is an `Idx` (position in load order); `k_none` stands for Python's
/// `None` ("no revision"), `k_base` for Alembic's `"base"` sentinel that downward walks
/// produce when they step off a base.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "graph/revision_map.hpp"

namespace migrate::graph::detail {

using Idx = std::int64_t;
inline constexpr Idx k_none = -1;
inline constexpr Idx k_base = -2;

/// A fixed-size set of nodes.
class Bits {
 public:
  Bits() = default;
  explicit Bits(std::size_t n) : m_words((n + 63) / 64, 0) {}
  bool test(Idx i) const { return i >= 0 && ((m_words[i >> 6] >> (i & 63)) & 1U); }
  void set(Idx i) { m_words[i >> 6] |= (std::uint64_t{1} << (i & 63)); }
  void reset(Idx i) { m_words[i >> 6] &= ~(std::uint64_t{1} << (i & 63)); }
  void intersect(const Bits& o) {
    for (std::size_t k = 0; k < m_words.size(); ++k) m_words[k] &= o.m_words[k];
  }
  void unite(const Bits& o) {
    for (std::size_t k = 0; k < m_words.size(); ++k) m_words[k] |= o.m_words[k];
  }
  void subtract(const Bits& o) {
    for (std::size_t k = 0; k < m_words.size(); ++k) m_words[k] &= ~o.m_words[k];
  }
  std::size_t count() const {
    std::size_t c = 0;
    for (auto w : m_words) c += static_cast<std::size_t>(__builtin_popcountll(w));
    return c;
  }
  bool any() const {
    for (auto w : m_words)
      if (w) return true;
    return false;
  }

 private:
  std::vector<std::uint64_t> m_words;
};

/// An argument that is either one string as typed or a list of ids (Python's str-or-tuple).
struct Arg {
  bool is_list = false;
  std::string text;
  std::vector<std::string> list;

  static Arg of(std::string_view s) { return Arg{false, std::string(s), {}}; }
  static Arg of_list(std::vector<std::string> l) { return Arg{true, {}, std::move(l)}; }
  /// Python util.to_tuple: a string becomes a 1-tuple.
  std::vector<std::string> as_tuple() const { return is_list ? list : std::vector<std::string>{text}; }
  /// For messages.
  std::string display() const;
};

/// Internal "Revision <lower> is not an ancestor of revision <upper>"; the public entry points
/// turn it into the command-specific invalid_target text.
struct RangeNotAncestor {
  std::string lower;
  std::string upper;
};

/// Internal MultipleHeads; the public entry points pick the text (HeadsContext) and rethrow.
struct MultipleHeads {
  std::vector<std::string> heads;
  std::string argument;
};

struct Engine {
  const RevisionMap& m;

  // --- basic access ---------------------------------------------------------------------
  std::size_t size() const { return m.m_revisions.size(); }
  const Revision& rev(Idx i) const { return m.m_revisions[static_cast<std::size_t>(i)]; }
  const RevisionMap::Links& links(Idx i) const { return m.m_links[static_cast<std::size_t>(i)]; }
  const std::string& id(Idx i) const { return rev(i).id; }
  /// Exact lookup among ids and labels (Alembic's `_revision_map[key]`).
  std::optional<Idx> key_lookup(std::string_view key) const;
  std::vector<std::string> ids_of(const std::vector<Idx>& v) const;

  // --- traversal (Alembic _get_ancestor_nodes / _get_descendant_nodes) --------------------
  /// Targets and everything below them; `deps` walks effective parents, else down_revision.
  Bits ancestors(const std::vector<Idx>& targets, bool deps) const;
  /// Targets and everything above them; `deps` walks children + dependents, else children.
  Bits descendants(const std::vector<Idx>& targets, bool deps) const;
  /// `check=True` variant: throws overlap "Requested revision X overlaps with other
  /// requested revisions Y" when a target is reached from another one.
  Bits ancestors_checked(const std::vector<Idx>& targets, bool deps) const;
  Bits descendants_checked(const std::vector<Idx>& targets, bool deps) const;
  /// True when `node` equals or is an ancestor of one of `others` (through effective
  /// parents with `deps`, else through down_revision only).
  bool implied_by(Idx node, const std::vector<Idx>& others, bool deps = true) const;

  // --- resolution (revision.py) ---------------------------------------------------------
  struct RevNum {
    std::vector<std::string> ids;
    std::optional<std::string> branch;
  };
  RevNum resolve_revision_number(std::string_view ident) const;
  /// `resolved` empty = base → k_none.
  Idx revision_for_ident(std::string_view resolved, const std::optional<std::string>& branch) const;
  Idx resolve_branch(std::string_view label) const;
  /// Targets sharing lineage with `check_against` (a label, id, `heads`, ... as Alembic's
  /// filter_for_lineage); order of `targets` kept.
  std::vector<Idx> filter_for_lineage(const std::vector<Idx>& targets, std::string_view check_against,
                                      bool deps = false) const;
  bool shares_lineage(Idx target, Idx other, bool deps) const;
  std::vector<Idx> versioned_heads_in_lineage(std::string_view branch) const;
  /// Alembic get_revisions for one string (may contain k_none/k_base from `-N` walks).
  std::vector<Idx> get_revisions(std::string_view ident) const;
  std::vector<Idx> get_revisions(const Arg& arg) const;
  /// Alembic get_revision: k_none for base.
  Idx get_revision(std::string_view ident) const;
  Idx walk(Idx start, long long steps, const std::optional<std::string>& branch, bool no_overwalk) const;
  /// Alembic _get_all_current: rows + implied, filtered into branch heads (rows first).
  std::vector<Idx> all_current(const std::vector<Idx>& rows) const;

  // --- planning -----------------------------------------------------------------------
  std::vector<Idx> parse_upgrade_target(const Arg& current, const Arg& target, bool assert_len) const;
  /// `refuse_multiple_rows`: `-N` with several distinct rows throws ambiguous_walk (the
  /// `downgrade` command, docs/commands.md) instead of starting from the first row (Alembic).
  /// Throws ambiguous_walk for `-N` from several distinct `rows`, naming `<branch>@-N` choices.
  [[noreturn]] void refuse_walk_from_rows(const std::vector<std::string>& rows, const std::string& relative) const;
  std::pair<std::optional<std::string>, Idx> parse_downgrade_target(const Arg& current,
                                                                    std::string_view target,
                                                                    bool assert_len,
                                                                    bool refuse_multiple_rows = false) const;
  struct Collected {
    Bits todo;
    std::vector<Idx> heads;
  };
  Collected collect_upgrade(const Arg& upper, const Arg& lower, bool inclusive, bool implicit_base,
                            bool assert_len) const;
  Collected collect_downgrade(const Arg& upper, std::string_view target, bool assert_len) const;
  /// Alembic _topological_sort: newest first. Members of `todo` that no head leads to
  /// (Alembic: `assert not todo`) throw RangeNotAncestor.
  std::vector<Idx> topological_sort(Bits todo, const std::vector<Idx>& heads) const;

  /// Rows → nodes; a row naming no revision throws needs_repair (unless `skip_unknown`).
  std::vector<Idx> rows_to_nodes(const std::vector<std::string>& rows) const;
  /// Throws overlap when one row is an ancestor of another.
  void check_rows_overlap(const std::vector<Idx>& rows) const;
};

/// Alembic's relative-destination regex `(?:(.+?)@)?(\w+)?((?:\+|-)\d+)` matched at the start.
struct Relative {
  std::optional<std::string> branch;
  std::optional<std::string> symbol;
  std::string relative;  // with its sign, as typed
  long long value = 0;
};
std::optional<Relative> match_relative(std::string_view text);

/// Python `int(s)` for a strict `[+-]?digits` string.
std::optional<long long> parse_int(std::string_view s);

}  // namespace migrate::graph::detail

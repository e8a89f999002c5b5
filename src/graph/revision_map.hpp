#pragma once
/// The revision graph, pure: no files, no database, no logging (ARCHITECTURE.md).
///
/// Built from `RevisionSpec`s in load order (docs/file-format.md: sorted file names per version
/// location, locations in configuration order). Load order is the tie-break of every
/// operation, exactly as in Alembic (docs/revision-graph.md).
///
/// All errors are `migrate::Error` with the kinds of docs/exit-codes.md; messages follow
/// Alembic's texts (docs/revision-graph.md) and name the `origin` of the
/// revision (file:line) where one is involved.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "graph/errors.hpp"
#include "graph/id_index.hpp"
#include "graph/plan.hpp"
#include "graph/small_ids.hpp"
#include "util/compact_list.hpp"

namespace migrate::graph {

namespace detail {
struct Engine;
}

/// What one revision file declares.
struct RevisionSpec {
  std::string id;
  std::vector<std::string> down_revisions;  ///< empty = base; two or more = merge point
  std::vector<std::string> branch_labels;   ///< as declared
  std::vector<std::string> depends_on;      ///< as declared: exact ids or labels
  std::string origin;                       ///< "path:line" for error messages ("" = ask OriginFn)
};

/// The "path:line" of the spec at a load index, for error messages. Lets a caller with
/// thousands of files build that text only when an error needs it, instead of once per spec.
using OriginFn = std::function<std::string(std::size_t load_index)>;
/// The spec at a load index, asked once per index in order: lets a caller build the graph from
/// its own records without first copying them all into a vector of specs.
using SpecFn = std::function<RevisionSpec(std::size_t load_index)>;

/// A node of the built graph. Ids are full revision ids.
struct Revision {
  std::string id;
  std::vector<std::string> down_revisions;
  // The lists most revisions leave empty are util::CompactList (8 bytes, no heap block while
  // empty): at 10,000 revisions, 0.8 MB less than std::vector.
  util::CompactList<std::string> declared_branch_labels;
  util::CompactList<std::string> declared_depends_on;
  util::CompactList<std::string> dependencies;  ///< depends_on resolved to ids
  util::CompactList<std::string> dependents;    ///< revisions that depend_on this, load order
  util::CompactList<std::string> branch_labels; ///< declared + propagated
  std::size_t load_index = 0;
  /// How many revisions name this one as a down_revision (RevisionMap::children lists them:
  /// the lists of every revision's children and effective parents are kept as indices only,
  /// a tenth of the map's memory at 10,000 revisions as strings).
  std::uint32_t child_count = 0;

  bool is_base() const { return down_revisions.empty(); }
  bool is_real_base() const { return down_revisions.empty() && dependencies.empty(); }
  bool is_head() const { return child_count == 0; }  ///< versioned head
  bool is_real_head() const { return child_count == 0 && dependents.empty(); }
  bool is_effective_head() const { return is_head() && !is_real_head(); }
  bool is_branch_point() const { return child_count >= 2; }
  bool is_merge_point() const { return down_revisions.size() >= 2; }
};

class RevisionMap {
 public:
  /// Validates and builds. Throws: duplicate_revision (two specs with one id, a
  /// label declared twice or equal to an id), missing_revision (a down_revision or
  /// depends_on naming nothing), cycle, dependency_cycle (self-loops included). Messages
  /// name each revision's `origin`, or `origin_of(load index)` where that is empty.
  explicit RevisionMap(std::vector<RevisionSpec> specs, OriginFn origin_of = {});
  /// The same from `count` specs that `spec_at` hands over one at a time.
  RevisionMap(std::size_t count, const SpecFn& spec_at, OriginFn origin_of = {});

  // The lookup tables view the ids and labels held by m_revisions: a copy rebuilds them
  // over its own revisions; a move keeps them (the vectors' blocks move with it).
  RevisionMap(const RevisionMap& other);
  RevisionMap& operator=(const RevisionMap& other);
  RevisionMap(RevisionMap&&) = default;
  RevisionMap& operator=(RevisionMap&&) = default;

  /// Every revision in load order.
  const std::vector<Revision>& revisions() const { return m_revisions; }
  /// Exact id lookup; nullptr when absent. No prefixes, no labels.
  const Revision* find(std::string_view id) const;
  /// Exact id lookup; throws revision_not_found.
  const Revision& get(std::string_view id) const;
  /// The revisions that name `rev` as a down_revision, in load order.
  std::vector<std::string> children(const Revision& rev) const;
  /// `rev`'s parents for ordering and walking: its down_revisions, then the dependencies no
  /// down_revision ancestor already depends on (Alembic's normalized depends_on).
  std::vector<std::string> effective_parents(const Revision& rev) const;

  std::vector<std::string> heads() const;       ///< versioned heads, load order
  std::vector<std::string> real_heads() const;  ///< heads nothing depends on, load order
  std::vector<std::string> bases() const;       ///< no down_revision, load order

  /// True when `ancestor` is a proper ancestor of `rev` through effective parents.
  bool is_ancestor(std::string_view ancestor, std::string_view rev) const;
  /// `ids` and every revision below them through effective parents, indexed by load index
  /// (1 = among them); ids the map does not know are skipped.
  std::vector<char> at_or_below(const std::vector<std::string>& ids) const;

  /// Resolves an identifier as Alembic's `get_revisions` does: id, unique prefix
  /// (only keys longer than 3 chars are candidates; an exact id or label wins), label, head,
  /// heads (real heads), base, X@head, X@heads (versioned heads in X's lineage), X@base,
  /// X@<id> (lineage checked, prefixes matched within X's lineage). `base`, "" and `X@base`
  /// give an empty list (X must still name a branch). A bare negative number `-N` / `X@-N`
  /// walks N steps down from every real head (carrying label X), as Alembic does; other
  /// relative forms and ranges are not identifiers here and fail as revision_not_found.
  /// Throws revision_not_found (message "Can't locate revision identified by 'x'", the
  /// precise reason in the hint), ambiguous_revision (prefix matching several keys),
  /// MultipleHeadsError (`head` / `X@head` matching several; text per `context`),
  /// ambiguous_walk (`-N` crossing a merge point).
  std::vector<std::string> resolve(std::string_view ident) const;
  std::vector<std::string> resolve(std::string_view ident, HeadsContext context) const;

  /// Resolves an identifier that must name at most one revision (Alembic `get_revision`):
  /// nullopt for `base`. `heads` with several real heads throws MultipleHeadsError too.
  std::optional<std::string> resolve_one(std::string_view ident,
                                         HeadsContext context = HeadsContext::command) const;

  /// `upgrade TARGET` (docs/revision-graph.md: upgrade targets, row updates). `current` = the
  /// version-table rows in row order. Nothing to do is an empty plan, not an error.
  /// Throws the resolution errors of `resolve`, overlap (targets or rows), ambiguous_walk,
  /// relative_out_of_range, needs_repair (a row naming no revision).
  Plan plan_upgrade(std::string_view target, const std::vector<std::string>& current) const;

  /// `downgrade TARGET` (docs/revision-graph.md: downgrade targets, row updates). Reversibility is a property
  /// of files, not of the graph: the runtime checks it on the returned plan.
  /// `-N` with several distinct rows throws ambiguous_walk with a hint naming `<branch>@-N`
  /// per row (docs/commands.md). Rows that overlap (one an ancestor of another) throw overlap;
  /// a row naming no revision throws needs_repair.
  Plan plan_downgrade(std::string_view target, const std::vector<std::string>& current) const;

  /// `stamp TARGET...`. With `purge`, the plan first removes every current row (ops
  /// `remove` for each, leading the first step's ops; a single step of deletes with revision
  /// nullopt when there is no other step) and then stamps from an empty table; unknown ids in
  /// `current` are no error then (without `purge` they throw needs_repair). Each Alembic stamp
  /// step is one Step (direction stamp, revision = destination or nullopt for base, from =
  /// the lineage rows the step moves from, as Alembic names them). Where Alembic crashes (several destinations sharing one existing row,
  /// a destination written twice) each step works on the rows still present: a destination
  /// whose rows are gone is INSERTed, one already present is a no-op (see plan.cpp).
  /// MultipleHeads uses the stamp wording.
  Plan plan_stamp(const std::vector<std::string>& targets, const std::vector<std::string>& current,
                  bool purge) const;

  /// `history -r RANGE`: RANGE is "" (everything) or "[start]:[end]" (empty
  /// start = base, empty end = heads; relative ends such as `-3:current` walk without
  /// enforcing the length, so overshooting stops at the end). `current` may stand at either
  /// end and is replaced by the rows; with no rows it falls back to base / heads, as Alembic.
  /// Newest first, both ends included. Throws usage for a range without exactly one
  /// ':' ("History range requires [start]:[end], [start]:, or :[end]"), invalid_target for
  /// ends that are not ancestor and descendant ("Requested range A:B does not refer to
  /// ancestor/descendant revisions along the same branch"), the errors of `resolve`, and
  /// needs_repair for an unknown row when `current` is used.
  std::vector<std::string> history(std::string_view range,
                                   const std::vector<std::string>& current) const;

  /// `current`: rows plus revisions implied through dependencies that are not
  /// ancestors of another listed one. Order: the rows in row order, then the implied ones in
  /// load order (Alembic prints a set). Unknown row → needs_repair (docs/exit-codes.md: "a
  /// version row no file explains"), message "Can't locate revision identified by 'x'".
  std::vector<std::string> current_heads(const std::vector<std::string>& rows) const;

  /// Branch points in history order (newest first), for `branches`.
  std::vector<std::string> branch_points() const;

  /// Splits a range `START:END` at its ':' (Alembic `upgrade/downgrade/stamp --sql`,
  /// `history -r`). nullopt when there is no ':'; more than one ':' throws usage.
  /// Either side may be empty.
  static std::optional<std::pair<std::string, std::string>> split_range(std::string_view text);

  /// The rows an offline (`--sql`) run starts from, given START of `START:END` (Alembic
  /// MigrationContext.get_current_heads with starting_rev): "" and `base` give no rows,
  /// anything else the one revision it names (id, prefix, label, `head`, `X@head`, ...).
  /// Throws as `resolve_one`.
  std::vector<std::string> offline_start(std::string_view start) const;

 private:
  /// The construction: add_revisions, check_revisions, then the passes below in order (each
  /// a step of Alembic's RevisionMap build).
  void build(std::size_t count, const SpecFn& spec_at, OriginFn origin_of);
  /// Self-loops and id grammar, in load order.
  void check_revisions() const;
  /// " (path:line)" for the revision at `i`, or "" when its origin is unknown.
  std::string at_origin(std::size_t i) const;
  /// "path:line" for the revision at `i` (construction only: the origins are not kept).
  std::string origin(std::size_t i) const;
  /// The revisions in load order; returns the error of the first id declared twice, which
  /// check_revisions' errors precede.
  std::optional<Error> add_revisions(std::size_t count, const SpecFn& spec_at);
  /// m_index and m_label_index over m_revisions (for a copy: the names are known valid).
  void index_keys();
  void map_branch_labels();
  /// down_revision links; returns each revision's resolved depends_on (indices).
  std::vector<detail::SmallIds> resolve_links();
  /// children, dependents, all_next, heads and bases; returns each revision's "all down"
  /// list (down_revisions + dependencies, deduplicated) for the dependency-cycle pass.
  std::vector<detail::SmallIds> link_children(const std::vector<detail::SmallIds>& resolved_deps);
  void normalize_depends_on(const std::vector<detail::SmallIds>& resolved_deps);
  void detect_cycles(const std::vector<detail::SmallIds>& all_down);
  void compute_generations();
  void add_branches();

  std::vector<Revision> m_revisions;
  /// Keys view Revision::id and Revision::declared_branch_labels, which never change (and
  /// never move: m_revisions is sized once) after add_revisions.
  detail::IdIndex<Revision> m_index;                                  // id -> position
  std::unordered_map<std::string_view, std::uint32_t> m_label_index;  // declared label -> position
  /// Where each spec came from, during construction only (cleared once built).
  std::vector<std::string> m_origins;
  OriginFn m_origin_of;

  friend struct detail::Engine;
  /// Index-based adjacency, parallel to m_revisions (the strings in Revision are for callers).
  /// Lists of one or two entries (nearly all of them) take no heap block.
  struct Links {
    detail::SmallIds down;      // down_revisions
    detail::SmallIds eff;       // effective_parents (normalized)
    detail::SmallIds children;  // via down_revision, load order
    detail::SmallIds all_next;  // children + dependents (Alembic _all_nextrev)
    detail::SmallIds eff_next;  // revisions listing this one in `eff`
    std::uint32_t generation = 0;  // longest effective-parent path from a root
  };
  std::vector<Links> m_links;
  std::vector<std::uint32_t> m_heads, m_real_heads, m_bases;
};

}  // namespace migrate::graph

#pragma once
/// The revision graph, pure: no files, no database, no logging (architecture.md §3.2).
///
/// Built from `RevisionSpec`s in load order (CONTRACT.md §2: sorted file names per version
/// location, locations in configuration order). Load order is the tie-break of every
/// operation, exactly as in Alembic (alembic-semantics.md §1.2, §3.4).
///
/// All errors are `migrate::Error` with the kinds of CONTRACT.md §5; messages follow
/// Alembic's texts (alembic-semantics.md §2.2, §10) and name the `origin` of the
/// revision (file:line) where one is involved.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/plan.hpp"

namespace migrate::graph {

/// What one revision file declares.
struct RevisionSpec {
  std::string id;
  std::vector<std::string> down_revisions;  ///< empty = base; two or more = merge point
  std::vector<std::string> branch_labels;   ///< as declared
  std::vector<std::string> depends_on;      ///< as declared: exact ids or labels
  std::string origin;                       ///< "path:line" for error messages
};

/// A node of the built graph. Ids are full revision ids.
struct Revision {
  std::string id;
  std::vector<std::string> down_revisions;
  std::vector<std::string> declared_branch_labels;
  std::vector<std::string> declared_depends_on;
  std::vector<std::string> dependencies;       ///< depends_on resolved to ids
  std::vector<std::string> effective_parents;  ///< §1.4 normalized: down_revisions, then deps
  std::vector<std::string> children;           ///< via down_revision, load order
  std::vector<std::string> dependents;         ///< revisions that depend_on this, load order
  std::vector<std::string> branch_labels;      ///< declared + propagated (§1.5)
  std::string origin;
  std::size_t load_index = 0;

  bool is_base() const { return down_revisions.empty(); }
  bool is_real_base() const { return down_revisions.empty() && dependencies.empty(); }
  bool is_head() const { return children.empty(); }  ///< versioned head
  bool is_real_head() const { return children.empty() && dependents.empty(); }
  bool is_effective_head() const { return is_head() && !is_real_head(); }
  bool is_branch_point() const { return children.size() >= 2; }
  bool is_merge_point() const { return down_revisions.size() >= 2; }
};

class RevisionMap {
 public:
  /// Validates and builds (§1.3). Throws: duplicate_revision (two specs with one id, a
  /// label declared twice or equal to an id), missing_revision (a down_revision or
  /// depends_on naming nothing), cycle, dependency_cycle (self-loops included).
  explicit RevisionMap(std::vector<RevisionSpec> specs);

  /// Every revision in load order.
  const std::vector<Revision>& revisions() const { return m_revisions; }
  /// Exact id lookup; nullptr when absent. No prefixes, no labels.
  const Revision* find(std::string_view id) const;
  /// Exact id lookup; throws revision_not_found.
  const Revision& get(std::string_view id) const;

  std::vector<std::string> heads() const;       ///< versioned heads, load order
  std::vector<std::string> real_heads() const;  ///< heads nothing depends on, load order
  std::vector<std::string> bases() const;       ///< no down_revision, load order

  /// True when `ancestor` is a proper ancestor of `rev` through effective parents.
  bool is_ancestor(std::string_view ancestor, std::string_view rev) const;

  /// Resolves an absolute identifier (§2.1): id, unique prefix (>3 chars unless exact),
  /// label, head, heads, base, X@head, X@heads, X@base, X@<id>. Relative forms and ranges
  /// are not accepted here. `base` and `X@base` give an empty list. Throws
  /// revision_not_found, ambiguous_revision, multiple_heads.
  std::vector<std::string> resolve(std::string_view ident) const;

  /// `upgrade TARGET` (§3.1, §2.3 upgrade targets, §4.2 row updates). `current` = the
  /// version-table rows in row order. Nothing to do is an empty plan, not an error.
  Plan plan_upgrade(std::string_view target, const std::vector<std::string>& current) const;

  /// `downgrade TARGET` (§3.2, §2.3 downgrade targets, §4.2). Throws irreversible? No:
  /// reversibility is a property of files; the runtime checks it on the plan.
  /// `-N` with several rows throws ambiguous_walk with a hint naming `<branch>@-N` per head.
  Plan plan_downgrade(std::string_view target, const std::vector<std::string>& current) const;

  /// `stamp TARGET...` (§4.3). With `purge`, the plan first removes every current row
  /// (ops `remove` for each, in its own leading step) and then stamps from an empty table;
  /// unknown ids in `current` are no error then. Stamping several destinations that share
  /// one existing row (Alembic crashes) gives a clean, sound result (documented in the .cpp).
  Plan plan_stamp(const std::vector<std::string>& targets, const std::vector<std::string>& current,
                  bool purge) const;

  /// `history -r RANGE` (§3.3, §5): RANGE is "", "[start]:[end]"; `current` may stand at
  /// either end and is resolved from `current`. Newest first. Throws usage for a range
  /// without ':' ("History range requires [start]:[end], [start]:, or :[end]").
  std::vector<std::string> history(std::string_view range,
                                   const std::vector<std::string>& current) const;

  /// `current` (§5 table): rows plus revisions implied through dependencies that are not
  /// ancestors of another listed one. Unknown row → revision_not_found.
  std::vector<std::string> current_heads(const std::vector<std::string>& rows) const;

  /// Branch points in history order (newest first), for `branches`.
  std::vector<std::string> branch_points() const;

 private:
  std::vector<Revision> m_revisions;
  std::unordered_map<std::string, std::size_t> m_index;        // id -> position
  std::unordered_map<std::string, std::size_t> m_label_index;  // declared label -> position
};

}  // namespace migrate::graph

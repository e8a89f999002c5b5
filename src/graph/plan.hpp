#pragma once
/// The output of planning: an ordered list of steps, each with the exact version-table
/// row changes it makes (Alembic's HeadMaintainer rules: docs/revision-graph.md). Pure data:
/// the runtime runs it against a database, the offline writer prints it, `--plan` shows it.

#include <optional>
#include <string>
#include <vector>

namespace migrate::graph {

enum class Direction { upgrade, downgrade, stamp };

/// "upgrade", "downgrade" or "stamp": the journal's `direction` and the JSON's.
const char* to_string(Direction direction);

/// One change to the version table. insert: `to` is set; remove: `from` is set;
/// update: both.
struct VersionOp {
  enum class Kind { insert, update, remove };
  Kind kind;
  std::string from;
  std::string to;

  static VersionOp insert(std::string rev) { return {Kind::insert, {}, std::move(rev)}; }
  static VersionOp update(std::string from, std::string to) {
    return {Kind::update, std::move(from), std::move(to)};
  }
  static VersionOp remove(std::string rev) { return {Kind::remove, std::move(rev), {}}; }
  bool operator==(const VersionOp&) const = default;
};

/// "insert R", "update A -> B", "delete R".
std::string describe(const VersionOp& op);

struct Step {
  Direction direction;
  /// upgrade/downgrade: the revision whose SQL runs. stamp: the destination
  /// (nullopt when the destination is base).
  std::optional<std::string> revision;
  /// For the log line `Running <direction> <from, ...> -> <to, ...>`:
  /// upgrade R: from = R.down_revisions, to = {R}; downgrade R: from = {R},
  /// to = R.down_revisions; stamp: from = the rows on the destination's lineage the step
  /// moves from, as Alembic names them (also when an earlier step of the same stamp took
  /// them and this one INSERTs), {} for a new branch; to = {destination} or {}.
  std::vector<std::string> from;
  std::vector<std::string> to;
  /// Row changes in execution order.
  std::vector<VersionOp> ops;
};

/// `upgrade a -> b` / `stamp_revision a -> ` as Alembic logs a step (ids joined by ", ").
std::string short_log(const Step& step);

struct Plan {
  std::vector<std::string> heads_before;  ///< version-table rows before, row order
  std::vector<Step> steps;
  std::vector<std::string> heads_after;   ///< rows after applying every op, row order
                                          ///< (insert appends, update replaces in place)
};

}  // namespace migrate::graph

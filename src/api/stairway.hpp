#pragma once
/// `migrate test`, the stairway test (docs/ci.md): on a scratch database, every revision in
/// upgrade order goes up one step, down one step and up again, and the schema is compared with
/// the one before (after the downgrade) and after (after the second upgrade); at the end every
/// tested revision goes down again, newest first, and the schema must be what it was at the
/// start: empty, for the whole graph. The target database only decides the backend and makes
/// the scratch database; nothing in it is read or written.

#include <migrate/types.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/project.hpp"
#include "backend/backend.hpp"
#include "core/error.hpp"
#include "graph/plan.hpp"
#include "graph/revision_map.hpp"
#include "runtime/run_control.hpp"

namespace migrate::api {

struct StairwayReport;

struct StairwayOptions {
  std::string scratch_url;  ///< "" = the configuration's scratch_url, else a temporary database
  std::string rev_range;    ///< `history -r` syntax; "" = the whole graph
  /// Called with the report so far once the revisions below the range are applied and after
  /// each revision that passed (for progress output); may be empty.
  std::function<void(const StairwayReport&)> progress;
};

/// Where the stairway broke, in the order the test meets them for one revision.
enum class StairwayPhase {
  upgrade_fails,      ///< its upgrade fails (on the first or a preparing upgrade)
  no_downgrade,       ///< it has no downgrade section: the stairway cannot go down through it
  downgrade_fails,    ///< its downgrade fails
  downgrade_differs,  ///< its downgrade leaves another schema than the one before its upgrade
  reapply_fails,      ///< its upgrade fails the second time (the downgrade left something behind)
  reapply_differs,    ///< the second upgrade builds another schema than the first
  final_downgrade_fails,  ///< its downgrade fails on the way down to where the test started
  start_differs,      ///< down to where the test started, the schema is not what it was there
};

/// The stable JSON spelling: "upgrade_fails", "downgrade_differs", ...
const char* to_string(StairwayPhase phase);
/// What went wrong, in words: "the downgrade does not restore the schema", ...
/// `from_base`: the test started at base (the final check is "the schema is empty").
std::string describe(StairwayPhase phase, bool from_base);

struct StairwayFailure {
  std::string revision;  ///< "" for start_differs: no single revision is to blame
  StairwayPhase phase = StairwayPhase::upgrade_fails;
  std::vector<SchemaDifference> differences;  ///< expected = the schema it should be
  std::optional<Error> error;                 ///< the failing statement's error, for the *_fails phases
};

struct StairwayReport {
  /// Revisions below the range, applied (not tested) before the first tested one.
  std::vector<std::string> prepared;
  /// Revisions that went up, down and up again with the same schemas, in upgrade order.
  std::vector<std::string> passed;
  std::optional<StairwayFailure> failure;
  std::string scratch;  ///< the scratch database's description
  bool ok() const { return !failure; }
  /// The test started from an empty database: its final check is "empty at base".
  bool from_base() const { return prepared.empty(); }
};

/// The revisions of a stairway test over `rev_range`: those to test, in upgrade order (the
/// order `upgrade heads` applies them), and the ancestors outside the range they need first.
struct StairwayPlan {
  std::vector<std::string> prepare;
  std::vector<std::string> test;
};
StairwayPlan stairway_plan(const graph::RevisionMap& map, const std::string& rev_range);

/// The one downgrade step that undoes `up`, a single-revision upgrade step: its version-table
/// operations reversed and inverted, so that the rows are exactly those before `up` (a
/// revision that started a branch loses only its own row; a merge's row goes back to its
/// parents). The graph's own downgrade of that revision from the same rows gives these rows.
graph::Step undo_step(const graph::Step& up);

/// Runs the test for `project` on a scratch database made for `target` (open_scratch).
/// Stays armed on `stop` from start to end; the scratch database is dropped on every way
/// out. A revision whose SQL fails is a failure in the report (phase *_fails, with the
/// error); other errors (configuration, connection, a stop request) are thrown.
StairwayReport stairway(const Project& project, backend::Backend& target, const StairwayOptions& options,
                        runtime::StopToken& stop);

}  // namespace migrate::api

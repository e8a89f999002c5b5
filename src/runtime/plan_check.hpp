#pragma once
/// The checks a plan passes before anything runs, shared by the online runner, a dry run and
/// the offline `--sql` writer, so that the three refuse the same plans: every step's file is
/// there; no downgrade goes through an irreversible revision; a dry run holds no
/// non-transactional revision (its statements could not be rolled back).

#include <functional>
#include <vector>

#include "backend/backend.hpp"
#include "core/dialect.hpp"
#include "graph/plan.hpp"
#include "script/revision_file.hpp"

namespace migrate::runtime {

/// Returns the file for a revision id, or nullptr when its file is gone.
using FileLookup = std::function<const script::RevisionFile*(const std::string& id)>;

/// What the plan is checked for.
enum class PlanUse {
  online,   ///< a run on the database: a missing file is Error{needs_repair}
  dry_run,  ///< online, and a non-transactional revision is Error{usage}
  offline,  ///< the `--sql` script: a missing file is Error{script}
};

/// The file of each step, in step order (nullptr for a stamp), once every check passed.
/// Throws Error{needs_repair} or Error{script} (see PlanUse) for a step whose file is gone,
/// Error{irreversible} for a downgrade through a revision without a downgrade section, and
/// for a dry run Error{usage} naming every non-transactional revision of the plan.
std::vector<const script::RevisionFile*> check_plan(const graph::Plan& plan, const FileLookup& files, PlanUse use);

/// Error{usage} for a dry run on `db` when its engine's DDL does not roll back with the
/// transaction (CockroachDB, YugabyteDB): every revision there runs statement by statement, so
/// nothing could be rolled back at the end.
void require_rollback_for_dry_run(backend::Backend& db);

/// The section `step` runs for `dialect`: the upgrade or downgrade section (the dialect's own
/// when the file has one); nullptr for a stamp, and for a downgrade of an irreversible file.
const script::SqlSection* section_for(const script::RevisionFile& file, graph::Direction direction, Dialect dialect);

}  // namespace migrate::runtime

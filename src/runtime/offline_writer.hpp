#pragma once
/// Offline `--sql` (Alembic's offline mode): the script a plan would run, written without a
/// connection, for review or for a DBA to run by hand.

#include <ostream>

#include "core/dialect.hpp"
#include "graph/plan.hpp"
#include "runtime/plan_check.hpp"
#include "runtime/version_table.hpp"

namespace migrate::runtime {

/// Writes the script for `plan` to `out`. Per step: `-- Running <direction> <from> -> <to>`
/// (ids joined with ", ", "" for none; stamps say `stamp_revision`), the revision's statements
/// (split, each followed by ";" and a blank line), then the version-table statements.
/// `CREATE TABLE` of the version table comes first in a step that starts from no rows. With
/// `transaction_per_migration` each transactional step is framed by `BEGIN;`/`COMMIT;`;
/// otherwise one pair frames the run, broken around non-transactional revisions, which are
/// never framed. Both dialects frame. The plan passes check_plan(PlanUse::offline) before the
/// first byte is written (a half script is worse than none): Error{irreversible},
/// Error{script}.
void write_offline_sql(const graph::Plan& plan, Dialect dialect, const VersionTable& vt,
                       bool transaction_per_migration, const FileLookup& files, std::ostream& out);

}  // namespace migrate::runtime

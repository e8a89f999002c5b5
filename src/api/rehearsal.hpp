#pragma once
/// `lint --rehearse` (docs/ci.md): each revision's PostgreSQL upgrade run statement by
/// statement on a scratch database brought to the revision's parents, and measured: the
/// locks each statement took, the tables it rewrote, how long it took (backend.hpp, class
/// StatementProbe). lint/evidence.hpp then confirms or clears the static findings with it.

#include <string>
#include <vector>

#include "api/project.hpp"
#include "core/dialect.hpp"
#include "backend/backend.hpp"
#include "lint/evidence.hpp"
#include "runtime/run_control.hpp"

namespace migrate::api {

/// The lock_timeout a rehearsed statement waits at most for a lock when neither the revision's
/// header nor the configuration names one: a rehearsal must not hang on a scratch database.
inline constexpr const char* k_rehearsal_lock_timeout = "5s";

/// Error{usage} unless `dialect` is PostgreSQL, the only backend that measures statements;
/// `database` names the database in the message.
void require_rehearsal_dialect(Dialect dialect, const std::string& database);

/// Rehearses `revisions` (ids, in upgrade order) of `project` on a scratch database of
/// `target`'s server (open_scratch: `scratch_url`, else the configuration's, else a temporary
/// database dropped on every way out). For each revision, the scratch database is brought to
/// exactly its parents (down_revisions and depends_on; emptied and replayed from base when it
/// holds anything else, as after a `transactional = false` revision); then its statements run
/// as the runner runs them under the lock_timeout and statement_timeout the runner would set
/// (the header's, else the configuration's; lock_timeout else k_rehearsal_lock_timeout): a
/// transactional revision in one transaction, rolled back at the end, each statement measured
/// inside it; a non-transactional one statement by statement, each in a transaction of its own
/// that commits, or alone when it cannot run in one (its locks not observable).
/// A statement that fails ends its revision (the rest are listed as not run) but not the
/// rehearsal; a revision the replay cannot reach has `error` set.
/// Stays armed on `stop`: a stop request cancels the running statement, drops the scratch
/// database and throws Error{interrupted}. Throws Error{usage} for a target that is not
/// PostgreSQL, Error{revision_not_found} for an unknown id, and what open_scratch throws.
std::vector<lint::RevisionRehearsal> rehearse(const Project& project, backend::Backend& target,
                                              const std::vector<std::string>& revisions,
                                              const std::string& scratch_url, runtime::StopToken& stop);

}  // namespace migrate::api

#pragma once
/// What `lint --rehearse` measured, and what it makes of the rules' guesses.
///
/// The rehearsal (api/rehearsal.hpp) runs each revision's statements on a scratch PostgreSQL
/// database and records, per statement, the locks it took, the tables it rewrote and how long
/// it took. `apply_evidence` then holds each finding up against its statement's measurement:
/// a rule that predicts a lock or a rewrite is *confirmed* when the statement did it and
/// *cleared* when the statement ran and did not. Pure: no I/O, no database.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lint/finding.hpp"

namespace migrate::lint {

/// PostgreSQL's table-level lock modes, from the weakest to the strongest: each conflicts
/// with every mode the ones before it conflict with, and more.
enum class LockMode {
  access_share,
  row_share,
  row_exclusive,
  share_update_exclusive,
  share,
  share_row_exclusive,
  exclusive,
  access_exclusive,
};
/// From the name pg_locks gives it ("ShareLock", "AccessExclusiveLock"); nullopt for any other.
std::optional<LockMode> lock_mode_from_pg(std::string_view name);
/// As PostgreSQL's documentation and the lint messages write it: "SHARE", "ACCESS EXCLUSIVE".
const char* to_string(LockMode mode);

/// The strongest lock one statement took on one relation.
struct MeasuredLock {
  std::string relation;  ///< schema-qualified, unquoted: "public.users"
  LockMode mode = LockMode::access_share;
  bool operator==(const MeasuredLock&) const = default;
};

/// One statement of a rehearsed revision.
struct RehearsedStatement {
  int line = 0;       ///< file line of its first character
  int column = 0;     ///< 1-based column of its first character on that line
  std::string text;   ///< as written, without its ';'
  bool ran = false;   ///< false: not run (an earlier statement failed, or the replay before it)
  /// Why it failed (the server's message, e.g. "canceling statement due to lock timeout"), or
  /// for a statement that did not run, why not; "" when it ran to completion.
  std::string error;
  std::string sqlstate;  ///< of the failure ("55P03" lock_timeout, "25001" not in a transaction block)
  /// False when it ran outside a transaction block (a `transactional = false` revision's
  /// statement that cannot run in one): its locks ended with it and could not be seen.
  bool locks_observed = false;
  std::vector<MeasuredLock> locks;     ///< locks it took, the strongest per relation, sorted by relation
  std::vector<std::string> rewritten;  ///< tables whose storage it replaced (relfilenode changed), sorted
  double duration_ms = 0;              ///< how long it ran (until it failed, for a failure)
};

/// One revision, rehearsed on a scratch database brought to its parents.
struct RevisionRehearsal {
  std::string revision;       ///< id
  std::string file;           ///< path of its file
  bool transactional = true;  ///< its statements ran in one transaction, rolled back at the end
  std::string lock_timeout;   ///< the lock_timeout they ran under ("5s")
  /// The scratch database could not be brought to the revision's parents (an earlier
  /// revision failed there): why. Its statements are listed as not run.
  std::string error;
  std::vector<RehearsedStatement> statements;  ///< its PostgreSQL upgrade, in order
};

/// "SHARE on public.users; rewrote public.users; 3 ms": the locks (or that none could be
/// seen), rewrites and duration of a statement that ran; "failed after 5001 ms: <error>" for
/// one that failed; "not run: <why>" for one that did not run.
std::string summary(const RehearsedStatement& statement);

/// Sets each finding's `evidence` and `measured` from the measurement of its statement,
/// found by revision and line (and column, when two statements share a line):
///  - a rule that predicts a lock (require-concurrent-index and unique-without-index: SHARE or
///    stronger; foreign-key-not-valid: SHARE ROW EXCLUSIVE or stronger; check-not-valid,
///    set-not-null, missing-lock-timeout, rename-*, drop-column, drop-table: ACCESS EXCLUSIVE)
///    is confirmed when the statement took such a lock on a relation that existed before it,
///    cleared when it ran in a transaction and took none; when a lock it would need was
///    already held (an earlier statement of the same transaction took it) it stays guessed;
///  - a rule that predicts a rewrite (change-column-type, add-column-volatile-default) is
///    confirmed when a table's storage was replaced, cleared when the statement ran without;
///  - concurrent-index-in-transaction and non-transactional-statement-in-transaction are
///    confirmed when the statement failed with "cannot run inside a transaction block",
///    cleared when it ran inside one;
///  - everything else, and a finding whose statement was not rehearsed, failed otherwise,
///    or whose locks could not be observed, stays guessed; `measured` still says what was seen.
/// Findings of revisions not rehearsed, and about a whole file (line 0), are left as they are.
void apply_evidence(std::vector<Finding>& findings, const std::vector<RevisionRehearsal>& rehearsals);

}  // namespace migrate::lint

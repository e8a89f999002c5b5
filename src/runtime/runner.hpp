#pragma once
/// Runs a plan against a database (Alembic's MigrationContext; architecture.md §3.3 step 8)
/// and writes the offline `--sql` script for one (alembic-semantics.md §6, CONTRACT.md §4).
///
/// State it owns in the database (CONTRACT.md §3):
///  - the version table: one row per current head, changed only through a Step's `ops`;
///  - the journal table `<version_table>_journal`, created on demand: one row per executed
///    step (sql_dialect.hpp lists its columns).
///
/// Transactions (alembic-semantics.md §7, with SQLite treated as transactional DDL):
///  - transactional revision, `transaction_per_migration`: BEGIN; revision SQL; version ops;
///    journal row `applied`; COMMIT. A failure leaves no trace of that revision, and the
///    revisions before it stay committed.
///  - `transaction_per_migration = false`: one transaction for the whole run.
///  - non-transactional revision (`transactional = false`, or a backend without transactional
///    DDL): the open run transaction is committed first; a journal row `running` is committed;
///    the statements run one by one outside a transaction, `statements_done` counted after
///    each; then BEGIN; version ops; journal `applied`; COMMIT. On failure the journal row
///    becomes `failed` (error text, statements done) and later runs refuse with needs_repair.
///  - stamp steps: version ops and a journal row (direction `stamp`) in one transaction.
///
/// Progress goes to spdlog at info level (stderr): `Running upgrade <from> -> <to>, <message>`.

#include <chrono>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "core/dialect.hpp"
#include "graph/plan.hpp"
#include "runtime/journal.hpp"
#include "script/revision_file.hpp"

namespace migrate::runtime {

struct RunSettings {
  VersionTable version_table;
  bool transaction_per_migration = true;
  std::chrono::milliseconds lock_timeout{60000};
  /// The whole run in one transaction (version-table creation included), rolled back at the
  /// end: the database is left exactly as it was. Non-transactional revisions are refused.
  bool dry_run = false;
  /// "upgrade", "downgrade", "stamp", ... recorded in the journal's `command` column.
  /// "stamp" runs even when partial revisions exist (it is how a user resolves them).
  std::string command;
};

/// Returns the file for a revision id, or nullptr when its file is gone.
using FileLookup = std::function<const script::RevisionFile*(const std::string& id)>;

/// Plans from the version-table rows read under the lock (row order).
using Planner = std::function<graph::Plan(const std::vector<std::string>& rows)>;

struct RunResult {
  graph::Plan plan;                   ///< what the planner returned, every step of it ran
  std::vector<long long> duration_ms;  ///< per step, same order as plan.steps
};

/// A non-transactional revision that the journal shows as started (`running`: the process
/// died) or `failed`, with no later `stamp` or `repair` journal row to resolve it.
struct PartialRevision {
  long long journal_id = 0;
  std::string revision;
  std::string direction;  ///< "upgrade" or "downgrade"
  std::string status;     ///< "running" or "failed"
  int statements_done = 0;
  int statements_total = 0;
  std::string error;      ///< the database's message ("" for `running`)
  std::string started_at;  ///< ISO-8601 UTC
  std::string file_path;
};

class Runner {
 public:
  /// `db` must outlive the runner. `files` is called for every upgrade/downgrade step.
  Runner(backend::Backend& db, RunSettings settings, FileLookup files);

  /// Version-table rows in SELECT order; empty when the table does not exist. Creates
  /// nothing, takes no lock. Throws DatabaseError when the query fails.
  std::vector<std::string> read_version_rows();

  /// Journal entries of non-transactional revisions left partially applied or failed, oldest
  /// first; empty when there is no journal table. A `failed`/`running` row counts until a
  /// later `stamp` or `repair` row with status `applied` exists (the row itself is never
  /// rewritten: the journal is history). Takes no lock, so a `running` row may also be a run
  /// in progress in another process.
  std::vector<PartialRevision> partial_revisions();

  /// Executes a plan, in this order: lock (Error{lock_timeout} after `lock_timeout`) →
  /// create the version table if missing (inside the dry-run transaction for a dry run) →
  /// read rows → refuse with Error{needs_repair} if partial_revisions() is non-empty (except
  /// for `command == "stamp"`) → plan = planner(rows) → refuse, before running anything, a
  /// downgrade step through an irreversible revision (Error{irreversible}), a step whose file
  /// is gone (Error{needs_repair}), and for a dry run any non-transactional revision
  /// (Error{usage}) → run the steps (see the file comment) → unlock.
  /// A failing statement throws Error{database} naming revision, file, line and statement.
  /// Errors thrown by `planner` pass through unchanged (the lock is released).
  RunResult run(const Planner& planner);

 private:
  struct StepContext;

  void ensure_version_table();
  void check_plan(const graph::Plan& plan) const;
  bool is_transactional(const script::RevisionFile* file) const;
  void begin_if_needed();
  void commit_run();
  long long run_step(const graph::Step& step, std::vector<std::string>& rows);
  long long run_transactional(StepContext& ctx);
  long long run_non_transactional(StepContext& ctx);
  /// Runs the step's version-table ops, checking each UPDATE/DELETE hits exactly one row.
  void apply_ops(const graph::Step& step);
  /// Inserts the step's journal row (creating the table if needed); returns its id.
  long long write_journal(const StepContext& ctx, const std::string& status, int statements_done,
                          const std::string* error, long long duration_ms);
  std::string rollback_hint(const std::string& revision) const;
  Error statement_error(const backend::DatabaseError& e, const StepContext& ctx, std::string_view sent,
                        int first_line, const std::string& hint) const;

  backend::Backend& m_db;
  RunSettings m_settings;
  FileLookup m_files;
  std::string m_db_user;
  bool m_committed_any = false;  ///< this run committed something (for error hints)
};

/// Offline `--sql` (alembic-semantics.md §6, CONTRACT.md §4): writes the script for `plan` to
/// `out` without a connection. Per step: `-- Running <direction> <from> -> <to>` (ids joined
/// with ", ", "" for none; stamps say `stamp_revision`), the revision's statements (split,
/// each followed by ";" and a blank line), then the version-table statements. `CREATE TABLE`
/// comes first in a step that starts from no rows. With `transaction_per_migration` each
/// transactional step is framed by `BEGIN;`/`COMMIT;`; otherwise one pair frames the run,
/// broken around non-transactional revisions, which are never framed. Both dialects frame.
/// Throws Error{irreversible} for a downgrade through a revision without a downgrade section
/// and Error{script} when a step's file is missing, before writing anything.
void write_offline_sql(const graph::Plan& plan, Dialect dialect, const VersionTable& vt,
                       bool transaction_per_migration, const FileLookup& files,
                       std::ostream& out);

}  // namespace migrate::runtime

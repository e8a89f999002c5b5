#pragma once
/// Runs a plan against a database (Alembic's MigrationContext; architecture.md §3.3 step 8)
/// and writes the offline `--sql` script for one (alembic-semantics.md §6, CONTRACT.md §4).
///
/// State it owns in the database (CONTRACT.md §3):
///  - the version table: one row per current head, changed only through a Step's `ops`;
///  - the journal table `<version_table>_journal`, created on demand (and given the columns
///    an older release's journal lacks): one row per executed step, written through
///    runtime::Journal (journal.hpp says what each row means; sql_dialect.hpp lists columns).
///
/// Transactions (alembic-semantics.md §7, with SQLite treated as transactional DDL):
///  - transactional revision, `transaction_per_migration`: BEGIN; revision SQL, statement by
///    statement (script::split_statements, so an error names its exact statement and line);
///    version ops; journal row `applied`; COMMIT. A failure leaves no trace of that revision,
///    and the revisions before it stay committed.
///  - `transaction_per_migration = false`: one transaction for the whole run.
///  - non-transactional revision (`transactional = false`, or a backend without transactional
///    DDL): the open run transaction is committed first; a journal row `running` is committed;
///    the statements run one by one outside a transaction, `statements_done` counted after
///    each; then BEGIN; version ops; journal `applied`; COMMIT. On failure the journal row
///    becomes `failed` (error text, statements done) and later runs refuse with needs_repair.
///  - stamp steps: version ops and a journal row (direction `stamp`) in one transaction.
///
/// Session timeouts (PostgreSQL): before each step that starts outside a transaction, the
/// runner sets `lock_timeout`/`statement_timeout` to the revision header's values, else
/// RunSettings' (the configuration's), else the session default, through
/// Backend::set_session_timeouts (only when they change). Inside one transaction for the
/// whole run (`transaction_per_migration = false`, `--dry-run`) the values of the revision
/// that opened the transaction hold for all of it (a SET inside it would be undone by a
/// rollback); a later revision asking for others gets a warning. Reset at the end.
///
/// Signals (runtime/interrupt.hpp): SIGINT/SIGTERM during run(). In a transactional revision
/// the running statement is cancelled (Backend::request_cancel), the transaction rolled back,
/// a journal row `rolled_back` (error "interrupted by SIGTERM") appended in its own
/// transaction, and Error::interrupted thrown. In a non-transactional revision the running
/// statement finishes, then the runner stops and marks the row `failed` with error
/// "interrupted by SIGINT after statement k of n" (statements_done = k). Between steps the
/// run stops before the next one. The lock is always released; exit status 128 + signal.
/// The handlers are installed once the lock is held: a signal while waiting for the lock
/// ends the process the default way (nothing has changed; the attempt dies with it).
///
/// Test hooks (environment, read at the start of run(); for the crash and interrupt tests):
///  - `MIGRATE_TEST_CRASH_AFTER_STATEMENT=N`: `raise(SIGKILL)` right after the N-th revision
///    statement of the run completes (1-based, counted across the whole run, transactional
///    or not). For a non-transactional revision the kill comes after that statement's
///    journal progress update, so statements_done == N (counting that revision's statements).
///  - `MIGRATE_TEST_SIGNAL_AFTER_STATEMENT=N[:INT|:TERM]`: `raise()` SIGTERM (default) or
///    SIGINT at the same point, to exercise the between-statements path deterministically.
///
/// Progress goes to spdlog at info level (stderr): `Running upgrade <from> -> <to>, <message>`.

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
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
  /// PostgreSQL `lock_timeout` / `statement_timeout` for every revision (the configuration's
  /// values, "5s"); a revision header's own value overrides it; nullopt = session default.
  std::optional<std::string> session_lock_timeout;
  std::optional<std::string> session_statement_timeout;
  /// `--backup [PATH]`: a full copy of the database taken under the lock, after planning,
  /// only when the plan has steps and not in a dry run, before the first change. An empty
  /// path means Backend::default_backup_path(<UTC time like 20261121T193000Z>).
  std::optional<std::filesystem::path> backup;
  /// Called at that same point (plan with steps, not a dry run, before the first change),
  /// before the backup. An exception from it stops the run with nothing changed.
  std::function<void(const graph::Plan&)> before_changes;
};

/// Returns the file for a revision id, or nullptr when its file is gone.
using FileLookup = std::function<const script::RevisionFile*(const std::string& id)>;

/// Plans from the version-table rows read under the lock (row order).
using Planner = std::function<graph::Plan(const std::vector<std::string>& rows)>;

struct RunResult {
  graph::Plan plan;                   ///< what the planner returned, every step of it ran
  std::vector<long long> duration_ms;  ///< per step, same order as plan.steps
  std::optional<backend::BackupResult> backup;  ///< the backup taken for RunSettings::backup
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

  /// Executes a plan, in this order: set_lock_key(version table) → lock (Error{lock_timeout}
  /// after `lock_timeout`) → install the signal handlers → read rows → refuse with
  /// Error{needs_repair} if partial_revisions() is non-empty (except for `command ==
  /// "stamp"`) → plan = planner(rows) → refuse, before running anything, a downgrade step
  /// through an irreversible revision (Error{irreversible}), a step whose file is gone
  /// (Error{needs_repair}), and for a dry run any non-transactional revision (Error{usage})
  /// → before_changes and the backup (plan with steps, not a dry run) → create the version
  /// table if missing (inside the dry-run transaction for a dry run; also for an empty plan)
  /// → run the steps (see the file comment) → restore the signal handlers → unlock.
  /// A signal throws Error::interrupted (kind interrupted) as the file comment says.
  /// A failing statement throws Error{database} naming revision, file, line and statement.
  /// Errors thrown by `planner` pass through unchanged (the lock is released).
  RunResult run(const Planner& planner);

 private:
  struct StepContext;

  /// The session's lock_timeout/statement_timeout as last set by this run (nullopt = default).
  struct SessionTimeouts {
    std::optional<std::string> lock, statement;
    bool operator==(const SessionTimeouts&) const = default;
  };

  void ensure_version_table();
  void check_plan(const graph::Plan& plan) const;
  const script::RevisionFile* step_file(const graph::Step& step) const;
  backend::BackupResult take_backup(const std::filesystem::path& requested);
  /// Sets the timeouts `file` (nullptr: a stamp) runs with, if they differ from the current ones.
  void apply_timeouts(const script::RevisionFile* file);
  void reset_timeouts() noexcept;
  /// Counts a finished revision statement and fires the test hooks.
  void statement_done();
  /// Throws Error::interrupted (rolling back an open transaction) when a signal arrived.
  void stop_if_interrupted(const std::string& where);
  /// Rolls back, appends the `rolled_back` row, throws Error::interrupted.
  [[noreturn]] void interrupt_transactional(const StepContext& ctx, int statements_done);
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
  /// One journal per runner, so it checks its table once rather than before every row.
  Journal m_journal;
  std::string m_db_user;
  bool m_committed_any = false;  ///< this run committed something (for error hints)
  SessionTimeouts m_timeouts;
  int m_statements_run = 0;  ///< revision statements finished in this run (test hooks)
  int m_crash_after = 0;     ///< MIGRATE_TEST_CRASH_AFTER_STATEMENT, 0 = off
  int m_signal_after = 0;    ///< MIGRATE_TEST_SIGNAL_AFTER_STATEMENT, 0 = off
  int m_test_signal = 0;
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

#pragma once
/// Runs a plan against a database: the loop over its steps and the transaction policy
/// (Alembic's MigrationContext). Executing a revision's statements is the StepExecutor's job
/// (step_executor.hpp), shared with `repair --resume`; the checks a plan passes first are
/// plan_check.hpp's, shared with the offline writer (offline_writer.hpp).
///
/// State it owns in the database (docs/database-state.md):
///  - the version table: one row per current head, changed only through a Step's `ops`;
///  - the journal table `<version_table>_journal`, created on demand (and given the columns
///    an older release's journal lacks): one row per executed step, written through
///    runtime::Journal (journal.hpp says what each row means).
///
/// Transactions (SQLite is treated as transactional DDL, as PostgreSQL):
///  - transactional revision, `transaction_per_migration`: BEGIN; the revision's SQL,
///    statement by statement (so an error names its exact statement and line); version ops;
///    journal row `applied`; COMMIT. A failure leaves no trace of that revision in the
///    schema and the version table, and the revisions before it stay committed; the attempt
///    is then appended to the journal as a `failed` row in its own transaction (history).
///  - `transaction_per_migration = false`: one transaction for the whole run.
///  - non-transactional revision (`transactional = false`, or a backend without transactional
///    DDL): the open run transaction is committed first; a journal row `running` is committed;
///    the statements run one by one outside a transaction, `statements_done` counted after
///    each; then BEGIN; version ops; journal `applied`; COMMIT. On failure the journal row
///    becomes `failed` (error text, statements done) and later runs refuse with needs_repair.
///  - stamp steps: version ops and a journal row (direction `stamp`) in one transaction.
///  - the last step's journal row records the schema's fingerprint, read before its commit;
///    a failed transactional attempt's row records the fingerprint after the rollback
///    (journal.hpp). `check_drift` compares them before anything changes (schema_state.hpp).
///
/// Session timeouts (PostgreSQL): session_timeouts.hpp, before each step that starts outside
/// a transaction; inside one transaction for the whole run (`transaction_per_migration =
/// false`, `--dry-run`) the values of the revision that opened it hold for all of it.
///
/// Stopping (run_control.hpp): the runner arms RunSettings::stop once it holds the lock. In a
/// transactional revision a stop cancels the running statement, the transaction rolls back,
/// a journal row `rolled_back` (error "interrupted by SIGTERM") is appended in its own
/// transaction, and Error::interrupted is thrown. In a non-transactional revision the running
/// statement finishes, then the runner stops and marks the row `failed` with error
/// "interrupted by SIGINT after statement k of n" (statements_done = k). Between steps the
/// run stops before the next one. The lock is always released.
///
/// Progress goes to spdlog at info level (stderr): `Running <short_log>, <message>`, and to
/// RunSettings::observer.

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "graph/plan.hpp"
#include "runtime/foreign_keys.hpp"
#include "runtime/journal.hpp"
#include "runtime/plan_check.hpp"
#include "runtime/run_control.hpp"
#include "runtime/schema_state.hpp"
#include "runtime/session_timeouts.hpp"
#include "runtime/step_executor.hpp"
#include "runtime/transaction.hpp"
#include "script/revision_file.hpp"

namespace migrate::runtime {

/// Which command a run serves. It is recorded in the journal's `command` column, and a stamp
/// runs even while partial revisions exist (it is how a user resolves them).
enum class Command { upgrade, downgrade, stamp };

/// "upgrade", "downgrade", "stamp".
const char* to_string(Command command);

struct RunSettings {
  VersionTable version_table;
  bool transaction_per_migration = true;
  /// SQLite: PRAGMA foreign_key_check before each commit (foreign_keys.hpp); enforcement is
  /// switched off before each transaction either way.
  bool foreign_key_check = true;
  std::chrono::milliseconds lock_timeout{60000};
  /// The whole run in one transaction (version-table creation included), rolled back at the
  /// end: the database is left exactly as it was. Non-transactional revisions are refused.
  bool dry_run = false;
  Command command = Command::upgrade;
  /// `--allow-unversioned`: an upgrade from an empty version table proceeds on a database that
  /// already holds tables (otherwise refused with Error{unversioned_database}).
  bool allow_unversioned = false;
  /// Why the user ran it (`stamp --reason`), recorded in each step's journal row; "" = none.
  std::string reason;
  /// PostgreSQL schemas the schema model covers (fingerprints, drift); empty = all but the
  /// system ones.
  std::vector<std::string> schemas;
  /// `--check-drift`: before any change, refuse with Error{drift} when the live schema's
  /// fingerprint differs from the one the journal recorded for the current heads.
  bool check_drift = false;
  /// Record the schema's fingerprint with the last step (and its catalog digest with it,
  /// unless catalog_digest is false: SchemaState::skip_catalog_digest).
  bool record_fingerprint = true;
  bool catalog_digest = true;
  /// PostgreSQL `lock_timeout` / `statement_timeout` for every revision (the configuration's
  /// values, "5s"); a revision header's own value overrides it; nullopt = session default.
  std::optional<std::string> session_lock_timeout;
  std::optional<std::string> session_statement_timeout;
  /// `--backup [PATH]`: a full copy of the database taken under the lock, after planning,
  /// only when the plan has steps and not in a dry run, before the first change. An empty
  /// path means Backups::default_backup_path(<UTC time like 20261121T193000Z>).
  std::optional<std::filesystem::path> backup;
  /// Called at that same point (plan with steps, not a dry run, before the first change),
  /// before the backup. An exception from it stops the run with nothing changed.
  std::function<void(const graph::Plan&)> before_changes;
  /// Where stop requests come from (nullptr: the run cannot be stopped from outside).
  StopToken* stop = nullptr;
  /// Told about steps and statements (nullptr: nobody).
  RunObserver* observer = nullptr;
};

/// Plans from the version-table rows read under the lock (row order).
using Planner = std::function<graph::Plan(const std::vector<std::string>& rows)>;

struct RunResult {
  graph::Plan plan;                   ///< what the planner returned, every step of it ran
  std::vector<long long> duration_ms;  ///< per step, same order as plan.steps
  std::optional<backend::BackupResult> backup;  ///< the backup taken for RunSettings::backup
};

class Runner {
 public:
  /// `db` must outlive the runner. `files` is called for every upgrade/downgrade step.
  Runner(backend::Backend& db, RunSettings settings, FileLookup files);

  /// Version-table rows in SELECT order; empty when the table does not exist. Creates
  /// nothing, takes no lock. Throws DatabaseError when the query fails.
  std::vector<std::string> read_version_rows();

  /// Journal rows of non-transactional revisions left partially applied or failed
  /// (Journal::partial), oldest first; empty when there is no journal table. Takes no lock,
  /// so a `running` row may also be a run in progress in another process.
  std::vector<JournalEntry> partial_revisions();

  /// Executes a plan, in this order: lock (Error{lock_timeout} after `lock_timeout`) → arm
  /// the stop token → read rows → refuse with Error{needs_repair} if partial_revisions() is
  /// non-empty (except for a stamp) → plan = planner(rows) → check_plan (online or dry run:
  /// Error{irreversible}, Error{needs_repair}, Error{usage}) → before_changes and the backup
  /// (plan with steps, not a dry run) → create the version table if missing (inside the
  /// dry-run transaction for a dry run; also for an empty plan) → run the steps (see the file
  /// comment) → reset session timeouts → disarm → unlock.
  /// A stop request throws Error::interrupted (kind interrupted). A failing statement throws
  /// Error{database} naming revision, file, line and statement (also as Error::where()).
  /// Errors thrown by `planner` pass through unchanged (the lock is released).
  RunResult run(const Planner& planner);

 private:
  struct StepContext;

  RunResult run_locked(const Planner& planner);
  void refuse_unversioned();
  void prepare_changes(RunResult& result, const script::RevisionFile* first_file);
  backend::BackupResult take_backup(const std::filesystem::path& requested);
  /// Throws Error::interrupted (rolling back an open transaction) when a stop was requested.
  void stop_if_requested(const std::string& where);
  /// Rolls back, appends the `rolled_back` row, throws Error::interrupted.
  void record_rolled_back_attempt(const StepContext& ctx, const std::string& status, int statements_done,
                                  const std::string& error);
  [[noreturn]] void interrupt_transactional(const StepContext& ctx, int statements_done, int signal);
  bool is_transactional(const script::RevisionFile* file) const;
  void begin_if_needed();
  void commit_run();
  /// The foreign-key check of the open transaction's revisions (foreign_keys.hpp).
  void check_foreign_keys();
  long long run_step(const graph::Step& step, const script::RevisionFile* file, std::vector<std::string>& rows,
                     bool last_of_run);
  long long run_transactional(StepContext& ctx);
  void record_transactional(StepContext& ctx, int done);
  long long run_non_transactional(StepContext& ctx);
  [[noreturn]] void fail_non_transactional(StepContext& ctx, long long journal_id,
                                           const StepExecutor::Outcome& outcome);
  void finish_non_transactional(StepContext& ctx, long long journal_id);
  /// Runs the step's version-table ops, checking each UPDATE/DELETE hits exactly one row.
  void apply_ops(const graph::Step& step);
  /// The step's journal row. `schema`: the schema's fingerprint and catalog digest, for the
  /// rows that record one (journal.hpp), else empty.
  JournalEntry journal_row(const StepContext& ctx, const std::string& status, int statements_done,
                           const std::string* error, long long duration_ms, const SchemaMark& schema) const;
  /// Inserts the step's journal row (creating the table if needed); returns its id.
  long long write_journal(const StepContext& ctx, const std::string& status, int statements_done,
                          const std::string* error, long long duration_ms, const SchemaMark& schema = {});
  /// A transactional step's version ops and `applied` journal row, in one batch.
  void record_applied_step(const StepContext& ctx);
  /// The fingerprint the last step of a run records (not in a dry run: nothing is kept).
  SchemaMark fingerprint_if_last(const StepContext& ctx);
  std::string rollback_hint(const std::string& revision) const;
  std::string partial_hint(const StepContext& ctx, int done) const;
  Error statement_failure(const backend::DatabaseError& e, const StepContext& ctx, int index,
                          const std::string& hint) const;

  backend::Backend& m_db;
  RunSettings m_settings;
  FileLookup m_files;
  /// One journal per runner, so it checks its table once rather than before every row.
  Journal m_journal;
  StopToken m_unstoppable;  ///< stands in when RunSettings::stop is nullptr
  StopToken& m_stop;
  StepExecutor m_executor;
  SessionTimeouts m_timeouts;
  ForeignKeyGuard m_foreign_keys;
  SchemaState m_schema;
  std::optional<Transaction> m_transaction;  ///< the open transaction of the run, if any
  std::string m_db_user;
  /// Whether the version table existed when this run read it under its lock: it is then
  /// created, or not, without asking the catalog again.
  std::optional<bool> m_version_table_found;
  bool m_committed_any = false;  ///< this run committed something (for error hints)
};

}  // namespace migrate::runtime

#pragma once
/// `migrate::Migrator`: the migration runner as a library. It does what the `migrate`
/// command line does for upgrade, downgrade, stamp, repair and current, and returns
/// structured results instead of printing them. Progress and warnings are logged through
/// spdlog's default logger (stderr unless the embedding program configures it).
///
/// Every operation reads the revision files and the database afresh, so one Migrator can
/// serve several calls. A Migrator is not thread-safe, except request_stop(). Failures are
/// thrown as migrate::Error (include/migrate/error.hpp): the kind says what went wrong,
/// where() says revision, file, line, statement and SQLSTATE for a failing statement.
///
/// Self-contained: only the standard library and the other `migrate/` headers.

#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <migrate/error.hpp>
#include <migrate/types.hpp>

namespace migrate {

namespace api {
struct MigratorAccess;  // the command line's access to the runtime controls
}  // namespace api

/// Callbacks about a run's progress. Owned by the caller; it must outlive the call it is
/// given to. Callbacks run on the calling thread; an exception thrown from one ends the run
/// like any failure (changes of the step in progress are rolled back where they can be).
class Observer {
 public:
  virtual ~Observer() = default;
  /// A step is about to run (under the lock, after planning and the backup).
  virtual void step_started(const PlanStep& step) { (void)step; }
  /// A step committed (or, with one transaction for the run, finished its statements);
  /// `step.duration` is set.
  virtual void step_finished(const PlanStep& step) { (void)step; }
  /// A statement of `revision` finished (1-based `number` within its section).
  virtual void statement_finished(const std::string& revision, int number) {
    (void)revision;
    (void)number;
  }
};

/// How a run (upgrade, downgrade) goes.
struct RunOptions {
  /// Run the real SQL in one transaction and roll it back. Refused (Error{usage}) before
  /// anything runs when the plan has non-transactional revisions.
  bool dry_run = false;
  /// Back up the database before the first change (only when there is something to do).
  /// An empty path means the backend's default next to the database (SQLite) or in the
  /// working directory (PostgreSQL). An existing file is never overwritten.
  std::optional<std::filesystem::path> backup;
  /// How long to wait for another runner's migration lock; nullopt: 60 s. Negative:
  /// Error{usage}.
  std::optional<std::chrono::milliseconds> lock_timeout;
  /// Progress callbacks, or nullptr.
  Observer* observer = nullptr;
  /// Upgrade only: proceed from an empty version table on a database that already holds
  /// tables (otherwise refused with Error{unversioned_database}, as the tables were made by
  /// something else: adopt them with `stamp` or a baseline instead).
  bool allow_unversioned = false;
  /// Before any change, refuse with Error{drift} when the live schema's fingerprint differs
  /// from the one the journal recorded for the current heads (also on with `check_drift =
  /// true` in the configuration).
  bool check_drift = false;
};

/// How a stamp goes.
struct StampOptions {
  bool purge = false;  ///< empty the version table first
  std::optional<std::chrono::milliseconds> lock_timeout;  ///< as RunOptions::lock_timeout
  Observer* observer = nullptr;                           ///< as RunOptions::observer
  /// Why (`stamp --reason`), for the stamp's journal rows.
  std::string reason;
};

class Migrator {
 public:
  /// Reads the configuration as the command line does. Throws Error{config} for a missing or
  /// invalid file or an unknown environment. Revision files are read by each operation.
  explicit Migrator(const ConfigSource& source);
  /// Reads the configuration file at `config_file` (no other overrides).
  explicit Migrator(const std::filesystem::path& config_file);
  /// Uses `settings` instead of a file. Throws Error{config} when script_location is empty.
  explicit Migrator(const Settings& settings);
  /// Closes nothing that outlives a call: each operation opens and closes its own connection.
  ~Migrator();
  /// Moves the configuration and any pending stop request; the moved-from Migrator may only
  /// be destroyed or assigned to. Not while another thread may call request_stop().
  Migrator(Migrator&&) noexcept;
  Migrator& operator=(Migrator&&) noexcept;
  /// Not copyable: a stop request belongs to one Migrator.
  Migrator(const Migrator&) = delete;
  Migrator& operator=(const Migrator&) = delete;

  /// What `command` to `targets` would do, read from the database without a lock; nothing
  /// is created or changed. upgrade/downgrade take exactly one target (`head`, `+1`, `-1`,
  /// a revision, `base`, ...); stamp takes one or more. Throws Error (graph, planning,
  /// needs_repair for changed or missing applied files, database).
  RunResult plan(Command command, const std::vector<std::string>& targets, bool purge = false);

  /// Applies revisions up to `target` under the migration lock, each revision in its own
  /// transaction unless configured otherwise. Returns the plan that ran with per-step
  /// durations (no steps when already there). Throws Error: usage (bad options), graph and
  /// planning kinds, needs_repair, irreversible, lock_timeout, database (where() filled
  /// for a failing statement), interrupted (request_stop or a signal).
  RunResult upgrade(const std::string& target, const RunOptions& options = {});
  /// Reverts revisions down to `target` (`-1`, `base`, a revision, `branch@-1`); as upgrade.
  RunResult downgrade(const std::string& target, const RunOptions& options = {});
  /// Sets the version table to `revisions` without running SQL (also while partial
  /// revisions exist: it is a way out of them). Throws as upgrade.
  RunResult stamp(const std::vector<std::string>& revisions, const StampOptions& options = {});

  /// Writes the offline SQL script of `command` to `out`, with no connection. Targets may be
  /// ranges `start:end` (downgrade needs one); stamp takes several. Throws Error (usage for
  /// a bad range, graph and planning kinds, irreversible, script) before writing anything.
  void write_sql(Command command, const std::vector<std::string>& targets, std::ostream& out);

  /// The database's revisions, partial revisions and the project's heads, and every
  /// revision with its state (RevisionStatus), read without a lock; creates nothing.
  /// Throws Error{needs_repair} when a row names a revision with neither file nor journal
  /// copy, Error{database} when the database cannot be read.
  Status status();
  /// The current revisions (status().current_heads), without reading the journal's history.
  std::vector<std::string> current();

  /// Runs `command` (to `revision` for upgrade and downgrade) on every target of the
  /// `[targets.NAME]` section options.targets: the first options.canary targets one at a
  /// time, then the rest on up to options.concurrency threads; once options.max_failures
  /// targets failed, no new target starts (those running finish) and the rest are
  /// not_started. The revision files are read once; each target keeps its own lock,
  /// version table and journal, and one already at the goal costs one read. Schema-per-tenant
  /// targets of one database share a connection per thread, and their revisions run after
  /// RESET ALL with search_path set to `<tenant>, public`. A target's failure is in its
  /// TargetResult, not thrown. After request_stop no new target starts, the running ones stop
  /// as a single run does (their error: Error{interrupted}), and FleetResult::stopped_by
  /// names the signal. The read-only commands take no lock and change no target: current
  /// and status report each target's heads (status also TargetResult::pending and partial);
  /// drift compares each target with a replay of its own heads on a scratch database (one per
  /// thread, emptied between its targets; a tenant's replay runs in a schema of its name) and
  /// fills TargetResult::differences; check runs the database checks of `migrate check` and
  /// fills TargetResult::problems (options.strict: a warning makes the target `problems`).
  /// Throws Error{config} for an unknown section or bad targets, Error{usage} for bad options
  /// (drift's identify among them), the errors of reading the revision files and of the
  /// targets' query.
  FleetResult fleet(FleetCommand command, const std::string& revision, const FleetOptions& options,
                    FleetObserver* observer = nullptr);

  /// The live schema read from the database's catalog (migrate's own tables left out; on
  /// PostgreSQL the configured `schemas`). No lock, nothing created. Throws
  /// Error{unsupported_object} naming the objects the model cannot represent unless
  /// options.ignore_unsupported, Error{database} when the database cannot be read.
  SchemaDump dump(const DumpOptions& options = {});

  /// Compares the live schema with the one the version-table heads should have, built by
  /// replaying the revision files on a scratch database (a temporary SQLite file or
  /// PostgreSQL database, dropped afterwards even on an error or a stop request; or
  /// options.scratch_url). With options.identify, also replays every revision in order and
  /// names the one the live schema matches. No lock on the target and nothing written to
  /// it. Throws Error{database} when the scratch database cannot be made, the runtime's
  /// errors when a revision fails to replay, Error{interrupted} on a stop request.
  DriftReport drift(const DriftOptions& options = {});

  /// Brings the live schema to the one its version-table heads should have (the replay of
  /// drift): works out the DDL with the change planner, additive only unless
  /// options.allow_destructive, then (unless options.sql_only) runs it under the migration
  /// lock in one transaction with a journal row (reason, DDL, new fingerprint) and compares
  /// again. Throws Error{usage} without a reason, the runtime's errors otherwise (a failing
  /// statement rolls everything back).
  SchemaRepairResult repair_schema(const SchemaRepairOptions& options);

  /// Journal rows, newest first, as `query` selects them; empty without a journal. No lock,
  /// creates nothing. Throws the resolution errors of the identifier grammar for a
  /// query.revision that names no revision of the project nor of the journal,
  /// Error{database} when the database cannot be read.
  std::vector<JournalRecord> log(const LogQuery& query = {});

  /// What needs repair: partial revisions with their statements, changed and missing
  /// applied files. No lock, nothing written.
  RepairReport repair_report();
  /// Records one way out under the migration lock, with `reason` in the journal (required,
  /// non-blank, except for resume). `revision` is ignored for resume. Throws
  /// Error{usage} for a missing reason, Error{invalid_target} for a revision the action
  /// does not apply to, the runtime's errors otherwise.
  RepairOutcome repair(RepairAction action, const std::string& revision, const std::string& reason,
                       InDoubt in_doubt = InDoubt::refuse);

  /// Asks the run to stop as if `signal` (SIGINT, SIGTERM) had arrived. During a run (once
  /// it holds the migration lock) the running transactional revision is cancelled and
  /// rolled back, a non-transactional one stops after its current statement, and the run
  /// throws Error{interrupted}. Before that, the request is kept, and the next operation
  /// ends with Error{interrupted} before changing anything. Async-signal-safe and callable
  /// from any thread or from the embedding program's own signal handler (the runner installs
  /// no handlers). A kept request lasts until an operation reports it or clear_stop().
  void request_stop(int signal) noexcept;
  /// Forgets a stop request that no run has acted upon.
  void clear_stop() noexcept;

 private:
  friend struct api::MigratorAccess;
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace migrate

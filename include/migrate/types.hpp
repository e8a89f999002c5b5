#pragma once
/// Plain result and settings types of the `migrate` library: what a `migrate::Migrator` is
/// built from, what its runs take, and what they return. Value types only; they own all
/// their data. Self-contained: only the standard library and migrate/error.hpp.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <migrate/error.hpp>

namespace migrate {

/// Where a Migrator's configuration comes from when it reads a `migrate.toml`.
struct ConfigSource {
  /// The configuration file. Empty: `$MIGRATE_CONFIG`, else `./migrate.toml`.
  std::filesystem::path file;
  /// Database URL overriding every other source (as `--url`). Empty: the usual precedence
  /// (`$MIGRATE_DATABASE_URL`, `$DATABASE_URL`, the environment section, `[database].url`).
  std::string url;
  /// `[environments.NAME]` section to use (as `--env`). Empty: none.
  std::string environment;
  /// `-x KEY=VALUE` pairs.
  std::map<std::string, std::string> x_args;
};

/// A configuration given in code instead of a file. Relative paths are relative to the
/// working directory when the Migrator is built.
struct Settings {
  std::filesystem::path script_location;  ///< required
  /// Folders of revision files, in load order. Empty: `<script_location>/versions`.
  std::vector<std::filesystem::path> version_locations;
  bool recursive_version_locations = false;
  /// `sqlite:///path.db`, `sqlite:////abs/path.db`, `postgresql://user@host/db?...`.
  std::string database_url;
  std::string version_table = "migrate_version";
  std::string version_table_schema;  ///< PostgreSQL only; empty: the search path's
  /// false: a whole run is one transaction.
  bool transaction_per_migration = true;
  /// PostgreSQL `lock_timeout` / `statement_timeout` set before each revision ("5s",
  /// "10min"); a revision header's own value wins. nullopt: the session default.
  std::optional<std::string> session_lock_timeout;
  std::optional<std::string> session_statement_timeout;
  /// PostgreSQL: the schemas the schema model covers (fingerprints, dump, drift checks);
  /// empty: every schema but the system ones.
  std::vector<std::string> schemas;
  /// Every upgrade and downgrade checks for drift first (as RunOptions::check_drift).
  bool check_drift = false;
  /// A file every successful upgrade or downgrade rewrites with the dump of the schema when
  /// its text changed; empty: none.
  std::filesystem::path dump_after_upgrade;
};

enum class Command { upgrade, downgrade, stamp };
enum class Direction { upgrade, downgrade, stamp };

/// One change of the version table.
struct VersionOp {
  enum class Kind { insert, update, remove };
  Kind kind = Kind::insert;
  std::string from;  ///< update/remove: the row replaced or deleted
  std::string to;    ///< insert/update: the row written
  bool operator==(const VersionOp&) const = default;
};

/// One step of a plan: one revision's SQL, or one stamp.
struct PlanStep {
  Direction direction = Direction::upgrade;
  /// upgrade/downgrade: the revision whose SQL runs; stamp: the destination (nullopt: base).
  std::optional<std::string> revision;
  std::vector<std::string> from;  ///< revisions before the step (for log lines)
  std::vector<std::string> to;    ///< revisions after the step
  std::vector<VersionOp> ops;     ///< version-table changes, in execution order
  /// How long the step took; nullopt when it did not run (a plan, a no-op).
  std::optional<std::chrono::milliseconds> duration;
};

/// A backup taken before the first change of a run.
struct BackupInfo {
  std::filesystem::path path;
  std::string restore_command;  ///< a shell command that restores it
};

/// A plan, or the outcome of a run (the plan that ran under the lock).
struct RunResult {
  Command command = Command::upgrade;
  std::string target;                     ///< as given (stamp: the revisions joined with ", ")
  std::vector<std::string> heads_before;  ///< version-table rows before, row order
  std::vector<PlanStep> steps;
  std::vector<std::string> heads_after;   ///< rows after every step, row order
  std::optional<BackupInfo> backup;       ///< set when RunOptions::backup took one
  bool executed = false;                  ///< false for plan(); true when run (even a no-op)
  bool dry_run = false;                   ///< every change was rolled back
};

/// One statement of a partially applied revision.
struct PartialStatement {
  int number = 0;          ///< 1-based within the section
  int line = 0;            ///< file line of its first character
  std::string text;        ///< its first line
  std::string state;       ///< "done" | "failed" | "not run"
  std::string object;      ///< the catalog object it creates or drops; "" when not checkable
  bool expect_present = true;  ///< the statement leaves `object` present (else absent)
  std::string catalog;     ///< done statements: "present" | "absent" | "not checkable"; else ""
};

/// A non-transactional revision that started (the process died) or failed part-way, with
/// no later repair or stamp resolving it.
struct PartialRevision {
  long long journal_id = 0;
  std::string revision;
  std::string direction;  ///< "upgrade" | "downgrade"
  std::string status;     ///< "running" | "failed"
  int statements_done = 0;
  int statements_total = 0;
  std::string error;      ///< the newest error ("" for "running")
  std::string started_at;  ///< ISO-8601 UTC
  std::string command;     ///< the command that ran it
  std::string db_user, os_user, host;
  std::string file;        ///< the revision file's path as recorded
  std::string source;      ///< where `statements` come from (a file, or the journal's copy)
  std::vector<PartialStatement> statements;  ///< empty when the section's text is unknown
};

/// An applied revision whose file changed since it ran.
struct ChecksumMismatch {
  std::string revision;
  std::string file;
  std::string recorded_at;
  std::string recorded_checksum;
  std::string file_checksum;
  std::string diff;  ///< a short summary; "" without a stored copy
};

/// What needs repair.
struct RepairReport {
  std::vector<PartialRevision> partial;
  std::vector<ChecksumMismatch> checksum_mismatches;
  std::vector<std::string> missing_files;  ///< applied revisions whose file is gone
  bool clean() const { return partial.empty() && checksum_mismatches.empty() && missing_files.empty(); }
};

enum class RepairAction { resume, mark_applied, mark_reverted, accept_checksum };

/// What a resume takes a statement to be whose intent was recorded but whose end was not (it
/// ran outside a transaction when the run died: state "may have run"). `refuse` stops the
/// resume with Error{needs_repair}; the other two are the caller's word (`--assume-ran`:
/// skip it, `--assume-not-run`: run it again), recorded in the journal row's reason.
enum class InDoubt { refuse, assume_ran, assume_not_run };

/// What a repair action recorded.
struct RepairOutcome {
  RepairAction action = RepairAction::resume;
  std::string revision;
  std::vector<std::string> heads_before, heads_after;
  std::vector<VersionOp> ops;
  int statements_run = 0;   ///< resume only
  long long journal_id = 0;  ///< the journal row written
  std::string summary;      ///< one sentence saying what was done
};

/// How a revision stands in a database (`migrate status`). The version table says what is
/// applied (a revision is applied when it is a row or below one); the journal says how it
/// got there.
enum class RevisionState {
  applied,    ///< its SQL ran here, or the journal does not say how it came (no journal, or
              ///< a database taken over from Alembic)
  pending,    ///< not applied
  partial,    ///< a non-transactional upgrade or downgrade of it stopped part-way
  stamped,    ///< applied, reached by a `stamp`: its SQL never ran here
  file_gone,  ///< applied, but its file is gone (known from the journal's stored copy)
};

/// One revision of `migrate status`, with the journal row that brought it to its state.
struct RevisionStatus {
  std::string revision;
  std::string message;
  std::string path;  ///< its file, or `<journal copy of REV>`
  RevisionState state = RevisionState::pending;
  bool is_current = false;  ///< a version-table row
  /// The journal row that made it applied (its upgrade, the `repair` that resumed or marked
  /// it, the stamp that reached it) or, for a partial revision, the partial row. 0 when the
  /// journal has none (pending, or applied with no journal record): the fields below are
  /// then empty.
  long long journal_id = 0;
  std::string command;      ///< that row's command: `upgrade`, `stamp`, `repair --resume`, ...
  std::string started_at;   ///< ISO-8601 UTC
  std::string applied_at;   ///< its finish time (ISO-8601 UTC); "" when unknown or partial
  std::optional<long long> duration_ms;
  std::string db_user, os_user, host;
};

/// The database's state as read without a lock.
/// The live schema against the journal's record of it (`migrate status`).
struct SchemaStatus {
  std::string fingerprint;           ///< SHA-256 of the live schema model
  std::string recorded_fingerprint;  ///< the journal's newest; "" when none is recorded
  long long recorded_row = 0;        ///< the journal row that recorded it
  std::string recorded_at;
  std::vector<std::string> recorded_heads;  ///< the version-table rows it was recorded for
  bool recorded_for_heads = false;  ///< recorded_heads are the current rows
  bool matches = false;             ///< recorded for these heads and equal to the live one
};

struct Status {
  std::vector<std::string> rows;           ///< version-table rows, row order (empty: none or no table)
  std::vector<std::string> current_heads;  ///< the current revisions, as `migrate current` lists them
  std::vector<std::string> heads;          ///< the project's head revisions
  std::vector<PartialRevision> partial;    ///< partially applied revisions (statements left empty)
  /// Every revision in history order (newest first, as `migrate history`), with its state.
  std::vector<RevisionStatus> revisions;
  bool has_journal = false;  ///< the journal table exists
  /// The live schema's fingerprint against the recorded one; nullopt when the backend
  /// cannot read its schema.
  std::optional<SchemaStatus> schema;
  bool at_head() const;      ///< rows are exactly the project's heads
  /// How many of `revisions` are in `state`.
  std::size_t count(RevisionState state) const;
};

/// One journal row (`migrate log`): one step that ran, or was attempted, on the database.
struct JournalRecord {
  long long id = 0;       ///< execution order
  std::string revision;   ///< "" for a stamp to base
  std::string direction;  ///< `upgrade`, `downgrade`, `stamp` or `repair`
  std::string command;    ///< `upgrade`, `stamp`, `repair --mark-applied`, ...
  std::string status;     ///< `applied`, `running`, `failed` or `rolled_back`
  std::vector<std::string> heads_before, heads_after;
  int statements_done = 0;
  int statements_total = 0;
  std::string error;        ///< "" when none
  std::string started_at;   ///< ISO-8601 UTC
  std::string finished_at;  ///< "" while running
  std::optional<long long> duration_ms;
  std::string db_user, os_user, host, tool_version;
  std::string reason;  ///< `--reason`, "" when none
  std::string schema_fingerprint;  ///< the schema as the row left it; "" when not recorded
};

/// An object of the database that the schema model cannot represent.
struct UnsupportedObject {
  std::string kind;  ///< "rule", "foreign table", "virtual table", ...
  std::string name;  ///< qualified
  std::string why;
};

/// What `migrate dump` asks for.
struct DumpOptions {
  /// Dump without the objects the model cannot represent (listed in the result and warned
  /// about) instead of failing with Error{unsupported_object}.
  bool ignore_unsupported = false;
  /// What to render: SchemaDump::sql, SchemaDump::json, or both (a large schema's JSON
  /// costs as much as reading it, so only what is asked for is built).
  bool sql = true;
  bool json = false;
};

/// The live schema (`migrate dump`).
struct SchemaDump {
  std::string sql;          ///< canonical, dependency-ordered SQL that rebuilds it ("" unless asked for)
  std::string json;         ///< the schema model as a JSON document ("" unless asked for)
  std::string fingerprint;  ///< SHA-256 of the model
  std::vector<UnsupportedObject> unsupported;
};

/// One way the live schema differs from the expected one (`migrate drift`).
struct SchemaDifference {
  std::string change;     ///< "missing" (expected, not in the database), "extra" or "changed"; in a
                          ///< fleet's drift also "not_compared" (an object the model cannot represent)
  std::string kind;       ///< "table", "column", "index", "constraint", "view", ...
  std::string object;     ///< qualified name: `public.users.email`
  std::string attribute;  ///< for "changed": "type", "not null", "default", ...; else ""
  std::string expected;   ///< for "changed" the expected value; for "missing" a summary
  std::string actual;     ///< for "changed" the live value; for "extra" a summary
  std::string text;       ///< the one-line description `drift` prints
};

/// What `migrate drift` asks for.
struct DriftOptions {
  /// Also replay every revision in order and say which one the live schema matches.
  bool identify = false;
  /// Replay on this database (emptied first; never the target) instead of a temporary one;
  /// "" = `scratch_url` of the configuration, else a temporary database.
  std::string scratch_url;
};

/// The revision (or set of heads) the live schema matches best (`drift --identify`).
struct IdentifiedRevision {
  std::vector<std::string> heads;  ///< version-table rows of that state; empty = base
  bool exact = false;              ///< the schemas are equal
  std::vector<SchemaDifference> differences;  ///< from that state to the live schema
  /// When not exact: the last state of the walk whose every object the live schema has,
  /// unchanged (it may have more); base at worst.
  std::vector<std::string> contained;
  /// When not exact: the state right after `contained` in the walk, which the live schema
  /// has only in part (a revision that failed half way, or was half applied by hand), and
  /// what of it is missing or different. Empty when `contained` is the last state.
  std::vector<std::string> partly_applied;
  std::vector<SchemaDifference> partly_missing;
};

/// `migrate drift`: the live schema against the one its version-table heads should have.
struct DriftReport {
  bool clean = false;              ///< no difference and nothing left uncompared
  std::vector<std::string> heads;  ///< the version-table rows the expected schema was built for
  std::vector<SchemaDifference> differences;
  /// Live objects the model cannot represent: not compared, and drift is not clean.
  std::vector<UnsupportedObject> not_compared;
  std::string scratch;  ///< where the revisions were replayed
  /// With DriftOptions::identify: the best match, and the journal rows that put the current
  /// heads in the version table (applied or stamped, when, by whom), oldest first.
  std::optional<IdentifiedRevision> identified;
  std::vector<JournalRecord> how_heads_were_set;
};

/// What `migrate repair --schema` asks for.
struct SchemaRepairOptions {
  /// Only work out the DDL (SchemaRepairResult::sql); change nothing, take no lock.
  bool sql_only = false;
  /// Also drop objects and change column types, nullability and defaults; otherwise those
  /// changes are listed in SchemaRepairResult::skipped and left out.
  bool allow_destructive = false;
  /// Why, recorded in the journal; required unless sql_only.
  std::string reason;
  std::string scratch_url;  ///< as DriftOptions::scratch_url
  std::optional<std::chrono::milliseconds> lock_timeout;  ///< as RunOptions::lock_timeout
};

/// One statement group of a schema repair or an autogenerated revision.
struct SchemaChangeInfo {
  std::string description;  ///< `add column public.users.email (character varying(320) NOT NULL)`
  std::string sql;          ///< its statements, each ending with ";\n"
  bool destructive = false;
};

/// What `migrate repair --schema` did (or, with sql_only, would do).
struct SchemaRepairResult {
  std::vector<std::string> heads;         ///< the version-table rows the expected schema is for
  std::vector<SchemaChangeInfo> changes;  ///< run (or to run), in order
  std::vector<SchemaChangeInfo> skipped;  ///< destructive changes left out
  std::vector<std::string> notes;         ///< what a reviewer should know (renames, appended columns)
  std::string sql;                        ///< every change's SQL, in order
  bool applied = false;                   ///< the changes ran and committed
  long long journal_id = 0;               ///< the repair's journal row, when applied
  /// What `drift` still finds after the repair (the skipped changes' objects, or what the
  /// dialect cannot reach, such as a column's position); empty = clean.
  std::vector<SchemaDifference> remaining;
};

/// Which journal rows `Migrator::log` returns.
struct LogQuery {
  std::optional<std::size_t> limit;  ///< at most this many (the newest); nullopt: all
  /// Only the rows of this revision: any identifier the grammar resolves (id, unique prefix,
  /// label, `head`, ...), or the full id of a revision the project no longer has. "": all.
  std::string revision;
};

/// What a fleet run does on each target: upgrade and downgrade change it; current, status,
/// drift and check only read it (and drift replays on a scratch database).
enum class FleetCommand { upgrade, downgrade, current, status, drift, check };

/// How a fleet run goes (`--targets NAME`): which `[targets.NAME]` section, and how the
/// targets are scheduled.
struct FleetOptions {
  std::string targets;    ///< the [targets.NAME] section
  int canary = 0;         ///< the first K targets run one at a time, before any other
  int concurrency = 4;    ///< at most N targets at once after the canaries (>= 1)
  int max_failures = 1;   ///< once F targets failed, no new target starts (>= 1)
  std::optional<std::chrono::milliseconds> lock_timeout;  ///< per target, as RunOptions::lock_timeout
  /// drift: where each target's replay runs (DriftOptions::scratch_url; a named scratch
  /// database is used by one target at a time). identify is refused in a fleet.
  DriftOptions drift;
  /// check: a warning makes a target's status `problems` too (`check --strict`).
  bool strict = false;
};

/// What happened on one target of a fleet run.
enum class TargetStatus {
  applied,      ///< steps ran and committed
  up_to_date,   ///< already at the goal (current: at the project's heads)
  behind,       ///< current and status: not at the project's heads (status: or partial)
  failed,       ///< an error (a transactional revision's changes were rolled back; a
                ///< non-transactional one is left partial, as a single run leaves it)
  not_started,  ///< the failure budget was spent, or a stop was requested, before its turn
  clean,        ///< drift: the live schema is the one its heads should have
  drifted,      ///< drift: it differs (TargetResult::differences)
  problems,     ///< check: a database check found an error (with strict, a warning)
};

/// One finding of `check` on a target: the database checks of `migrate check` (at_head,
/// checksum, file_gone, partial, fingerprint).
struct TargetProblem {
  std::string check;     ///< the check's id
  std::string severity;  ///< "error" or "warning"
  std::string message;
};

/// One target of a fleet run.
struct TargetResult {
  std::string target;  ///< its name as shown: the schema, or the URL without its password
  TargetStatus status = TargetStatus::not_started;
  std::vector<std::string> heads_before;
  std::vector<std::string> heads_after;
  std::vector<PlanStep> steps;  ///< the steps that ran (with durations)
  std::optional<Error> error;   ///< set when failed
  long long duration_ms = 0;
  std::vector<std::string> pending;  ///< status: what an upgrade to the heads would run, in order
  std::vector<std::string> partial;  ///< status: revisions partially applied (see `repair`)
  std::vector<SchemaDifference> differences;  ///< drift
  std::vector<TargetProblem> problems;        ///< check (warnings too)
};

/// Every target, in the order the configuration lists (or its query returns) them.
struct FleetResult {
  std::vector<TargetResult> targets;
  long long duration_ms = 0;  ///< the whole run
  /// The signal of a stop request that ended the run early (request_stop, SIGINT,
  /// SIGTERM); 0 when none came.
  int stopped_by = 0;
};

/// Called on the coordinating thread as targets finish, for progress lines.
class FleetObserver {
 public:
  virtual ~FleetObserver() = default;
  /// `done` of `total` targets finished; `result` is the one that just did.
  virtual void target_finished(const TargetResult& result, std::size_t done, std::size_t total) {
    (void)result;
    (void)done;
    (void)total;
  }
};

/// "upgrade", "downgrade", "stamp".
const char* to_string(Command command) noexcept;
/// "upgrade", "downgrade", "stamp".
const char* to_string(Direction direction) noexcept;
/// "resume", "mark-applied", "mark-reverted", "accept-checksum".
const char* to_string(RepairAction action) noexcept;
/// "applied", "pending", "partial", "stamped", "file gone".
const char* to_string(RevisionState state) noexcept;
/// "applied", "up_to_date", "behind", "failed", "not_started", "clean", "drifted", "problems".
const char* to_string(TargetStatus status) noexcept;

}  // namespace migrate

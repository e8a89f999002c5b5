#pragma once
/// The journal table `<version_table>_journal` (docs/database-state.md): the history of every step
/// `migrate` ran against a database, and the record that recovery works from.
///
/// Rows are appended and, for the step that is running, updated in place while it runs
/// (progress of a non-transactional revision, its final status); a finished row is never
/// rewritten: the journal is history.
///
/// Row meanings:
///  - direction `upgrade` / `downgrade`: one revision's SQL ran (or started).
///    status `applied`: done and recorded in the version table in the same transaction
///    (transactional) or right after its last statement (non-transactional);
///    `running`: a non-transactional revision was started and has not finished (the process
///    died, or it is still running in another process); `failed` with `transactional` 0: a
///    non-transactional revision stopped at a statement (error, or SIGINT/SIGTERM between
///    statements), the statements before it stay committed; `failed` with `transactional`
///    1: a transactional revision's statement (or its recording) failed and everything of it
///    was rolled back: the row is appended afterwards in a transaction of its own, for the
///    history only (who tried what, when, and the error); `rolled_back`: a transactional
///    revision was interrupted (SIGINT/SIGTERM) and rolled back, recorded for the history only.
///
/// Progress of a non-transactional revision (statements_done, statement_started): each
/// statement that can run inside a transaction runs in one together with the row's
/// `statements_done` update, so the two commit or vanish together. A statement that cannot
/// (PostgreSQL's `CREATE INDEX CONCURRENTLY`, `VACUUM`, SQLite's `PRAGMA`, a transaction
/// statement of the revision's own) first records its intent, `statement_started` = its
/// number, then runs on its own, then `statements_done` moves. A `running` row whose
/// statement_started is statements_done + 1 therefore says: that statement may have run
/// (the process died between its start and its record); `repair` shows it so and
/// `repair --resume` needs to be told which way it went.
///  - direction `stamp`: version-table rows changed without SQL (`migrate stamp`).
///  - direction `repair`: a recovery action; `command` says which one (`repair --resume`,
///    `repair --mark-applied`, `repair --mark-reverted`, `repair --accept-checksum`) and
///    `reason` why (`--reason`).
///
/// A `running`/`failed` non-transactional upgrade or downgrade row of revision R is *partial* until a later
/// row with status `applied` is either a `stamp` (any revision: the blanket way out) or a
/// `repair` of the same revision R.
///
/// Checksums: `checksum` is the SHA-256 hex of the revision file as read (BOM stripped,
/// CRLF as LF: RevisionFile::checksum), `checksum_algorithm` names that rule
/// (k_checksum_algorithm) so a later release can change it without misreading old rows.
/// The *recorded* checksum of a revision is the one of its newest row that
///  - has status `applied` and a checksum, and
///  - is an `upgrade`, or a `repair` whose command is `repair --resume` (finished the
///    revision from the file it checked), `repair --accept-checksum` (the user accepted
///    the file as it is) or `repair --mark-applied` (the user recorded the revision as
///    applied from the file as it is; a file that was gone records nothing).
/// Journal::recorded_checksum and Journal::recorded_checksums apply this one rule (the
/// same SQL condition); validation before upgrade/downgrade compares files against it.
///
/// Copies: `upgrade` rows and the `repair --resume`, `--accept-checksum` and
/// `--mark-applied` rows store `file_content`, the whole file as read (normalized as for
/// the checksum), and `downgrade_sql`, the downgrade section for this database's dialect.
/// The *stored copy* of a revision (Journal::stored_copy) is the newest of those rows
/// with a file_content, whatever its status: the text the database last ran or accepted.
/// From it a revision whose file is gone can still be shown and downgraded, and an edit
/// of an applied file can be shown as a diff.
///
/// Fingerprints: `schema_fingerprint` is the SHA-256 of the schema model (schema/model.hpp)
/// as the row left the database: read before the commit of the last step of each run (the
/// state the run leaves; intermediate steps of one run leave it NULL, as reading the whole
/// catalog after each of a thousand revisions would make an upgrade quadratic), on a failed
/// transactional attempt after its rollback (the state it left unchanged), and on every
/// repair row (a stamp run records it on its last step, as any run). The heads it belongs to are the row's heads_after for an `applied`
/// row, its heads_before for a failed transactional attempt (Journal::recorded_fingerprint).
/// Beside it `catalog_digest` records the backend's digest of the catalog the model was read
/// from (Backend's SchemaReader::catalog_digest; SQLite only): while the live digest is the
/// same, the recorded fingerprint is the live one and need not be computed again.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "backend/backend.hpp"
#include "graph/plan.hpp"
#include "runtime/step_executor.hpp"
#include "runtime/version_table.hpp"
#include "script/revision_file.hpp"
#include "sql/statements.hpp"

namespace migrate::runtime {

/// The rule behind `checksum`: SHA-256 of the UTF-8 file, BOM stripped, CRLF read as LF.
inline constexpr const char* k_checksum_algorithm = "sha256-lf-v1";

/// The schema as a journal row records it (see the file comment).
struct SchemaMark {
  std::string fingerprint;     ///< "" = not recorded
  std::string catalog_digest;  ///< "" = none
};

/// One journal row. Empty strings stand for SQL NULL where a column is nullable.
struct JournalEntry {
  long long id = 0;  ///< assigned by the database on append; execution order
  std::string revision;
  std::string direction;  ///< upgrade | downgrade | stamp | repair
  std::string command;    ///< upgrade, downgrade, stamp, `repair --resume`, ...
  std::vector<std::string> heads_before;
  std::vector<std::string> heads_after;
  std::string checksum;
  std::string checksum_algorithm;
  std::string file_path;
  std::string message;
  std::string file_content;   ///< rows that keep a copy (file comment): the file as read (normalized)
  std::string downgrade_sql;  ///< same rows: the downgrade section for this dialect
  bool has_downgrade = false; ///< false: the file had no downgrade section (irreversible)
  /// SHA-256 hex of each statement of the section this row ran, in order (as
  /// sql::split_statements returns their text); `repair --resume` compares them.
  std::vector<std::string> statement_hashes;
  /// The step's version-table changes, so a resume or a mark can finish them exactly.
  std::vector<graph::VersionOp> version_ops;
  std::string status;  ///< applied | running | failed | rolled_back
  int statements_done = 0;
  int statements_total = 0;
  std::string error;
  std::string started_at;   ///< ISO-8601 UTC, milliseconds
  std::string finished_at;  ///< "" while running
  long long duration_ms = -1;
  std::string db_user, os_user, host, tool_version;
  std::string reason;
  bool transactional = false;  ///< the step ran in a transaction (its failure left nothing behind)
  /// Non-transactional steps: the number of the statement whose intent was recorded before it
  /// ran outside a transaction (see the file comment); 0 = none.
  int statement_started = 0;
  /// SHA-256 hex of the schema as the row left it (see the file comment); "" = not recorded.
  std::string schema_fingerprint;
  /// The catalog digest read with it (see the file comment); "" = none.
  std::string catalog_digest;

  void set_schema(const SchemaMark& mark) {
    schema_fingerprint = mark.fingerprint;
    catalog_digest = mark.catalog_digest;
  }
};

/// The newest fingerprint the journal holds, and the heads it was recorded for.
struct RecordedFingerprint {
  long long id = 0;  ///< its journal row
  std::string fingerprint;
  std::string catalog_digest;  ///< "" = none recorded
  std::vector<std::string> heads;  ///< the version-table rows the schema had then
  std::string recorded_at;         ///< the row's finished_at (or started_at)
};

/// `insert a` / `update a b` / `delete a`, one per line, and back. decode throws
/// Error{database} naming the line for text it cannot read (a journal edited by hand).
std::string encode_version_ops(const std::vector<graph::VersionOp>& ops);
std::vector<graph::VersionOp> decode_version_ops(std::string_view text);

/// SHA-256 hex of each statement of `sql` as sql::split_statements returns it (text
/// without its ';', trimmed), in order: what `statement_hashes` stores and what a resume
/// compares against.
std::vector<std::string> statement_hashes(std::string_view sql, Dialect dialect, int first_line = 1);

/// Now as the journal writes times: ISO-8601 UTC with milliseconds, `2026-11-21T19:30:00.123Z`.
std::string utc_now_iso();

/// Records `file` on a row: checksum (and its rule), path, message, this dialect's downgrade
/// section, and with `keep_copy` the whole text (RevisionFile::verified_text), which makes the
/// row a candidate for the stored copy.
void record_file(JournalEntry& entry, const script::RevisionFile& file, Dialect dialect, bool keep_copy);

/// What the runner knows about a step when it records it.
struct StepFacts {
  const graph::Step& step;
  const script::RevisionFile* file;  ///< nullptr for a stamp
  const std::vector<sql::Statement>& statements;  ///< of the section it runs
  const std::vector<std::string>& heads_before;
  const std::vector<std::string>& heads_after;   ///< once applied
  const std::string& started_at;
  std::string command;  ///< the journal's `command`: "upgrade", "downgrade", "stamp"
  const std::string& db_user;
};

/// The journal row of a step with `status` (`running`, `applied`, `failed`, `rolled_back`):
/// heads_after only moves for `applied`; the file's checksum, path, message and downgrade
/// section, its whole text for an upgrade (the stored copy), a hash per statement; identity
/// of who ran it; finished_at for every status but `running`. `error` "" = none.
JournalEntry step_row(const StepFacts& facts, Dialect dialect, const std::string& status, int statements_done,
                      const std::string& error, long long duration_ms);

/// Error{needs_repair} naming each partial row (what failed or stopped, where, when) with the
/// ways out (`repair`, `--resume`, `--mark-applied`, `--mark-reverted`, `stamp`).
Error needs_repair_error(const std::vector<JournalEntry>& partial);

/// Fills db_user (from `db`), os_user, host and tool_version of `entry`.
void fill_identity(JournalEntry& entry, backend::Backend& db);
/// Fills os_user, host and tool_version, read once per process (a run writes a row per
/// revision, and getpwuid opens /etc/passwd).
void fill_process_identity(JournalEntry& entry);

/// What the check of applied files needs of each revision's recorded checksum; the rest of
/// the row (when it was recorded, the stored copy) is read by `id` for a mismatch only.
struct RecordedChecksum {
  long long id = 0;  ///< the journal row that recorded it
  std::string checksum;
  std::string checksum_algorithm;  ///< "" in journals older than the column
};

class Journal {
 public:
  Journal(backend::Backend& db, const VersionTable& vt);

  bool exists();
  /// Creates the table, or adds the columns a journal made by an older release lacks
  /// (ALTER TABLE ... ADD COLUMN); idempotent. Runs in the caller's transaction if any.
  /// Once the table is known complete outside a transaction (found so, or created or
  /// altered in autocommit), this object does not look again: nothing drops it. Inside a
  /// transaction it looks every time, as a rollback could undo what it saw.
  void ensure();
  /// The transaction this object last ensured the table in has committed: what ensure() saw
  /// or made is now durable, so it need not look again (a run of a thousand revisions would
  /// otherwise read the table's columns a thousand times).
  /// Every journal write calls ensure() in its transaction first, so after a rollback the
  /// next commit is always preceded by a fresh ensure().
  void transaction_committed() {
    m_known_complete = m_known_complete || m_ensured_in_transaction;
    m_ensured_in_transaction = false;
  }
  /// Inserts `entry` (its id ignored) and returns the new id. Calls ensure() first.
  long long append(const JournalEntry& entry);
  /// The statement append() runs (an INSERT ... RETURNING id; ensure() is called first), for
  /// a caller that sends it with others, and the id read from the rows it returned.
  backend::Backend::Statement append_statement(const JournalEntry& entry);
  long long appended_id(const std::vector<backend::Row>& rows) const;
  /// Progress of a running non-transactional step.
  void set_progress(long long id, int statements_done);
  /// Intent: statement `number` (1-based) is about to run outside a transaction.
  void set_started(long long id, int number);
  /// Final status of a row appended as `running`: applied / failed (with error; "" = none).
  /// Sets finished_at to now.
  void finish(long long id, const std::string& status, int statements_done, const std::string& error,
              const std::vector<std::string>& heads_after, long long duration_ms,
              const SchemaMark& schema = {});
  /// The newest row with a schema fingerprint (successful steps and failed transactional
  /// attempts only); nullopt without a journal, the column, or such a row.
  std::optional<RecordedFingerprint> recorded_fingerprint();

  /// Partial rows (see the file comment), oldest first; empty without a journal. The
  /// columns it reads outside a transaction serve the next ensure() (see
  /// m_columns_read_by_partial): a caller that changes the journal between the two, other
  /// than through this object, calls partial() again.
  std::vector<JournalEntry> partial();
  /// The row holding the recorded checksum of `revision` (see the file comment); nullopt
  /// without a journal or without such a row.
  std::optional<JournalEntry> recorded_checksum(const std::string& revision);
  /// The recorded checksum of every revision that has one, by revision id, in one query
  /// that reads only the small columns (validation runs it before every upgrade).
  std::unordered_map<std::string, RecordedChecksum> recorded_checksums();
  /// The same query's rows handed over one at a time, oldest first (a revision's later row
  /// replaces its earlier ones), with the row's revision id: nothing but the row is held.
  /// `sink` must not use the database.
  using RecordedChecksumSink = std::function<void(std::string&& revision, RecordedChecksum&&)>;
  void for_each_recorded_checksum(const RecordedChecksumSink& sink);

  /// What a run reads before taking its lock, asked in one query (so that a fleet's target
  /// already at its goal costs one round trip): the version-table rows in SELECT order,
  /// whether partial() would return a row, and the recorded checksums, handed to `sink` as
  /// for_each_recorded_checksum hands them but in no set order (of two rows of a revision,
  /// the later has the larger id). nullopt when the query cannot be asked: no version table
  /// or journal yet, or a journal of an older release (the caller then reads them one by
  /// one). Only a query that fails as a whole is taken for that; `sink` may have been handed
  /// rows before a failure midway, which the caller's reads one by one hand over again.
  struct StateAtOnce {
    std::vector<std::string> rows;
    bool has_partial = false;
  };
  std::optional<StateAtOnce> read_state_at_once(const RecordedChecksumSink& sink);
  /// The stored copy of `revision` (see the file comment): the newest `upgrade`, `repair
  /// --resume`, `repair --accept-checksum` or `repair --mark-applied` row with a
  /// file_content, any status; nullopt without a journal or without such a row.
  std::optional<JournalEntry> stored_copy(const std::string& revision);
  /// Every row, oldest first (for tests and `repair` listings); empty without a journal.
  std::vector<JournalEntry> all();
  /// Every row, oldest first, without the large columns (file_content, downgrade_sql and
  /// statement_hashes read as empty): what `log` shows.
  std::vector<JournalEntry> history();
  /// Every row, oldest first, with only what `status` shows of a step: id, revision,
  /// direction, command, status, heads before and after, times, duration and who ran it
  /// (the other fields read as empty; half the columns, for a journal of thousands of rows).
  std::vector<JournalEntry> outcomes();
  /// Column name -> position in a row of a journal SELECT.
  using Positions = std::unordered_map<std::string_view, std::size_t>;
  using EntrySink = std::function<void(JournalEntry&&)>;
  /// The rows of outcomes(), handed to `sink` one at a time as they are read, never held
  /// together (a journal may hold tens of thousands of rows).
  void for_each_outcome(const EntrySink& sink);
  /// The row with this id, if any.
  std::optional<JournalEntry> get(long long id);

  /// The journal's column names; empty when the table does not exist. Reads tolerate a
  /// journal of an older release (missing columns read as empty) without changing it.
  std::vector<std::string> columns();

 private:
  /// Which columns a select reads: all, all but file_content, downgrade_sql and
  /// statement_hashes, or those outcomes() names.
  enum class Columns { all, small, outcome };
  std::vector<JournalEntry> select(const std::string& where_and_order, Columns read = Columns::all);
  /// The same, given the journal's columns (a caller that needed them already).
  std::vector<JournalEntry> select_in(const std::vector<std::string>& present, const std::string& where_and_order,
                                      Columns read = Columns::all);
  /// The SELECT of select_in and for_each_outcome, and where each column read is in its
  /// rows, handed to `run`.
  void run_select(const std::vector<std::string>& present, const std::string& where_and_order, Columns read,
                  const std::function<void(const std::string&, const Positions&)>& run);
  std::string table() const;
  std::string insert_sql(const std::vector<std::pair<const char*, std::optional<std::string>>>& named) const;

  backend::Backend& m_db;
  std::string m_insert_sql;  ///< append_statement's text, made on first use
  std::string m_schema;
  std::string m_name;
  std::string m_version_table;  ///< qualified, for read_state_at_once
  bool m_known_complete = false;  ///< committed with every column (see ensure())
  bool m_ensured_in_transaction = false;  ///< ensure() ran in the open transaction
  /// The columns partial() last read outside a transaction, for the next ensure() to use
  /// instead of reading them again, if that too runs outside one: a run reads partial rows
  /// under its lock and then ensures the table, with nothing between that changes the journal.
  std::optional<std::vector<std::string>> m_columns_read_by_partial;
};

/// The progress record of a non-transactional step's row `id` (the file comment): intent
/// through set_started, completion through set_progress.
StepExecutor::Progress journal_progress(Journal& journal, long long id);

}  // namespace migrate::runtime

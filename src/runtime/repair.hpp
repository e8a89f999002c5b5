#pragma once
/// `migrate repair`: what needs repair, and the recorded ways out.
///
/// Inspection (no lock, nothing written): every partial revision of the journal
/// (Journal::partial) with the statements of the section it ran, which ran, which failed
/// and why, and for each that ran whether its catalog effect is there now (sql/effects
/// + Catalog::object_exists); plus applied revisions whose file changed or is gone
/// (runtime/validation).
///
/// Actions, each under the migration lock (set_lock_key, lock with the configured timeout),
/// each appending one journal row, direction `repair`, `command` naming the action, status
/// `applied` (which resolves a partial row of the same revision), the user's reason:
///  - resume: exactly one partial revision; the statements that ran must hash as they did
///    then (statement_hashes); a statement that may have run is taken as the caller says
///    (InDoubt), never guessed; the rest run one by one outside a transaction through the
///    runner's StepExecutor, progress in the journal row (`running`, then `failed` or
///    `applied`); then its stored version ops. A stop request (RepairContext::stop) lets the
///    running statement finish and records the stop.
///    The row records the file it resumed from (checksum, content, downgrade section).
///  - mark_applied REV: partial upgrade → its stored version ops; partial downgrade → no
///    version change (REV stays applied); not applied with every parent applied → the ops
///    of upgrading exactly REV. Otherwise refused (Error{invalid_target}, pointing to stamp).
///    When REV has a file, the row records its checksum and content (the recorded checksum
///    and stored copy from then on: journal.hpp), so later edits of the file are caught.
///  - mark_reverted REV: partial upgrade → no version change; partial downgrade → its stored
///    ops; an applied head (a version row) → the ops of downgrading exactly REV.
///  - accept_checksum REV: an applied revision with a file; records the file's checksum and
///    content as the applied ones.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "graph/revision_map.hpp"
#include "runtime/journal.hpp"
#include "runtime/runner.hpp"
#include "runtime/validation.hpp"

namespace migrate::runtime {

struct StatementState {
  int number = 0;          ///< 1-based within the section
  int line = 0;            ///< file line of its first character
  std::string first_line;  ///< the first line of its text
  /// "done" | "may have run" (its intent was recorded, then the process died: journal.hpp)
  /// | "failed" | "not run"
  std::string state;
  std::string object;      ///< sql::describe of its effect, "" when not checkable
  bool expect_present = true;
  std::string catalog;     ///< done or may have run: "present" | "absent" | "not checkable"; else ""
};

struct PartialReport {
  JournalEntry entry;        ///< the partial row
  int statements_done = 0;   ///< including later `repair --resume` progress
  std::string error;         ///< newest error (the row's, or a failed resume's)
  std::string source;        ///< where the statements below come from (file path or journal copy)
  std::vector<StatementState> statements;  ///< empty when no text of the section is known
};

struct RepairReport {
  std::vector<PartialReport> partial;
  ValidationReport validation;
  bool clean() const { return partial.empty() && validation.clean(); }
};

/// What the actions need: the database, where the version table is, the graph and files
/// (journal copies included), and which revisions have a real file.
struct RepairContext {
  backend::Backend& db;
  VersionTable version_table;
  std::chrono::milliseconds lock_timeout{60000};
  const graph::RevisionMap& map;
  FileLookup files;
  std::function<bool(const std::string&)> has_file;
  /// The configuration's PostgreSQL timeouts for revision SQL (RunSettings); a revision
  /// header's own value wins, as in the runner.
  std::optional<std::string> session_lock_timeout;
  std::optional<std::string> session_statement_timeout;
  /// Where stop requests for `resume` come from, and who follows its statements (nullable).
  StopToken* stop = nullptr;
  RunObserver* observer = nullptr;
  /// PostgreSQL schemas the schema model covers, for the fingerprint each repair row records.
  std::vector<std::string> schemas;
};

RepairReport inspect(RepairContext& ctx);

struct RepairOutcome {
  std::string action;  ///< "resume", "mark-applied", "mark-reverted", "accept-checksum"
  std::string revision;
  std::vector<std::string> heads_before, heads_after;
  std::vector<graph::VersionOp> ops;
  int statements_run = 0;  ///< resume only
  long long journal_id = 0;
  std::string summary;     ///< one sentence saying what was done
};

/// What `resume` takes a statement in doubt ("may have run") to be. With `refuse` such a
/// statement stops the resume with Error{needs_repair}: running it again could apply it
/// twice, skipping it could leave it out. The choice is recorded in the journal row's reason.
enum class InDoubt { refuse, assume_ran, assume_not_run };

RepairOutcome resume(RepairContext& ctx, const std::string& reason, InDoubt in_doubt = InDoubt::refuse);
RepairOutcome mark_applied(RepairContext& ctx, const std::string& rev, const std::string& reason);
RepairOutcome mark_reverted(RepairContext& ctx, const std::string& rev, const std::string& reason);
RepairOutcome accept_checksum(RepairContext& ctx, const std::string& rev, const std::string& reason);

}  // namespace migrate::runtime

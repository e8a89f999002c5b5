#include "runtime/repair.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "backend/sql_dialect.hpp"
#include "core/error.hpp"
#include "runtime/plan_check.hpp"
#include "runtime/schema_state.hpp"
#include "runtime/session_timeouts.hpp"
#include "runtime/statement_error.hpp"
#include "runtime/step_executor.hpp"
#include "runtime/transaction.hpp"
#include "runtime/version_table.hpp"
#include "sql/effects.hpp"
#include "sql/statements.hpp"
#include "util/strings.hpp"

namespace migrate::runtime {


namespace {

constexpr const char* k_resume = "repair --resume";

std::vector<std::string> rows_after(std::vector<std::string> rows, const std::vector<graph::VersionOp>& ops) {
  for (const auto& op : ops) apply_to_rows(rows, op);
  return rows;
}

std::string ops_text(const std::vector<graph::VersionOp>& ops) {
  if (ops.empty()) return "no version-table change";
  std::vector<std::string> parts;
  for (const auto& op : ops) parts.push_back(graph::describe(op));
  return "version table: " + util::join(parts, ", ");
}

/// Runs version-table changes exactly: an UPDATE or DELETE must hit one row, else the
/// table is not what the recorded step expects and nothing is guessed.
void apply_ops(backend::Backend& db, const VersionTable& vt, const std::vector<graph::VersionOp>& ops) {
  if (ops.empty()) return;
  ensure_version_table(db, vt);
  if (auto mismatch = run_version_ops(db, vt, ops))
    throw Error(ErrorKind::needs_repair,
                "the version table does not hold revision '" + mismatch->op.from + "' as the recorded step expects (" +
                    ops_text({mismatch->op}) + ")",
                "check the version table; record the real state with `migrate stamp`");
}

/// The file whose section a partial row ran: the copy stored in the row (upgrades), else the
/// file as it is now, else the journal's copy.
std::optional<script::RevisionFile> file_for(RepairContext& ctx, Journal& journal, const JournalEntry& e,
                                             std::string& source) {
  auto parse = [&](const std::string& content) -> std::optional<script::RevisionFile> {
    try {
      return script::parse_stored_copy("<journal copy of " + e.revision + ">", content);
    } catch (const Error&) {
      return std::nullopt;
    }
  };
  if (e.direction == "upgrade" && !e.file_content.empty()) {
    source = "the journal's copy of " + (e.file_path.empty() ? e.revision : e.file_path) + ", as it ran";
    return parse(e.file_content);
  }
  if (const auto* f = ctx.files(e.revision)) {
    source = f->path.string();
    return *f;
  }
  if (auto copy = journal.stored_copy(e.revision)) {
    source = "the journal's copy of " + e.revision;
    return parse(copy->file_content);
  }
  return std::nullopt;
}

const script::SqlSection* section_of(const script::RevisionFile& f, const std::string& direction, Dialect d) {
  return section_for(f, direction == "downgrade" ? graph::Direction::downgrade : graph::Direction::upgrade, d);
}

std::string first_line_of(const std::string& text) {
  auto line = text.substr(0, text.find('\n'));
  if (line.size() > 100) line = line.substr(0, 97) + "...";
  return line;
}

std::string check_catalog(backend::Backend& db, const backend::CatalogObject& object) {
  try {
    return db.catalog().object_exists(object) ? "present" : "absent";
  } catch (const std::exception& e) {
    spdlog::debug("catalog check of {} failed: {}", sql::describe(object), e.what());
    return "not checkable";
  }
}

/// How far a partial revision got: its own row, then any later `repair --resume` rows of the
/// same revision that ran more statements. `hashes[i]` is the hash of statement i+1 as the
/// row that ran it recorded it (a resume may run a statement fixed after the first failure).
struct Progress {
  int done = 0;
  std::string error;
  std::vector<std::string> hashes;
  /// The statement whose intent was recorded by the newest row that is still `running`,
  /// with nothing recorded after it: it may or may not have run (journal.hpp). 0 = none.
  int in_doubt = 0;
  std::string in_doubt_hash;  ///< its hash as that row recorded it
};

Progress effective_progress(const std::vector<JournalEntry>& all, const JournalEntry& e) {
  Progress p;
  auto take = [&p](const JournalEntry& row) {
    for (int i = p.done; i < row.statements_done; ++i)
      p.hashes.push_back(static_cast<std::size_t>(i) < row.statement_hashes.size() ? row.statement_hashes[i] : "");
    p.done = std::max(p.done, row.statements_done);
    if (!row.error.empty()) p.error = row.error;
    // Each newer row says what became of the statement in doubt: only a row still `running`
    // with an intent past its progress leaves one.
    bool doubt = row.status == "running" && row.statement_started == row.statements_done + 1;
    p.in_doubt = doubt ? row.statement_started : 0;
    auto index = static_cast<std::size_t>(row.statement_started - 1);
    p.in_doubt_hash = doubt && index < row.statement_hashes.size() ? row.statement_hashes[index] : "";
  };
  take(e);
  for (const auto& r : all) {
    if (r.id <= e.id || r.revision != e.revision || r.direction != "repair" || r.command != k_resume) continue;
    if (r.status == "running" || r.status == "failed") take(r);
  }
  return p;
}

PartialReport report_partial(RepairContext& ctx, Journal& journal, const std::vector<JournalEntry>& all,
                             const JournalEntry& e) {
  PartialReport p;
  p.entry = e;
  auto progress = effective_progress(all, e);
  p.statements_done = progress.done;
  p.error = progress.error;
  auto file = file_for(ctx, journal, e, p.source);
  if (!file) return p;
  const auto* section = section_of(*file, e.direction, ctx.db.dialect());
  if (!section) return p;
  auto statements = sql::split_statements(section->sql, ctx.db.dialect(), section->first_line);
  for (std::size_t i = 0; i < statements.size(); ++i) {
    StatementState s;
    s.number = static_cast<int>(i + 1);
    s.line = statements[i].line;
    s.first_line = first_line_of(statements[i].text);
    bool in_doubt = s.number == progress.in_doubt;
    if (s.number <= p.statements_done || in_doubt) {
      s.state = in_doubt ? "may have run" : "done";
      if (auto effect = sql::catalog_effect(statements[i].text, ctx.db.dialect())) {
        s.object = sql::describe(effect->object);
        s.expect_present = effect->expect_present;
        s.catalog = check_catalog(ctx.db, effect->object);
      } else {
        s.catalog = "not checkable";
      }
    } else if (s.number == p.statements_done + 1 && !p.error.empty()) {
      s.state = "failed";
    } else {
      s.state = "not run";
    }
    p.statements.push_back(std::move(s));
  }
  return p;
}

/// The partial row of `rev` (newest), if any.
std::optional<JournalEntry> partial_of(const std::vector<JournalEntry>& partial, const std::string& rev) {
  for (auto it = partial.rbegin(); it != partial.rend(); ++it)
    if (it->revision == rev) return *it;
  return std::nullopt;
}

/// Full revision id for a user's REV: a partial revision's exact id first (its file may be
/// gone), else the graph's resolution of exactly one revision.
std::string resolve(RepairContext& ctx, const std::vector<JournalEntry>& partial, const std::string& rev) {
  if (partial_of(partial, rev)) return rev;
  auto id = ctx.map.resolve_one(rev);
  if (!id) throw Error(ErrorKind::usage, "repair needs a revision, not base", "name the revision to record");
  return *id;
}

JournalEntry repair_row(RepairContext& ctx, const std::string& command, const std::string& rev,
                        const std::string& reason) {
  JournalEntry e;
  e.revision = rev;
  e.direction = "repair";
  e.command = command;
  e.status = "applied";
  e.reason = reason;
  e.started_at = utc_now_iso();
  e.finished_at = e.started_at;
  e.duration_ms = 0;
  if (const auto* f = ctx.files(rev)) {
    e.file_path = f->path.string();
    e.message = f->message;
  }
  fill_identity(e, ctx.db);
  return e;
}

/// Records `file` on a repair row as an upgrade row records it (journal.hpp record_file):
/// the row then holds the revision's recorded checksum once applied, and its stored copy, so
/// a later check or a downgrade after the file is gone works from the text this repair took
/// as applied.
void store_file(JournalEntry& row, const script::RevisionFile& file, Dialect dialect) {
  record_file(row, file, dialect, true);
}

/// Applies `ops` and appends `row` in one transaction.
long long record(RepairContext& ctx, JournalEntry row, const std::vector<graph::VersionOp>& ops) {
  Journal journal(ctx.db, ctx.version_table);
  Transaction transaction(ctx.db);
  apply_ops(ctx.db, ctx.version_table, ops);
  row.version_ops = ops;
  journal.ensure();  // before the fingerprint: creating or altering the journal changes the catalog
  row.set_schema(SchemaState(ctx.db, ctx.version_table, ctx.schemas).fingerprint_for_journal());
  long long id = journal.append(row);
  transaction.commit();
  return id;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

Error stamp_instead(const std::string& rev, const std::string& why) {
  return Error(ErrorKind::invalid_target, "cannot record revision " + rev + " this way: " + why,
               "record the database's real state with `migrate stamp <rev>` (see `migrate stamp --help`)");
}

/// A repair's wait for the migration lock ends at a stop request kept for it, as a run's does
/// (RunObserver::waiting_for_lock).
backend::LockPoll stop_request_poll(const RepairContext& ctx) {
  return [observer = ctx.observer] {
    if (observer) observer->waiting_for_lock();
  };
}

}  // namespace

RepairReport inspect(RepairContext& ctx) {
  RepairReport report;
  Journal journal(ctx.db, ctx.version_table);
  auto partial = journal.partial();
  if (!partial.empty()) {
    auto all = journal.all();
    for (const auto& e : partial) report.partial.push_back(report_partial(ctx, journal, all, e));
  }
  report.validation =
      validate_applied(ctx.map, read_version_rows(ctx.db, ctx.version_table), ctx.files, ctx.has_file, ctx.db,
                       ctx.version_table);
  return report;
}

RepairOutcome mark_applied(RepairContext& ctx, const std::string& rev_arg, const std::string& reason) {
  MigrationLock lock(ctx.db, ctx.version_table, ctx.lock_timeout, stop_request_poll(ctx));
  Journal journal(ctx.db, ctx.version_table);
  auto partial = journal.partial();
  auto rev = resolve(ctx, partial, rev_arg);
  auto rows = read_version_rows(ctx.db, ctx.version_table);
  RepairOutcome out{"mark-applied", rev, rows, {}, {}, 0, 0, ""};
  if (auto p = partial_of(partial, rev)) {
    if (p->direction == "upgrade") out.ops = p->version_ops;  // finish what the upgrade would have recorded
    // a partial downgrade: the revision stays applied, the version table already says so
  } else {
    auto applied = applied_revisions(ctx.map, rows);
    if (contains(applied, rev))
      throw Error(ErrorKind::usage, "revision " + rev + " is already applied and not partially run",
                  "nothing to record; `migrate repair` lists what needs repair");
    auto plan = ctx.map.plan_upgrade(rev, rows);
    if (plan.steps.size() != 1 || plan.steps[0].revision != rev)
      throw stamp_instead(rev, "not every revision it depends on is applied (upgrading it would run " +
                                   std::to_string(plan.steps.size()) + " steps)");
    out.ops = plan.steps[0].ops;
  }
  auto row = repair_row(ctx, "repair --mark-applied", rev, reason);
  // The file as it is now is what the user says the database has: later edits of it are
  // caught against this. A revision whose file is gone keeps its earlier copy.
  if (ctx.has_file(rev))
    if (const auto* file = ctx.files(rev)) store_file(row, *file, ctx.db.dialect());
  row.heads_before = rows;
  out.heads_after = row.heads_after = rows_after(rows, out.ops);
  out.journal_id = record(ctx, row, out.ops);
  out.summary = "Recorded revision " + rev + " as applied (" + ops_text(out.ops) + ")";
  return out;
}

RepairOutcome mark_reverted(RepairContext& ctx, const std::string& rev_arg, const std::string& reason) {
  MigrationLock lock(ctx.db, ctx.version_table, ctx.lock_timeout, stop_request_poll(ctx));
  Journal journal(ctx.db, ctx.version_table);
  auto partial = journal.partial();
  auto rev = resolve(ctx, partial, rev_arg);
  auto rows = read_version_rows(ctx.db, ctx.version_table);
  RepairOutcome out{"mark-reverted", rev, rows, {}, {}, 0, 0, ""};
  if (auto p = partial_of(partial, rev)) {
    if (p->direction == "downgrade") out.ops = p->version_ops;  // finish what the downgrade would have recorded
    // a partial upgrade: never recorded in the version table, nothing to undo there
  } else {
    if (!contains(rows, rev))
      throw stamp_instead(rev, "it is neither partially run nor a current head in the version table");
    std::optional<graph::Plan> plan;
    try {
      plan = ctx.map.plan_downgrade(rev + "@-1", rows);
    } catch (const Error&) {
      plan.reset();
    }
    if (!plan || plan->steps.size() != 1 || plan->steps[0].revision != rev)
      throw stamp_instead(rev, "downgrading exactly that revision is not one step from the current heads");
    out.ops = plan->steps[0].ops;
  }
  auto row = repair_row(ctx, "repair --mark-reverted", rev, reason);
  row.heads_before = rows;
  out.heads_after = row.heads_after = rows_after(rows, out.ops);
  out.journal_id = record(ctx, row, out.ops);
  out.summary = "Recorded revision " + rev + " as reverted (" + ops_text(out.ops) + ")";
  return out;
}

RepairOutcome accept_checksum(RepairContext& ctx, const std::string& rev_arg, const std::string& reason) {
  MigrationLock lock(ctx.db, ctx.version_table, ctx.lock_timeout, stop_request_poll(ctx));
  Journal journal(ctx.db, ctx.version_table);
  auto rev = resolve(ctx, {}, rev_arg);
  auto rows = read_version_rows(ctx.db, ctx.version_table);
  if (!contains(applied_revisions(ctx.map, rows), rev))
    throw Error(ErrorKind::usage, "revision " + rev + " is not applied: there is no applied checksum to accept",
                "`migrate repair` lists applied files that changed");
  const auto* file = ctx.has_file(rev) ? ctx.files(rev) : nullptr;
  if (!file)
    throw Error(ErrorKind::usage, "revision " + rev + " has no file to accept",
                "restore the file, or downgrade off it (`migrate downgrade`), which uses the journal's copy");
  auto recorded = journal.recorded_checksum(rev);
  if (recorded && recorded->checksum == file->checksum)
    throw Error(ErrorKind::usage, "the file of revision " + rev + " (" + file->path.string() +
                                      ") matches its recorded checksum: nothing to accept");
  auto row = repair_row(ctx, "repair --accept-checksum", rev, reason);
  row.heads_before = row.heads_after = rows;
  store_file(row, *file, ctx.db.dialect());
  RepairOutcome out{"accept-checksum", rev, rows, rows, {}, 0, 0, ""};
  out.journal_id = record(ctx, row, {});
  out.summary = "Accepted the current content of " + file->path.string() + " as applied revision " + rev +
                " (checksum " + file->checksum.hex().substr(0, 12) + ")";
  return out;
}

namespace {

/// The one partial revision `--resume` works on.
JournalEntry only_partial(Journal& journal) {
  auto partial = journal.partial();
  if (partial.empty())
    throw Error(ErrorKind::usage, "nothing to resume: no revision is partially applied",
                "`migrate repair` lists the state");
  if (partial.size() > 1) {
    std::vector<std::string> ids;
    for (const auto& p : partial) ids.push_back(p.revision + " (" + p.direction + ")");
    throw Error(ErrorKind::usage, "--resume needs exactly one partially applied revision; there are " +
                                      std::to_string(partial.size()) + ": " + util::join(ids, ", "),
                "resolve all but one with `migrate repair --mark-applied/--mark-reverted REV --reason ...`");
  }
  return partial.front();
}

/// The statements that already ran must be the ones in the file now: resuming after an edit
/// of those would leave a schema no file describes.
void require_unchanged(const JournalEntry& p, const script::RevisionFile& file,
                       const std::vector<sql::Statement>& statements, const Progress& progress,
                       const std::vector<std::string>& hashes) {
  int done = progress.done;
  if (static_cast<int>(statements.size()) < done)
    throw Error(ErrorKind::needs_repair,
                "revision " + p.revision + ": " + std::to_string(done) + " statements ran, but " + file.path.string() +
                    " now has only " + std::to_string(statements.size()),
                "restore the file as it ran, or record the state with `migrate repair --mark-applied/--mark-reverted`");
  for (int i = 0; i < done; ++i) {
    const auto& ran = progress.hashes[static_cast<std::size_t>(i)];
    if (!ran.empty() && ran == hashes[static_cast<std::size_t>(i)]) continue;
    throw Error(ErrorKind::needs_repair,
                "revision " + p.revision + ": statement " + std::to_string(i + 1) + " (" + file.path.string() + ":" +
                    std::to_string(statements[i].line) + ") already ran, but it was " +
                    (!ran.empty() ? "edited since" : "not recorded with a hash") +
                    "; resuming would run the rest against a different history",
                "restore the statements that ran as they were, or fix the schema by hand and record it with "
                "`migrate repair --mark-applied/--mark-reverted " + p.revision + " --reason ...`");
  }
}

/// What a resume runs: the partial row, its file and the section's statements.
struct ResumeWork {
  JournalEntry partial;
  const script::RevisionFile* file = nullptr;
  std::vector<sql::Statement> statements;
  std::vector<std::string> hashes;
  int done = 0;  ///< statements that ran before (this row's and earlier resumes')
  int in_doubt = 0;  ///< Progress::in_doubt
  std::string in_doubt_hash;
};

ResumeWork resume_work(RepairContext& ctx, Journal& journal) {
  ResumeWork w;
  w.partial = only_partial(journal);
  const auto& p = w.partial;
  const auto dialect = ctx.db.dialect();
  w.file = ctx.has_file(p.revision) ? ctx.files(p.revision) : nullptr;
  if (!w.file)
    throw Error(ErrorKind::needs_repair, "revision " + p.revision + " has no file to resume from",
                "restore the file, or record the state with `migrate repair --mark-applied/--mark-reverted " +
                    p.revision + " --reason ...`");
  const auto* section = section_of(*w.file, p.direction, dialect);
  if (section) w.statements = sql::split_statements(section->sql, dialect, section->first_line);
  auto progress = effective_progress(journal.all(), p);
  w.done = progress.done;
  w.hashes = statement_hashes(section ? std::string_view(section->sql) : std::string_view(), dialect,
                              section ? section->first_line : 1);
  require_unchanged(p, *w.file, w.statements, progress, w.hashes);
  w.in_doubt = progress.in_doubt;
  w.in_doubt_hash = progress.in_doubt_hash;
  return w;
}

std::string statement_place(const ResumeWork& w, int number) {
  const auto& st = w.statements[static_cast<std::size_t>(number - 1)];
  return "statement " + std::to_string(number) + " (" + w.file->path.string() + ":" + std::to_string(st.line) +
         ": " + first_line_of(st.text) + ")";
}

/// Settles the statement in doubt as the caller says; returns the note the journal keeps.
std::string settle_in_doubt(ResumeWork& w, InDoubt choice) {
  if (w.in_doubt == 0) {
    if (choice == InDoubt::refuse) return "";
    throw Error(ErrorKind::usage, "--assume-ran / --assume-not-run: no statement of revision " +
                                      w.partial.revision + " is in doubt",
                "run `migrate repair --resume` without them");
  }
  auto place = statement_place(w, w.in_doubt);
  if (w.in_doubt_hash != w.hashes[static_cast<std::size_t>(w.in_doubt - 1)])
    throw Error(ErrorKind::needs_repair, "revision " + w.partial.revision + ": " + place +
                                             " may have run, but it was edited since",
                "restore it as it was, or fix the schema by hand and record it with `migrate repair "
                "--mark-applied/--mark-reverted " + w.partial.revision + " --reason ...`");
  if (choice == InDoubt::refuse)
    throw Error(ErrorKind::needs_repair,
                "revision " + w.partial.revision + ": " + place +
                    " may have run: the process died after it started and before its completion was recorded",
                "`migrate repair` shows whether its effect is in the catalog; then run `migrate repair --resume "
                "--assume-ran` if it ran, or `--assume-not-run` to run it again");
  if (choice == InDoubt::assume_ran) {
    w.done = w.in_doubt;
    return place + " was taken to have run (--assume-ran)";
  }
  return place + " was taken not to have run and ran again (--assume-not-run)";
}

/// The `running` row a resume records its progress in, committed before any statement runs.
JournalEntry resume_row(RepairContext& ctx, const ResumeWork& w, const std::vector<std::string>& rows,
                        const std::string& reason) {
  auto row = repair_row(ctx, k_resume, w.partial.revision, reason);
  row.status = "running";
  row.finished_at.clear();
  row.duration_ms = -1;
  row.heads_before = rows;
  row.heads_after = rows;
  store_file(row, *w.file, ctx.db.dialect());
  row.statement_hashes = w.hashes;
  row.version_ops = w.partial.version_ops;
  row.statements_done = w.done;
  row.statements_total = static_cast<int>(w.statements.size());
  return row;
}

[[noreturn]] void resume_stopped(Journal& journal, long long id, const ResumeWork& w,
                                 const StepExecutor::Outcome& outcome, const std::vector<std::string>& rows,
                                 long long elapsed) {
  const auto& rev = w.partial.revision;
  auto total = std::to_string(w.statements.size());
  if (outcome.end == StepExecutor::Outcome::End::stopped) {
    auto why = "interrupted by " + signal_name(outcome.signal) + " after statement " + std::to_string(outcome.done) +
               " of " + total;
    journal.finish(id, "failed", outcome.done, why, rows, elapsed);
    throw Error::interrupted(outcome.signal, "repair --resume of revision " + rev + " " + why,
                             "run `migrate repair --resume` again to finish it");
  }
  const auto& e = *outcome.error;
  try {
    journal.finish(id, "failed", outcome.done, e.what(), rows, elapsed);
  } catch (const std::exception& j) {
    spdlog::error("could not record the failure in the journal: {}", j.what());
  }
  const auto& st = w.statements[static_cast<std::size_t>(outcome.done)];
  auto file = w.file->path.string();
  Error error(ErrorKind::database,
              "repair --resume of revision " + rev + " failed at statement " + std::to_string(outcome.done + 1) +
                  " of " + total + " (" + file + ":" + std::to_string(st.line) + "): " + e.what() +
                  "\n  statement: " + first_line_of(st.text),
              "fix the statement or the database, then run `migrate repair --resume` again; statements 1-" +
                  std::to_string(outcome.done) + " stay committed");
  throw error.located({rev, file, st.line, statement_excerpt(st.text), e.details().sqlstate});
}

std::string resume_summary(const ResumeWork& w, int ran) {
  const auto& p = w.partial;
  auto total = std::to_string(w.statements.size());
  if (ran == 0)
    return "Resumed " + p.direction + " of revision " + p.revision + ": every statement had run (" +
           ops_text(p.version_ops) + ")";
  std::string range = ran == 1 ? "statement " + total : "statements " + std::to_string(w.done + 1) + "-" + total;
  return "Resumed " + p.direction + " of revision " + p.revision + ": ran " + range + " of " + total + " (" +
         ops_text(p.version_ops) + ")";
}

}  // namespace

RepairOutcome resume(RepairContext& ctx, const std::string& reason, InDoubt in_doubt) {
  MigrationLock lock(ctx.db, ctx.version_table, ctx.lock_timeout, stop_request_poll(ctx));
  Journal journal(ctx.db, ctx.version_table);
  auto work = resume_work(ctx, journal);
  auto note = settle_in_doubt(work, in_doubt);
  const auto& p = work.partial;
  auto rows = read_version_rows(ctx.db, ctx.version_table);
  auto recorded_reason = note.empty() ? reason : reason.empty() ? note : reason + "; " + note;
  long long id = journal.append(resume_row(ctx, work, rows, recorded_reason));
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  };

  // As the runner's non-transactional path: a stop request lets the running statement finish
  // (it cannot be undone) and stops before the next one, recorded in the journal.
  StopToken unstoppable;
  StopToken& stop = ctx.stop ? *ctx.stop : unstoppable;
  StopToken::Armed armed(stop);
  SessionTimeouts timeouts(ctx.db, ctx.session_lock_timeout, ctx.session_statement_timeout);
  timeouts.apply_for(work.file);
  StepExecutor executor(ctx.db, stop, ctx.observer);
  if (work.done < static_cast<int>(work.statements.size()))
    spdlog::info("Resuming {} {}: statements {}-{} of {} ({})", p.direction, p.revision, work.done + 1,
                 work.statements.size(), work.statements.size(), work.file->path.string());
  auto outcome = executor.run(work.statements, static_cast<std::size_t>(work.done), StepExecutor::Mode::one_by_one,
                              {p.revision, work.file->path.string()},
                              journal_progress(journal, id));
  if (outcome.end != StepExecutor::Outcome::End::completed)
    resume_stopped(journal, id, work, outcome, rows, elapsed());
  timeouts.reset();

  auto after = rows_after(rows, p.version_ops);
  Transaction transaction(ctx.db);
  apply_ops(ctx.db, ctx.version_table, p.version_ops);
  journal.finish(id, "applied", static_cast<int>(work.statements.size()), "", after, elapsed(),
                 SchemaState(ctx.db, ctx.version_table, ctx.schemas).fingerprint_for_journal());
  transaction.commit();
  int ran = static_cast<int>(work.statements.size()) - work.done;
  RepairOutcome out{"resume", p.revision, rows, after, p.version_ops, ran, id, ""};
  out.summary = resume_summary(work, ran) + (note.empty() ? "" : "; " + note);
  return out;
}

}  // namespace migrate::runtime

#include "runtime/runner.hpp"

#include <spdlog/spdlog.h>

#include <ctime>

#include "backend/sql_dialect.hpp"
#include "runtime/statement_error.hpp"
#include "runtime/version_table.hpp"
#include "util/strings.hpp"

namespace migrate::runtime {

namespace {

using graph::Direction;
using graph::Step;
using Clock = std::chrono::steady_clock;

long long elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}


std::string backup_timestamp() {
  auto secs = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

/// The settings with the version table named as on this connection (on_connection), so the
/// journal and the version ops keep their schema whatever `search_path` a revision sets.
RunSettings on_connection(backend::Backend& db, RunSettings settings) {
  settings.version_table = runtime::on_connection(db, settings.version_table);
  return settings;
}

}  // namespace

const char* to_string(Command command) {
  switch (command) {
    case Command::upgrade: return "upgrade";
    case Command::downgrade: return "downgrade";
    case Command::stamp: return "stamp";
  }
  return "upgrade";
}

/// What one step needs while it runs.
struct Runner::StepContext {
  const Step* step = nullptr;
  const script::RevisionFile* file = nullptr;
  const script::SqlSection* section = nullptr;
  std::string revision;  ///< the step's revision ("" for a stamp to base)
  std::vector<std::string> heads_before;
  std::vector<std::string> heads_after;
  std::string started_at;
  Clock::time_point start;
  std::vector<sql::Statement> statements;  ///< of `section`, split
  int statements_total = 0;
  bool last_of_run = false;  ///< its journal row records the schema's fingerprint
  StepExecutor::Owner owner() const { return {revision, file ? file->path.string() : std::string()}; }
};

Runner::Runner(backend::Backend& db, RunSettings settings, FileLookup files)
    : m_db(db),
      m_settings(on_connection(db, std::move(settings))),
      m_files(std::move(files)),
      m_journal(db, m_settings.version_table),
      m_stop(m_settings.stop ? *m_settings.stop : m_unstoppable),
      m_executor(db, m_stop, m_settings.observer),
      m_timeouts(db, m_settings.session_lock_timeout, m_settings.session_statement_timeout),
      m_foreign_keys(db, m_settings.foreign_key_check),
      m_schema(db, m_settings.version_table, m_settings.schemas) {
  if (!m_settings.catalog_digest) m_schema.skip_catalog_digest();
}

std::vector<std::string> Runner::read_version_rows() {
  return runtime::read_version_rows(m_db, m_settings.version_table);
}

std::vector<JournalEntry> Runner::partial_revisions() { return m_journal.partial(); }

RunResult Runner::run(const Planner& planner) {
  m_committed_any = false;  // before the lock: a stop while waiting for it names what is undone
  // Armed after the lock: a signal while waiting for it ends the process the default way,
  // which is right then (nothing changed yet; the lock attempt dies with the process). A
  // request kept for the run (a fleet forwards its signal to each target) ends the wait
  // through the observer, as does one on a token its caller keeps armed.
  MigrationLock lock(m_db, m_settings.version_table, m_settings.lock_timeout, [this] {
    if (m_settings.observer) m_settings.observer->waiting_for_lock();
    stop_if_requested("while waiting for the migration lock");
  });
  StopToken::Armed armed(m_stop);
  m_db_user = m_db.database_user();
  try {
    auto result = run_locked(planner);
    m_timeouts.reset();
    return result;
  } catch (...) {
    m_transaction.reset();  // rolls back whatever is still open
    m_timeouts.reset();
    throw;
  }
}

RunResult Runner::run_locked(const Planner& planner) {
  auto table = read_version_table(m_db, m_settings.version_table);
  m_version_table_found = table.has_value();
  auto rows = table.value_or(std::vector<std::string>{});
  if (m_settings.command != Command::stamp) {
    auto partial = partial_revisions();
    if (!partial.empty()) throw needs_repair_error(partial);
  }
  if (m_settings.command == Command::upgrade && rows.empty() && !m_settings.allow_unversioned)
    refuse_unversioned();
  if (m_settings.check_drift) refuse_if_drifted(m_schema, m_journal, rows, m_db.describe());
  RunResult result;
  result.plan = planner(rows);
  if (m_settings.dry_run) require_rollback_for_dry_run(m_db);
  auto files = check_plan(result.plan, m_files, m_settings.dry_run ? PlanUse::dry_run : PlanUse::online);
  stop_if_requested("before anything changed");
  prepare_changes(result, files.empty() ? nullptr : files.front());
  for (size_t i = 0; i < result.plan.steps.size(); ++i) {
    const auto& step = result.plan.steps[i];
    stop_if_requested(fmt::format("before {}", graph::short_log(step)));
    result.duration_ms.push_back(run_step(step, files[i], rows, i + 1 == result.plan.steps.size()));
  }
  if (m_transaction && m_transaction->open()) stop_if_requested("before the run's transaction was committed");
  if (m_settings.dry_run) {
    check_foreign_keys();
    m_transaction.reset();
  } else if (m_transaction && m_transaction->open()) {
    commit_run();
  }
  if (int sig = m_stop.requested())
    spdlog::warn("{} arrived after the last revision was committed: the run is complete", signal_name(sig));
  return result;
}

/// An upgrade from no version rows on a database that already holds tables (PostgreSQL: in
/// the version table's schema, so that a new tenant schema beside others is not refused)
/// would run the first revision's CREATEs into objects that are there (the database was built by hand, by
/// another tool, or its version table was lost): refused, as Flyway refuses a non-empty
/// schema without its history. A database whose journal has rows was run by migrate before
/// (say, downgraded to base while tables the revisions do not own stayed): not refused.
void Runner::refuse_unversioned() {
  constexpr std::size_t k_shown = 5;
  const auto& vt = m_settings.version_table;
  std::vector<std::string> found;
  for (auto& name : m_db.catalog().user_relations(vt.schema, k_shown + 3)) {
    auto bare = name.substr(name.rfind('.') == std::string::npos ? 0 : name.rfind('.') + 1);
    if (!vt.is_own_table(bare)) found.push_back(std::move(name));
  }
  if (found.empty() || !m_journal.history().empty()) return;
  std::string listed = util::join(std::vector<std::string>(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(
                                                                                 std::min(found.size(), k_shown))),
                                  ", ");
  if (found.size() > k_shown) listed += ", ...";
  throw Error(ErrorKind::unversioned_database,
              "the database at " + m_db.describe() + " already holds tables (" + listed + ") but its version table " +
                  backend::sql::qualified_name(m_db.dialect(), vt.schema, vt.name) +
                  " records no revision: upgrading would run the first revisions into objects that exist",
              "`migrate drift --identify` names the revision whose schema the database has: record it with "
              "`migrate stamp REV`, then upgrade; a database no revision made is adopted with `migrate baseline "
              "--stamp`; to run the revisions anyway, pass --allow-unversioned");
}

/// Everything between the plan and its first step: the backup (taken now, outside any
/// transaction, under the lock, so it is exactly the state the plan starts from), the dry
/// run's transaction, the version table and the journal.
void Runner::prepare_changes(RunResult& result, const script::RevisionFile* first_file) {
  const auto& steps = result.plan.steps;
  if (!m_settings.dry_run && !steps.empty()) {
    if (m_settings.before_changes) m_settings.before_changes(result.plan);
    if (m_settings.backup) result.backup = take_backup(*m_settings.backup);
  }
  if (m_settings.dry_run) {
    if (!steps.empty()) m_timeouts.apply_for(first_file);
    m_foreign_keys.before_begin();
    m_transaction.emplace(m_db);
  }
  ensure_version_table(m_db, m_settings.version_table, m_version_table_found);
  // With a transaction per revision, the journal is made or checked once here, outside any
  // transaction, so each revision's row needs no catalog query of its own. (A dry run or
  // a run in one transaction keeps it inside, so that a rollback leaves no table behind.)
  if (m_settings.transaction_per_migration && !m_settings.dry_run && !m_db.in_transaction() && !steps.empty())
    m_journal.ensure();
}

backend::BackupResult Runner::take_backup(const std::filesystem::path& requested) {
  auto* backups = m_db.backups();
  if (!backups)
    throw Error(ErrorKind::usage, "--backup: the database at " + m_db.describe() + " cannot be backed up by migrate",
                "take a backup with the database's own tools, then run without --backup");
  auto path = requested.empty() ? backups->default_backup_path(backup_timestamp()) : requested;
  backend::BackupResult backup;
  try {
    backup = backups->backup(path);
  } catch (const Error&) {
    // A terminal's Ctrl-C reaches the whole process group, pg_dump included: its failure
    // is then the interruption, not a backup problem.
    stop_if_requested("while taking the backup");
    throw;
  }
  spdlog::info("Backup written to {}; restore with: {}", backup.path.string(), backup.restore_command);
  return backup;
}

void Runner::stop_if_requested(const std::string& where) {
  int sig = m_stop.requested();
  if (!sig) return;
  std::string undone;
  if (m_transaction && m_transaction->open()) {
    undone = m_settings.dry_run ? "dry run: every change was rolled back"
             : m_committed_any
                 ? "the run's open transaction (the revisions since the last non-transactional one) was rolled back"
                 : "the whole run was rolled back";
    m_transaction.reset();
  } else {
    undone = m_committed_any ? "the revisions before it are committed" : "nothing was changed";
  }
  throw Error::interrupted(sig, fmt::format("interrupted by {} {}", signal_name(sig), where),
                           undone + "; run the command again to continue");
}

bool Runner::is_transactional(const script::RevisionFile* file) const {
  return !file || (file->transactional && m_db.capabilities().transactional_ddl);
}

void Runner::begin_if_needed() {
  if (m_transaction && m_transaction->open()) return;
  m_foreign_keys.before_begin();
  m_transaction.emplace(m_db);
}

void Runner::check_foreign_keys() {
  m_foreign_keys.before_commit([this](const std::string& revision) { return rollback_hint(revision); });
}

void Runner::commit_run() {
  check_foreign_keys();
  m_transaction->commit();
  m_transaction.reset();
  m_committed_any = true;
  m_journal.transaction_committed();
}

long long Runner::run_step(const Step& step, const script::RevisionFile* file, std::vector<std::string>& rows,
                          bool last_of_run) {
  StepContext ctx;
  ctx.last_of_run = last_of_run;
  ctx.step = &step;
  ctx.file = file;
  ctx.revision = step.revision.value_or("");
  ctx.start = Clock::now();
  ctx.started_at = utc_now_iso();
  ctx.heads_before = rows;
  for (const auto& op : step.ops) apply_to_rows(rows, op);
  ctx.heads_after = rows;
  if (file) ctx.section = section_for(*file, step.direction, m_db.dialect());
  if (ctx.section)
    ctx.statements = sql::split_statements(ctx.section->sql, m_db.dialect(), ctx.section->first_line);
  ctx.statements_total = static_cast<int>(ctx.statements.size());
  if (file && !file->message.empty())
    spdlog::info("Running {}, {}", graph::short_log(step), file->message);
  else
    spdlog::info("Running {}", graph::short_log(step));
  if (m_settings.observer) m_settings.observer->step_started(step);
  long long duration = is_transactional(file) ? run_transactional(ctx) : run_non_transactional(ctx);
  if (m_settings.observer) m_settings.observer->step_finished(step, duration);
  return duration;
}

std::string Runner::rollback_hint(const std::string& revision) const {
  if (m_settings.dry_run) return "dry run: every change was rolled back";
  if (m_settings.transaction_per_migration)
    return "revision " + revision + " was rolled back; earlier revisions are committed";
  if (!m_committed_any) return "the whole run was rolled back";
  return "the run's open transaction (revision " + revision +
         " and the ones before it since the last non-transactional revision) was rolled back";
}

Error Runner::statement_failure(const backend::DatabaseError& e, const StepContext& ctx, int index,
                                const std::string& hint) const {
  const auto& statement = ctx.statements[static_cast<std::size_t>(index)];
  return statement_error(e, {ctx.revision, ctx.owner().file, statement.text, statement.line, m_db.dialect()}, hint);
}

/// A transactional step that failed or was interrupted was rolled back whole, its journal
/// row with it: the attempt is appended as a `failed` (or `rolled_back`) row in a transaction
/// of its own, for the history only (it does not make the revision partial). A dry run
/// records nothing; a journal that cannot be written is logged, never allowed to hide the
/// failure itself.
void Runner::record_rolled_back_attempt(const StepContext& ctx, const std::string& status, int statements_done,
                                        const std::string& error) {
  if (m_settings.dry_run) return;
  try {
    Transaction record(m_db);
    // With one transaction per revision the database is now as the step found it, so the row
    // can vouch for that schema; a run in one transaction rolled back more than this step.
    m_journal.ensure();  // before the fingerprint, as in record_applied_step
    auto schema = m_settings.transaction_per_migration ? m_schema.fingerprint_for_journal() : SchemaMark{};
    write_journal(ctx, status, statements_done, &error, elapsed_ms(ctx.start), schema);
    record.commit();
  } catch (const std::exception& e) {
    spdlog::error("could not record the attempt of {} in the journal: {}", graph::short_log(*ctx.step), e.what());
  }
}

void Runner::interrupt_transactional(const StepContext& ctx, int statements_done, int sig) {
  std::string what = ctx.revision.empty() ? graph::short_log(*ctx.step) : "revision " + ctx.revision;
  auto hint = rollback_hint(ctx.revision.empty() ? "(stamp)" : ctx.revision);
  m_transaction.reset();
  record_rolled_back_attempt(ctx, "rolled_back", statements_done, "interrupted by " + signal_name(sig));
  throw Error::interrupted(
      sig,
      fmt::format("interrupted by {} while running {}{} (after statement {} of {})", signal_name(sig), what,
                  ctx.file ? " (" + ctx.file->path.string() + ")" : std::string(), statements_done,
                  ctx.statements_total),
      hint + "; run the command again to continue");
}

long long Runner::run_transactional(StepContext& ctx) {
  m_timeouts.apply_for(ctx.file);
  begin_if_needed();
  m_foreign_keys.revision_starting(ctx.revision, ctx.owner().file, ctx.statements);
  auto outcome = m_executor.run(ctx.statements, 0, StepExecutor::Mode::in_transaction, ctx.owner());
  using End = StepExecutor::Outcome::End;
  if (outcome.end == End::stopped) interrupt_transactional(ctx, outcome.done, outcome.signal);
  if (outcome.end == End::failed) {
    auto error = statement_failure(*outcome.error, ctx, outcome.done, rollback_hint(ctx.revision));
    m_transaction.reset();
    record_rolled_back_attempt(ctx, "failed", outcome.done, error.what());
    throw error;
  }
  record_transactional(ctx, outcome.done);
  return elapsed_ms(ctx.start);
}

/// The version ops and the journal row of a transactional step, then its commit (per
/// revision). The commit runs outside the cancel window: a stop now lets it finish, and the
/// run stops before the next revision.
void Runner::record_transactional(StepContext& ctx, int done) {
  auto hint = rollback_hint(ctx.revision.empty() ? "(stamp)" : ctx.revision);
  try {
    try {
      record_applied_step(ctx);
    } catch (const backend::DatabaseError&) {
      if (int sig = m_stop.requested()) interrupt_transactional(ctx, done, sig);
      throw;
    }
    if (m_settings.transaction_per_migration && m_settings.dry_run) check_foreign_keys();
    if (m_settings.transaction_per_migration && !m_settings.dry_run) commit_run();
  } catch (const backend::DatabaseError& e) {
    m_transaction.reset();
    Error error(ErrorKind::database,
                fmt::format("{} failed while recording it: {}", graph::short_log(*ctx.step), e.what()),
                combine_hints(e, hint));
    record_rolled_back_attempt(ctx, "failed", done, error.what());
    throw error;
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::database || !m_transaction || !m_transaction->open()) throw;
    m_transaction.reset();
    record_rolled_back_attempt(ctx, "failed", done, e.what());
    throw Error(e.kind(), e.what(), e.hint().empty() ? hint : e.hint()).located(e.where());
  }
}

std::string Runner::partial_hint(const StepContext& ctx, int done) const {
  return fmt::format(
      "revision {} is non-transactional: {} of {} statements ran and stay committed; run `migrate repair` "
      "to see them, then `migrate repair --resume` once the cause is fixed, or fix the database by hand "
      "and record it with `migrate repair --mark-applied {} --reason \"...\"` (or --mark-reverted); until "
      "then upgrade and downgrade refuse to run",
      ctx.revision, done, ctx.statements_total, ctx.revision);
}

long long Runner::run_non_transactional(StepContext& ctx) {
  // Statements that cannot run in a transaction: whatever ran before is committed first,
  // as Alembic's autocommit_block does.
  if (m_transaction && m_transaction->open()) commit_run();
  m_timeouts.apply_for(ctx.file);
  begin_if_needed();
  long long journal_id = write_journal(ctx, "running", 0, nullptr, -1);
  commit_run();
  auto outcome = m_executor.run(ctx.statements, 0, StepExecutor::Mode::one_by_one, ctx.owner(),
                                journal_progress(m_journal, journal_id));
  if (outcome.end != StepExecutor::Outcome::End::completed) fail_non_transactional(ctx, journal_id, outcome);
  finish_non_transactional(ctx, journal_id);
  return elapsed_ms(ctx.start);
}

void Runner::fail_non_transactional(StepContext& ctx, long long journal_id, const StepExecutor::Outcome& outcome) {
  bool stopped = outcome.end == StepExecutor::Outcome::End::stopped;
  auto reason = stopped ? fmt::format("interrupted by {} after statement {} of {}", signal_name(outcome.signal),
                                      outcome.done, ctx.statements_total)
                        : std::string(outcome.error->what());
  try {
    m_journal.finish(journal_id, "failed", outcome.done, reason, ctx.heads_before, elapsed_ms(ctx.start));
  } catch (const std::exception& e) {
    spdlog::error("could not record the failure of revision {} in the journal: {}", ctx.revision, e.what());
  }
  if (stopped)
    throw Error::interrupted(outcome.signal,
                             fmt::format("revision {} ({}) {}; it is partially applied", ctx.revision,
                                         ctx.file->path.string(), reason),
                             partial_hint(ctx, outcome.done));
  auto error = statement_failure(*outcome.error, ctx, outcome.done, partial_hint(ctx, outcome.done));
  throw Error(ErrorKind::database,
              std::string(error.what()) + fmt::format("\n  (statement {} of {}; revision {} is partially applied)",
                                                      outcome.done + 1, ctx.statements_total, ctx.revision),
              error.hint())
      .located(error.where());
}

void Runner::finish_non_transactional(StepContext& ctx, long long journal_id) {
  try {
    Transaction record(m_db);
    apply_ops(*ctx.step);
    m_journal.finish(journal_id, "applied", ctx.statements_total, "", ctx.heads_after, elapsed_ms(ctx.start),
                     fingerprint_if_last(ctx));
    record.commit();
    m_committed_any = true;
  } catch (const std::exception& e) {
    try {
      m_journal.finish(journal_id, "failed", ctx.statements_total, e.what(), ctx.heads_before, elapsed_ms(ctx.start));
    } catch (const std::exception& j) {
      spdlog::error("could not record the failure of revision {} in the journal: {}", ctx.revision, j.what());
    }
    throw Error(ErrorKind::database,
                fmt::format("{}: every statement ran, but recording it failed: {}", graph::short_log(*ctx.step),
                            e.what()),
                partial_hint(ctx, ctx.statements_total));
  }
}

void Runner::apply_ops(const Step& step) {
  const auto& vt = m_settings.version_table;
  if (auto mismatch = run_version_ops(m_db, vt, step.ops)) throw version_op_error(m_db.dialect(), vt, *mismatch);
}

SchemaMark Runner::fingerprint_if_last(const StepContext& ctx) {
  if (!ctx.last_of_run || m_settings.dry_run || !m_settings.record_fingerprint) return {};
  return m_schema.fingerprint_for_journal();
}

JournalEntry Runner::journal_row(const StepContext& ctx, const std::string& status, int statements_done,
                                 const std::string* error, long long duration_ms, const SchemaMark& schema) const {
  StepFacts facts{*ctx.step,        ctx.file,          ctx.statements, ctx.heads_before, ctx.heads_after,
                  ctx.started_at,   to_string(m_settings.command), m_db_user};
  auto row = step_row(facts, m_db.dialect(), status, statements_done, error ? *error : std::string(), duration_ms);
  row.transactional = is_transactional(ctx.file);
  row.reason = m_settings.reason;
  row.set_schema(schema);
  return row;
}

long long Runner::write_journal(const StepContext& ctx, const std::string& status, int statements_done,
                                const std::string* error, long long duration_ms, const SchemaMark& schema) {
  return m_journal.append(journal_row(ctx, status, statements_done, error, duration_ms, schema));
}

/// A transactional step's version ops and its `applied` journal row, sent together (one
/// round trip on PostgreSQL) before the commit; a version op that did not match one row is
/// refused as apply_ops() refuses it, and the caller rolls the whole step back.
void Runner::record_applied_step(const StepContext& ctx) {
  const auto& vt = m_settings.version_table;
  // The journal before the fingerprint: creating or altering it changes the catalog the
  // digest covers (in a run in one transaction it is made with the first step).
  if (ctx.last_of_run) m_journal.ensure();
  const auto schema = fingerprint_if_last(ctx);
  const auto ops = version_op_statements(m_db, vt, ctx.step->ops);
  std::vector<backend::Backend::Statement> statements(ops.begin(), ops.end());
  statements.push_back(m_journal.append_statement(
      journal_row(ctx, "applied", ctx.statements_total, nullptr, elapsed_ms(ctx.start), schema)));
  auto result = m_db.execute_batch(statements);
  if (auto mismatch = first_version_op_mismatch(ctx.step->ops, result.changes))
    throw version_op_error(m_db.dialect(), vt, *mismatch);
  m_journal.appended_id(result.last_rows);
}

}  // namespace migrate::runtime

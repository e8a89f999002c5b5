#include "runtime/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <spdlog/spdlog.h>

#include "backend/sql_dialect.hpp"
#include "runtime/interrupt.hpp"
#include "runtime/version_table.hpp"
#include "script/statement_splitter.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace migrate::runtime {
namespace {

namespace sql = backend::sql;
using graph::Direction;
using graph::Step;
using graph::VersionOp;
using Clock = std::chrono::steady_clock;

constexpr size_t k_statement_excerpt = 300;

using util::join;

std::string_view direction_name(Direction d) {
  switch (d) {
    case Direction::upgrade: return "upgrade";
    case Direction::downgrade: return "downgrade";
    case Direction::stamp: return "stamp";
  }
  return "upgrade";
}

/// `upgrade a -> b` / `stamp_revision a -> ` as Alembic's `short_log`.
std::string short_log(const Step& step) {
  std::string verb = step.direction == Direction::stamp ? "stamp_revision"
                                                        : std::string(direction_name(step.direction));
  return verb + " " + join(step.from, ", ") + " -> " + join(step.to, ", ");
}

long long elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

const script::SqlSection* section_for(const script::RevisionFile& file, Direction d, Dialect dialect) {
  if (d == Direction::upgrade) return file.upgrade_for(dialect);
  if (d == Direction::downgrade) return file.downgrade_for(dialect);
  return nullptr;
}

std::string excerpt(std::string_view statement) {
  std::string one_line;
  bool space = false;
  for (char c : statement) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = true;
      continue;
    }
    if (space && !one_line.empty()) one_line += ' ';
    space = false;
    one_line += c;
  }
  if (one_line.size() > k_statement_excerpt) one_line = one_line.substr(0, k_statement_excerpt) + " ...";
  return one_line;
}

/// The file line of byte `position` of `text`, whose first character is on `first_line`.
int line_at(std::string_view text, long position, int first_line) {
  if (position < 0) return first_line;
  auto end = std::min<size_t>(static_cast<size_t>(position), text.size());
  return first_line + static_cast<int>(std::count(text.begin(), text.begin() + end, '\n'));
}

/// The statement of `text` that contains byte `position` (the splitter's statements are
/// located in `text` in order; a statement not found verbatim falls back to its line).
std::string statement_at(std::string_view text, long position, Dialect dialect, int first_line) {
  auto statements = script::split_statements(text, dialect, first_line);
  if (statements.empty()) return std::string(text);
  if (position < 0) return statements.front().text;
  size_t cursor = 0;
  const script::Statement* best = &statements.front();
  int line = line_at(text, position, first_line);
  for (const auto& s : statements) {
    auto at = text.find(s.text, cursor);
    if (at != std::string_view::npos) {
      if (at > static_cast<size_t>(position)) break;
      best = &s;
      cursor = at + s.text.size();
      if (static_cast<size_t>(position) < cursor) break;
    } else if (s.line <= line) {
      best = &s;
    }
  }
  return best->text;
}

}  // namespace

/// What one step needs while it runs.
struct Runner::StepContext {
  const Step* step = nullptr;
  const script::RevisionFile* file = nullptr;
  const script::SqlSection* section = nullptr;
  std::vector<std::string> heads_before;
  std::vector<std::string> heads_after;
  std::string started_at;
  Clock::time_point start;
  std::vector<script::Statement> statements;  ///< of `section`, split
  int statements_total = 0;
};

Runner::Runner(backend::Backend& db, RunSettings settings, FileLookup files)
    : m_db(db), m_settings(std::move(settings)), m_files(std::move(files)), m_journal(db, m_settings.version_table) {}

std::vector<std::string> Runner::read_version_rows() {
  return runtime::read_version_rows(m_db, m_settings.version_table);
}

std::vector<PartialRevision> Runner::partial_revisions() {
  std::vector<PartialRevision> out;
  for (auto& e : m_journal.partial()) {
    PartialRevision p;
    p.journal_id = e.id;
    p.revision = e.revision;
    p.direction = e.direction;
    p.status = e.status;
    p.statements_done = e.statements_done;
    p.statements_total = e.statements_total;
    p.error = e.error;
    p.started_at = e.started_at;
    p.file_path = e.file_path;
    out.push_back(std::move(p));
  }
  return out;
}

namespace {

Error needs_repair_error(const std::vector<PartialRevision>& partial) {
  std::string message;
  for (const auto& p : partial) {
    if (!message.empty()) message += "\n";
    std::string where = p.file_path.empty() ? "" : " (" + p.file_path + ")";
    if (p.status == "failed") {
      message += fmt::format(
          "revision {}{} is partially applied: its {} failed at statement {} of {} (started {}): {}",
          p.revision, where, p.direction, p.statements_done + 1, p.statements_total, p.started_at, p.error);
    } else {
      message += fmt::format(
          "revision {}{} is partially applied: its {} stopped after statement {} of {} (started {}; "
          "the process ended without finishing it)",
          p.revision, where, p.direction, p.statements_done, p.statements_total, p.started_at);
    }
  }
  const auto& rev = partial.front().revision;
  return Error(ErrorKind::needs_repair, message,
               fmt::format("run `migrate repair` to see which statements ran and whether their effects are in the "
                           "database; then either `migrate repair --resume` (runs the statements that did not "
                           "complete), or fix it by hand and record it with `migrate repair --mark-applied {0} "
                           "--reason \"...\"` (finished) or `migrate repair --mark-reverted {0} --reason \"...\"` "
                           "(undone); `migrate stamp <revision>` also resolves every partial revision",
                           rev));
}

/// "5s" or nothing: for messages.
std::string describe_timeouts(const std::optional<std::string>& lock, const std::optional<std::string>& statement) {
  return fmt::format("lock_timeout={}, statement_timeout={}", lock.value_or("default"),
                     statement.value_or("default"));
}

/// The database's own advice (e.g. PostgreSQL's 25001 "mark the revision transactional =
/// false"), then what the runner did about the failure.
std::string combine_hints(const backend::DatabaseError& e, const std::string& runner_hint) {
  std::string db_hint = !e.hint().empty() ? e.hint() : e.details().server_hint;
  if (db_hint.empty()) return runner_hint;
  if (runner_hint.empty()) return db_hint;
  return db_hint + "; " + runner_hint;
}

/// `MIGRATE_TEST_*` hooks (runner.hpp), read once per run.
int env_count(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return 0;
  return std::atoi(value);
}

int env_signal(const char* name) {
  const char* value = std::getenv(name);
  if (!value) return SIGTERM;
  std::string_view v(value);
  auto colon = v.find(':');
  if (colon == std::string_view::npos) return SIGTERM;
  auto sig = v.substr(colon + 1);
  return sig == "INT" || sig == "SIGINT" ? SIGINT : SIGTERM;
}

std::string backup_timestamp() {
  auto secs = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace

RunResult Runner::run(const Planner& planner) {
  MigrationLock lock(m_db, m_settings.version_table, m_settings.lock_timeout);
  // After the lock: a signal while waiting for it ends the process the default way, which
  // is right then (nothing changed yet; the lock attempt dies with the process).
  SignalScope signals(m_db);
  m_db_user = m_db.database_user();
  m_committed_any = false;
  m_statements_run = 0;
  m_crash_after = env_count("MIGRATE_TEST_CRASH_AFTER_STATEMENT");
  m_signal_after = env_count("MIGRATE_TEST_SIGNAL_AFTER_STATEMENT");
  m_test_signal = env_signal("MIGRATE_TEST_SIGNAL_AFTER_STATEMENT");
  m_timeouts = {};
  try {
    auto rows = read_version_rows();
    if (m_settings.command != "stamp") {
      auto partial = partial_revisions();
      if (!partial.empty()) throw needs_repair_error(partial);
    }
    RunResult result;
    result.plan = planner(rows);
    check_plan(result.plan);
    stop_if_interrupted("before anything changed");
    // The first change comes next: the backup, if asked for, is taken now, outside any
    // transaction, under the lock (so it is exactly the state the plan starts from).
    if (!m_settings.dry_run && !result.plan.steps.empty()) {
      if (m_settings.before_changes) m_settings.before_changes(result.plan);
      if (m_settings.backup) result.backup = take_backup(*m_settings.backup);
    }
    if (m_settings.dry_run) {
      if (!result.plan.steps.empty()) apply_timeouts(step_file(result.plan.steps.front()));
      m_db.begin();
    }
    ensure_version_table();
    // With a transaction per revision, the journal is made or checked once here, outside any
    // transaction, so each revision's row needs no catalog query of its own. (A dry run or
    // a run in one transaction keeps it inside, so that a rollback leaves no table behind.)
    if (m_settings.transaction_per_migration && !m_settings.dry_run && !m_db.in_transaction() &&
        !result.plan.steps.empty())
      m_journal.ensure();
    for (size_t i = 0; i < result.plan.steps.size(); ++i) {
      const auto& step = result.plan.steps[i];
      stop_if_interrupted(fmt::format("before {}", short_log(step)));
      result.duration_ms.push_back(run_step(step, rows));
    }
    if (m_db.in_transaction()) stop_if_interrupted("before the run's transaction was committed");
    if (m_settings.dry_run) {
      m_db.rollback();
    } else if (m_db.in_transaction()) {
      commit_run();
    }
    if (int sig = SignalScope::pending_signal())
      spdlog::warn("{} arrived after the last revision was committed: the run is complete", signal_name(sig));
    reset_timeouts();
    return result;
  } catch (...) {
    if (m_db.in_transaction()) m_db.rollback();
    reset_timeouts();
    throw;
  }
}

backend::BackupResult Runner::take_backup(const std::filesystem::path& requested) {
  auto path = requested.empty() ? m_db.default_backup_path(backup_timestamp()) : requested;
  backend::BackupResult backup;
  try {
    backup = m_db.backup(path);
  } catch (const Error&) {
    // A terminal's Ctrl-C reaches the whole process group, pg_dump included: its failure
    // is then the interruption, not a backup problem.
    stop_if_interrupted("while taking the backup");
    throw;
  }
  spdlog::info("Backup written to {}; restore with: {}", backup.path.string(), backup.restore_command);
  return backup;
}

void Runner::stop_if_interrupted(const std::string& where) {
  int sig = SignalScope::pending_signal();
  if (!sig) return;
  std::string undone;
  if (m_db.in_transaction()) {
    undone = m_settings.dry_run ? "dry run: every change was rolled back"
             : m_committed_any
                 ? "the run's open transaction (the revisions since the last non-transactional one) was rolled back"
                 : "the whole run was rolled back";
    m_db.rollback();
  } else {
    undone = m_committed_any ? "the revisions before it are committed" : "nothing was changed";
  }
  throw Error::interrupted(sig, fmt::format("interrupted by {} {}", signal_name(sig), where),
                           undone + "; run the command again to continue");
}

const script::RevisionFile* Runner::step_file(const Step& step) const {
  return step.direction == Direction::stamp ? nullptr : m_files(step.revision.value_or(""));
}

void Runner::apply_timeouts(const script::RevisionFile* file) {
  SessionTimeouts wanted{m_settings.session_lock_timeout, m_settings.session_statement_timeout};
  if (file && file->lock_timeout) wanted.lock = file->lock_timeout;
  if (file && file->statement_timeout) wanted.statement = file->statement_timeout;
  if (wanted == m_timeouts) return;
  if (m_db.in_transaction()) {
    // A SET inside the transaction would be undone by its rollback, and would change the
    // rules halfway through it: the transaction's first revision decides.
    spdlog::warn("revision {} asks for {}, but it runs inside a transaction opened by an earlier revision "
                 "(transaction_per_migration = false, or --dry-run), which keeps {}",
                 file ? file->id : std::string("(stamp)"), describe_timeouts(wanted.lock, wanted.statement),
                 describe_timeouts(m_timeouts.lock, m_timeouts.statement));
    return;
  }
  m_db.set_session_timeouts(wanted.lock, wanted.statement);
  m_timeouts = wanted;
}

void Runner::reset_timeouts() noexcept {
  if (m_timeouts == SessionTimeouts{}) return;
  try {
    m_db.set_session_timeouts(std::nullopt, std::nullopt);
    m_timeouts = {};
  } catch (const std::exception& e) {
    spdlog::warn("could not reset lock_timeout/statement_timeout on {}: {}", m_db.describe(), e.what());
  }
}

void Runner::statement_done() {
  ++m_statements_run;
  // Test hooks (runner.hpp): a crash or a signal at an exact point of the run.
  if (m_crash_after > 0 && m_statements_run == m_crash_after) raise(SIGKILL);
  if (m_signal_after > 0 && m_statements_run == m_signal_after) raise(m_test_signal);
}

void Runner::ensure_version_table() {
  const auto& vt = m_settings.version_table;
  if (m_db.table_exists(vt.schema, vt.name)) return;
  m_db.execute(sql::create_version_table(m_db.dialect(), vt.schema, vt.name));
}

bool Runner::is_transactional(const script::RevisionFile* file) const {
  return !file || (file->transactional && m_db.capabilities().transactional_ddl);
}

void Runner::check_plan(const graph::Plan& plan) const {
  std::vector<std::string> non_transactional;
  for (const auto& step : plan.steps) {
    if (step.direction == Direction::stamp) continue;
    const auto& id = step.revision.value_or("");
    const auto* file = m_files(id);
    if (!file)
      throw Error(ErrorKind::needs_repair,
                  fmt::format("cannot {} revision {}: its file is gone", direction_name(step.direction), id),
                  "restore the revision file (from version control), or record the state by hand with "
                  "`migrate stamp`");
    if (step.direction == Direction::downgrade && file->is_irreversible())
      throw Error(ErrorKind::irreversible,
                  fmt::format("revision {} ({}) has no downgrade section; cannot downgrade through it",
                              id, file->path.string()),
                  "add a `-- migrate:downgrade` section to the file (an empty one is a no-op), or "
                  "choose a target above it");
    if (!is_transactional(file)) non_transactional.push_back(id + " (" + file->path.string() + ")");
  }
  if (m_settings.dry_run && !non_transactional.empty())
    throw Error(ErrorKind::usage,
                "--dry-run cannot run non-transactional revisions: " + join(non_transactional, ", "),
                "their statements cannot be rolled back; use --sql or --plan to review them");
}

void Runner::begin_if_needed() {
  if (!m_db.in_transaction()) m_db.begin();
}

void Runner::commit_run() {
  m_db.commit();
  m_committed_any = true;
}

long long Runner::run_step(const Step& step, std::vector<std::string>& rows) {
  StepContext ctx;
  ctx.step = &step;
  ctx.start = Clock::now();
  ctx.started_at = utc_now_iso();
  ctx.heads_before = rows;
  for (const auto& op : step.ops) apply_to_rows(rows, op);
  ctx.heads_after = rows;
  if (step.direction != Direction::stamp) {
    ctx.file = m_files(step.revision.value_or(""));
    ctx.section = section_for(*ctx.file, step.direction, m_db.dialect());
  }
  if (ctx.section)
    ctx.statements = script::split_statements(ctx.section->sql, m_db.dialect(), ctx.section->first_line);
  ctx.statements_total = static_cast<int>(ctx.statements.size());
  if (ctx.file && !ctx.file->message.empty())
    spdlog::info("Running {}, {}", short_log(step), ctx.file->message);
  else
    spdlog::info("Running {}", short_log(step));

  if (is_transactional(ctx.file)) return run_transactional(ctx);
  return run_non_transactional(ctx);
}

std::string Runner::rollback_hint(const std::string& revision) const {
  if (m_settings.dry_run) return "dry run: every change was rolled back";
  if (m_settings.transaction_per_migration)
    return "revision " + revision + " was rolled back; earlier revisions are committed";
  if (!m_committed_any) return "the whole run was rolled back";
  return "the run's open transaction (revision " + revision +
         " and the ones before it since the last non-transactional revision) was rolled back";
}

Error Runner::statement_error(const backend::DatabaseError& e, const StepContext& ctx,
                              std::string_view sent, int first_line, const std::string& hint) const {
  const auto& id = ctx.step->revision.value_or("");
  auto pos = e.details().position;
  int line = line_at(sent, pos, first_line);
  auto statement = excerpt(statement_at(sent, pos, m_db.dialect(), first_line));
  auto file = ctx.file ? ctx.file->path.string() : std::string();
  Error error(ErrorKind::database,
              fmt::format("revision {} failed at {}:{}: {}\n  statement: {}", id, file.empty() ? "?" : file, line,
                          e.what(), statement),
              combine_hints(e, hint));
  return error.located({id, file, line, statement, e.details().sqlstate});
}

void Runner::interrupt_transactional(const StepContext& ctx, int statements_done) {
  int sig = SignalScope::pending_signal();
  const auto& id = ctx.step->revision.value_or("");
  std::string what = id.empty() ? short_log(*ctx.step) : "revision " + id;
  auto hint = rollback_hint(id.empty() ? "(stamp)" : id);
  m_db.rollback();
  // History only: the revision left no trace, but the journal says it was tried and why it
  // stopped. Its own short transaction; a dry run records nothing.
  if (!m_settings.dry_run) {
    try {
      m_db.begin();
      std::string error = "interrupted by " + signal_name(sig);
      write_journal(ctx, "rolled_back", statements_done, &error, elapsed_ms(ctx.start));
      m_db.commit();
    } catch (const std::exception& e) {
      m_db.rollback();
      spdlog::error("could not record the interruption of {} in the journal: {}", what, e.what());
    }
  }
  throw Error::interrupted(
      sig,
      fmt::format("interrupted by {} while running {}{} (after statement {} of {})", signal_name(sig), what,
                  ctx.file ? " (" + ctx.file->path.string() + ")" : std::string(), statements_done,
                  ctx.statements_total),
      hint + "; run the command again to continue");
}

long long Runner::run_transactional(StepContext& ctx) {
  const auto& id = ctx.step->revision.value_or("");
  apply_timeouts(ctx.file);
  begin_if_needed();
  int done = 0;
  try {
    {
      // A signal now also cancels the running statement: all of it rolls back anyway.
      CancelWindow cancel;
      for (const auto& statement : ctx.statements) {
        if (SignalScope::pending_signal()) interrupt_transactional(ctx, done);
        try {
          m_db.execute_script(statement.text);
        } catch (const backend::DatabaseError& e) {
          if (SignalScope::pending_signal()) interrupt_transactional(ctx, done);
          auto hint = rollback_hint(id);
          m_db.rollback();
          throw statement_error(e, ctx, statement.text, statement.line, hint);
        }
        // A COMMIT or ROLLBACK in the revision's own SQL ends the transaction we opened: its
        // changes may be committed while the version table does not say so. Stop here.
        if (!m_db.in_transaction())
          throw Error(ErrorKind::database,
                      fmt::format("revision {} ({}) ended the transaction it runs in (a COMMIT or ROLLBACK in "
                                  "its SQL, line {}); its changes may be committed, but it is not recorded as "
                                  "applied",
                                  id, ctx.file->path.string(), statement.line),
                      "remove the COMMIT/ROLLBACK or declare `transactional = false` in its header; then check "
                      "the schema and record the real state with `migrate stamp`");
        ++done;
        statement_done();
      }
      if (SignalScope::pending_signal()) interrupt_transactional(ctx, done);
      try {
        apply_ops(*ctx.step);
        write_journal(ctx, "applied", ctx.statements_total, nullptr, elapsed_ms(ctx.start));
      } catch (const backend::DatabaseError&) {
        if (SignalScope::pending_signal()) interrupt_transactional(ctx, done);
        throw;
      }
    }
    // The commit runs outside the cancel window: a signal now lets it finish, and the run
    // stops before the next revision.
    if (m_settings.transaction_per_migration && !m_settings.dry_run) commit_run();
  } catch (const backend::DatabaseError& e) {
    // Recording the step (version table, journal) or committing it failed.
    auto hint = rollback_hint(id.empty() ? "(stamp)" : id);
    m_db.rollback();
    throw Error(ErrorKind::database,
                fmt::format("{} failed while recording it: {}", short_log(*ctx.step), e.what()),
                combine_hints(e, hint));
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::database && m_db.in_transaction()) {
      auto hint = rollback_hint(id.empty() ? "(stamp)" : id);
      m_db.rollback();
      throw Error(e.kind(), e.what(), e.hint().empty() ? hint : e.hint()).located(e.where());
    }
    throw;
  }
  return elapsed_ms(ctx.start);
}

long long Runner::run_non_transactional(StepContext& ctx) {
  const auto& id = ctx.step->revision.value_or("");
  // Statements that cannot run in a transaction: whatever ran before is committed first,
  // as Alembic's autocommit_block does.
  if (m_db.in_transaction()) commit_run();
  apply_timeouts(ctx.file);
  const auto& statements = ctx.statements;

  m_db.begin();
  long long journal_id = write_journal(ctx, "running", 0, nullptr, -1);
  commit_run();

  auto& journal = m_journal;
  auto mark_failed = [&](int done, const std::string& error) noexcept {
    try {
      m_db.rollback();
      journal.finish(journal_id, "failed", done, error, ctx.heads_before, elapsed_ms(ctx.start));
    } catch (const std::exception& e) {
      spdlog::error("could not record the failure of revision {} in the journal: {}", id, e.what());
    }
  };
  auto partial_hint = [&](int done) {
    return fmt::format(
        "revision {} is non-transactional: {} of {} statements ran and stay committed; run `migrate repair` "
        "to see them, then `migrate repair --resume` once the cause is fixed, or fix the database by hand "
        "and record it with `migrate repair --mark-applied {} --reason \"...\"` (or --mark-reverted); until "
        "then upgrade and downgrade refuse to run",
        id, done, ctx.statements_total, id);
  };

  for (size_t k = 0; k < statements.size(); ++k) {
    const auto& statement = statements[k];
    try {
      m_db.execute_script(statement.text);
      journal.set_progress(journal_id, static_cast<int>(k + 1));
    } catch (const backend::DatabaseError& e) {
      mark_failed(static_cast<int>(k), e.what());
      auto error = statement_error(e, ctx, statement.text, statement.line, partial_hint(static_cast<int>(k)));
      throw Error(ErrorKind::database,
                  std::string(error.what()) +
                      fmt::format("\n  (statement {} of {}; revision {} is partially applied)", k + 1,
                                  ctx.statements_total, id),
                  error.hint())
          .located(error.where());
    }
    statement_done();
    // A signal lets the statement that was running finish (it cannot be undone); the
    // revision stops before the next one and is left `failed`, for `repair`.
    if (int sig = SignalScope::pending_signal(); sig && k + 1 < statements.size()) {
      int done = static_cast<int>(k + 1);
      auto reason = fmt::format("interrupted by {} after statement {} of {}", signal_name(sig), done,
                                ctx.statements_total);
      mark_failed(done, reason);
      throw Error::interrupted(sig,
                               fmt::format("revision {} ({}) {}; it is partially applied", id,
                                           ctx.file->path.string(), reason),
                               partial_hint(done));
    }
  }

  try {
    m_db.begin();
    apply_ops(*ctx.step);
    journal.finish(journal_id, "applied", ctx.statements_total, "", ctx.heads_after, elapsed_ms(ctx.start));
    commit_run();
  } catch (const std::exception& e) {
    mark_failed(ctx.statements_total, e.what());
    throw Error(ErrorKind::database,
                fmt::format("{}: every statement ran, but recording it failed: {}", short_log(*ctx.step), e.what()),
                partial_hint(ctx.statements_total));
  }
  return elapsed_ms(ctx.start);
}

void Runner::apply_ops(const Step& step) {
  const auto& vt = m_settings.version_table;
  auto dialect = m_db.dialect();
  auto table = sql::qualified_name(dialect, vt.schema, vt.name);
  for (const auto& op : step.ops) {
    auto n = m_db.execute(version_op_sql(dialect, vt, op));
    if (op.kind == VersionOp::Kind::update && n != 1)
      throw Error(ErrorKind::database,
                  fmt::format("Online migration expected to match one row when updating '{}' to '{}' in '{}'; "
                              "{} found",
                              op.from, op.to, table, n));
    if (op.kind == VersionOp::Kind::remove && n != 1)
      throw Error(ErrorKind::database,
                  fmt::format("Online migration expected to match one row when deleting '{}' in '{}'; {} found",
                              op.from, table, n));
  }
}

long long Runner::write_journal(const StepContext& ctx, const std::string& status, int statements_done,
                                const std::string* error, long long duration_ms) {
  auto dialect = m_db.dialect();
  const auto* file = ctx.file;
  JournalEntry e;
  e.revision = ctx.step->revision.value_or("");
  e.direction = direction_name(ctx.step->direction);
  e.command = m_settings.command;
  e.heads_before = ctx.heads_before;
  // Only an applied step moved the heads; running, failed and rolled_back rows did not.
  e.heads_after = status == "applied" ? ctx.heads_after : ctx.heads_before;
  e.version_ops = ctx.step->ops;
  if (file) {
    e.checksum = file->checksum;
    e.checksum_algorithm = k_checksum_algorithm;
    e.file_path = file->path.string();
    e.message = file->message;
    if (const auto* down = file->downgrade_for(dialect)) {
      e.downgrade_sql = down->sql;
      e.has_downgrade = true;
    }
    // The copy a later downgrade or diff works from; read only for upgrades (the file text
    // is not kept in memory after parsing).
    if (ctx.step->direction == Direction::upgrade) e.file_content = normalized_file_content(*file);
    for (const auto& statement : ctx.statements) e.statement_hashes.push_back(util::sha256_hex(statement.text));
  }
  e.status = status;
  e.statements_done = statements_done;
  e.statements_total = ctx.statements_total;
  if (error) e.error = *error;
  e.started_at = ctx.started_at;
  if (status != "running") e.finished_at = utc_now_iso();
  e.duration_ms = duration_ms;
  e.db_user = m_db_user;
  fill_process_identity(e);
  return m_journal.append(e);
}

// ---------------------------------------------------------------------------------------
// Offline --sql

void write_offline_sql(const graph::Plan& plan, Dialect dialect, const VersionTable& vt,
                       bool transaction_per_migration, const FileLookup& files, std::ostream& out) {
  // Validate everything before the first byte is written: a half script is worse than none.
  std::vector<const script::RevisionFile*> step_files;
  for (const auto& step : plan.steps) {
    const script::RevisionFile* file = nullptr;
    if (step.direction != Direction::stamp) {
      const auto& id = step.revision.value_or("");
      file = files(id);
      if (!file) throw Error(ErrorKind::script, "no revision file for revision " + id);
      if (step.direction == Direction::downgrade && file->is_irreversible())
        throw Error(ErrorKind::irreversible,
                    fmt::format("revision {} ({}) has no downgrade section; cannot downgrade through it", id,
                                file->path.string()),
                    "add a `-- migrate:downgrade` section to the file (an empty one is a no-op), or "
                    "choose a target above it");
    }
    step_files.push_back(file);
  }

  auto emit = [&](std::string_view text) { out << text << "\n\n"; };
  std::vector<std::string> rows = plan.heads_before;
  bool open = false;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const auto& step = plan.steps[i];
    const auto* file = step_files[i];
    bool transactional = !file || file->transactional;
    if (transactional && !open) {
      emit("BEGIN;");
      open = true;
    } else if (!transactional && open) {
      emit("COMMIT;");
      open = false;
    }
    // Alembic creates the table in any step that starts from no rows, inside its transaction.
    if (rows.empty()) emit(backend::sql::create_version_table(dialect, vt.schema, vt.name) + ";");
    emit("-- Running " + short_log(step));
    if (file) {
      if (const auto* section = section_for(*file, step.direction, dialect)) {
        for (const auto& statement : script::split_statements(section->sql, dialect, section->first_line))
          emit(statement.text + ";");
      }
    }
    for (const auto& op : step.ops) {
      emit(version_op_sql(dialect, vt, op) + ";");
      apply_to_rows(rows, op);
    }
    if (open && transaction_per_migration) {
      emit("COMMIT;");
      open = false;
    }
  }
  if (open) emit("COMMIT;");
}

}  // namespace migrate::runtime

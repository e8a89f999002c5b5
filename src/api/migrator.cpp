// migrate::Migrator: the state-changing operations of the command line (upgrade,
// downgrade, stamp, repair) and the read of the current state, without option parsing or
// rendering. Each works out its plan with the pure graph and hands it to the runtime
// (online) or to the offline writer; planning also happens before the lock, so identifier
// and planning errors change nothing, not even the version table's creation.
#include <migrate/migrator.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <mutex>
#include <ostream>

#include "api/access.hpp"
#include "api/check.hpp"
#include "api/convert.hpp"
#include "api/database.hpp"
#include "api/drift.hpp"
#include "api/fleet.hpp"
#include "api/schema_repair.hpp"
#include "api/schema.hpp"
#include "api/project.hpp"
#include "api/replay.hpp"
#include "api/status.hpp"
#include "api/stop.hpp"
#include "backend/sql_dialect.hpp"
#include "config/config.hpp"
#include "runtime/offline_writer.hpp"
#include "runtime/plan_check.hpp"
#include "runtime/repair.hpp"
#include "runtime/runner.hpp"
#include "runtime/validation.hpp"
#include "util/strings.hpp"

namespace migrate {

struct Migrator::Impl {
  config::Config config;
  api::StopState stop;
  runtime::RunObserver* internal_observer = nullptr;  ///< the command line's test hooks
};

namespace {

using api::Project;

std::string join_ids(const std::vector<std::string>& ids, const std::string& empty = "") {
  return ids.empty() ? empty : util::join(ids, ", ");
}

config::Config config_from(const ConfigSource& source) {
  config::Overrides o;
  if (!source.file.empty()) o.config_file = source.file;
  if (!source.url.empty()) o.url = source.url;
  if (!source.environment.empty()) o.env = source.environment;
  o.x_args = source.x_args;
  return config::load(o);
}

config::Config config_from(const Settings& s) {
  if (s.script_location.empty())
    throw Error(ErrorKind::config, "Settings::script_location is empty", "set it to the folder of the migrations");
  config::Config c;
  c.script_location = std::filesystem::absolute(s.script_location).lexically_normal();
  for (const auto& loc : s.version_locations)
    c.version_locations.push_back(std::filesystem::absolute(loc).lexically_normal());
  if (c.version_locations.empty()) c.version_locations.push_back(c.script_location / "versions");
  c.recursive_version_locations = s.recursive_version_locations;
  c.database_url = s.database_url;
  c.database_url_source = s.database_url.empty() ? "" : "Settings::database_url";
  c.version_table = s.version_table;
  c.version_table_schema = s.version_table_schema;
  c.transaction_per_migration = s.transaction_per_migration;
  c.lock_timeout = s.session_lock_timeout;
  c.statement_timeout = s.session_statement_timeout;
  c.schemas = s.schemas;
  c.check_drift = s.check_drift;
  if (!s.dump_after_upgrade.empty()) c.dump_after_upgrade = std::filesystem::absolute(s.dump_after_upgrade).lexically_normal();
  return c;
}

struct Range {
  std::optional<std::string> start;  ///< nullopt: no ':' in the argument
  std::string end;
};

Range split_range(const std::string& arg) {
  auto colon = arg.find(':');
  if (colon == std::string::npos) return {std::nullopt, arg};
  return {arg.substr(0, colon), arg.substr(colon + 1)};
}

/// The rows an offline run starts from: the range's start resolved (absent: empty table).
std::vector<std::string> offline_start(const Project& p, const std::optional<std::string>& start) {
  if (!start || start->empty()) return {};
  return p.map().resolve(*start);
}

void write_offline(const Project& p, const graph::Plan& plan, std::ostream& out) {
  runtime::write_offline_sql(plan, backend::dialect_of_url(p.config().database_url),
                             api::version_table(p.config()),
                             p.config().transaction_per_migration, api::file_lookup(p), out);
}

/// The last line of a run. A dry run says that nothing stayed, so that its step count is not
/// read as applied.
void log_outcome(const std::string& command, const graph::Plan& plan, bool dry_run) {
  if (plan.steps.empty()) {
    spdlog::info("Nothing to do: the database is at {}", join_ids(plan.heads_before, "base"));
    return;
  }
  if (dry_run) {
    spdlog::info("dry run: {} step(s) ran and were rolled back; the database is unchanged (heads still {})",
                 plan.steps.size(), join_ids(plan.heads_before, "(none)"));
    return;
  }
  spdlog::info("{} finished: {} step(s); heads now {}", command, plan.steps.size(),
               join_ids(plan.heads_after, "(none)"));
}

/// Refuses (Error{needs_repair}) when an applied file changed, or, for an upgrade, when one
/// is gone (runtime/validation.hpp). Stamps are how users get out, so they are not checked.
/// `recorded`: the journal's recorded checksums when already read, else nullptr.
void validate(const Project& p, backend::Backend& db, Command command, const std::vector<std::string>& rows,
              const runtime::RecordedChecksums* recorded) {
  if (command == Command::stamp) return;
  auto has_file = [&p](const std::string& id) { return p.has_file(id); };
  const auto vt = api::version_table(p.config());
  auto report = recorded ? runtime::validate_applied(p.map(), rows, api::file_lookup(p), has_file, db, vt, *recorded)
                         : runtime::validate_applied(p.map(), rows, api::file_lookup(p), has_file, db, vt);
  runtime::require_valid(report, api::command_name(command));
}

/// A downgrade through a revision whose file is gone runs the copy stored in the journal:
/// say so, naming the revision and when the copy was stored.
void warn_journal_copies(const Project& p, const graph::Plan& plan) {
  for (const auto& step : plan.steps)
    if (step.revision && step.direction == graph::Direction::downgrade && p.is_journal_copy(*step.revision))
      spdlog::warn("revision {} has no file in the version locations: its downgrade SQL comes from the copy stored "
                   "in the journal when it was applied ({})",
                   *step.revision, p.copy_stored_at(*step.revision));
}

/// What one online operation needs besides the project and the database.
struct Request {
  Command command = Command::upgrade;
  std::string target;
  bool plan_only = false;
  bool dry_run = false;
  std::optional<std::filesystem::path> backup;
  std::optional<std::chrono::milliseconds> lock_timeout;
  Observer* observer = nullptr;
  runtime::RunObserver* internal_observer = nullptr;
  bool tolerate_unknown_rows = false;  ///< stamp --purge replaces rows nothing declares
  bool allow_unversioned = false;      ///< RunOptions::allow_unversioned
  bool check_drift = false;            ///< RunOptions::check_drift (the configuration's is added)
  std::string reason;  ///< StampOptions::reason, recorded in the stamp's journal rows
  std::function<graph::Plan(const std::vector<std::string>&)> plan_for;
  /// Under the lock, once there is something to change (runtime::RunSettings::before_changes).
  std::function<void(const graph::Plan&)> before_changes;
  bool record_fingerprint = true;  ///< runtime::RunSettings::record_fingerprint
  bool catalog_digest = true;      ///< runtime::RunSettings::catalog_digest
};

/// The deploy-time no-op (`upgrade head` at head) without the lock: when the state read
/// before the lock already needs no step, no repair and no new version table, taking the
/// lock and reading it again could only find the same (a concurrent runner can only move
/// the database towards the same files' heads, or leave a partial row that this read would
/// have seen committed). Saves the lock session and a second round of reads.
/// `has_partial`: whether the journal holds a partial row, when already read.
bool nothing_to_do(runtime::Runner& runner, const Request& req, const graph::Plan& preflight,
                   std::optional<bool> has_partial) {
  if (req.dry_run || req.backup || req.check_drift || !preflight.steps.empty() || preflight.heads_before.empty())
    return false;
  if (req.command == Command::stamp) return true;
  return has_partial ? !*has_partial : runner.partial_revisions().empty();
}

/// What a run knows of the database before its lock when one query could tell it all
/// (Journal::read_state_at_once): the rows, whether a row is partial, the recorded checksums.
struct Preflight {
  std::vector<std::string> rows;
  std::optional<bool> has_partial;  ///< nullopt: not read yet
  std::optional<runtime::RecordedChecksums> recorded;
};

/// The state before the lock: in one query where it can be (stamps check no checksum and
/// read their rows alone), else the rows alone and the rest when needed.
Preflight read_preflight(const Project& p, backend::Backend& db, const Request& req) {
  Preflight state;
  // A project loaded with the database and no rows most likely found no version table: the
  // query would fail (an error line in the server's log for every first run).
  const bool first_run = p.journal_read() && p.version_rows().empty();
  if (req.command != Command::stamp && !first_run) {
    state.recorded.emplace(p.map());
    auto at_once = runtime::Journal(db, api::version_table(p.config(), db)).read_state_at_once(state.recorded->sink());
    if (at_once) {
      state.rows = p.journal_read() ? p.version_rows() : std::move(at_once->rows);
      state.has_partial = at_once->has_partial;
      return state;
    }
    state.recorded.reset();  // read again by validation, whole
  }
  state.rows = api::loaded_or_read_rows(p, db);
  return state;
}

/// Error{usage} for a negative lock timeout, before anything connects.
void refuse_negative(const std::optional<std::chrono::milliseconds>& lock_timeout) {
  if (lock_timeout && lock_timeout->count() < 0) throw Error(ErrorKind::usage, "the lock timeout must not be negative");
}

/// The plan of an upgrade or downgrade to `target` from `rows`.
graph::Plan plan_walk(const Project& p, Command command, const std::string& target,
                      const std::vector<std::string>& rows) {
  return command == Command::upgrade ? p.map().plan_upgrade(target, rows) : p.map().plan_downgrade(target, rows);
}

runtime::RunSettings settings_for(const Project& p, const Request& req) {
  auto settings = api::run_settings(p.config(), api::to_runtime(req.command), std::nullopt, req.dry_run);
  refuse_negative(req.lock_timeout);
  if (req.lock_timeout) settings.lock_timeout = *req.lock_timeout;
  if (req.backup) settings.backup = *req.backup;  // "" = the backend's default path
  settings.allow_unversioned = req.allow_unversioned;
  settings.check_drift = settings.check_drift || req.check_drift;
  settings.reason = req.reason;
  settings.before_changes = req.before_changes;
  settings.record_fingerprint = req.record_fingerprint;
  settings.catalog_digest = req.catalog_digest;
  return settings;
}

/// `dump_after_upgrade` after a successful upgrade or downgrade that kept its changes. The
/// run is committed by now: a dump that cannot be written is a warning, not a failed run.
void dump_after_run(const Project& p, backend::Backend& db, const Request& req) {
  if (req.dry_run || req.command == Command::stamp) return;
  try {
    api::write_dump_after_upgrade(p.config(), db);
  } catch (const std::exception& e) {
    spdlog::warn("dump_after_upgrade: the {} succeeded, but the schema could not be written: {}",
                 api::command_name(req.command), e.what());
  }
}

/// Plans (and for plan_only returns), else runs under the lock. A kept stop request is
/// reported before the lock; the run itself takes requests through the token.
RunResult execute(const Project& p, backend::Backend& db, const Request& req, api::StopState& stop) {
  api::ObserverBridge bridge(req.observer, req.internal_observer, stop);
  auto settings = settings_for(p, req);
  settings.stop = &stop.token();
  settings.observer = &bridge;
  runtime::Runner runner(db, settings, api::file_lookup(p));
  auto state = read_preflight(p, db, req);
  const runtime::RecordedChecksums* recorded = state.recorded ? &*state.recorded : nullptr;
  auto planner = [&](const std::vector<std::string>& rows) {
    if (!req.tolerate_unknown_rows) api::require_known_rows(p, rows);
    validate(p, db, req.command, rows, recorded);
    recorded = nullptr;  // under the lock, read afresh
    return req.plan_for(rows);
  };
  // The run reads the rows again under the lock.
  auto preflight = planner(state.rows);
  if (req.dry_run) {
    runtime::require_rollback_for_dry_run(db);
    runtime::check_plan(preflight, api::file_lookup(p), runtime::PlanUse::dry_run);
  }
  warn_journal_copies(p, preflight);
  if (req.plan_only) return api::to_public(req.command, req.target, preflight, {});
  if (nothing_to_do(runner, req, preflight, state.has_partial)) {
    log_outcome(api::command_name(req.command), preflight, false);
    dump_after_run(p, db, req);
    auto result = api::to_public(req.command, req.target, preflight, {});
    result.executed = true;
    return result;
  }
  stop.throw_if_requested("before taking the migration lock; nothing was changed");
  runtime::RunResult ran;
  try {
    ran = runner.run(planner);
  } catch (...) {
    stop.clear();  // a request made during the run belonged to it
    throw;
  }
  stop.clear();
  log_outcome(api::command_name(req.command), ran.plan, req.dry_run);
  dump_after_run(p, db, req);
  auto result = api::to_public(req.command, req.target, ran.plan, ran.duration_ms);
  result.executed = true;
  result.dry_run = req.dry_run;
  if (ran.backup) result.backup = BackupInfo{ran.backup->path, ran.backup->restore_command};
  return result;
}

using api::open_online;

/// The revisions `ident` names for `log --revision`: what the grammar resolves it to, or, for
/// a full id the project no longer has (its file and copy gone), that id when the journal
/// has rows of it.
std::vector<std::string> resolve_logged(const Project& p, backend::Backend& db, const std::string& ident) {
  try {
    return p.map().resolve(ident);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::revision_not_found) throw;
    runtime::Journal journal(db, api::version_table(p.config()));
    if (journal.exists())
      for (const auto& row : journal.history())
        if (row.revision == ident) return {ident};
    throw;
  }
}

}  // namespace

Migrator::Migrator(const ConfigSource& source) : m_impl(std::make_unique<Impl>()) {
  m_impl->config = config_from(source);
}

Migrator::Migrator(const std::filesystem::path& config_file) : Migrator(ConfigSource{config_file, {}, {}, {}}) {}

Migrator::Migrator(const Settings& settings) : m_impl(std::make_unique<Impl>()) {
  m_impl->config = config_from(settings);
}

Migrator::~Migrator() = default;
Migrator::Migrator(Migrator&&) noexcept = default;
Migrator& Migrator::operator=(Migrator&&) noexcept = default;

RunResult Migrator::plan(Command command, const std::vector<std::string>& targets, bool purge) {
  if (command != Command::stamp && targets.size() != 1)
    throw Error(ErrorKind::usage, std::string(to_string(command)) + " takes exactly one target");
  if (targets.empty()) throw Error(ErrorKind::usage, "stamp needs at least one revision");
  Request req{command, command == Command::stamp ? join_ids(targets) : targets.front(), true};
  req.tolerate_unknown_rows = command == Command::stamp && purge;
  if (command == Command::stamp) {
    auto p = Project::load(m_impl->config);
    for (const auto& arg : targets)
      if (arg.find(':') != std::string::npos)
        throw Error(ErrorKind::usage, "Range revision not allowed", "ranges go with --sql");
    auto db = api::open_database(p.config(), backend::OpenMode::empty_if_missing);
    req.plan_for = [&](const auto& rows) { return p.map().plan_stamp(targets, rows, purge); };
    return execute(p, *db, req, m_impl->stop);
  }
  if (split_range(req.target).start)
    throw Error(ErrorKind::usage, "Range revision not allowed", "ranges start:end go with --sql");
  auto online = open_online(m_impl->config, false, backend::OpenMode::empty_if_missing);
  const auto& op = *online.project;
  req.plan_for = [&](const auto& rows) { return plan_walk(op, command, req.target, rows); };
  return execute(op, *online.db, req, m_impl->stop);
}

namespace {

RunResult run_walk(const config::Config& config, Command command, const std::string& target,
                   const RunOptions& options, api::StopState& stop, runtime::RunObserver* internal_observer) {
  if (options.backup && options.dry_run)
    throw Error(ErrorKind::usage, "--backup does not go with --sql, --plan or --dry-run",
                "nothing is changed in those modes, so there is nothing to back up");
  if (split_range(target).start)
    throw Error(ErrorKind::usage, "Range revision not allowed", "ranges start:end go with --sql");
  stop.throw_if_requested("before connecting; nothing was changed");
  auto online = open_online(config, false);
  const auto& op = *online.project;
  Request req{command, target, false, options.dry_run, options.backup, options.lock_timeout, options.observer,
              internal_observer};
  req.allow_unversioned = options.allow_unversioned;
  req.check_drift = options.check_drift || config.check_drift;
  req.plan_for = [&](const auto& rows) { return plan_walk(op, command, target, rows); };
  return execute(op, *online.db, req, stop);
}

}  // namespace

RunResult Migrator::upgrade(const std::string& target, const RunOptions& options) {
  return run_walk(m_impl->config, Command::upgrade, target, options, m_impl->stop, m_impl->internal_observer);
}

RunResult Migrator::downgrade(const std::string& target, const RunOptions& options) {
  return run_walk(m_impl->config, Command::downgrade, target, options, m_impl->stop, m_impl->internal_observer);
}

RunResult Migrator::stamp(const std::vector<std::string>& revisions, const StampOptions& options) {
  if (revisions.empty()) throw Error(ErrorKind::usage, "stamp needs at least one revision");
  auto p = Project::load(m_impl->config);
  for (const auto& arg : revisions)
    if (arg.find(':') != std::string::npos) throw Error(ErrorKind::usage, "Range revision not allowed", "ranges go with --sql");
  m_impl->stop.throw_if_requested("before connecting; nothing was changed");
  Request req{Command::stamp, join_ids(revisions)};
  req.lock_timeout = options.lock_timeout;
  req.observer = options.observer;
  req.internal_observer = m_impl->internal_observer;
  req.tolerate_unknown_rows = options.purge;
  req.reason = options.reason;
  req.plan_for = [&](const auto& rows) { return p.map().plan_stamp(revisions, rows, options.purge); };
  auto db = api::open_database(p.config());
  return execute(p, *db, req, m_impl->stop);
}

void Migrator::write_sql(Command command, const std::vector<std::string>& targets, std::ostream& out) {
  if (command != Command::stamp && targets.size() != 1)
    throw Error(ErrorKind::usage, std::string(to_string(command)) + " takes exactly one target");
  auto p = Project::load(m_impl->config);
  if (command == Command::stamp) {
    std::optional<std::string> start;
    std::vector<std::string> destinations;
    for (const auto& arg : targets) {
      auto r = split_range(arg);
      if (r.start) {
        if (start && *start != *r.start)
          throw Error(ErrorKind::usage, "Stamp operation with --sql only supports a single starting revision at a time");
        start = r.start;
      }
      destinations.push_back(r.end);
    }
    write_offline(p, p.map().plan_stamp(destinations, offline_start(p, start), false), out);
    return;
  }
  auto range = split_range(targets.front());
  if (command == Command::downgrade && !range.start)
    throw Error(ErrorKind::usage, "downgrade with --sql requires <fromrev>:<torev>",
                "for example `migrate downgrade --sql head:base`");
  auto rows = offline_start(p, range.start);
  write_offline(p, plan_walk(p, command, range.end, rows), out);
}

namespace {

/// The rows, the current and head revisions and the partial ones of `online`'s database;
/// with `with_revisions`, also every revision's state from the journal's history.
Status read_status(api::OnlineProject& online, bool with_revisions) {
  const auto& p = *online.project;
  runtime::Journal journal(*online.db, api::version_table(p.config()));
  Status s;
  s.rows = online.rows;
  s.current_heads = p.map().current_heads(s.rows);
  s.heads = p.map().heads();
  s.has_journal = journal.exists();
  auto partial = s.has_journal ? journal.partial() : std::vector<runtime::JournalEntry>{};
  for (const auto& row : partial) s.partial.push_back(api::to_public(row));
  if (!with_revisions) return s;
  api::RevisionStates states(p.map());
  if (s.has_journal) journal.for_each_outcome([&states](runtime::JournalEntry&& row) { states.replay(row); });
  s.schema = api::schema_status(p.config(), *online.db, s.rows);
  s.revisions = std::move(states).finish(s.rows, partial, [&p](const std::string& id) { return p.is_journal_copy(id); });
  for (auto& r : s.revisions) {
    const auto& file = p.file_of(r.revision);
    r.message = file.message;
    r.path = file.path.string();
  }
  return s;
}

}  // namespace

Status Migrator::status() {
  auto online = open_online(m_impl->config, true);
  return read_status(online, true);
}

std::vector<std::string> Migrator::current() {
  auto online = open_online(m_impl->config, true);
  return read_status(online, false).current_heads;
}

namespace {

/// A fleet worker's connection, kept between its targets while they share a URL (the
/// schemas of one database), and its own stop state: each slot runs one target at a time.
struct FleetSlot {
  std::string url;
  std::unique_ptr<backend::Backend> db;
  api::StopState stop;
  /// drift: the scratch database its replays run on, while its targets share a URL. Dropped
  /// through `db`, so always released before it (and declared after it).
  std::unique_ptr<backend::ScratchDatabase> scratch;

  backend::ScratchDatabase& scratch_of(const config::Config& config, const std::string& scratch_url) {
    if (!scratch) scratch = api::open_scratch(config, *db, scratch_url);
    return *scratch;
  }

  backend::Backend& connect(const config::Config& config, backend::OpenMode mode) {
    const std::string& target_url = config.database_url.value();
    if (!db || url != target_url) {
      scratch.reset();  // its drop runs on `db`
      db.reset();
      db = backend::open(target_url, mode);
      url = target_url;
      api::configure_connection(config, *db);
    }
    return *db;
  }
};

/// What one fleet target is asked to do.
struct FleetJob {
  FleetCommand command = FleetCommand::upgrade;
  std::string revision;
  std::optional<std::chrono::milliseconds> lock_timeout;
  DriftOptions drift;
  bool strict = false;  ///< check: warnings are problems
  /// Held while a drift replays on a scratch database the user named: one target at a time.
  std::mutex* named_scratch = nullptr;

  bool reads_only() const { return command != FleetCommand::upgrade && command != FleetCommand::downgrade; }
};

/// True when `rows` name a revision the project's files do not declare: then only the
/// journal's copies can explain them (Project::load_with_database).
bool names_unknown_revision(const Project& p, const std::vector<std::string>& rows) {
  return std::any_of(rows.begin(), rows.end(), [&p](const std::string& row) { return !p.map().find(row); });
}

/// A read-only target's revisions (current, status, drift): `r` gets its heads; returns
/// its version-table rows.
std::vector<std::string> read_heads_of_target(const Project& p, backend::Backend& db, TargetResult& r) {
  auto rows = api::read_known_rows(p, db);
  r.heads_before = p.map().current_heads(rows);
  r.heads_after = r.heads_before;
  return rows;
}

/// `current` on one target: its heads, and whether they are the project's.
void current_of_target(const Project& p, backend::Backend& db, TargetResult& r) {
  auto rows = read_heads_of_target(p, db, r);
  r.status = runtime::same_heads(rows, p.map().heads()) ? TargetStatus::up_to_date : TargetStatus::behind;
}

/// `status` on one target: also what an upgrade would run and what is partial.
void status_of_target(const Project& p, backend::Backend& db, TargetResult& r) {
  auto rows = read_heads_of_target(p, db, r);
  r.pending = api::pending_revisions(p.map(), rows);
  runtime::Journal journal(db, api::version_table(p.config(), db));
  if (journal.exists())
    for (const auto& row : journal.partial()) r.partial.push_back(row.revision);
  const bool at_heads = runtime::same_heads(rows, p.map().heads()) && r.partial.empty();
  r.status = at_heads ? TargetStatus::up_to_date : TargetStatus::behind;
}

/// `drift` on one target: its live schema against the replay of its revisions. What could
/// not be compared counts as a difference, as it makes a single `drift` fail.
void drift_of_target(const Project& p, FleetSlot& slot, const FleetJob& job, TargetResult& r) {
  auto rows = read_heads_of_target(p, *slot.db, r);
  std::unique_lock<std::mutex> one_at_a_time;
  if (job.named_scratch) one_at_a_time = std::unique_lock<std::mutex>(*job.named_scratch);
  auto& scratch = slot.scratch_of(p.config(), job.drift.scratch_url);
  auto report = api::drift_on(p, *slot.db, rows, job.drift, slot.stop.token(), scratch);
  r.differences = std::move(report.differences);
  for (const auto& u : report.not_compared)
    r.differences.push_back({"not_compared", u.kind, u.name, "", "", "", "not compared: " + u.kind + " " + u.name + " (" + u.why + ")"});
  r.status = report.clean ? TargetStatus::clean : TargetStatus::drifted;
}

/// `check` on one target: the database checks of `migrate check`. A tenant records no
/// fingerprint unless check_drift is on, so its fingerprint is then not compared.
void check_of_target(const Project& p, backend::Backend& db, const api::FleetTarget& target, bool strict,
                     TargetResult& r) {
  auto report = api::check_database(p, db, target.schema.empty() || p.config().check_drift);
  r.heads_before = report.rows;
  r.heads_after = report.rows;
  for (const auto& found : report.problems)
    r.problems.push_back({found.check, api::to_string(found.severity), found.message});
  r.status = report.ok(strict) ? TargetStatus::up_to_date : TargetStatus::problems;
}

/// An upgrade or downgrade of one target; `r.heads_before` is set as soon as the rows are
/// read, so that a failure still reports them.
void walk_target(const Project& p, backend::Backend& db, const api::FleetTarget& target, const FleetJob& job,
                 api::StopState& stop, TargetResult& r) {
  const auto command = job.command == FleetCommand::upgrade ? Command::upgrade : Command::downgrade;
  Request req{command, job.revision, false, false, std::nullopt, job.lock_timeout};
  req.check_drift = p.config().check_drift;
  bool rows_seen = false;
  req.plan_for = [&](const auto& rows) {
    if (!rows_seen) r.heads_before = rows;
    rows_seen = true;
    return plan_walk(p, command, job.revision, rows);
  };
  bool entered = false;
  if (!target.schema.empty()) {
    req.before_changes = [&db, &target, &entered](const graph::Plan&) {
      db.execute(api::enter_tenant_sql(db.dialect(), target.schema));
      entered = true;
    };
    // PostgreSQL's catalog has no index by schema: reading one tenant's schema scans every
    // tenant's objects. Recorded only where `check_drift` will compare it; one database's
    // catalog digest never is (every other tenant changes it).
    req.record_fingerprint = req.check_drift;
    req.catalog_digest = false;
  }
  auto ran = execute(p, db, req, stop);
  // The connection goes on to the next tenant (a failed one's does not): before that
  // tenant's first read, not only before its revisions, it must be a new session's again.
  if (entered) {
    try {
      db.execute(api::reset_session_sql());
    } catch (const std::exception& e) {
      spdlog::warn("{}: the session could not be reset after its revisions ({}); the next tenant resets it "
                   "before its own", target.schema, e.what());
    }
  }
  r.heads_before = std::move(ran.heads_before);
  r.heads_after = std::move(ran.heads_after);
  r.steps = std::move(ran.steps);
  r.status = r.steps.empty() ? TargetStatus::up_to_date : TargetStatus::applied;
}

/// A failed target: its error, and the rows it was left with (the failing revision rolled
/// back) when its connection still answers. Neither the connection nor the scratch database
/// is handed to the next target.
void record_failure(const Error& error, const config::Config& config, FleetSlot& slot, TargetResult& r) {
  r.status = TargetStatus::failed;
  r.error = error;
  r.steps.clear();
  if (slot.db) {
    try {
      r.heads_after = runtime::read_version_rows(*slot.db, api::version_table(config, *slot.db));
    } catch (const std::exception&) {
      r.heads_after.clear();  // unknown: the connection is gone
    }
  }
  slot.scratch.reset();  // first: its drop runs on the target's connection
  slot.db.reset();
}

TargetResult fleet_target(const Project& base, const config::TargetSet& set, const api::FleetTarget& target,
                          const FleetJob& job, FleetSlot& slot) {
  // A SQLite file that is not there yet is at base for `check`, as for a single check.
  const auto mode = job.command == FleetCommand::check ? backend::OpenMode::empty_if_missing
                    : job.reads_only()                 ? backend::OpenMode::existing_only
                                                       : backend::OpenMode::create_if_missing;
  auto config = api::target_config(base.config(), set, target);
  TargetResult r;
  auto attempt = [&](const Project& p) {
    auto& db = slot.connect(config, mode);
    switch (job.command) {
      case FleetCommand::current: return current_of_target(p, db, r);
      case FleetCommand::status: return status_of_target(p, db, r);
      case FleetCommand::drift: return drift_of_target(p, slot, job, r);
      case FleetCommand::check: return check_of_target(p, db, target, job.strict, r);
      case FleetCommand::upgrade:
      case FleetCommand::downgrade: return walk_target(p, db, target, job, slot.stop, r);
    }
  };
  try {
    try {
      attempt(base.with_config(config));
    } catch (const Error& e) {
      // Rare: a row whose file is gone (a release rolled back). Load the journal's copies.
      if (e.kind() != ErrorKind::needs_repair || !slot.db) throw;
      auto vt = api::version_table(config, *slot.db);
      if (!names_unknown_revision(base, runtime::read_version_rows(*slot.db, vt))) throw;
      attempt(Project::load_with_database(config, [&slot]() -> backend::Backend& { return *slot.db; }, vt));
    }
  } catch (const Error& e) {
    record_failure(e, config, slot, r);
  } catch (const std::exception& e) {
    record_failure(Error(ErrorKind::internal, std::string("internal error: ") + e.what()), config, slot, r);
  }
  return r;
}

}  // namespace

FleetResult Migrator::fleet(FleetCommand command, const std::string& revision, const FleetOptions& options,
                            FleetObserver* observer) {
  FleetJob job{command, revision, options.lock_timeout, options.drift, options.strict, nullptr};
  if (!job.reads_only() && revision.empty())
    throw Error(ErrorKind::usage, "a fleet upgrade or downgrade needs a revision", "for example `head`");
  if (options.drift.identify)
    throw Error(ErrorKind::usage, "drift --identify runs on one database, not on --targets",
                "run `migrate drift --identify` with the URL of the target in question");
  if (split_range(revision).start)
    throw Error(ErrorKind::usage, "Range revision not allowed", "ranges start:end go with --sql");
  refuse_negative(options.lock_timeout);
  m_impl->stop.throw_if_requested("before starting the fleet; nothing was changed");
  const auto& config = m_impl->config;
  auto targets = api::resolve_targets(config, options.targets);
  const auto& set = config.targets.at(options.targets);
  const auto base = Project::load(config);
  std::vector<FleetSlot> slots(std::size_t(std::max(options.concurrency, 1)));
  std::mutex named_scratch;
  if (!options.drift.scratch_url.empty() || !config.scratch_url.empty()) job.named_scratch = &named_scratch;
  auto work = [&](const api::FleetTarget& target, std::size_t slot) {
    return fleet_target(base, set, target, job, slots[slot]);
  };
  auto forward_stop = [&slots](int signal) {
    for (auto& slot : slots) slot.stop.request(signal);
  };
  return api::schedule_fleet(targets, options, work, m_impl->stop.token(), forward_stop, observer);
}

SchemaDump Migrator::dump(const DumpOptions& options) {
  auto db = api::open_database(m_impl->config, backend::OpenMode::existing_only);
  return api::dump_schema(m_impl->config, *db, options);
}

DriftReport Migrator::drift(const DriftOptions& options) {
  auto online = open_online(m_impl->config, true);
  m_impl->stop.throw_if_requested("before replaying the revisions; nothing was changed");
  try {
    auto report = api::drift(*online.project, *online.db, online.rows, options, m_impl->stop.token());
    m_impl->stop.clear();
    return report;
  } catch (...) {
    m_impl->stop.clear();  // a request made during the replay belonged to it
    throw;
  }
}

std::vector<JournalRecord> Migrator::log(const LogQuery& query) {
  // Without a revision to resolve the project is not needed: the journal reads even when
  // the revision files do not load.
  std::optional<std::vector<std::string>> revisions;
  std::unique_ptr<backend::Backend> db;
  if (query.revision.empty()) {
    db = api::open_database(m_impl->config, backend::OpenMode::existing_only);
  } else {
    auto online = open_online(m_impl->config, false, backend::OpenMode::existing_only);
    revisions = resolve_logged(*online.project, *online.db, query.revision);
    db = std::move(online.db);
  }
  runtime::Journal journal(*db, api::version_table(m_impl->config));
  if (!journal.exists()) return {};
  return api::select_log(journal.history(), revisions, query.limit);
}

namespace {

/// Runs `fn` with the repair context of a freshly loaded project and open database; a
/// resume takes stop requests through `stop` and reports its statements to `observer`.
template <typename Fn>
auto with_repair_context(const config::Config& config, api::StopState& stop, runtime::RunObserver* observer,
                         backend::OpenMode mode, Fn fn) {
  auto settings = api::run_settings(config, runtime::Command::upgrade, std::nullopt, false);
  std::unique_ptr<backend::Backend> db;
  auto connect = [&]() -> backend::Backend& {
    db = api::open_database(config, mode);
    return *db;
  };
  auto project = Project::load_with_database(config, connect, settings.version_table);
  runtime::RepairContext rc{*db,
                            settings.version_table,
                            settings.lock_timeout,
                            project.map(),
                            api::file_lookup(project),
                            [&project](const std::string& id) { return project.has_file(id); },
                            settings.session_lock_timeout,
                            settings.session_statement_timeout,
                            &stop.token(),
                            observer,
                            settings.schemas};
  return fn(rc);
}

}  // namespace

RepairReport Migrator::repair_report() {
  return with_repair_context(m_impl->config, m_impl->stop, nullptr, backend::OpenMode::existing_only,
                             [](runtime::RepairContext& rc) { return api::to_public(runtime::inspect(rc)); });
}

namespace {

runtime::InDoubt to_runtime(InDoubt in_doubt) {
  switch (in_doubt) {
    case InDoubt::assume_ran: return runtime::InDoubt::assume_ran;
    case InDoubt::assume_not_run: return runtime::InDoubt::assume_not_run;
    case InDoubt::refuse: break;
  }
  return runtime::InDoubt::refuse;
}

}  // namespace

RepairOutcome Migrator::repair(RepairAction action, const std::string& revision, const std::string& reason,
                               InDoubt in_doubt) {
  if (action != RepairAction::resume && util::trim(reason).empty())
    throw Error(ErrorKind::usage, std::string(to_string(action)) + " needs a reason (it is recorded in the journal)");
  if (action != RepairAction::resume && in_doubt != InDoubt::refuse)
    throw Error(ErrorKind::usage, "--assume-ran and --assume-not-run go with --resume");
  m_impl->stop.throw_if_requested("before repairing; nothing was changed");
  api::ObserverBridge bridge(nullptr, m_impl->internal_observer, m_impl->stop);
  return with_repair_context(m_impl->config, m_impl->stop, &bridge, backend::OpenMode::existing_only,
                             [&](runtime::RepairContext& rc) {
    switch (action) {
      case RepairAction::resume: return api::to_public(action, runtime::resume(rc, reason, to_runtime(in_doubt)));
      case RepairAction::mark_applied: return api::to_public(action, runtime::mark_applied(rc, revision, reason));
      case RepairAction::mark_reverted: return api::to_public(action, runtime::mark_reverted(rc, revision, reason));
      case RepairAction::accept_checksum: break;
    }
    return api::to_public(action, runtime::accept_checksum(rc, revision, reason));
  });
}

SchemaRepairResult Migrator::repair_schema(const SchemaRepairOptions& options) {
  refuse_negative(options.lock_timeout);
  auto online = open_online(m_impl->config, false, backend::OpenMode::existing_only);
  m_impl->stop.throw_if_requested("before repairing the schema; nothing was changed");
  try {
    auto result = api::repair_schema(*online.project, *online.db, options, m_impl->stop.token());
    m_impl->stop.clear();
    return result;
  } catch (...) {
    m_impl->stop.clear();
    throw;
  }
}

void Migrator::request_stop(int signal) noexcept { m_impl->stop.request(signal); }

void Migrator::clear_stop() noexcept { m_impl->stop.clear(); }

void api::MigratorAccess::set_runtime_controls(Migrator& migrator, runtime::StopToken* stop,
                                               runtime::RunObserver* observer) {
  migrator.m_impl->stop.use_token(stop);
  migrator.m_impl->internal_observer = observer;
}

}  // namespace migrate

// State-changing commands: upgrade, downgrade, stamp. Each works out its plan with the
// pure graph, then hands it to the runtime (online), to the offline writer (--sql), or
// just prints it (--plan): the three modes swap the executor, not the logic.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <ostream>

#include "commands/commands.hpp"
#include "api/database.hpp"
#include "api/project.hpp"
#include "core/error.hpp"
#include "runtime/validation.hpp"

namespace migrate::commands {

using api::Project;
using api::file_lookup;
using api::open_database;
using api::require_known_rows;
using api::run_settings;


namespace {

struct Range {
  std::optional<std::string> start;  ///< nullopt: no ':' in the argument
  std::string end;
};

Range split_range(const std::string& arg) {
  auto colon = arg.find(':');
  if (colon == std::string::npos) return {std::nullopt, arg};
  return {arg.substr(0, colon), arg.substr(colon + 1)};
}

void check_mode_flags(const MigrateOptions& opts) {
  int modes = int(opts.sql) + int(opts.plan) + int(opts.dry_run);
  if (modes > 1) throw Error(ErrorKind::usage, "--sql, --plan and --dry-run do not go together", "pick one");
  if (opts.backup && (opts.sql || opts.plan || opts.dry_run))
    throw Error(ErrorKind::usage, "--backup does not go with --sql, --plan or --dry-run",
                "nothing is changed in those modes, so there is nothing to back up");
}

/// The rows an offline run starts from: the range's start resolved (absent: empty table).
std::vector<std::string> offline_start(const Project& p, const std::optional<std::string>& start) {
  if (!start || start->empty()) return {};
  return p.map().resolve(*start);
}

void print_offline(const Context& ctx, const Project& p, const graph::Plan& plan) {
  runtime::write_offline_sql(plan, backend::dialect_of_url(p.config().database_url),
                             run_settings(p.config(), "offline", std::nullopt, false).version_table,
                             p.config().transaction_per_migration, file_lookup(p), *ctx.out);
}

void print_plan(const Context& ctx, const std::string& command, const std::string& target, const graph::Plan& plan,
                const std::vector<long long>& durations) {
  if (ctx.format == Format::json)
    *ctx.out << plan_json(command, target, plan, durations).dump() << "\n";
  else if (durations.empty())
    *ctx.out << plan_text(command, target, plan);
}

void log_outcome(const std::string& command, const graph::Plan& plan) {
  if (plan.steps.empty()) {
    spdlog::info("Nothing to do: the database is at {}", join_ids(plan.heads_before, "base"));
    return;
  }
  spdlog::info("{} finished: {} step(s); heads now {}", command, plan.steps.size(),
               join_ids(plan.heads_after, "(none)"));
}

/// Refuses (Error{needs_repair}) when an applied file changed, or, for an upgrade, when one
/// is gone: runtime/validation.hpp. Stamps are how users get out, so they are not checked.
void validate(const Project& p, backend::Backend& db, const std::string& command,
              const std::vector<std::string>& rows) {
  if (command != "upgrade" && command != "downgrade") return;
  auto report = runtime::validate_applied(p.map(), rows, file_lookup(p),
                                          [&p](const std::string& id) { return p.has_file(id); }, db,
                                          run_settings(p.config(), command, std::nullopt, false).version_table);
  runtime::require_valid(report, command);
}

/// A dry run rolls everything back in one transaction, which a non-transactional revision
/// cannot join: refuse before anything runs, naming every such revision of the plan.
void refuse_non_transactional_dry_run(const Project& p, const graph::Plan& plan) {
  std::vector<std::string> found;
  for (const auto& step : plan.steps) {
    if (step.direction == graph::Direction::stamp || !step.revision) continue;
    const auto* f = p.file(*step.revision);
    if (f && !f->transactional) found.push_back(*step.revision + " (" + f->path.string() + ")");
  }
  if (found.empty()) return;
  throw Error(ErrorKind::usage,
              "--dry-run cannot roll back non-transactional revisions; the plan contains: " + join_ids(found),
              "run without --dry-run, or test those revisions on a copy of the database (e.g. from `--backup`)");
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

/// The deploy-time no-op (`upgrade head` at head) without the lock: when the state read
/// before the lock already needs no step, no repair and no new version table, taking the
/// lock and reading it again could only find the same (a concurrent runner can only move
/// the database towards the same files' heads, or leave a partial row that this read would
/// have seen committed). Saves the lock session and a second round of reads.
bool nothing_to_do(runtime::Runner& runner, const std::string& command, const MigrateOptions& opts,
                   const graph::Plan& preflight) {
  if (opts.dry_run || opts.backup || !preflight.steps.empty() || preflight.heads_before.empty()) return false;
  return command == "stamp" || runner.partial_revisions().empty();
}

/// Runs a planner online, or prints its plan (--plan), with the same code path.
int execute(const Context& ctx, const Project& p, backend::Backend& db, const std::string& command,
            const std::string& target, const MigrateOptions& opts, bool tolerate_unknown_rows,
            const std::function<graph::Plan(const std::vector<std::string>&)>& plan_for) {
  auto settings = run_settings(p.config(), command, opts.lock_timeout_seconds, opts.dry_run);
  if (opts.backup) settings.backup = std::filesystem::path(*opts.backup);  // "" = the backend's default path
  runtime::Runner runner(db, settings, file_lookup(p));
  auto planner = [&](const std::vector<std::string>& rows) {
    if (!tolerate_unknown_rows) require_known_rows(p, rows);
    validate(p, db, command, rows);
    return plan_for(rows);
  };
  // Plan before the lock too, so that identifier and planning errors change nothing (not
  // even the version table's creation); the runner plans again from the rows it reads
  // under the lock, and that is the plan that runs.
  auto preflight = planner(runner.read_version_rows());
  if (opts.dry_run) refuse_non_transactional_dry_run(p, preflight);
  warn_journal_copies(p, preflight);
  if (opts.plan) {
    print_plan(ctx, command, target, preflight, {});
    return 0;
  }
  if (nothing_to_do(runner, command, opts, preflight)) {
    log_outcome(command, preflight);
    if (ctx.format == Format::json) *ctx.out << plan_json(command, target, preflight, {}).dump() << "\n";
    return 0;
  }
  auto result = runner.run(planner);
  if (opts.dry_run) spdlog::info("Dry run: every change was rolled back");
  log_outcome(command, result.plan);
  if (ctx.format == Format::json) {
    auto doc = plan_json(command, target, result.plan, result.duration_ms);
    if (result.backup) {
      util::Json backup = util::Json::object();
      backup.set("path", result.backup->path.string()).set("restore_command", result.backup->restore_command);
      doc.set("backup", std::move(backup));
    }
    *ctx.out << doc.dump() << "\n";
  }
  return 0;
}

/// The project with journal copies of gone applied files, and the open database.
struct Online {
  std::unique_ptr<backend::Backend> db;
  std::unique_ptr<Project> project;
};

Online open_online(config::Config config) {
  Online o;
  auto vt = run_settings(config, "read", std::nullopt, false).version_table;
  auto connect = [&]() -> backend::Backend& {
    o.db = open_database(config);
    return *o.db;
  };
  o.project = std::make_unique<Project>(Project::load_with_database(config, connect, vt));
  return o;
}

}  // namespace

int upgrade(const Context& ctx, const MigrateOptions& opts) {
  check_mode_flags(opts);
  auto config = config::load(ctx.overrides);
  auto range = split_range(opts.target);
  if (range.start && !opts.sql) throw Error(ErrorKind::usage, "Range revision not allowed", "ranges start:end go with --sql");
  if (opts.sql) {
    auto p = Project::load(std::move(config));
    auto rows = offline_start(p, range.start);
    print_offline(ctx, p, p.map().plan_upgrade(range.end, rows));
    return 0;
  }
  auto online = open_online(std::move(config));
  const auto& op = *online.project;
  return execute(ctx, op, *online.db, "upgrade", opts.target, opts, false,
                 [&](const auto& rows) { return op.map().plan_upgrade(opts.target, rows); });
}

int downgrade(const Context& ctx, const MigrateOptions& opts) {
  check_mode_flags(opts);
  auto config = config::load(ctx.overrides);
  auto range = split_range(opts.target);
  if (opts.sql) {
    auto p = Project::load(std::move(config));
    if (!range.start)
      throw Error(ErrorKind::usage, "downgrade with --sql requires <fromrev>:<torev>",
                  "for example `migrate downgrade --sql head:base`");
    auto rows = offline_start(p, range.start);
    print_offline(ctx, p, p.map().plan_downgrade(range.end, rows));
    return 0;
  }
  if (range.start) throw Error(ErrorKind::usage, "Range revision not allowed", "ranges start:end go with --sql");
  auto online = open_online(std::move(config));
  const auto& op = *online.project;
  return execute(ctx, op, *online.db, "downgrade", opts.target, opts, false,
                 [&](const auto& rows) { return op.map().plan_downgrade(opts.target, rows); });
}

int stamp(const Context& ctx, const StampOptions& opts) {
  if (opts.sql && opts.purge) throw Error(ErrorKind::usage, "Can't use --purge with --sql mode");
  if (opts.sql && opts.plan) throw Error(ErrorKind::usage, "--sql and --plan do not go together");
  auto p = Project::load(config::load(ctx.overrides));
  std::string target = join_ids(opts.revisions);
  if (opts.sql) {
    std::optional<std::string> start;
    std::vector<std::string> destinations;
    for (const auto& arg : opts.revisions) {
      auto r = split_range(arg);
      if (r.start) {
        if (start && *start != *r.start)
          throw Error(ErrorKind::usage, "Stamp operation with --sql only supports a single starting revision at a time");
        start = r.start;
      }
      destinations.push_back(r.end);
    }
    print_offline(ctx, p, p.map().plan_stamp(destinations, offline_start(p, start), false));
    return 0;
  }
  for (const auto& arg : opts.revisions)
    if (arg.find(':') != std::string::npos) throw Error(ErrorKind::usage, "Range revision not allowed", "ranges go with --sql");
  MigrateOptions mopts;
  mopts.plan = opts.plan;
  auto db = open_database(p.config());
  return execute(ctx, p, *db, "stamp", target, mopts, opts.purge,
                 [&](const auto& rows) { return p.map().plan_stamp(opts.revisions, rows, opts.purge); });
}

}  // namespace migrate::commands

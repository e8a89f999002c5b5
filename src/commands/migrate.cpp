// State-changing verbs: upgrade, downgrade, stamp. Each turns its options into a call of
// migrate::Migrator (offline `--sql`, `--plan`, or a run) and renders the result.
#include <migrate/migrator.hpp>

#include <cmath>
#include <ostream>

#include "commands/commands.hpp"
#include "commands/source.hpp"

namespace migrate::commands {

namespace {

void check_mode_flags(const MigrateOptions& opts) {
  int modes = int(opts.sql) + int(opts.plan) + int(opts.dry_run);
  if (modes > 1) throw Error(ErrorKind::usage, "--sql, --plan and --dry-run do not go together", "pick one");
  if (opts.check_drift && (opts.sql || opts.plan))
    throw Error(ErrorKind::usage, "--check-drift does not go with --sql or --plan",
                "--sql reads no database; --plan changes nothing (use `migrate status` to see the fingerprint)");
  if (opts.backup && (opts.sql || opts.plan || opts.dry_run))
    throw Error(ErrorKind::usage, "--backup does not go with --sql, --plan or --dry-run",
                "nothing is changed in those modes, so there is nothing to back up");
}

std::optional<std::chrono::milliseconds> lock_timeout_of(const MigrateOptions& opts) {
  if (!opts.lock_timeout_seconds) return std::nullopt;
  double seconds = *opts.lock_timeout_seconds;
  if (seconds < 0 || !std::isfinite(seconds))
    throw Error(ErrorKind::usage, "--lock-timeout must be a non-negative number of seconds");
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

/// --plan: the plan as text or JSON.
void print_plan(const Context& ctx, const RunResult& plan) {
  if (ctx.format == Format::json)
    *ctx.out << plan_json(plan).dump() << "\n";
  else
    *ctx.out << plan_text(plan);
}

/// A run: nothing on stdout in text mode (progress went to the log), the document in JSON.
void print_run(const Context& ctx, const RunResult& result) {
  if (ctx.format != Format::json) return;
  auto doc = plan_json(result);
  if (result.backup) {
    util::Json backup = util::Json::object();
    backup.set("path", result.backup->path.string()).set("restore_command", result.backup->restore_command);
    doc.set("backup", std::move(backup));
  }
  *ctx.out << doc.dump() << "\n";
}

/// --targets runs on a fleet, where the single-database modes do not apply.
void check_fleet_flags(const MigrateOptions& opts) {
  refuse_fleet_flags_alone(opts.fleet);
  if (opts.fleet.targets.empty()) return;
  if (opts.sql || opts.plan || opts.dry_run || opts.backup || opts.check_drift || opts.allow_unversioned)
    throw Error(ErrorKind::usage,
                "--targets does not go with --sql, --plan, --dry-run, --backup, --check-drift or --allow-unversioned",
                "run those on one database (--url); `check_drift = true` in migrate.toml applies to every target");
}

int walk(const Context& ctx, Command command, const MigrateOptions& opts) {
  check_mode_flags(opts);
  check_fleet_flags(opts);
  auto lock_timeout = lock_timeout_of(opts);
  if (!opts.fleet.targets.empty())
    return fleet(ctx, {command == Command::upgrade ? FleetCommand::upgrade : FleetCommand::downgrade, opts.target,
                       opts.fleet, lock_timeout});
  auto migrator = make_migrator(ctx);
  if (opts.sql) {
    migrator.write_sql(command, {opts.target}, *ctx.out);
    return 0;
  }
  if (opts.plan) {
    print_plan(ctx, migrator.plan(command, {opts.target}));
    return 0;
  }
  RunOptions run{opts.dry_run, opts.backup ? std::optional<std::filesystem::path>(*opts.backup) : std::nullopt,
                 lock_timeout, nullptr};
  run.allow_unversioned = opts.allow_unversioned;
  run.check_drift = opts.check_drift;
  print_run(ctx, command == Command::upgrade ? migrator.upgrade(opts.target, run)
                                             : migrator.downgrade(opts.target, run));
  return 0;
}

}  // namespace

int upgrade(const Context& ctx, const MigrateOptions& opts) { return walk(ctx, Command::upgrade, opts); }

int downgrade(const Context& ctx, const MigrateOptions& opts) { return walk(ctx, Command::downgrade, opts); }

int stamp(const Context& ctx, const StampOptions& opts) {
  if (opts.sql && opts.purge) throw Error(ErrorKind::usage, "Can't use --purge with --sql mode");
  if (opts.sql && opts.plan) throw Error(ErrorKind::usage, "--sql and --plan do not go together");
  if (!opts.reason.empty() && (opts.sql || opts.plan))
    throw Error(ErrorKind::usage, "--reason goes with a stamp that runs",
                "--sql and --plan record nothing in the journal; drop --reason or run the stamp");
  auto migrator = make_migrator(ctx);
  if (opts.sql) {
    migrator.write_sql(Command::stamp, opts.revisions, *ctx.out);
    return 0;
  }
  if (opts.plan) {
    print_plan(ctx, migrator.plan(Command::stamp, opts.revisions, opts.purge));
    return 0;
  }
  migrate::StampOptions stamp_options;
  stamp_options.purge = opts.purge;
  stamp_options.reason = opts.reason;
  print_run(ctx, migrator.stamp(opts.revisions, stamp_options));
  return 0;
}

}  // namespace migrate::commands

#include "cli/app.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstring>
#include <unistd.h>
#include <optional>
#include <string_view>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "cli/signals.hpp"
#include "cli/test_hooks.hpp"
#include "commands/commands.hpp"
#include "commands/output.hpp"
#include "core/error.hpp"
#include "util/json.hpp"
#include "util/thread_label.hpp"

namespace migrate::cli {

namespace {

struct GlobalFlags {
  std::string config_file;
  std::string url;
  std::string env;
  std::vector<std::string> x_args;
  std::string format = "text";
  bool quiet = false;
  int verbose = 0;
};

/// One row of the subcommand table: its name, help text, and how it binds its flags and
/// calls its handler once parsing is done.
struct Subcommand {
  CLI::App* app = nullptr;
  std::function<int(const commands::Context&)> handler;
};

/// `warning: ` / `error: ` before a warning or an error, nothing before an info line; then
/// `[target] ` on a fleet's worker threads.
class LevelPrefix : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& /*time*/, spdlog::memory_buf_t& dest) override {
    std::string_view prefix = msg.level == spdlog::level::warn ? "warning: "
                              : msg.level >= spdlog::level::err ? "error: "
                                                                : "";
    dest.append(prefix.data(), prefix.data() + prefix.size());
    if (const auto& label = util::thread_label(); !label.empty()) {
      dest.push_back('[');
      dest.append(label.data(), label.data() + label.size());
      dest.append(std::string_view("] "));
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<LevelPrefix>(); }
};

void setup_logging(const GlobalFlags& g) {
  // Thread-safe: a fleet's targets log from their worker threads.
  auto logger = spdlog::stderr_logger_mt("migrate");
  spdlog::set_default_logger(logger);
  // Info lines ("Running upgrade a -> b") read like Alembic's; warnings and errors are prefixed.
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<LevelPrefix>('*').set_pattern("%*%v");
  logger->set_formatter(std::move(formatter));
  spdlog::set_level(g.quiet ? spdlog::level::warn : (g.verbose > 0 ? spdlog::level::debug : spdlog::level::info));
}

/// A fleet's targets say what they do in its summary: their info lines (a "Nothing to do"
/// per target) only with -v. Warnings and errors stay, each naming its target.
void quiet_targets_of_fleet(const CLI::App& sub, const GlobalFlags& g) {
  const auto* targets = sub.get_option_no_throw("--targets");
  if (targets && targets->count() > 0 && g.verbose == 0) spdlog::set_level(spdlog::level::warn);
}

/// --format sql belongs to `dump`, dot and mermaid to `graph`, github to `lint`.
void refuse_foreign_format(const std::string& format, const std::string& command) {
  const char* owner = format == "sql"                        ? "dump"
                      : format == "dot" || format == "mermaid" ? "graph"
                      : format == "github"                     ? "lint"
                                                               : nullptr;
  if (owner && command != owner)
    throw Error(ErrorKind::usage, "--format " + format + " goes with `migrate " + owner + "` only",
                "use --format text or --format json with `migrate " + command + "`");
}

commands::Context make_context(const GlobalFlags& g) {
  commands::Context ctx;
  if (!g.config_file.empty()) ctx.overrides.config_file = g.config_file;
  if (!g.url.empty()) ctx.overrides.url = g.url;
  if (!g.env.empty()) ctx.overrides.env = g.env;
  for (const auto& kv : g.x_args) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) throw Error(ErrorKind::usage, "-x expects KEY=VALUE, got '" + kv + "'");
    ctx.overrides.x_args[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  ctx.format = g.format == "json" ? commands::Format::json : commands::Format::text;
  ctx.format_name = g.format;
  ctx.out = &std::cout;
  ctx.progress = !g.quiet && isatty(STDERR_FILENO) == 1;
  return ctx;
}

/// The format is needed to report errors that happen before or during parsing.
bool wants_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--format=json") == 0) return true;
    if (std::strcmp(argv[i], "--format") == 0 && i + 1 < argc && std::strcmp(argv[i + 1], "json") == 0) return true;
  }
  return false;
}

/// Global options that take a value, so that a look for the command skips their values.
bool takes_value(std::string_view arg) {
  return arg == "-c" || arg == "--config" || arg == "--url" || arg == "--env" || arg == "-x" || arg == "--format";
}

/// The command as typed: the first argument that is neither an option nor a global option's
/// value; nullopt when there is none.
std::optional<std::string> typed_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (takes_value(arg)) {
      ++i;
    } else if (arg.empty() || arg.front() != '-') {
      return std::string(arg);
    }
  }
  return std::nullopt;
}

/// Levenshtein distance: insertions, deletions and substitutions of one character.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// The known command closest to `typed`, when it is close enough to be a typo (at most two
/// edits, and fewer than half of what was typed); "" otherwise.
std::string closest_command(const CLI::App& app, const std::string& typed) {
  std::string best;
  std::size_t best_distance = 3;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    std::size_t d = edit_distance(typed, sub->get_name());
    if (d < best_distance && 2 * d < typed.size()) {
      best = sub->get_name();
      best_distance = d;
    }
  }
  return best;
}

/// The usage error for a command line CLI11 refused: an unknown command is named as such
/// (with the known one it is probably a typo of), a missing one too; anything else keeps
/// CLI11's message.
Error parse_error(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  const std::string help = "see `migrate --help` or `migrate <command> --help`";
  auto typed = typed_command(argc, argv);
  if (!typed) {
    if (e.get_name() == "RequiredError" && app.get_subcommands().empty())
      return Error(ErrorKind::usage, "no command given", "see `migrate --help` for the commands");
    return Error(ErrorKind::usage, e.what(), help);
  }
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->get_name() == *typed) return Error(ErrorKind::usage, e.what(), help);
  auto suggestion = closest_command(app, *typed);
  return Error(ErrorKind::usage, "unknown command '" + *typed + "'",
               suggestion.empty() ? "see `migrate --help` for the commands"
                                  : "did you mean '" + suggestion + "'? (see `migrate --help` for the commands)");
}

/// The location fields of a failure, each only where known, so that a consumer can tell
/// "no such field" from an empty value.
int report(const Error& e, bool json) {
  if (json) {
    util::Json doc = util::Json::object();
    doc.set("error", commands::error_json(e));
    std::cout << doc.dump() << std::endl;
  }
  std::cerr << "migrate: error: " << e.what() << "\n";
  if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
  return exit_status(e);
}

void add_global_options(CLI::App& app, GlobalFlags& g) {
  app.add_option("-c,--config", g.config_file, "configuration file (default: $MIGRATE_CONFIG, else ./migrate.toml)");
  app.add_option("--url", g.url, "database URL (overrides every other source)");
  app.add_option("--env", g.env, "use the [environments.NAME] section of the configuration");
  app.add_option("-x", g.x_args, "KEY=VALUE passed to the run (repeatable)")->allow_extra_args(false);
  app.add_option("--format", g.format, "output format: text, json; sql (dump); dot, mermaid (graph); github (lint)")
      ->check(CLI::IsMember({"text", "json", "sql", "dot", "mermaid", "github"}));
  app.add_flag("-q,--quiet", g.quiet, "only warnings and errors on stderr");
  app.add_flag("-v,--verbose", g.verbose, "more detail on stderr");
}

CLI::App* subcommand(CLI::App& app, const std::string& name, const std::string& help) {
  auto* sub = app.add_subcommand(name, help);
  sub->fallthrough();  // global options may stand after the command too
  return sub;
}

void add_fleet_flags(CLI::App* sub, commands::FleetFlags& f) {
  sub->add_option("--targets", f.targets, "run on every target of the [targets.NAME] section of migrate.toml");
  sub->add_option("--concurrency", f.concurrency, "with --targets: at most N targets at once (default 4)");
  sub->add_option("--canary", f.canary, "with --targets: run the first K targets one at a time first (default 0)");
  sub->add_option("--max-failures", f.max_failures,
                  "with --targets: start no new target once F have failed (default 1)");
}

void add_migrate_flags(CLI::App* sub, commands::MigrateOptions& o, std::string& backup) {
  sub->add_option("target", o.target, "revision, relative move (+N, -N), or start:end with --sql")->required();
  sub->add_flag("--sql", o.sql, "print the SQL instead of running it (offline)");
  sub->add_flag("--plan", o.plan, "show what would run, change nothing");
  sub->add_flag("--dry-run", o.dry_run, "run the real SQL in one transaction and roll it back");
  sub->add_option("--backup", backup,
                  "back up the database before the first change (optional PATH; prints the restore command)")
      ->expected(0, 1);
  sub->add_option("--lock-timeout", o.lock_timeout_seconds, "seconds to wait for the migration lock");
  add_fleet_flags(sub, o.fleet);
}

/// Every subcommand's options, bound to CLI11 and read by the handlers after parsing.
struct CommandOptions {
  commands::InitOptions init_o;
  commands::RevisionOptions rev_o;
  commands::MergeOptions merge_o;
  commands::MigrateOptions up_o, down_o;
  std::string up_backup, down_backup;
  commands::StampOptions stamp_o;
  commands::CurrentOptions cur_o;
  commands::HistoryOptions hist_o;
  commands::HeadsOptions heads_o;
  bool branches_verbose = false;
  std::string show_rev;
  std::string edit_rev;
  commands::RepairOptions repair_o;
  commands::StatusOptions status_o;
  commands::LogOptions log_o;
  commands::DumpOptions dump_o;
  commands::DriftOptions drift_o;
  commands::CheckOptions check_o;
  commands::StairwayOptions stairway_o;
  commands::LintOptions lint_o;
  commands::BaselineOptions baseline_o;
};

using Handler = std::function<int(const commands::Context&)>;
using Table = std::vector<Subcommand>;

/// init, list-templates, revision, merge: commands that write or list files.
void add_file_commands(CLI::App& app, CommandOptions& o, Table& table) {
  auto add = [&table](CLI::App* sub, Handler handler) { table.push_back({sub, std::move(handler)}); };

  auto* init = subcommand(app, "init", "create a migration folder and migrate.toml from a template");
  init->add_option("directory", o.init_o.directory, "folder for the migration scripts (optional with --ci)");
  init->add_option("-t,--template", o.init_o.template_name, "template name (see list-templates)");
  init->add_option("--ci", o.init_o.ci, "also write a CI job running migrate's checks: github or gitlab");
  add(init, [&o](const auto& ctx) { return commands::init(ctx, o.init_o); });

  add(subcommand(app, "list-templates", "list the templates `init` can use"),
      [](const auto& ctx) { return commands::list_templates(ctx); });

  auto* revision = subcommand(app, "revision", "create a new revision file");
  revision->add_option("-m,--message", o.rev_o.message, "what the revision does");
  revision->add_option("--head", o.rev_o.heads, "revision(s) to base it on (default: head)")->allow_extra_args(false);
  revision->add_flag("--splice", o.rev_o.splice, "allow a non-head --head (starts a branch)");
  revision->add_option("--branch-label", o.rev_o.branch_label, "label for a new branch");
  revision->add_option("--depends-on", o.rev_o.depends_on, "revision(s) this one depends on (repeatable)")->allow_extra_args(false);
  revision->add_option("--rev-id", o.rev_o.rev_id, "use this id instead of a random one");
  revision->add_option("--version-path", o.rev_o.version_path, "version location to write into");
  revision->add_flag("--autogenerate", o.rev_o.autogenerate,
                     "fill it with the DDL from the head's schema to the one schema_file builds");
  add(revision, [&o](const auto& ctx) { return commands::revision(ctx, o.rev_o); });

  auto* baseline = subcommand(app, "baseline", "write a base revision holding the live schema of the database");
  baseline->add_option("-m,--message", o.baseline_o.message, "what the revision says (default: baseline)");
  baseline->add_option("--rev-id", o.baseline_o.rev_id, "use this id instead of a random one");
  baseline->add_flag("--stamp", o.baseline_o.stamp, "also stamp the database at the new revision");
  baseline->add_option("--reason", o.baseline_o.reason, "with --stamp: why (recorded in the journal)");
  baseline->add_flag("--ignore-unsupported", o.baseline_o.ignore_unsupported,
                     "leave out objects the schema model cannot represent (named in warnings) instead of failing");
  add(baseline, [&o](const auto& ctx) { return commands::baseline(ctx, o.baseline_o); });

  auto* merge = subcommand(app, "merge", "create a revision that merges two or more heads");
  merge->add_option("revisions", o.merge_o.revisions, "revisions to merge (or `heads`)")->required();
  merge->add_option("-m,--message", o.merge_o.message, "message");
  merge->add_option("--branch-label", o.merge_o.branch_label, "label for the merge revision");
  merge->add_option("--rev-id", o.merge_o.rev_id, "use this id instead of a random one");
  merge->add_flag("--splice", o.merge_o.splice, "allow non-head revisions");
  add(merge, [&o](const auto& ctx) { return commands::merge(ctx, o.merge_o); });
}

/// upgrade, downgrade, stamp.
void add_migrate_commands(CLI::App& app, CommandOptions& o, Table& table) {
  auto add = [&table](CLI::App* sub, Handler handler) { table.push_back({sub, std::move(handler)}); };

  auto* upgrade = subcommand(app, "upgrade", "apply revisions up to TARGET");
  add_migrate_flags(upgrade, o.up_o, o.up_backup);
  upgrade->add_flag("--check-drift", o.up_o.check_drift,
                    "refuse when the live schema differs from the one recorded for the current revisions");
  upgrade->add_flag("--allow-unversioned", o.up_o.allow_unversioned,
                    "start from an empty version table although the database already holds tables");
  add(upgrade, [&o, upgrade](const auto& ctx) {
    if (upgrade->count("--backup")) o.up_o.backup = o.up_backup;
    return commands::upgrade(ctx, o.up_o);
  });
  auto* downgrade = subcommand(app, "downgrade", "revert revisions down to TARGET");
  add_migrate_flags(downgrade, o.down_o, o.down_backup);
  downgrade->add_flag("--check-drift", o.down_o.check_drift,
                      "refuse when the live schema differs from the one recorded for the current revisions");
  add(downgrade, [&o, downgrade](const auto& ctx) {
    if (downgrade->count("--backup")) o.down_o.backup = o.down_backup;
    return commands::downgrade(ctx, o.down_o);
  });

  auto* stamp = subcommand(app, "stamp", "set the version table without running SQL");
  stamp->add_option("revisions", o.stamp_o.revisions, "destination revision(s)")->required();
  stamp->add_flag("--sql", o.stamp_o.sql, "print the SQL instead of running it");
  stamp->add_flag("--purge", o.stamp_o.purge, "empty the version table first");
  stamp->add_flag("--plan", o.stamp_o.plan, "show the row changes, change nothing");
  stamp->add_option("--reason", o.stamp_o.reason, "why (recorded in the journal)");
  add(stamp, [&o](const auto& ctx) { return commands::stamp(ctx, o.stamp_o); });
}

/// current, history, heads, branches, show, edit.
void add_inspect_commands(CLI::App& app, CommandOptions& o, Table& table) {
  auto add = [&table](CLI::App* sub, Handler handler) { table.push_back({sub, std::move(handler)}); };

  auto* current = subcommand(app, "current", "show the database's current revision(s)");
  current->add_flag("-v,--verbose", o.cur_o.verbose, "full entries");
  current->add_flag("--check-heads", o.cur_o.check_heads, "exit 1 unless the database is on all heads");
  add_fleet_flags(current, o.cur_o.fleet);
  add(current, [&o](const auto& ctx) { return commands::current(ctx, o.cur_o); });

  auto* history = subcommand(app, "history", "list revisions, newest first");
  history->add_option("-r,--rev-range", o.hist_o.rev_range, "[start]:[end]");
  history->add_flag("-v,--verbose", o.hist_o.verbose, "full entries");
  history->add_flag("-i,--indicate-current", o.hist_o.indicate_current, "mark the database's revisions");
  add(history, [&o](const auto& ctx) { return commands::history(ctx, o.hist_o); });

  auto* heads = subcommand(app, "heads", "show the head revisions");
  heads->add_flag("-v,--verbose", o.heads_o.verbose, "full entries");
  heads->add_flag("--resolve-dependencies", o.heads_o.resolve_dependencies, "leave out effective heads");
  add(heads, [&o](const auto& ctx) { return commands::heads(ctx, o.heads_o); });

  auto* branches = subcommand(app, "branches", "show branch points");
  branches->add_flag("-v,--verbose", o.branches_verbose, "full entries");
  add(branches, [&o](const auto& ctx) { return commands::branches(ctx, o.branches_verbose); });

  auto* show = subcommand(app, "show", "show revision(s) in full");
  show->add_option("rev", o.show_rev, "revision identifier")->required();
  add(show, [&o](const auto& ctx) { return commands::show(ctx, o.show_rev); });

  auto* edit = subcommand(app, "edit", "open revision file(s) in $EDITOR");
  edit->add_option("rev", o.edit_rev, "revision identifier")->required();
  add(edit, [&o](const auto& ctx) { return commands::edit(ctx, o.edit_rev); });
}

/// status and log: what the database holds and how it got there.
void add_journal_commands(CLI::App& app, CommandOptions& o, Table& table) {
  auto add = [&table](CLI::App* sub, Handler handler) { table.push_back({sub, std::move(handler)}); };

  auto* status = subcommand(app, "status", "every revision with its state, when and by whom it was applied");
  status->add_flag("-v,--verbose", o.status_o.verbose, "also the command, journal row and file of each revision");
  add_fleet_flags(status, o.status_o.fleet);
  add(status, [&o](const auto& ctx) { return commands::status(ctx, o.status_o); });

  auto* log = subcommand(app, "log", "the journal, newest first");
  log->add_option("-n", o.log_o.limit, "show at most N rows")->type_name("N");
  log->add_option("--revision", o.log_o.revision, "only the rows of REV (id, prefix, label, ...)")->type_name("REV");
  add(log, [&o](const auto& ctx) { return commands::log(ctx, o.log_o); });

  auto* dump = subcommand(app, "dump", "print the live schema as SQL that rebuilds it (--format json: the model)");
  dump->add_option("-o,--output", o.dump_o.output, "write to FILE instead of stdout")->type_name("FILE");
  dump->add_flag("--ignore-unsupported", o.dump_o.ignore_unsupported,
                 "leave out objects the schema model cannot represent (named in warnings) instead of failing");
  add(dump, [&o](const auto& ctx) { return commands::dump(ctx, o.dump_o); });

  auto* drift = subcommand(app, "drift", "compare the live schema with what its revisions should have built");
  drift->add_flag("--identify", o.drift_o.identify, "also find the revision the live schema really matches");
  drift->add_option("--scratch-url", o.drift_o.scratch_url,
                    "replay on this database (emptied first) instead of a temporary one")
      ->type_name("URL");
  add_fleet_flags(drift, o.drift_o.fleet);
  add(drift, [&o](const auto& ctx) { return commands::drift(ctx, o.drift_o); });

  auto* stairway = subcommand(app, "test", "the stairway test: every revision up, down and up again on a scratch database");
  stairway->add_option("--scratch-url", o.stairway_o.scratch_url,
                       "run on this database (emptied first) instead of a temporary one")
      ->type_name("URL");
  stairway->add_option("-r,--rev-range", o.stairway_o.rev_range, "[start]:[end] as `history -r` (default: every revision)");
  add(stairway, [&o](const auto& ctx) { return commands::stairway(ctx, o.stairway_o); });

  auto* graph = subcommand(app, "graph", "print the revision graph (--format dot, mermaid or text)");
  add(graph, [](const auto& ctx) { return commands::graph(ctx); });

  auto* check =
      subcommand(app, "check", "check the project and, with a database, that it is at head (exit 1 on a problem)");
  check->add_flag("--allow-multiple-heads", o.check_o.allow_multiple_heads, "more than one head is not a problem");
  check->add_flag("--offline", o.check_o.offline, "never connect: skip the database checks");
  check->add_flag("--strict", o.check_o.strict, "warnings count as problems for the exit status");
  add_fleet_flags(check, o.check_o.fleet);
  add(check, [&o](const auto& ctx) { return commands::check(ctx, o.check_o); });
}

/// lint: the revision files against the lint rules, without a database (but for --rehearse).
void add_lint_command(CLI::App& app, CommandOptions& o, Table& table) {
  auto* lint = subcommand(app, "lint", "check revision files for statements that lock, fail or cannot be reverted");
  lint->add_option("range", o.lint_o.range, "only these revisions: [start]:[end] as in `history -r` (default: all)");
  lint->add_option("--since", o.lint_o.since, "only the revision files changed since this git ref (and untracked ones)")
      ->type_name("REF");
  lint->add_flag("--list-rules", o.lint_o.list_rules, "list every rule with its dialect and default severity");
  lint->add_flag("--rehearse", o.lint_o.rehearse,
                 "PostgreSQL: also run each revision on a scratch database and measure its locks and rewrites");
  lint->add_option("--scratch-url", o.lint_o.scratch_url, "with --rehearse: the scratch database (emptied first)");
  table.push_back({lint, [&o](const auto& ctx) { return commands::lint(ctx, o.lint_o); }});
}

/// repair and its actions.
void add_repair_command(CLI::App& app, CommandOptions& o, Table& table) {
  auto add = [&table](CLI::App* sub, Handler handler) { table.push_back({sub, std::move(handler)}); };

  auto* repair = subcommand(app, "repair", "list what needs repair (exit 5 while anything does), or record a way out");
  repair->add_flag("--resume", o.repair_o.resume,
                   "run the statements of the one partially applied revision that did not complete");
  repair->add_option("--mark-applied", o.repair_o.mark_applied,
                     "record REV as applied after a manual fix (no SQL runs; needs --reason)")
      ->type_name("REV");
  repair->add_option("--mark-reverted", o.repair_o.mark_reverted,
                     "record REV as reverted after a manual fix (no SQL runs; needs --reason)")
      ->type_name("REV");
  repair->add_option("--accept-checksum", o.repair_o.accept_checksum,
                     "accept the edited file of applied REV as its new checksum (needs --reason)")
      ->type_name("REV");
  repair->add_option("--reason", o.repair_o.reason, "why (recorded in the journal)");
  repair->add_flag("--assume-ran", o.repair_o.assume_ran,
                   "the statement that was running when the process died did complete");
  repair->add_flag("--assume-not-run", o.repair_o.assume_not_run,
                   "the statement that was running when the process died did not take effect");
  repair->add_flag("--schema", o.repair_o.schema,
                   "bring the live schema to what its revisions build (additive changes; needs --reason)");
  repair->add_flag("--sql", o.repair_o.sql, "with --schema: print the DDL and change nothing");
  repair->add_flag("--allow-destructive", o.repair_o.allow_destructive,
                   "with --schema: also drop objects and change column types, nullability and defaults");
  repair->add_option("--scratch-url", o.repair_o.scratch_url,
                     "with --schema: replay the revisions on this database (emptied first)")
      ->type_name("URL");
  add(repair, [&o](const auto& ctx) { return commands::repair(ctx, o.repair_o); });
}

}  // namespace

int run(int argc, char** argv) {
  backend::configure_process();  // before any database is opened; the process is ours
  bool json = wants_json(argc, argv);
  GlobalFlags g;
  CLI::App app{"migrate: SQL schema migrations with Alembic's revision graph", "migrate"};
  app.set_version_flag("--version", std::string("migrate ") + MIGRATE_VERSION);
  app.require_subcommand(1);
  add_global_options(app, g);

  Table table;
  CommandOptions options;
  add_file_commands(app, options, table);
  add_migrate_commands(app, options, table);
  add_inspect_commands(app, options, table);
  add_repair_command(app, options, table);
  add_journal_commands(app, options, table);
  add_lint_command(app, options, table);

  try {
    try {
      app.parse(argc, argv);
    } catch (const CLI::Success& e) {
      return app.exit(e);  // --help, --version
    } catch (const CLI::ParseError& e) {
      throw parse_error(app, e, argc, argv);
    }
    // Only -v/--verbose on the main app counts as logging verbosity; `current --verbose` etc. are output options.
    setup_logging(g);
    auto ctx = make_context(g);
    // SIGINT/SIGTERM reach a run through this token; outside a run they act as usual.
    runtime::StopToken stop;
    SignalHandlers signals(stop);
    TestHooks hooks;
    ctx.stop = &stop;
    if (hooks.active()) ctx.observer = &hooks;
    for (const auto& row : table) {
      if (!row.app->parsed()) continue;
      refuse_foreign_format(g.format, row.app->get_name());
      quiet_targets_of_fleet(*row.app, g);
      return row.handler(ctx);
    }
    throw Error(ErrorKind::usage, "no command given", "see `migrate --help`");
  } catch (const Error& e) {
    return report(e, json);
  } catch (const std::exception& e) {
    return report(Error(ErrorKind::internal, std::string("internal error: ") + e.what(),
                        "please report this with the command that caused it"),
                  json);
  }
}

}  // namespace migrate::cli

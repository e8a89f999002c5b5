#pragma once
/// One plain function per verb. They never see CLI11; `cli/`
/// fills the option structs. Each returns the exit status for a successful run (0, or 1
/// when a check found problems) and throws migrate::Error for failures.

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "commands/output.hpp"
#include "config/config.hpp"
#include "runtime/run_control.hpp"

namespace migrate::commands {

/// What every command gets: how to find the configuration and how to print.
struct Context {
  config::Overrides overrides;
  Format format = Format::text;
  std::string format_name = "text";  ///< --format as given: also sql (dump), dot and mermaid (graph)
  std::ostream* out = nullptr;  ///< stdout
  /// Where stop requests (SIGINT/SIGTERM) reach a run, and who follows it; nullable.
  runtime::StopToken* stop = nullptr;
  runtime::RunObserver* observer = nullptr;
  /// A progress line may be drawn on stderr: it is a terminal and --quiet was not given.
  bool progress = false;
};

struct InitOptions {
  std::string directory;  ///< empty: only the CI job (`ci`), into an existing project
  std::string template_name = "generic";
  std::string ci;  ///< --ci: "github" or "gitlab" (a CI job beside the configuration file), or empty
};

struct RevisionOptions {
  std::string message;
  std::vector<std::string> heads;  ///< --head (default "head")
  bool splice = false;
  std::string branch_label;
  std::vector<std::string> depends_on;
  std::string rev_id;
  std::string version_path;
  /// --autogenerate: the sections from the head's schema to `schema_file`'s.
  bool autogenerate = false;
};

struct BaselineOptions {
  std::string message;
  std::string rev_id;
  bool stamp = false;  ///< also stamp the database at the new revision
  std::string reason;  ///< for the stamp's journal row
  bool ignore_unsupported = false;
};

struct MergeOptions {
  std::vector<std::string> revisions;
  std::string message;
  std::string branch_label;
  std::string rev_id;
  bool splice = false;
};

/// `--targets NAME` and the flags that schedule it (docs/fleets.md); unset flags take the
/// library's defaults.
struct FleetFlags {
  std::string targets;
  std::optional<int> concurrency;
  std::optional<int> canary;
  std::optional<int> max_failures;
};

struct MigrateOptions {
  std::string target;
  FleetFlags fleet;
  bool sql = false;
  bool plan = false;
  bool dry_run = false;
  std::optional<std::string> backup;  ///< --backup [PATH]; "" = default path
  std::optional<double> lock_timeout_seconds;
  bool allow_unversioned = false;  ///< upgrade only: --allow-unversioned
  bool check_drift = false;        ///< --check-drift
};

struct DumpOptions {
  std::string output;  ///< --output FILE ("" = stdout)
  bool ignore_unsupported = false;
};

struct StampOptions {
  std::vector<std::string> revisions;
  bool sql = false;
  bool purge = false;
  bool plan = false;
  std::string reason;  ///< --reason, recorded in the journal
};

struct CurrentOptions {
  bool verbose = false;
  bool check_heads = false;
  FleetFlags fleet;
};

struct HistoryOptions {
  std::string rev_range;
  bool verbose = false;
  bool indicate_current = false;
};

struct HeadsOptions {
  bool verbose = false;
  bool resolve_dependencies = false;
};

struct RepairOptions {
  bool resume = false;
  std::string mark_applied;
  std::string mark_reverted;
  std::string accept_checksum;
  std::string reason;
  /// --assume-ran / --assume-not-run: what the user states about the statement whose outcome
  /// is unknown (the process died while it ran).
  bool assume_ran = false;
  bool assume_not_run = false;
  /// --schema: bring the live schema to the expected one (with --sql: print the DDL only).
  bool schema = false;
  bool sql = false;
  bool allow_destructive = false;
  std::string scratch_url;
};

struct StatusOptions {
  bool verbose = false;
  FleetFlags fleet;
};

struct DriftOptions {
  bool identify = false;
  std::string scratch_url;
  FleetFlags fleet;
};

struct CheckOptions {
  bool allow_multiple_heads = false;
  bool offline = false;  ///< never connect: the database checks do not run
  bool strict = false;   ///< warnings count as problems for the exit status
  FleetFlags fleet;
};

struct StairwayOptions {
  std::string scratch_url;  ///< --scratch-url ("" = the configuration's, else a temporary database)
  std::string rev_range;    ///< -r/--rev-range, as `history -r` takes it ("" = the whole graph)
};

struct LintOptions {
  std::string range;  ///< [RANGE]: `history -r` syntax; "" = every revision
  std::string since;  ///< --since REF: only the files changed since this git ref
  bool list_rules = false;
  bool rehearse = false;    ///< --rehearse: measure on a scratch database (PostgreSQL)
  std::string scratch_url;  ///< --scratch-url, with --rehearse
};

struct LogOptions {
  std::optional<int> limit;  ///< -n N
  std::string revision;      ///< --revision REV ("" = every row)
};

int init(const Context& ctx, const InitOptions& opts);
int list_templates(const Context& ctx);
int revision(const Context& ctx, const RevisionOptions& opts);
int merge(const Context& ctx, const MergeOptions& opts);
/// A base revision holding the live schema (`--stamp`: and the database stamped at it).
int baseline(const Context& ctx, const BaselineOptions& opts);
int upgrade(const Context& ctx, const MigrateOptions& opts);
int downgrade(const Context& ctx, const MigrateOptions& opts);
int stamp(const Context& ctx, const StampOptions& opts);
int current(const Context& ctx, const CurrentOptions& opts);
/// A command run with `--targets`.
struct FleetRequest {
  FleetCommand command = FleetCommand::current;
  std::string revision;  ///< upgrade and downgrade
  FleetFlags flags;
  std::optional<std::chrono::milliseconds> lock_timeout;  ///< upgrade and downgrade
  bool check_heads = false;  ///< current --check-heads: a target behind fails the command
  bool strict = false;       ///< check --strict: a warning fails the command
  std::string scratch_url;   ///< drift --scratch-url
};
/// A command with `--targets` (commands/fleet.cpp): every target of the section, a summary,
/// exit 0; 1 when a target's findings fail the command (behind with --check-heads, drifted,
/// check problems); 3 when a target failed; 4 when only lock timeouts; 128 + N after a signal.
int fleet(const Context& ctx, const FleetRequest& request);
/// Error{usage} when a scheduling flag is given without --targets.
void refuse_fleet_flags_alone(const FleetFlags& flags);
int history(const Context& ctx, const HistoryOptions& opts);
int heads(const Context& ctx, const HeadsOptions& opts);
int branches(const Context& ctx, bool verbose);
int show(const Context& ctx, const std::string& rev);
int edit(const Context& ctx, const std::string& rev);
int repair(const Context& ctx, const RepairOptions& opts);
/// `repair --schema`: exit 0 when the schema is now (or, with --sql, would be) what the
/// revisions build; 1 when destructive changes were skipped or differences remain.
int repair_schema(const Context& ctx, const RepairOptions& opts);
int status(const Context& ctx, const StatusOptions& opts);
int log(const Context& ctx, const LogOptions& opts);
int dump(const Context& ctx, const DumpOptions& opts);
/// The revision graph in ctx.format_name: dot, mermaid or text (json is refused).
int graph(const Context& ctx);
/// Exit 0 when the live schema is the expected one, 1 on drift (or objects not compared).
int drift(const Context& ctx, const DriftOptions& opts);
/// Exit 0 when no check found an error (nor, with --strict, a warning), 1 otherwise.
int check(const Context& ctx, const CheckOptions& opts);
/// `test`, the stairway test: exit 0 when every revision went up, down and up again with the
/// same schemas and the schema came back to where it started, 1 naming the first broken one.
int stairway(const Context& ctx, const StairwayOptions& opts);
/// The lint rules over the selected revision files (no database): exit 1 when an
/// error-level finding remains. ctx.format_name may also be `github`.
int lint(const Context& ctx, const LintOptions& opts);

}  // namespace migrate::commands

// `--targets NAME` on upgrade, downgrade, current, status, drift and check: the library's
// fleet run, a progress line on a terminal, and the per-target results as text or JSON.
#include <migrate/migrator.hpp>

#include <iostream>
#include <sstream>

#include "commands/commands.hpp"
#include "commands/source.hpp"
#include "util/strings.hpp"

namespace migrate::commands {

namespace {

/// How many targets ended each way.
struct Tally {
  static constexpr std::size_t k_statuses = std::size_t(TargetStatus::problems) + 1;
  std::size_t by_status[k_statuses] = {};

  explicit Tally(const std::vector<TargetResult>& targets) {
    for (const auto& t : targets) ++by_status[std::size_t(t.status)];
  }
  std::size_t operator[](TargetStatus status) const { return by_status[std::size_t(status)]; }
};

/// The statuses a command's targets can end in, in the order the summary lists them.
std::vector<TargetStatus> statuses_of(FleetCommand command) {
  using S = TargetStatus;
  switch (command) {
    case FleetCommand::current:
    case FleetCommand::status: return {S::up_to_date, S::behind, S::failed, S::not_started};
    case FleetCommand::drift: return {S::clean, S::drifted, S::failed, S::not_started};
    case FleetCommand::check: return {S::up_to_date, S::problems, S::failed, S::not_started};
    case FleetCommand::upgrade:
    case FleetCommand::downgrade: break;
  }
  return {S::applied, S::up_to_date, S::failed, S::not_started};
}

const char* command_name(FleetCommand command) {
  switch (command) {
    case FleetCommand::upgrade: return "upgrade";
    case FleetCommand::downgrade: return "downgrade";
    case FleetCommand::current: return "current";
    case FleetCommand::status: return "status";
    case FleetCommand::drift: return "drift";
    case FleetCommand::check: return "check";
  }
  return "";
}

std::string status_words(TargetStatus status) { return util::replace_all(to_string(status), "_", " "); }

std::string tally_text(FleetCommand command, const Tally& tally) {
  std::string text;
  for (auto status : statuses_of(command)) {
    if (!text.empty()) text += ", ";
    text += std::to_string(tally[status]) + " " + status_words(status);
  }
  return text;
}

/// One line on stderr, redrawn as targets finish; cleared when the run ends.
class ProgressLine : public FleetObserver {
 public:
  explicit ProgressLine(std::string name) : m_name(std::move(name)) {}
  ~ProgressLine() override {
    if (m_drawn) std::cerr << "\r\033[K" << std::flush;
  }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void target_finished(const TargetResult& result, std::size_t done, std::size_t total) override {
    m_finished.push_back(result.status);
    std::size_t failed = 0;
    for (auto s : m_finished) failed += s == TargetStatus::failed;
    std::cerr << "\r\033[K" << m_name << ": " << done << "/" << total << " targets done, " << failed << " failed"
              << std::flush;
    m_drawn = true;
  }

 private:
  std::string m_name;
  std::vector<TargetStatus> m_finished;
  bool m_drawn = false;
};

util::Json problems_json(const std::vector<TargetProblem>& problems) {
  util::Json out = util::Json::array();
  for (const auto& p : problems) {
    util::Json item = util::Json::object();
    item.set("check", p.check).set("severity", p.severity).set("message", p.message);
    out.push(std::move(item));
  }
  return out;
}

/// One target: what every command reports, and what its own command found.
util::Json target_json(FleetCommand command, const TargetResult& t) {
  util::Json steps = util::Json::array();
  for (const auto& step : t.steps) steps.push(step_json(step));
  util::Json error(nullptr);
  if (t.error) error = error_json(*t.error);
  util::Json doc = util::Json::object();
  doc.set("target", t.target)
      .set("status", to_string(t.status))
      .set("heads_before", util::Json::strings(t.heads_before))
      .set("heads_after", util::Json::strings(t.heads_after))
      .set("steps", std::move(steps))
      .set("error", std::move(error))
      .set("duration_ms", t.duration_ms);
  if (command == FleetCommand::status)
    doc.set("pending", util::Json::strings(t.pending)).set("partial", util::Json::strings(t.partial));
  if (command == FleetCommand::drift) doc.set("differences", schema_differences_json(t.differences));
  if (command == FleetCommand::check) doc.set("problems", problems_json(t.problems));
  return doc;
}

util::Json fleet_json(FleetCommand command, const std::string& revision, const FleetResult& result) {
  util::Json targets = util::Json::array();
  for (const auto& t : result.targets) targets.push(target_json(command, t));
  const Tally tally(result.targets);
  util::Json summary = util::Json::object();
  summary.set("targets", static_cast<long long>(result.targets.size()));
  for (auto status : statuses_of(command)) summary.set(to_string(status), static_cast<long long>(tally[status]));
  summary.set("duration_ms", result.duration_ms);
  util::Json doc = util::Json::object();
  doc.set("command", command_name(command))
      .set("target", util::Json::optional(revision.empty() ? std::nullopt : std::optional<std::string>(revision)))
      .set("targets", std::move(targets))
      .set("summary", std::move(summary));
  return doc;
}

/// The lines of one finished target: a failure with its error; for current and status its
/// revisions; for drift and check what they found (a clean target has no line).
void print_target_text(std::ostream& out, FleetCommand command, const TargetResult& t) {
  if (t.status == TargetStatus::failed) {
    out << t.target << ": failed: " << (t.error ? t.error->what() : "unknown error") << "\n";
    return;
  }
  if (t.status == TargetStatus::not_started) return;
  switch (command) {
    case FleetCommand::current:
      out << t.target << ": " << join_ids(t.heads_after, "(empty)") << (t.status == TargetStatus::behind ? " (behind)" : "")
          << "\n";
      return;
    case FleetCommand::status:
      out << t.target << ": " << join_ids(t.heads_after, "(empty)");
      if (!t.pending.empty()) out << ", " << t.pending.size() << " pending";
      if (!t.partial.empty()) out << ", partial: " << join_ids(t.partial, "");
      out << "\n";
      return;
    case FleetCommand::drift:  // the clean ones are in the summary's count
      if (t.status != TargetStatus::drifted) return;
      out << t.target << ": drifted\n";
      for (const auto& d : t.differences) out << "  " << d.text << "\n";
      return;
    case FleetCommand::check:
      for (const auto& p : t.problems) out << t.target << ": " << p.severity << " " << p.check << ": " << p.message << "\n";
      return;
    case FleetCommand::upgrade:
    case FleetCommand::downgrade: return;
  }
}

/// Text: each target as print_target_text says, then the summary.
void print_fleet_text(std::ostream& out, FleetCommand command, const std::string& name, const FleetResult& result) {
  for (const auto& t : result.targets) print_target_text(out, command, t);
  std::ostringstream seconds;
  seconds.precision(2);
  seconds << std::fixed << double(result.duration_ms) / 1000.0;
  out << name << ": " << result.targets.size() << " target(s) in " << seconds.str() << " s: "
      << tally_text(command, Tally(result.targets)) << "\n";
}

/// Whether a target's findings fail the command: a target behind for `current
/// --check-heads`, drift for `drift`, an error (with --strict a warning) for `check`.
bool fails_the_command(const FleetRequest& request, const TargetResult& t) {
  switch (t.status) {
    case TargetStatus::behind: return request.command == FleetCommand::current && request.check_heads;
    case TargetStatus::drifted:
    case TargetStatus::problems: return true;  // with --strict, a warning made it `problems`
    default: return false;
  }
}

/// 128 + N after a stop request; 3 when a target failed, 4 when every failure was a lock
/// timeout; 1 when a target's findings fail the command (fails_the_command); else 0.
int fleet_exit_status(const FleetRequest& request, const FleetResult& result) {
  if (result.stopped_by > 0) return 128 + result.stopped_by;
  bool failed = false, only_lock_timeouts = true, findings = false;
  for (const auto& t : result.targets) {
    findings = findings || fails_the_command(request, t);
    if (t.status != TargetStatus::failed) continue;
    failed = true;
    const auto kind = t.error ? t.error->kind() : ErrorKind::internal;
    if (kind == ErrorKind::interrupted) return exit_status(*t.error);
    only_lock_timeouts = only_lock_timeouts && kind == ErrorKind::lock_timeout;
  }
  if (failed) return only_lock_timeouts ? exit_status(ErrorKind::lock_timeout) : exit_status(ErrorKind::database);
  return findings ? exit_status(ErrorKind::check_failed) : 0;
}

}  // namespace

void refuse_fleet_flags_alone(const FleetFlags& flags) {
  if (flags.targets.empty() && (flags.concurrency || flags.canary || flags.max_failures))
    throw Error(ErrorKind::usage, "--concurrency, --canary and --max-failures go with --targets NAME",
                "name the [targets.NAME] section of migrate.toml to run on");
}

int fleet(const Context& ctx, const FleetRequest& request) {
  FleetOptions options;
  options.targets = request.flags.targets;
  if (request.flags.concurrency) options.concurrency = *request.flags.concurrency;
  if (request.flags.canary) options.canary = *request.flags.canary;
  if (request.flags.max_failures) options.max_failures = *request.flags.max_failures;
  options.lock_timeout = request.lock_timeout;
  options.drift.scratch_url = request.scratch_url;
  options.strict = request.strict;
  auto migrator = make_migrator(ctx);
  FleetResult result;
  {
    std::optional<ProgressLine> progress;
    if (ctx.progress) progress.emplace(request.flags.targets);
    result = migrator.fleet(request.command, request.revision, options, progress ? &*progress : nullptr);
  }
  if (ctx.format == Format::json)
    *ctx.out << fleet_json(request.command, request.revision, result).dump() << "\n";
  else
    print_fleet_text(*ctx.out, request.command, request.flags.targets, result);
  return fleet_exit_status(request, result);
}

}  // namespace migrate::commands

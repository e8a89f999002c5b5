// `--targets NAME` on upgrade, downgrade and current: the library's fleet run, a progress
// line on a terminal, and the per-target results as text or JSON.
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
  std::size_t by_status[5] = {};

  explicit Tally(const std::vector<TargetResult>& targets) {
    for (const auto& t : targets) ++by_status[std::size_t(t.status)];
  }
  std::size_t operator[](TargetStatus status) const { return by_status[std::size_t(status)]; }
};

/// The statuses a command's targets can end in, in the order the summary lists them.
std::vector<TargetStatus> statuses_of(FleetCommand command) {
  if (command == FleetCommand::current)
    return {TargetStatus::up_to_date, TargetStatus::behind, TargetStatus::failed, TargetStatus::not_started};
  return {TargetStatus::applied, TargetStatus::up_to_date, TargetStatus::failed, TargetStatus::not_started};
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

util::Json target_json(const TargetResult& t) {
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
  return doc;
}

util::Json fleet_json(FleetCommand command, const std::string& revision, const FleetResult& result) {
  util::Json targets = util::Json::array();
  for (const auto& t : result.targets) targets.push(target_json(t));
  const Tally tally(result.targets);
  util::Json summary = util::Json::object();
  summary.set("targets", static_cast<long long>(result.targets.size()));
  for (auto status : statuses_of(command)) summary.set(to_string(status), static_cast<long long>(tally[status]));
  summary.set("duration_ms", result.duration_ms);
  util::Json doc = util::Json::object();
  doc.set("command", command == FleetCommand::current ? "current" : to_string(command == FleetCommand::upgrade
                                                                                  ? Command::upgrade
                                                                                  : Command::downgrade))
      .set("target", util::Json::optional(revision.empty() ? std::nullopt : std::optional<std::string>(revision)))
      .set("targets", std::move(targets))
      .set("summary", std::move(summary));
  return doc;
}

/// Text: each target of `current` with its revisions, each failed target with its error,
/// then the summary.
void print_fleet_text(std::ostream& out, FleetCommand command, const std::string& name, const FleetResult& result) {
  for (const auto& t : result.targets) {
    if (t.status == TargetStatus::failed) {
      out << t.target << ": failed: " << (t.error ? t.error->what() : "unknown error") << "\n";
    } else if (command == FleetCommand::current && t.status != TargetStatus::not_started) {
      out << t.target << ": " << join_ids(t.heads_after, "(empty)")
          << (t.status == TargetStatus::behind ? " (behind)" : "") << "\n";
    }
  }
  std::ostringstream seconds;
  seconds.precision(2);
  seconds << std::fixed << double(result.duration_ms) / 1000.0;
  out << name << ": " << result.targets.size() << " target(s) in " << seconds.str() << " s: "
      << tally_text(command, Tally(result.targets)) << "\n";
}

/// 128 + N after a stop request; 3 when a target failed, 4 when every failure was a lock
/// timeout; 1 for `current --check-heads` with a target behind; else 0.
int fleet_exit_status(const FleetResult& result, bool check_heads) {
  if (result.stopped_by > 0) return 128 + result.stopped_by;
  bool failed = false, only_lock_timeouts = true, behind = false;
  for (const auto& t : result.targets) {
    behind = behind || t.status == TargetStatus::behind;
    if (t.status != TargetStatus::failed) continue;
    failed = true;
    const auto kind = t.error ? t.error->kind() : ErrorKind::internal;
    if (kind == ErrorKind::interrupted) return exit_status(*t.error);
    only_lock_timeouts = only_lock_timeouts && kind == ErrorKind::lock_timeout;
  }
  if (failed) return only_lock_timeouts ? exit_status(ErrorKind::lock_timeout) : exit_status(ErrorKind::database);
  return check_heads && behind ? exit_status(ErrorKind::check_failed) : 0;
}

}  // namespace

void refuse_fleet_flags_alone(const FleetFlags& flags) {
  if (flags.targets.empty() && (flags.concurrency || flags.canary || flags.max_failures))
    throw Error(ErrorKind::usage, "--concurrency, --canary and --max-failures go with --targets NAME",
                "name the [targets.NAME] section of migrate.toml to run on");
}

int fleet(const Context& ctx, FleetCommand command, const std::string& revision, const FleetFlags& flags,
          std::optional<std::chrono::milliseconds> lock_timeout, bool check_heads) {
  FleetOptions options;
  options.targets = flags.targets;
  if (flags.concurrency) options.concurrency = *flags.concurrency;
  if (flags.canary) options.canary = *flags.canary;
  if (flags.max_failures) options.max_failures = *flags.max_failures;
  options.lock_timeout = lock_timeout;
  auto migrator = make_migrator(ctx);
  FleetResult result;
  {
    std::optional<ProgressLine> progress;
    if (ctx.progress) progress.emplace(flags.targets);
    result = migrator.fleet(command, revision, options, progress ? &*progress : nullptr);
  }
  if (ctx.format == Format::json)
    *ctx.out << fleet_json(command, revision, result).dump() << "\n";
  else
    print_fleet_text(*ctx.out, command, flags.targets, result);
  return fleet_exit_status(result, check_heads);
}

}  // namespace migrate::commands

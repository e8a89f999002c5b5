// `check`: the project's soundness and, with a database, whether the database is where the
// project says (docs/ci.md). One line per problem, then a summary; exit 0 when no error
// (nor, with --strict, a warning) was found, 1 otherwise.
#include <spdlog/spdlog.h>

#include <ostream>

#include "api/check.hpp"
#include "commands/commands.hpp"

namespace migrate::commands {
namespace {

util::Json problem_json(const api::Problem& p) {
  util::Json item = util::Json::object();
  item.set("check", p.check)
      .set("severity", api::to_string(p.severity))
      .set("message", p.message)
      .set("file", p.file.empty() ? util::Json() : util::Json(p.file))
      .set("line", p.line > 0 ? util::Json(p.line) : util::Json());
  return item;
}

/// `FILE:LINE: severity check: message`, the location as far as known.
std::string problem_line(const api::Problem& p) {
  std::string where;
  if (!p.file.empty()) where = p.file + (p.line > 0 ? ":" + std::to_string(p.line) : "") + ": ";
  return where + api::to_string(p.severity) + " " + p.check + ": " + p.message;
}

std::string counted(std::size_t n, const std::string& what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

std::string summary(const api::CheckReport& report, bool strict) {
  const auto errors = report.count(api::Severity::error);
  const auto warnings = report.count(api::Severity::warning);
  if (report.problems.empty()) return "All checks passed.";
  if (report.ok(strict)) return "Checks passed with " + counted(warnings, "warning") + ".";
  std::string text = "Checks failed: " + counted(errors, "error") + ", " + counted(warnings, "warning");
  if (errors == 0) text += " (--strict: warnings count)";
  return text + ".";
}

/// The report as one line per problem and a summary, or as JSON.
void print_report(const Context& ctx, const api::CheckReport& report, bool strict) {
  if (ctx.format == Format::json) {
    util::Json problems = util::Json::array();
    for (const auto& p : report.problems) problems.push(problem_json(p));
    util::Json doc = util::Json::object();
    doc.set("ok", report.ok(strict)).set("problems", std::move(problems));
    *ctx.out << doc.dump() << "\n";
  } else {
    for (const auto& p : report.problems) *ctx.out << problem_line(p) << "\n";
    *ctx.out << summary(report, strict) << "\n";
  }
}

/// `check --targets`: the project's own checks once (as with --offline); when they pass,
/// the database checks on every target. A project that fails them is reported alone, as
/// every target would fail the same way.
int check_fleet(const Context& ctx, const CheckOptions& opts, const api::CheckReport& project) {
  if (!project.ok(opts.strict)) {
    print_report(ctx, project, opts.strict);
    return 1;
  }
  for (const auto& p : project.problems) spdlog::warn("{}", problem_line(p));
  FleetRequest request{FleetCommand::check, "", opts.fleet};
  request.strict = opts.strict;
  return fleet(ctx, request);
}

}  // namespace

int check(const Context& ctx, const CheckOptions& opts) {
  refuse_fleet_flags_alone(opts.fleet);
  const bool fleet_run = !opts.fleet.targets.empty();
  if (fleet_run && opts.offline)
    throw Error(ErrorKind::usage, "check --offline does not go with --targets: the targets are databases");
  api::CheckOptions options;
  options.allow_multiple_heads = opts.allow_multiple_heads;
  options.offline = opts.offline || fleet_run;
  runtime::StopToken own;
  const auto report = api::check_project(config::load(ctx.overrides), options, ctx.stop ? *ctx.stop : own);
  if (fleet_run) return check_fleet(ctx, opts, report);
  print_report(ctx, report, opts.strict);
  return report.ok(opts.strict) ? 0 : 1;
}

}  // namespace migrate::commands

#include "api/lint.hpp"

#include <algorithm>
#include <unordered_set>

#include "api/database.hpp"
#include "api/project.hpp"
#include "api/rehearsal.hpp"
#include "api/replay.hpp"
#include "backend/backend.hpp"
#include "backend/backup_support.hpp"
#include "core/error.hpp"
#include "lint/lint.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

namespace migrate::api {

namespace fs = std::filesystem;

namespace {

/// `[lint]` as severities; an id the catalog does not know is a configuration error.
std::map<std::string, lint::Severity> lint_severities(const config::Config& config) {
  std::map<std::string, lint::Severity> out;
  for (const auto& [rule, severity] : config.lint_severities) {
    if (lint::find_rule(rule) == nullptr) {
      auto line = config.lint_lines.find(rule);
      throw Error(ErrorKind::config,
                  config.file.string() + (line == config.lint_lines.end() ? "" : ":" + std::to_string(line->second)) +
                      ": [lint] names `" + rule + "`, which is no lint rule",
                  "`migrate lint --list-rules` lists the rule ids");
    }
    out[rule] = lint::parse_severity(severity).value_or(lint::Severity::error);
  }
  return out;
}

/// `path` relative to the working directory when it lies under it, else as it is.
std::string display_path(const fs::path& path) {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (ec) return path.string();
  const fs::path relative = path.lexically_relative(cwd);
  if (relative.empty() || *relative.begin() == "..") return path.string();
  return relative.string();
}

/// The ids `request.range` selects ("" = all), as a set.
std::unordered_set<std::string> ids_in_range(const Project& project, const std::string& range) {
  std::unordered_set<std::string> ids;
  if (range.empty()) {
    for (const auto& file : project.files()) ids.insert(file.id);
  } else {
    for (auto& id : project.map().history(range, {})) ids.insert(std::move(id));
  }
  return ids;
}

/// git's output as lines (paths relative to the repository's top level with --full-name).
std::vector<std::string> output_lines(const std::string& output) {
  std::vector<std::string> lines;
  for (const auto& line : util::split(output, '\n'))
    if (!util::trim(line).empty()) lines.emplace_back(util::trim_right(line));
  return lines;
}

backend::ProcessResult run_git(const fs::path& git, const fs::path& folder, std::vector<std::string> args) {
  args.insert(args.begin(), {"-C", folder.string()});
  auto result = backend::run_process(git, args, backend::child_environment({}, {}));
  if (result.exit_status != 0) {
    std::string message(util::trim(result.output));
    throw Error(ErrorKind::usage, "--since: git " + util::join(std::vector<std::string>(args.begin() + 2, args.end()), " ") +
                                      " failed" + (message.empty() ? "" : ": " + message),
                "run `migrate lint --since REF` inside a git working tree, with a REF that exists there "
                "(fetch it first, e.g. `git fetch origin main`)");
  }
  return result;
}

}  // namespace

Dialect lint_dialect(const config::Config& config) {
  if (config.database_url.empty())
    throw Error(ErrorKind::config, "no database URL is configured: lint cannot tell the dialect",
                "set `url` in [database] of " + config.file.string() + ", or pass --url (lint never connects)");
  const std::string& text = config.database_url.text();
  // The scheme is enough: `postgresql://${USER}:${PASSWORD}@...` needs no variable set.
  return backend::dialect_of_url(text.starts_with("${") ? config.database_url.value() : text);
}

std::set<fs::path> files_changed_since(const fs::path& folder, const std::string& ref,
                                       const std::vector<fs::path>& locations) {
  const fs::path git = backend::find_executable("git", {});
  if (git.empty())
    throw Error(ErrorKind::usage, "--since needs git, which is not on PATH",
                "install git, or lint a range of revisions instead: `migrate lint START:END`");
  const fs::path top(std::string(util::trim(run_git(git, folder, {"rev-parse", "--show-toplevel"}).output)));
  std::vector<std::string> pathspecs{"--"};
  for (const auto& location : locations) pathspecs.push_back(location.string());
  std::vector<std::string> diff{"diff", "--name-only", ref};
  diff.insert(diff.end(), pathspecs.begin(), pathspecs.end());
  std::vector<std::string> untracked{"ls-files", "--others", "--exclude-standard", "--full-name"};
  untracked.insert(untracked.end(), pathspecs.begin(), pathspecs.end());
  std::set<fs::path> out;
  for (const auto& args : {diff, untracked})
    for (const auto& name : output_lines(run_git(git, folder, args).output))
      out.insert((top / name).lexically_normal());
  return out;
}

namespace {

/// The linted revisions in the order `upgrade heads` applies them.
std::vector<std::string> linted_in_upgrade_order(const Project& project, const std::vector<lint::Input>& inputs) {
  std::unordered_set<std::string> linted;
  for (const auto& input : inputs) linted.insert(input.file->id);
  std::vector<std::string> order;
  for (auto& id : upgrade_order(project.map()))
    if (linted.count(id)) order.push_back(std::move(id));
  return order;
}

/// --rehearse: the revisions run on a scratch database, and the findings confirmed or cleared.
std::vector<lint::RevisionRehearsal> rehearse_inputs(const config::Config& config, const Project& project,
                                                     const std::vector<lint::Input>& inputs,
                                                     const LintRequest& request, std::vector<lint::Finding>& findings) {
  runtime::StopToken own_stop;
  require_rehearsal_dialect(lint_dialect(config), "the configured database");  // before opening it
  auto db = open_database(config, backend::OpenMode::existing_only);
  auto rehearsals = rehearse(project, *db, linted_in_upgrade_order(project, inputs), request.scratch_url,
                             request.stop ? *request.stop : own_stop);
  lint::apply_evidence(findings, rehearsals);
  for (auto& rehearsal : rehearsals) rehearsal.file = display_path(rehearsal.file);
  return rehearsals;
}

}  // namespace

LintReport lint_project(const config::Config& config, const LintRequest& request) {
  lint::Settings settings;
  settings.severities = lint_severities(config);
  settings.dialect = lint_dialect(config);
  settings.config_lock_timeout = config.lock_timeout.has_value();
  const auto project = Project::load(config);
  const auto ids = ids_in_range(project, request.range);
  std::optional<std::set<fs::path>> changed;
  if (!request.since.empty())
    changed = files_changed_since(config.file.parent_path(), request.since, config.version_locations);
  std::vector<lint::Input> inputs;
  for (const auto& file : project.files()) {
    if (!ids.count(file.id)) continue;
    if (changed && !changed->count(fs::weakly_canonical(file.path).lexically_normal())) continue;
    inputs.push_back({&file, util::read_file(file.path, ErrorKind::script), display_path(file.path)});
  }
  LintReport report;
  report.dialect = settings.dialect;
  report.files = inputs.size();
  report.findings = lint::lint(inputs, settings);
  if (request.rehearse) report.rehearsals = rehearse_inputs(config, project, inputs, request, report.findings);
  for (const auto& finding : report.findings) {
    if (finding.evidence == lint::Finding::Evidence::cleared) continue;  // measured harmless by a rehearsal
    (finding.severity == lint::Severity::error ? report.errors : report.warnings)++;
  }
  return report;
}

}  // namespace migrate::api

#pragma once
/// `migrate lint` on a project: which revision files to lint (a range of the graph, or the
/// files a git branch changed), the dialect the configured URL names (no connection), and
/// the `[lint]` severities of migrate.toml. Never connects to a database, except to rehearse.

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/dialect.hpp"
#include "lint/evidence.hpp"
#include "lint/finding.hpp"
#include "runtime/run_control.hpp"

namespace migrate::api {

struct LintRequest {
  std::string range;  ///< `history -r` syntax ("start:end", either side may be empty); "" = every revision
  std::string since;  ///< a git ref: only the revision files changed since it (and untracked ones); "" = no filter
  /// --rehearse: also run the linted revisions on a scratch database of the configured
  /// PostgreSQL server (api/rehearsal.hpp) and confirm or clear the findings with what was
  /// measured. The only lint that connects.
  bool rehearse = false;
  std::string scratch_url;           ///< --scratch-url for the rehearsal ("" = the configuration's, else temporary)
  runtime::StopToken* stop = nullptr;  ///< where a stop request reaches the rehearsal; nullable
};

struct LintReport {
  Dialect dialect = Dialect::sqlite;
  std::size_t files = 0;  ///< revision files linted
  std::vector<lint::Finding> findings;
  int errors = 0;    ///< error-level findings, not counting those a rehearsal cleared
  int warnings = 0;  ///< warnings, likewise
  /// With --rehearse: what each linted revision's statements did, in upgrade order (files as
  /// the findings name them).
  std::vector<lint::RevisionRehearsal> rehearsals;
};

/// Loads the project of `config` and lints the requested revisions. Throws Error{config} for
/// an unknown rule id in `[lint]` (naming it and its line), Error{usage} when --since cannot
/// ask git (git missing, not a repository, unknown ref), and the project's load errors; with
/// `rehearse`, what api::rehearse throws (Error{usage} on SQLite).
LintReport lint_project(const config::Config& config, const LintRequest& request);

/// The dialect the configured URL names, read from its scheme (a URL that is all `${VAR}`
/// is expanded). Throws Error{config} when no URL is configured.
Dialect lint_dialect(const config::Config& config);

/// The files (absolute, lexically normal) under `locations` that differ from git ref `ref`
/// in the working tree of `folder`, plus untracked files that are not ignored.
std::set<std::filesystem::path> files_changed_since(const std::filesystem::path& folder, const std::string& ref,
                                                    const std::vector<std::filesystem::path>& locations);

}  // namespace migrate::api

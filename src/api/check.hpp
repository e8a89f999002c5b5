#pragma once
/// `migrate check` (docs/ci.md): everything about a project that can be wrong before its
/// revisions reach a database, and, when a database is configured, whether that database is
/// where the project says it should be. Each finding is a Problem with a stable check id;
/// the command decides the exit status from their severities.
///
/// The checks, in the order they report:
///  - `graph`: every revision file parses and the graph is sound (a load error is a problem
///    naming its file and line, and the checks below, which need the graph, do not run);
///  - `heads`: exactly one head, unless multiple heads are allowed;
///  - `irreversible` (warning): a revision without a downgrade section;
///  - `schema_file`: with `schema_file` configured, the schema the revisions build up to the
///    heads (replayed on a scratch database) equals the one the file builds;
///  - with a database (not offline): `at_head` (its version-table rows are the heads; what is
///    pending), `checksum` (an applied file changed), `file_gone` (an applied file is gone),
///    `partial` (a revision partially applied) and `fingerprint` (the live schema against the
///    one the journal recorded for the current revisions).
/// Every rule is the runtime's own (graph loading, validation, the journal's partial rows,
/// the fingerprint comparison, the replay and the schema comparison): this only gathers.

#include <string>
#include <vector>

#include "api/project.hpp"
#include "backend/backend.hpp"
#include "config/config.hpp"
#include "runtime/run_control.hpp"

namespace migrate::api {

enum class Severity { error, warning };

/// "error" or "warning".
const char* to_string(Severity severity);

struct Problem {
  std::string check;  ///< the stable id: graph, heads, irreversible, schema_file, at_head, ...
  Severity severity = Severity::error;
  std::string message;
  std::string file;  ///< "" when no file applies
  int line = 0;      ///< 1-based; 0 when no line applies
};

struct CheckOptions {
  bool allow_multiple_heads = false;
  /// Never connect: neither the configured database nor a server for a scratch database.
  bool offline = false;
};

struct CheckReport {
  std::vector<Problem> problems;
  /// The database's version-table rows as the database checks read them (empty when they
  /// did not run).
  std::vector<std::string> rows;
  std::size_t count(Severity severity) const;
  /// No error, and with `strict` no warning either.
  bool ok(bool strict) const;
};

/// Runs every check on the project of `config`. Connects (unless `options.offline`) when a
/// database URL is configured: a database that cannot be reached is Error{database} (exit 3)
/// like in every other command; a SQLite file that does not exist reads as an empty database
/// (at base). Stop requests reach the scratch replay through `stop`.
CheckReport check_project(const config::Config& config, const CheckOptions& options, runtime::StopToken& stop);

/// The database checks of check_project (at_head, checksum, file_gone, partial,
/// fingerprint) on `db` alone, as a fleet's `check` runs them on each target. Without
/// `expect_fingerprint` the fingerprint is not compared (a fleet's tenants record none unless
/// `check_drift` is on, and reading one tenant's schema scans every tenant's catalog rows).
CheckReport check_database(const Project& project, backend::Backend& db, bool expect_fingerprint = true);

/// The first `PATH:LINE` in `message` whose PATH names an existing file (how load errors
/// name the file they refer to: `PATH:LINE: what` or `... (PATH:LINE)`): the file and line,
/// or {"", 0}.
std::pair<std::string, int> file_line_in(const std::string& message);

}  // namespace migrate::api

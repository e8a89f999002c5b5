#pragma once
/// The one error family of `migrate`.
///
/// Every failure that ends a command is a `migrate::Error` carrying an `ErrorKind`.
/// The kind decides the JSON `error.kind` string and the command-line tool's exit status;
/// the message says what went wrong, naming revision, file and line where known;
/// the hint says what to do next; `where()` carries the same location as fields, so a
/// caller (CI, an embedding program) need not parse the message. The library
/// (`migrate::Migrator`) and the command-line tool throw this one family.
///
/// Self-contained: only the standard library.

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace migrate {

enum class ErrorKind {
  usage,
  config,
  script,
  duplicate_revision,
  missing_revision,
  cycle,
  dependency_cycle,
  revision_not_found,
  ambiguous_revision,
  multiple_heads,
  overlap,
  ambiguous_walk,
  relative_out_of_range,
  invalid_target,
  irreversible,
  database,
  lock_timeout,
  needs_repair,
  unversioned_database,  ///< an upgrade from no version rows on a database that already holds tables (exit 5)
  drift,                 ///< the live schema differs from the one recorded for its heads (exit 5)
  unsupported_object,    ///< the schema holds an object the schema model cannot represent (exit 2)
  check_failed,  ///< a check ran and found problems (exit 1), e.g. `current --check-heads`
  interrupted,   ///< SIGINT/SIGTERM stopped a run (exit 128 + signal: 130, 143)
  internal,
};

/// The stable spelling of a kind, e.g. "multiple_heads" (the JSON `error.kind`).
std::string_view to_string(ErrorKind kind);

/// Exit status for a kind: 1 check_failed; 2 usage/config/script/graph/planning;
/// 3 database; 4 lock_timeout; 5 needs_repair, unversioned_database, drift; 70 internal; interrupted: 130 (SIGINT), as
/// the kind alone does not say which signal: use exit_status(const Error&), which does.
int exit_status(ErrorKind kind);

/// Where a failure happened, as fields. Empty strings and 0 mean "does not apply".
struct ErrorLocation {
  std::string revision;   ///< the revision being run
  std::string file;       ///< its file (or `<journal copy of REV>`)
  int line = 0;           ///< 1-based line in `file` of the failing statement
  std::string statement;  ///< the failing statement, whitespace folded, shortened
  std::string sqlstate;   ///< SQLSTATE (PostgreSQL) or extended result name (SQLite)

  bool empty() const noexcept {
    return revision.empty() && file.empty() && line == 0 && statement.empty() && sqlstate.empty();
  }
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message, std::string hint = {})
      : std::runtime_error(message), m_kind(kind), m_hint(std::move(hint)) {}

  /// Error{interrupted} for a run stopped by `signal` (SIGINT, SIGTERM).
  static Error interrupted(int signal, const std::string& message, std::string hint = {});

  ErrorKind kind() const noexcept { return m_kind; }
  const std::string& hint() const noexcept { return m_hint; }
  /// The signal of an interrupted error; 0 for every other kind.
  int signal() const noexcept { return m_signal; }
  /// Where it happened, as far as known (empty for most kinds).
  const ErrorLocation& where() const noexcept { return m_where; }
  /// Returns a copy of this error carrying `where`.
  Error located(ErrorLocation where) const {
    Error e = *this;
    e.m_where = std::move(where);
    return e;
  }

 private:
  ErrorKind m_kind;
  std::string m_hint;
  int m_signal = 0;
  ErrorLocation m_where;
};

/// Exit status for an error: exit_status(kind), except 128 + signal for interrupted.
int exit_status(const Error& error);

}  // namespace migrate

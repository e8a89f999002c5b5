#pragma once
/// PostgreSQL's `lock_timeout` and `statement_timeout` for revision SQL: the one rule that
/// the runner and `repair --resume` both follow. A revision header's own value wins, else the
/// configuration's, else the session default (server, role or URL `options`). Values are set
/// through Backend::set_session_timeouts outside a transaction, only when they change, and
/// reset to the session default at the end (SQLite has neither: the backend ignores them).

#include <optional>
#include <string>

#include "backend/backend.hpp"
#include "script/revision_file.hpp"

namespace migrate::runtime {

class SessionTimeouts {
 public:
  /// `lock`, `statement`: the configuration's values ("5s"), nullopt = session default.
  SessionTimeouts(backend::Backend& db, std::optional<std::string> lock, std::optional<std::string> statement);
  /// Resets what this object set (reset()).
  ~SessionTimeouts() { reset(); }
  SessionTimeouts(const SessionTimeouts&) = delete;
  SessionTimeouts& operator=(const SessionTimeouts&) = delete;

  /// Sets the values `file` runs with (nullptr: a stamp, the configuration's). Inside an
  /// open transaction nothing is set (a rolled-back transaction would undo the SET, and the
  /// rules would change halfway through it): the revision that opened it decides, and a
  /// later one asking for other values gets a warning. Throws DatabaseError for a value the
  /// server rejects.
  void apply_for(const script::RevisionFile* file);
  /// Back to the session defaults, if anything was set; never throws (warns on failure).
  void reset() noexcept;

 private:
  struct Values {
    std::optional<std::string> lock, statement;
    bool operator==(const Values&) const = default;
  };
  static std::string describe(const Values& v);

  backend::Backend& m_db;
  Values m_configured;
  Values m_current;  ///< as last set by this object ({} = session defaults)
};

}  // namespace migrate::runtime

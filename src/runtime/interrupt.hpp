#pragma once
/// SIGINT/SIGTERM while a run changes the database (issue 4, "Signals").
///
/// A `SignalScope` installs handlers for SIGINT and SIGTERM for its lifetime and restores
/// the previous ones (whatever they were) when it ends. The handler does only
/// async-signal-safe things:
///  - it records the signal number in a `volatile sig_atomic_t` (`pending_signal()`);
///  - while the runner has said that cancelling is allowed (`CancelWindow`, around the
///    statements of a transactional revision), it calls `Backend::request_cancel()`, which
///    backends implement with async-signal-safe calls (sqlite3_interrupt, PQcancel), so the
///    running statement fails promptly and its transaction can be rolled back;
///  - a second signal while the first is still being handled restores the default action
///    and re-raises it: a user pressing Ctrl-C twice gets the process ended at once (the
///    database then rolls back the open transaction by itself; a non-transactional revision
///    is left `running` in the journal, which `migrate repair` reports).
/// Everything else (rolling back, writing the journal, releasing the lock) is the runner's
/// job, done in normal code once it sees `pending_signal()`.
///
/// One scope at a time per process (the runner is not re-entrant); nested scopes throw.

#include <csignal>
#include <string>

#include "backend/backend.hpp"

namespace migrate::runtime {

class SignalScope {
 public:
  /// Installs the handlers; `db` receives request_cancel() calls while a CancelWindow is open.
  explicit SignalScope(backend::Backend& db);
  /// Restores the previous handlers. A signal recorded but not acted upon is dropped.
  ~SignalScope();
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

  /// 0, or SIGINT/SIGTERM when one arrived since the scope began.
  static int pending_signal() noexcept;
};

/// While alive, a signal also cancels the statement running on the scope's backend. Opened
/// by the runner around a transactional revision's statements only: a non-transactional
/// revision's statement must finish (it cannot be undone), and the runner stops after it.
class CancelWindow {
 public:
  CancelWindow() noexcept;
  ~CancelWindow();
  CancelWindow(const CancelWindow&) = delete;
  CancelWindow& operator=(const CancelWindow&) = delete;
};

/// "SIGINT", "SIGTERM", else "signal N".
std::string signal_name(int signal);

}  // namespace migrate::runtime

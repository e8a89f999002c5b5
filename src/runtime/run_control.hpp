#pragma once
/// How a run is stopped from outside, and how its progress is seen from outside.
///
/// The runtime installs no signal handler and reads no environment variable: whoever starts
/// a run (the command-line tool, an embedding program) hands it a `StopToken` and, if it
/// wants to follow or steer the run, a `RunObserver`.
///
/// Stopping. `StopToken::request_stop(signal)` is async-signal-safe and thread-safe (lock-free
/// atomics only), so a SIGINT/SIGTERM handler or another thread may call it. What the run
/// does then depends on where it is:
///  - in a transactional revision, the running statement is cancelled at once
///    (Backend::request_cancel, through the `CancelWindow` the runtime opens around those
///    statements), the transaction rolls back and the run throws Error::interrupted;
///  - in a non-transactional revision, the running statement finishes (it cannot be
///    undone) and the run stops before the next one, leaving the revision partial;
///  - between revisions, the run stops before the next one.
/// A request only counts while a run is *armed* (`StopToken::Armed`, held by the runtime from
/// the moment it holds the migration lock until the run ends). Outside that, and for a
/// second request while the first is pending, `request_stop` returns false: the caller's
/// default applies (the command-line tool then ends the process the default way, which is
/// right: nothing is changing, or the user insists).

#include <atomic>
#include <string>

#include "backend/backend.hpp"
#include "graph/plan.hpp"

namespace migrate::runtime {

class StopToken {
 public:
  StopToken() = default;
  StopToken(const StopToken&) = delete;
  StopToken& operator=(const StopToken&) = delete;

  /// Asks the armed run to stop because of `signal` (SIGINT, SIGTERM; any positive number).
  /// Returns true when the request was taken; false when no run is armed or a request is
  /// already pending. Async-signal-safe.
  bool request_stop(int signal) noexcept;
  /// 0, or the signal of the pending request.
  int requested() const noexcept { return m_signal.load(); }

  /// Arms the token for a run's lifetime; clears any request on both ends. Scopes nest (a
  /// command that runs several runs, such as `drift` with its scratch database, stays armed
  /// between them): only the outermost clears, so a request made between two inner runs
  /// stops the next one.
  class Armed {
   public:
    explicit Armed(StopToken& token) noexcept;
    ~Armed();
    Armed(const Armed&) = delete;
    Armed& operator=(const Armed&) = delete;

   private:
    StopToken& m_token;
  };

  /// While alive, a request also cancels the statement running on `db`. Opened around a
  /// transactional revision's statements only.
  class CancelWindow {
   public:
    CancelWindow(StopToken& token, backend::Backend& db) noexcept;
    ~CancelWindow();
    CancelWindow(const CancelWindow&) = delete;
    CancelWindow& operator=(const CancelWindow&) = delete;

   private:
    StopToken& m_token;
  };

 private:
  std::atomic<int> m_signal{0};
  std::atomic<int> m_armed{0};  ///< how many Armed scopes are open
  std::atomic<backend::Backend*> m_cancel_target{nullptr};
  static_assert(std::atomic<int>::is_always_lock_free &&
                    std::atomic<backend::Backend*>::is_always_lock_free,
                "request_stop must stay async-signal-safe");
};

/// Follows a run. Every callback runs on the run's thread, in normal (not signal) context;
/// an exception from one ends the run as a failure of the step it was called in.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  /// A step is about to run (after the lock, the plan and the backup).
  virtual void step_started(const graph::Step& /*step*/) {}
  /// A revision statement finished and its progress, if recorded, is committed. `number`
  /// counts the run's revision statements from 1, across steps.
  virtual void statement_finished(int /*number*/) {}
  /// A statement that cannot run in a transaction is about to run on its own, its intent
  /// committed (step_executor.hpp); `number` as for statement_finished.
  virtual void statement_running_alone(int /*number*/) {}
  /// A step committed (or, in one transaction for the run, finished its statements).
  virtual void step_finished(const graph::Step& /*step*/, long long /*duration_ms*/) {}
  /// Between two attempts at the migration lock, before the run is armed. It may throw
  /// (Error::interrupted) to stop waiting: a stop request kept for the run ends the wait
  /// rather than the lock timeout.
  virtual void waiting_for_lock() {}
};

/// "SIGINT", "SIGTERM", else "signal N".
std::string signal_name(int signal);

}  // namespace migrate::runtime

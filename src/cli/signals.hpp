#pragma once
/// SIGINT/SIGTERM for the command-line tool: the one place that installs signal handlers.
///
/// For its lifetime a `SignalHandlers` routes both signals to a runtime::StopToken
/// (run_control.hpp says what a run does with a request) and restores the previous actions
/// when it ends. The handler only calls StopToken::request_stop, which is async-signal-safe.
/// When the token does not take the request (no run is armed: the tool is reading files,
/// waiting for the migration lock or printing; or the signal is a second one while the first
/// is pending: the user insists), the handler restores the default action and re-raises the
/// signal, so the process ends the way it would without `migrate`'s handlers. The database
/// then rolls back an open transaction by itself, and a non-transactional revision is left
/// `running` in the journal, which `migrate repair` reports.
///
/// One instance at a time per process (signal actions are process-wide); a second throws.

#include "runtime/run_control.hpp"

namespace migrate::cli {

class SignalHandlers {
 public:
  explicit SignalHandlers(runtime::StopToken& token);
  ~SignalHandlers();
  SignalHandlers(const SignalHandlers&) = delete;
  SignalHandlers& operator=(const SignalHandlers&) = delete;
};

}  // namespace migrate::cli

#pragma once
/// Stop requests and progress callbacks of a Migrator, handed to the runtime's
/// runtime::StopToken and runtime::RunObserver (runtime/run_control.hpp).
///
/// The runtime takes a stop request only while a run is armed (it holds the migration lock).
/// A request made before that is kept here and reported by the Migrator's checkpoints
/// before connecting and before the lock (Error{interrupted}, nothing changed); one made in
/// the short gap between the last checkpoint and the arming is handed to the token when the
/// first step starts. Every member that request() touches is a lock-free atomic, so it is
/// async-signal-safe.

#include <migrate/migrator.hpp>

#include <atomic>
#include <string>

#include "runtime/run_control.hpp"

namespace migrate::api {

class StopState {
 public:
  /// The token runs use: the one set by use_token(), else this state's own.
  runtime::StopToken& token() noexcept { return m_external ? *m_external : m_own; }
  /// Uses `token` (owned by the caller, e.g. the command line's signal handlers) instead of
  /// the own one; nullptr goes back to the own one.
  void use_token(runtime::StopToken* token) noexcept { m_external = token; }
  /// Hands `signal` to an armed run, else keeps it for the next checkpoint.
  void request(int signal) noexcept;
  /// Forgets a kept request.
  void clear() noexcept { m_pending.store(0); }
  /// Throws Error::interrupted naming the signal and `where` when a request is kept (and
  /// forgets it: the error reports it).
  void throw_if_requested(const std::string& where);
  /// Called from inside an armed run: a kept request goes to the token now.
  void forward_pending() noexcept;

 private:
  runtime::StopToken m_own;
  runtime::StopToken* m_external = nullptr;
  std::atomic<int> m_pending{0};
};

/// The runtime's observer for one run: forwards to the embedding program's Observer (public
/// types, statement numbers within the step) and to an internal observer (the command
/// line's test hooks), and hands a kept stop request to the run once it is armed.
class ObserverBridge : public runtime::RunObserver {
 public:
  ObserverBridge(Observer* observer, runtime::RunObserver* internal, StopState& stop) noexcept
      : m_observer(observer), m_internal(internal), m_stop(stop) {}
  void step_started(const graph::Step& step) override;
  void statement_finished(int number) override;
  void statement_running_alone(int number) override;
  void step_finished(const graph::Step& step, long long duration_ms) override;
  /// A kept stop request (a fleet forwards its signal to every slot) ends the wait.
  void waiting_for_lock() override;

 private:
  Observer* m_observer;
  runtime::RunObserver* m_internal;
  StopState& m_stop;
  std::string m_revision;  ///< of the step running
  int m_step_base = 0;     ///< run-wide statement count when the step started
  int m_last = 0;          ///< run-wide statement count so far
};

}  // namespace migrate::api

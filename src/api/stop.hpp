#pragma once
/// A stop request for Migrator::request_stop, handed to the runtime's signal handling.
///
/// The runtime stops a run when its own SIGINT/SIGTERM handlers (runtime/interrupt.hpp,
/// installed only while a run holds the lock) see a signal. So a request made while that
/// window is open raises the signal in the requesting thread, once, and the runtime's handler
/// takes it from there (cancelling the running statement where it may); a request made
/// outside the window is kept and checked at the points before the lock. Every member that
/// request() touches is a lock-free atomic, so request() is async-signal-safe.

#include <atomic>
#include <string>

namespace migrate::api {

class StopState {
 public:
  /// Records `signal`; raises it when a run's signal window is open (at most once per run).
  void request(int signal) noexcept;
  /// Forgets a request no run has acted upon.
  void clear() noexcept;
  /// Throws Error::interrupted naming the signal and `where`, when a request is pending
  /// (and forgets it: the error reports it).
  void throw_if_requested(const std::string& where);
  /// Called once the runtime's handlers are installed: a pending request is raised now.
  void enter_window() noexcept;
  /// Called when the run returns or throws: the handlers are gone, requests are kept again.
  void leave_window() noexcept;

 private:
  std::atomic<int> m_signal{0};
  std::atomic<bool> m_window{false};
  std::atomic<bool> m_raised{false};
};

/// Leaves the window when the run ends, however it ends.
class StopWindow {
 public:
  explicit StopWindow(StopState& state) noexcept : m_state(state) {}
  ~StopWindow() { m_state.leave_window(); }
  StopWindow(const StopWindow&) = delete;
  StopWindow& operator=(const StopWindow&) = delete;

 private:
  StopState& m_state;
};

}  // namespace migrate::api

#include "api/stop.hpp"

#include <csignal>

#include "core/error.hpp"
#include "runtime/interrupt.hpp"

namespace migrate::api {

static_assert(std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free,
              "request() must be async-signal-safe");

void StopState::request(int signal) noexcept {
  m_signal.store(signal);
  if (m_window.load() && !m_raised.exchange(true)) std::raise(signal);
}

void StopState::clear() noexcept { m_signal.store(0); }

void StopState::throw_if_requested(const std::string& where) {
  int sig = m_signal.exchange(0);
  if (sig == 0) return;
  throw Error::interrupted(sig, "interrupted by " + runtime::signal_name(sig) + " " + where,
                           "nothing was changed; run the command again when ready");
}

void StopState::enter_window() noexcept {
  m_window.store(true);
  int sig = m_signal.load();
  if (sig != 0 && !m_raised.exchange(true)) std::raise(sig);
}

void StopState::leave_window() noexcept {
  m_window.store(false);
  // A request raised into the run was the runtime's to report (or to drop when the run had
  // already finished its last step).
  if (m_raised.exchange(false)) m_signal.store(0);
}

}  // namespace migrate::api

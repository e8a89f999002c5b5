#include "api/stop.hpp"

#include "api/convert.hpp"
#include "core/error.hpp"

namespace migrate::api {

static_assert(std::atomic<int>::is_always_lock_free, "request() must be async-signal-safe");

void StopState::request(int signal) noexcept {
  if (!token().request_stop(signal)) m_pending.store(signal);
}

void StopState::throw_if_requested(const std::string& where) {
  int sig = m_pending.exchange(0);
  if (sig == 0) return;
  throw Error::interrupted(sig, "interrupted by " + runtime::signal_name(sig) + " " + where,
                           "nothing was changed; run the command again when ready");
}

void StopState::forward_pending() noexcept {
  int sig = m_pending.exchange(0);
  if (sig != 0) token().request_stop(sig);
}

void ObserverBridge::step_started(const graph::Step& step) {
  m_stop.forward_pending();
  m_revision = step.revision.value_or("");
  m_step_base = m_last;
  if (m_internal) m_internal->step_started(step);
  if (m_observer) m_observer->step_started(to_public(step));
}

void ObserverBridge::statement_finished(int number) {
  m_last = number;
  if (m_internal) m_internal->statement_finished(number);
  if (m_observer) m_observer->statement_finished(m_revision, number - m_step_base);
}

void ObserverBridge::waiting_for_lock() { m_stop.throw_if_requested("while waiting for the migration lock"); }

void ObserverBridge::statement_running_alone(int number) {
  if (m_internal) m_internal->statement_running_alone(number);
}

void ObserverBridge::step_finished(const graph::Step& step, long long duration_ms) {
  if (m_internal) m_internal->step_finished(step, duration_ms);
  if (!m_observer) return;
  auto finished = to_public(step);
  finished.duration = std::chrono::milliseconds(duration_ms);
  m_observer->step_finished(finished);
}

}  // namespace migrate::api

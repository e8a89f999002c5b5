#include "runtime/run_control.hpp"

#include <csignal>

namespace migrate::runtime {

bool StopToken::request_stop(int signal) noexcept {
  if (m_armed.load() == 0) return false;
  int none = 0;
  if (!m_signal.compare_exchange_strong(none, signal)) return false;
  if (auto* db = m_cancel_target.load()) db->request_cancel();
  return true;
}

StopToken::Armed::Armed(StopToken& token) noexcept : m_token(token) {
  if (m_token.m_armed.fetch_add(1) == 0) m_token.m_signal.store(0);
}

StopToken::Armed::~Armed() {
  if (m_token.m_armed.fetch_sub(1) != 1) return;  // an outer scope is still armed: its request stands
  m_token.m_cancel_target.store(nullptr);
  m_token.m_signal.store(0);
}

StopToken::CancelWindow::CancelWindow(StopToken& token, backend::Backend& db) noexcept : m_token(token) {
  // A request that came just before the window opened still stops the statement about to
  // run: the runtime checks requested() before each statement.
  m_token.m_cancel_target.store(&db);
}

StopToken::CancelWindow::~CancelWindow() { m_token.m_cancel_target.store(nullptr); }

std::string signal_name(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  return "signal " + std::to_string(signal);
}

}  // namespace migrate::runtime

#include "runtime/interrupt.hpp"

#include <signal.h>

namespace migrate::runtime {
namespace {

// Shared with the handler: only sig_atomic_t and a pointer written before the handler is
// installed (and cleared after it is removed), so the handler never sees a torn value.
volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_cancel_allowed = 0;
backend::Backend* volatile g_backend = nullptr;
bool g_active = false;  // normal code only

struct sigaction g_old_int;
struct sigaction g_old_term;

extern "C" void on_signal(int signal) {
  if (g_signal != 0) {
    // Second signal: the user insists. Default action, re-raised (ends the process).
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(signal, &dfl, nullptr);
    raise(signal);
    return;
  }
  g_signal = signal;
  if (g_cancel_allowed && g_backend) g_backend->request_cancel();
}

}  // namespace

SignalScope::SignalScope(backend::Backend& db) {
  if (g_active) throw Error(ErrorKind::internal, "nested SignalScope: one run at a time per process");
  g_active = true;
  g_signal = 0;
  g_cancel_allowed = 0;
  g_backend = &db;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // Both signals blocked while either handler runs: one handler at a time.
  sigaddset(&action.sa_mask, SIGINT);
  sigaddset(&action.sa_mask, SIGTERM);
  // SA_RESTART: libraries below (stdio logging, libpq, SQLite's file I/O) must not see
  // EINTR from a signal the runner handles itself between statements.
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, &g_old_int);
  sigaction(SIGTERM, &action, &g_old_term);
}

SignalScope::~SignalScope() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  g_cancel_allowed = 0;
  g_backend = nullptr;
  g_signal = 0;
  g_active = false;
}

int SignalScope::pending_signal() noexcept { return g_signal; }

CancelWindow::CancelWindow() noexcept {
  g_cancel_allowed = 1;
  // A signal that came just before the window opened must still stop the statement about
  // to run; the runner checks pending_signal() before each statement, so nothing to do.
}

CancelWindow::~CancelWindow() { g_cancel_allowed = 0; }

std::string signal_name(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  return "signal " + std::to_string(signal);
}

}  // namespace migrate::runtime

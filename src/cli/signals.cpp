#include "cli/signals.hpp"

#include <signal.h>

#include <atomic>

#include "core/error.hpp"

namespace migrate::cli {
namespace {

// Written before the handlers are installed and cleared after they are removed, so the
// handler never sees a token that is going away.
std::atomic<runtime::StopToken*> g_token{nullptr};
struct sigaction g_old_int;
struct sigaction g_old_term;

extern "C" void on_signal(int signal) {
  runtime::StopToken* token = g_token.load();
  if (token && token->request_stop(signal)) return;
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(signal, &dfl, nullptr);
  raise(signal);
}

}  // namespace

SignalHandlers::SignalHandlers(runtime::StopToken& token) {
  runtime::StopToken* none = nullptr;
  if (!g_token.compare_exchange_strong(none, &token))
    throw Error(ErrorKind::internal, "signal handlers are already installed in this process");
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // Both signals blocked while either handler runs: one handler at a time.
  sigaddset(&action.sa_mask, SIGINT);
  sigaddset(&action.sa_mask, SIGTERM);
  // SA_RESTART: libraries below (stdio logging, libpq, SQLite's file I/O) must not see
  // EINTR from a signal the runtime handles itself between statements.
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, &g_old_int);
  sigaction(SIGTERM, &action, &g_old_term);
}

SignalHandlers::~SignalHandlers() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  g_token.store(nullptr);
}

}  // namespace migrate::cli

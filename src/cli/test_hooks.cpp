#include "cli/test_hooks.hpp"

#include <csignal>
#include <cstdlib>
#include <string_view>

namespace migrate::cli {
namespace {

int env_count(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return 0;
  return std::atoi(value);
}

/// The signal named after the ':' of `N:INT` / `N:TERM`; SIGTERM by default.
int env_signal(const char* name) {
  const char* value = std::getenv(name);
  if (!value) return SIGTERM;
  std::string_view v(value);
  auto colon = v.find(':');
  if (colon == std::string_view::npos) return SIGTERM;
  auto sig = v.substr(colon + 1);
  return sig == "INT" || sig == "SIGINT" ? SIGINT : SIGTERM;
}

}  // namespace

TestHooks::TestHooks()
    : m_crash_after(env_count("MIGRATE_TEST_CRASH_AFTER_STATEMENT")),
      m_crash_before_alone(env_count("MIGRATE_TEST_CRASH_BEFORE_ALONE_STATEMENT")),
      m_signal_after(env_count("MIGRATE_TEST_SIGNAL_AFTER_STATEMENT")),
      m_signal(env_signal("MIGRATE_TEST_SIGNAL_AFTER_STATEMENT")) {}

void TestHooks::statement_finished(int number) {
  if (m_crash_after > 0 && number == m_crash_after) raise(SIGKILL);
  if (m_signal_after > 0 && number == m_signal_after) raise(m_signal);
}

void TestHooks::statement_running_alone(int number) {
  if (m_crash_before_alone > 0 && number == m_crash_before_alone) raise(SIGKILL);
}

}  // namespace migrate::cli

#include "runtime/session_timeouts.hpp"

#include <spdlog/spdlog.h>

namespace migrate::runtime {

SessionTimeouts::SessionTimeouts(backend::Backend& db, std::optional<std::string> lock,
                                 std::optional<std::string> statement)
    : m_db(db), m_configured{std::move(lock), std::move(statement)} {}

std::string SessionTimeouts::describe(const Values& v) {
  return fmt::format("lock_timeout={}, statement_timeout={}", v.lock.value_or("default"),
                     v.statement.value_or("default"));
}

void SessionTimeouts::apply_for(const script::RevisionFile* file) {
  Values wanted = m_configured;
  if (file && file->lock_timeout) wanted.lock = file->lock_timeout;
  if (file && file->statement_timeout) wanted.statement = file->statement_timeout;
  if (wanted == m_current) return;
  if (m_db.in_transaction()) {
    spdlog::warn("revision {} asks for {}, but it runs inside a transaction opened by an earlier revision "
                 "(transaction_per_migration = false, or --dry-run), which keeps {}",
                 file ? file->id : std::string("(stamp)"), describe(wanted), describe(m_current));
    return;
  }
  m_db.set_session_timeouts(wanted.lock, wanted.statement);
  m_current = wanted;
}

void SessionTimeouts::reset() noexcept {
  if (m_current == Values{}) return;
  try {
    m_db.set_session_timeouts(std::nullopt, std::nullopt);
    m_current = {};
  } catch (const std::exception& e) {
    spdlog::warn("could not reset lock_timeout/statement_timeout on {}: {}", m_db.describe(), e.what());
  }
}

}  // namespace migrate::runtime

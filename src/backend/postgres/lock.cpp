// The advisory migration lock, held on a dedicated session.

#include <cstdint>
#include <spdlog/spdlog.h>
#include <thread>

#include "backend/postgres/postgres_backend.hpp"
#include "backend/postgres/session.hpp"

namespace migrate::backend::postgres {
namespace {

constexpr std::chrono::milliseconds k_lock_poll{100};

}  // namespace

long long advisory_lock_key(std::string_view schema, std::string_view table) {
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a 64
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) {
      hash ^= c;
      hash *= 1099511628211ull;
    }
  };
  mix(schema);
  mix(".");
  mix(table);
  return static_cast<long long>(hash);  // two's complement wrap, as PostgreSQL's bigint
}

void PostgresBackend::set_lock_key(std::string_view schema, std::string_view version_table) {
  m_lock_schema = schema;
  m_lock_table = version_table;
}

long long PostgresBackend::resolved_lock_key() {
  std::string schema = m_lock_schema;
  if (schema.empty()) {
    // Where unqualified names create tables: the version table's real home.
    auto rows = query("SELECT current_schema()");
    if (!rows.empty() && !rows[0].empty() && rows[0][0]) schema = *rows[0][0];
  }
  return advisory_lock_key(schema, m_lock_table);
}

void PostgresBackend::lock(std::chrono::milliseconds timeout, const LockPoll& between_polls) {
  if (m_locked) return;
  if (m_lease_duration) return take_lease(timeout, between_polls);
  long long key = resolved_lock_key();
  // A dedicated session: it runs nothing but these one-statement autocommit queries, so it
  // never holds a transaction or snapshot that a concurrent CREATE INDEX CONCURRENTLY (run
  // by the lock holder) would have to wait for. Polling instead of pg_advisory_lock()
  // keeps even the waiting statement short.
  if (!m_lock_session || PQstatus(m_lock_session->raw()) != CONNECTION_OK) m_lock_session = connect(m_target);
  auto sql = "SELECT pg_catalog.pg_try_advisory_lock(" + std::to_string(key) + "), pg_catalog.pg_backend_pid()";
  LockWait wait(timeout, between_polls);
  for (;;) {
    auto rows = run(*m_lock_session, sql, 0, true).rows;
    if (!rows.empty() && rows[0].size() == 2 && rows[0][0] == std::optional<std::string>("t")) {
      m_locked = true;
      m_held_key = key;
      // Behind a pooler the pid libpq got at connect time is the pooler's, not the server
      // process's that now holds the lock: say so before anything runs.
      auto server_pid = rows[0][1].value_or("");
      if (server_pid != std::to_string(PQbackendPID(m_lock_session->raw())))
        spdlog::warn(
            "the migration lock on {} is held by server process {}, but this connection's process id is {}: "
            "a connection pooler (PgBouncer, pgpool) sits between migrate and the server. A session lock "
            "only excludes other runners in session pooling mode; connect migrate to the server directly",
            m_target.redacted, server_pid, PQbackendPID(m_lock_session->raw()));
      spdlog::debug("took the migration lock (advisory key {}) on {}", key, m_target.redacted);
      return;
    }
    if (!wait.pause(k_lock_poll, "Waiting for the migration lock on " + m_target.redacted +
                                     " (another migrate process holds it)"))
      throw_lock_timeout(timeout, key);
  }
}

void PostgresBackend::throw_lock_timeout(std::chrono::milliseconds timeout, long long key) {
  auto k = static_cast<std::uint64_t>(key);
  // A bigint advisory lock shows in pg_locks as classid = high half, objid = low half,
  // objsubid = 1.
  auto sql = fmt::format(
      "SELECT a.pid, a.usename, a.application_name, host(a.client_addr), "
      "to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
      "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {}::oid AND l.objid = {}::oid "
      "AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = "
      "pg_catalog.current_database())",
      k >> 32, k & 0xffffffffu);
  std::string holder = "holder unknown: it may have just released the lock";
  std::string pid;
  try {
    auto rows = run(*m_lock_session, sql, 0, true).rows;
    if (!rows.empty()) {
      auto text = [&](std::size_t i) { return i < rows[0].size() && rows[0][i] ? *rows[0][i] : std::string(); };
      pid = text(0);
      holder = "held by server pid " + pid + ", user " + (text(1).empty() ? "?" : text(1)) + ", application '" +
               text(2) + "'";
      if (!text(3).empty()) holder += ", client " + text(3);
      if (!text(4).empty()) holder += ", connected since " + text(4) + " UTC";
    }
  } catch (const std::exception& e) {
    holder = std::string("holder unknown: ") + e.what();
  }
  m_lock_session.reset();
  auto seconds = std::chrono::duration<double>(timeout).count();
  std::string hint = "wait for the other run to finish, or raise --lock-timeout";
  if (!pid.empty())
    hint += "; if that process is stuck, `SELECT pg_terminate_backend(" + pid +
            ")` ends its session, which frees the lock and rolls back its open transaction";
  throw Error(ErrorKind::lock_timeout,
              fmt::format("timed out after {:g}s waiting for the migration lock: another migrate process holds "
                          "the lock on {} ({})",
                          seconds, m_target.redacted, holder),
              hint);
}

void PostgresBackend::unlock() noexcept {
  if (!m_locked) return;
  m_locked = false;
  if (m_lease) {
    release_lease();  // the session stays for the next lock (a fleet's next tenant)
    return;
  }
  try {
    auto sql = "SELECT pg_catalog.pg_advisory_unlock(" + std::to_string(m_held_key) + ")";
    if (is_true(run(*m_lock_session, sql, 0, true).rows)) return;  // kept for the next lock
    spdlog::warn(
          "releasing the migration lock on {}: the server says this session did not hold it "
          "(pg_advisory_unlock returned false). The session changed under migrate, which happens behind "
          "a connection pooler in transaction mode (PgBouncer pool_mode = transaction), so concurrent "
          "runners were not reliably kept apart; connect migrate to the server directly or through a "
          "session-mode pool",
          m_target.redacted);
  } catch (const std::exception& e) {
    spdlog::warn("could not release the migration lock on {}: {} (the server frees it when the session ends)",
                 m_target.redacted, e.what());
  }
  m_lock_session.reset();  // ending the session frees the lock anyway
}

}  // namespace migrate::backend::postgres

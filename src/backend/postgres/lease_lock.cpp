// The migration lock as a lease in a table, for PostgreSQL-wire engines whose advisory locks
// are missing or exclude nothing (CockroachDB's return true to every caller). The lease is a
// row of `<version_table>_lock` beside the version table: taken with one conditional
// statement (insert, or take over an expired lease), kept alive by a heartbeat on the lock
// session, deleted on unlock. A runner that dies stops renewing it, so the next runner takes
// it over once it expires.

#include <spdlog/spdlog.h>

#include <thread>

#include "backend/postgres/postgres_backend.hpp"
#include "backend/postgres/session.hpp"
#include "backend/sql_dialect.hpp"
#include "util/process_identity.hpp"

namespace migrate::backend::postgres {
namespace {

constexpr std::chrono::milliseconds k_lease_poll{100};
/// The server's clock in milliseconds since 1970: every runner compares expiries on one clock.
constexpr const char* k_now_ms = "CAST(EXTRACT(EPOCH FROM pg_catalog.clock_timestamp()) * 1000 AS BIGINT)";

/// Who holds a lease: the host, and the process with a random part (a pid comes back).
std::string lease_owner() {
  auto host = util::host_name();
  return (host.empty() ? "unknown-host" : host) + ":" + util::unique_tag();
}

}  // namespace

bool PostgresBackend::use_lease(std::chrono::milliseconds lease) {
  m_lease_duration = lease;
  return true;
}

std::string PostgresBackend::lease_table() {
  std::string schema = m_lock_schema;
  if (schema.empty()) {
    auto rows = run(*m_lock_session, "SELECT pg_catalog.current_schema()", 0, true).rows;
    if (!rows.empty() && !rows[0].empty() && rows[0][0]) schema = *rows[0][0];
  }
  return sql::qualified_name(Dialect::postgresql, schema, m_lock_table + "_lock");  // VersionTable::lock_name
}

void PostgresBackend::create_lease_table(const std::string& table) {
  // Looked up first: CREATE ... IF NOT EXISTS needs the CREATE privilege even when the table
  // is there, and a runner's role may lack it once the table exists.
  auto found = run(*m_lock_session, "SELECT pg_catalog.to_regclass(" + sql::quote_literal(table) + ")", 0, true).rows;
  if (!found.empty() && !found[0].empty() && found[0][0]) return;
  try {
    run(*m_lock_session,
        "CREATE TABLE IF NOT EXISTS " + table +
            " (lock_id INTEGER PRIMARY KEY, owner TEXT NOT NULL, acquired_at BIGINT NOT NULL, expires_at BIGINT NOT "
            "NULL)",
        0, false);
  } catch (const DatabaseError& e) {
    // Runners creating it at once: one wins; the others' catalog inserts collide on the
    // table's name (42P07), its row type's name (42710, or 23505 from pg_type's index).
    const auto& state = e.details().sqlstate;
    if (state != "23505" && state != "42P07" && state != "42710") throw;
  }
}

void PostgresBackend::take_lease(std::chrono::milliseconds timeout, const LockPoll& between_polls) {
  if (!m_lock_session || PQstatus(m_lock_session->raw()) != CONNECTION_OK) m_lock_session = connect(m_target);
  auto lease = std::make_unique<Lease>();
  lease->table = lease_table();
  lease->owner = lease_owner();
  create_lease_table(lease->table);
  const auto ms = std::to_string(m_lease_duration->count());
  // One statement: a new row, or the expired row taken over; a row comes back only then.
  const auto take = "INSERT INTO " + lease->table + " AS l (lock_id, owner, acquired_at, expires_at) SELECT 1, " +
                    sql::quote_literal(lease->owner) + ", s.now, s.now + " + ms + " FROM (SELECT " + k_now_ms +
                    " AS now) s ON CONFLICT (lock_id) DO UPDATE SET owner = EXCLUDED.owner, acquired_at = "
                    "EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at WHERE l.expires_at < EXCLUDED.acquired_at "
                    "RETURNING l.owner";
  LockWait wait(timeout, between_polls);
  while (!try_take_lease(take)) {
    if (!wait.pause(k_lease_poll, "Waiting for the migration lease on " + m_target.redacted +
                                      " (another migrate process holds it)"))
      throw_lease_timeout(timeout, lease->table);
  }
  spdlog::debug("took the migration lease {} on {} as {}", lease->table, m_target.redacted, lease->owner);
  m_lease = std::move(lease);
  m_locked = true;
  start_heartbeat();
}

bool PostgresBackend::try_take_lease(const std::string& take) {
  try {
    return !run(*m_lock_session, take, 0, true).rows.empty();
  } catch (const DatabaseError& e) {
    // Two runners taking over one expired lease at once, under an isolation level or an
    // engine that reports the clash instead of waiting: the other got it, for now.
    const auto& state = e.details().sqlstate;
    if (state == "40001" || state == "40P01") return false;
    throw;
  }
}

void PostgresBackend::start_heartbeat() {
  Lease& lease = *m_lease;
  const auto period = *m_lease_duration / 3;
  const auto renew = "UPDATE " + lease.table + " SET expires_at = " + k_now_ms + " + " +
                     std::to_string(m_lease_duration->count()) +
                     " WHERE lock_id = 1 AND owner = " + sql::quote_literal(lease.owner) + " RETURNING owner";
  const auto duration = *m_lease_duration;
  lease.heartbeat = std::thread([this, &lease, period, duration, renew] {
    auto renewed_at = std::chrono::steady_clock::now();
    std::unique_lock guard(lease.mutex);
    while (!lease.wake.wait_for(guard, period, [&lease] { return lease.stopping; })) {
      try {
        // A session lost since the last renewal (a restart, an idle-session killer) is
        // opened again: the lease lives in the table, not in the session.
        if (!m_lock_session || PQstatus(m_lock_session->raw()) != CONNECTION_OK) m_lock_session = connect(m_target);
        if (run(*m_lock_session, renew, 0, true).rows.empty()) {
          // Another runner took it over: this one missed renewals for a whole lease. The
          // version-table updates of both still match only the rows they expect.
          spdlog::error("the migration lease on {} expired and was taken by another runner: this run is no "
                        "longer alone; stop it unless the lease is long enough for the database's pauses",
                        m_target.redacted);
          return;
        }
        renewed_at = std::chrono::steady_clock::now();
      } catch (const std::exception& e) {
        m_lock_session.reset();  // opened again on the next try
        if (std::chrono::steady_clock::now() - renewed_at < duration)
          spdlog::warn("could not renew the migration lease on {}: {} (retrying)", m_target.redacted, e.what());
        else
          spdlog::error("could not renew the migration lease on {} for longer than the lease ({}): another runner "
                        "may have taken it over, so this run may no longer be alone",
                        m_target.redacted, e.what());
      }
    }
  });
}

void PostgresBackend::release_lease() noexcept {
  if (!m_lease) return;
  {
    std::lock_guard guard(m_lease->mutex);
    m_lease->stopping = true;
  }
  m_lease->wake.notify_all();
  if (m_lease->heartbeat.joinable()) m_lease->heartbeat.join();
  try {
    if (!m_lock_session) m_lock_session = connect(m_target);  // the heartbeat lost it
    run(*m_lock_session,
        "DELETE FROM " + m_lease->table + " WHERE lock_id = 1 AND owner = " + sql::quote_literal(m_lease->owner), 0,
        false);
  } catch (const std::exception& e) {
    spdlog::warn("could not release the migration lease on {}: {} (it expires by itself)", m_target.redacted,
                 e.what());
    m_lock_session.reset();
  }
  m_lease.reset();
}

void PostgresBackend::throw_lease_timeout(std::chrono::milliseconds timeout, const std::string& table) {
  std::string holder = "holder unknown: it may have just released the lease";
  try {
    auto rows = run(*m_lock_session,
                    std::string("SELECT owner, (expires_at - ") + k_now_ms + ") / 1000.0 FROM " + table +
                        " WHERE lock_id = 1",
                    0, true)
                    .rows;
    if (!rows.empty() && rows[0].size() == 2 && rows[0][0])
      holder = "held by " + *rows[0][0] + ", lease expiring in " + rows[0][1].value_or("?") + " s";
  } catch (const std::exception& e) {
    holder = std::string("holder unknown: ") + e.what();
  }
  m_lock_session.reset();
  auto seconds = std::chrono::duration<double>(timeout).count();
  throw Error(ErrorKind::lock_timeout,
              fmt::format("timed out after {:g}s waiting for the migration lock: another migrate process holds "
                          "the lock on {} (a lease {})",
                          seconds, m_target.redacted, holder),
              "wait for the other run to finish, or raise --lock-timeout; a runner that died frees the lease when "
              "it expires (`lock_lease` in migrate.toml), or delete its row from " + table + " once it is surely gone");
}

}  // namespace migrate::backend::postgres

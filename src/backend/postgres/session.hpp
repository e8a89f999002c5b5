#pragma once
/// Internal to src/backend/postgres: the libpq connection the backend's files share
/// (session.cpp opens it and runs statements on it; lock.cpp, catalog.cpp and backup.cpp use
/// it through `PostgresBackend::run` and `Session::literal`).

#include <libpq-fe.h>

#include <memory>
#include <pqxx/connection>
#include <string>
#include <string_view>
#include <vector>

#include "backend/postgres/postgres_backend.hpp"

namespace migrate::backend::postgres {

/// libpqxx's direct connection policy that also remembers the libpq handle it opened.
/// libpqxx 6.4 keeps the PGconn to itself, but the server's error fields (position, detail,
/// hint) only exist on the PGresult, which libpqxx drops when it throws sql_error; with the
/// handle, statements run through libpq and every field is kept. Connection policies are
/// libpqxx 6's documented way to customise connecting.
class CapturingPolicy final : public pqxx::connect_direct {
 public:
  explicit CapturingPolicy(const std::string& options) : pqxx::connect_direct(options) {}
  handle do_startconnect(handle orig) override { return m_handle = pqxx::connect_direct::do_startconnect(orig); }
  handle do_completeconnect(handle orig) override {
    return m_handle = pqxx::connect_direct::do_completeconnect(orig);
  }
  handle do_dropconnect(handle orig) noexcept override {
    return m_handle = pqxx::connect_direct::do_dropconnect(orig);
  }
  handle do_disconnect(handle orig) noexcept override {
    return m_handle = pqxx::connect_direct::do_disconnect(orig);
  }
  PGconn* raw() const noexcept { return m_handle; }

 private:
  handle m_handle = nullptr;
};

/// One libpqxx connection whose libpq handle we may use directly. Nothing in this folder
/// runs libpqxx transactions on it, so libpqxx's own bookkeeping is never in the way.
class Session final : public pqxx::connection_base {
 public:
  // Same shape as pqxx::basic_connection_base: the base only keeps a reference to the policy
  // until init() connects.
  explicit Session(const std::string& conninfo);
  ~Session() { close(); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  PGconn* raw() const noexcept { return m_policy.raw(); }

  /// A string literal for this connection's settings (PQescapeLiteral: E'...' where
  /// backslashes need it). libpqxx's quote() is avoided: it may silently reconnect a broken
  /// connection, and a reconnect in the middle of a migration must be an error instead.
  std::string literal(std::string_view value) const;

 private:
  CapturingPolicy m_policy;
};

struct PostgresBackend::Outcome {
  std::vector<Row> rows;
  long long changes = 0;
  std::string command_status;  ///< of the last statement (PQcmdStatus), e.g. "COMMIT"
  std::vector<long long> changes_each;  ///< rows changed by each statement, in order
};

/// Opens a session for `target`; a failure is DatabaseError 08001 without the password.
std::unique_ptr<Session> connect(const ConnectionTarget& target);

/// Whether a query's answer is one row whose first value is boolean true ("t").
bool is_true(const std::vector<Row>& rows);

}  // namespace migrate::backend::postgres

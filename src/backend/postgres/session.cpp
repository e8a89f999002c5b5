// Connecting, running statements and translating libpq's errors into DatabaseError.

#include "backend/postgres/session.hpp"
#include "backend/postgres/libpq_loader.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <pqxx/except>
#include <spdlog/spdlog.h>

#include "sql/statements.hpp"
#include "util/strings.hpp"

namespace migrate::backend::postgres {
namespace {

/// Server notices (`NOTICE: table "x" does not exist, skipping`) go to the log instead of
/// libpq's default, stderr.
void receive_notice(void*, const PGresult* result) {
  const char* severity = PQresultErrorField(result, PG_DIAG_SEVERITY_NONLOCALIZED);
  const char* message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  if (!message) return;
  if (severity && std::strcmp(severity, "WARNING") == 0)
    spdlog::warn("postgresql: {}", message);
  else
    spdlog::debug("postgresql {}: {}", severity ? severity : "NOTICE", message);
}

struct ResultDeleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string trimmed(const char* text) { return std::string(util::trim(text ? text : "")); }

std::vector<Row> rows_of(const PGresult* result) {
  std::vector<Row> rows;
  int n = PQntuples(result), columns = PQnfields(result);
  rows.reserve(static_cast<std::size_t>(n));
  for (int r = 0; r < n; ++r) {
    Row row;
    row.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result, r, c))
        row.emplace_back(std::nullopt);
      else
        row.emplace_back(std::string(PQgetvalue(result, r, c), static_cast<std::size_t>(PQgetlength(result, r, c))));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

/// The results of one simple query: the last statement's rows and counts, and the first
/// failing result with its statement index (which names the failing statement when the
/// server gives no position).
struct Results {
  std::vector<Row> rows;
  long long changes = 0;
  std::vector<long long> changes_each;  ///< per statement that succeeded, in order
  std::string command_status;
  ResultPtr error;
  std::size_t error_index = 0;
};

void collect_results(PGconn* conn, bool want_rows, Results& results) {
  std::size_t index = 0;
  while (PGresult* raw = PQgetResult(conn)) {
    ResultPtr result(raw);
    switch (PQresultStatus(raw)) {
      case PGRES_TUPLES_OK:
        if (want_rows && !results.error) results.rows = rows_of(raw);
        [[fallthrough]];
      case PGRES_COMMAND_OK:
        if (!results.error) {
          const char* tuples = PQcmdTuples(raw);
          const long long changed = tuples && *tuples ? std::atoll(tuples) : 0;
          if (tuples && *tuples) results.changes = changed;
          results.changes_each.push_back(changed);
          results.command_status = PQcmdStatus(raw);
        }
        ++index;
        break;
      case PGRES_EMPTY_QUERY:
        break;
      case PGRES_COPY_IN:  // the script has no data to send; the server answers with an error
        PQputCopyEnd(conn, "migrate cannot feed COPY FROM STDIN; use COPY FROM a server file or INSERT");
        break;
      case PGRES_COPY_OUT: {
        char* buffer = nullptr;
        while (PQgetCopyData(conn, &buffer, 0) > 0) PQfreemem(buffer);
        break;
      }
      default:  // PGRES_FATAL_ERROR, PGRES_BAD_RESPONSE
        if (!results.error) {
          results.error = std::move(result);
          results.error_index = index;
        }
        ++index;
        break;
    }
  }
}

/// The server's error fields; `position` as a 0-based byte offset into the caller's script
/// `sent`, which went out after `prefix_chars` ASCII characters of our own (a deferred BEGIN):
/// a place inside those, or none, is the failing statement's start (`error_index`, counted in
/// `sent`).
DatabaseError::Details error_details(PGconn* conn, const PGresult* r, std::string_view sent, std::size_t base_offset,
                                     std::size_t error_index, std::size_t prefix_chars) {
  auto field = [&](int code) {
    const char* v = PQresultErrorField(r, code);
    return v ? std::string(v) : std::string();
  };
  DatabaseError::Details d;
  d.sqlstate = field(PG_DIAG_SQLSTATE);
  d.server_message = field(PG_DIAG_MESSAGE_PRIMARY);
  if (d.server_message.empty()) d.server_message = trimmed(PQresultErrorMessage(r));
  if (d.server_message.empty()) d.server_message = trimmed(PQerrorMessage(conn));
  d.detail = field(PG_DIAG_MESSAGE_DETAIL);
  d.server_hint = field(PG_DIAG_MESSAGE_HINT);
  const long position = std::atol(field(PG_DIAG_STATEMENT_POSITION).c_str()) - static_cast<long>(prefix_chars);
  if (position > 0) {
    const char* encoding = PQparameterStatus(conn, "client_encoding");
    bool utf8 = encoding && (std::strcmp(encoding, "UTF8") == 0 || std::strcmp(encoding, "UNICODE") == 0);
    d.position = static_cast<long>(base_offset + ::migrate::sql::byte_offset_of_position(sent, position, utf8));
  } else {
    auto spans = ::migrate::sql::statement_spans(sent, Dialect::postgresql);
    if (!spans.empty())
      d.position = static_cast<long>(base_offset + spans[std::min(error_index, spans.size() - 1)].begin);
  }
  return d;
}

[[noreturn]] void throw_statement_error(const DatabaseError::Details& d, const ConnectionTarget& target) {
  std::string message = d.server_message;
  if (!d.sqlstate.empty()) message += " [" + d.sqlstate + "]";
  if (!d.detail.empty()) message += "\n  DETAIL: " + d.detail;
  std::string hint = d.server_hint;
  if (d.sqlstate == "25001")  // active_sql_transaction
    hint = "this statement cannot run inside a transaction block: mark the revision `transactional = false` "
           "in its header, so its statements run one by one outside a transaction (put such statements in "
           "a revision of their own)";
  // The runtime may keep only the message, so the hint is in it too.
  if (!hint.empty()) message += "\n  HINT: " + hint;
  throw DatabaseError(target.redact(message), d, target.redact(hint));
}

DatabaseError lost_connection(const ConnectionTarget& target, const std::string& why) {
  DatabaseError::Details d;
  d.sqlstate = "08006";  // connection_failure
  d.server_message = target.redact(util::trim(why));
  return DatabaseError("lost the connection to PostgreSQL at " + target.redacted + ": " + d.server_message, d,
                       "the session ended (server restart, pg_terminate_backend, network failure); the "
                       "server rolled back its open transaction, if any");
}

}  // namespace

Session::Session(const std::string& conninfo) : pqxx::connection_base(m_policy), m_policy(conninfo) {
  init();
  if (PGconn* conn = raw()) PQsetNoticeReceiver(conn, receive_notice, nullptr);
}

std::string Session::literal(std::string_view value) const {
  PGconn* conn = raw();
  char* escaped = conn ? PQescapeLiteral(conn, value.data(), value.size()) : nullptr;
  if (!escaped) {
    DatabaseError::Details d;
    d.sqlstate = "08006";
    d.server_message = conn ? trimmed(PQerrorMessage(conn)) : "no connection";
    throw DatabaseError("lost the connection to PostgreSQL: " + d.server_message, d);
  }
  std::string out(escaped);
  PQfreemem(escaped);
  return out;
}

bool is_true(const std::vector<Row>& rows) {
  return rows.size() == 1 && !rows[0].empty() && rows[0][0] && *rows[0][0] == "t";
}

std::unique_ptr<Session> connect(const ConnectionTarget& target) {
  require_libpq();  // its own clear error, before libpqxx could wrap it in a connection failure
  try {
    auto session = std::make_unique<Session>(target.conninfo);
    if (!session->raw() || PQstatus(session->raw()) != CONNECTION_OK)
      throw pqxx::broken_connection("libpq reports no open connection");
    return session;
  } catch (const pqxx::failure& e) {
    DatabaseError::Details d;
    d.sqlstate = "08001";  // sqlclient_unable_to_establish_sqlconnection
    d.server_message = target.redact(util::trim(e.what()));
    throw DatabaseError("cannot connect to PostgreSQL at " + target.redacted + ": " + d.server_message, d,
                        "check the URL (host, port, database, user), that the server runs and accepts "
                        "connections, and the credentials (PGPASSWORD and ~/.pgpass work too)");
  }
}

std::unique_ptr<Backend> open(const std::string& url) { return std::make_unique<PostgresBackend>(url); }

PostgresBackend::PostgresBackend(const std::string& url)
    : m_target(ConnectionTarget::from_url(url)), m_url(url), m_session(connect(m_target)) {
  m_cancel = PQgetCancel(m_session->raw());
  // One round trip: the engine, and the search path read before any revision can change it
  // (home_schema() answers from it). The LEFT JOIN keeps one row when the path is empty.
  auto rows = query(
      "SELECT pg_catalog.version(), (SELECT count(*) FROM pg_catalog.pg_extension WHERE extname = 'citus'), s.name "
      "FROM (SELECT 1) AS one LEFT JOIN unnest(pg_catalog.current_schemas(false)) WITH ORDINALITY AS s(name, ord) "
      "ON true ORDER BY s.ord");
  for (auto& row : rows)
    if (row.size() == 3 && row[2]) m_connect_path.push_back(*row[2]);
  if (!rows.empty() && rows[0].size() == 3)
    m_engine = engine_of(rows[0][0].value_or(""), rows[0][1].value_or("0") != "0");
  spdlog::debug("connected to {} (server pid {}, {})", m_target.redacted, backend_pid(), to_string(m_engine));
}

Engine engine_of(std::string_view version, bool has_citus) {
  if (version.rfind("CockroachDB", 0) == 0) return Engine::cockroachdb;
  if (version.find("-YB-") != std::string_view::npos) return Engine::yugabytedb;
  return has_citus ? Engine::citus : Engine::postgresql;
}

bool PostgresBackend::assume_engine(Engine engine) {
  if (engine == Engine::sqlite) return false;
  m_engine = engine;
  return true;
}

PostgresBackend::~PostgresBackend() {  // closing the sessions frees an advisory lock; a lease is deleted
  if (m_lease) unlock();
  if (PGcancel* cancel = m_cancel.exchange(nullptr)) PQfreeCancel(cancel);
}

Capabilities PostgresBackend::capabilities() const {
  Capabilities caps;
  caps.engine = m_engine;
  // PostgreSQL's DDL is transactional: CREATE/ALTER/DROP roll back with the transaction.
  // The few statements that refuse a transaction block (CREATE INDEX CONCURRENTLY, CREATE
  // DATABASE, VACUUM, ...) fail with 25001 and belong in `transactional = false` revisions.
  // CockroachDB commits a transaction's work before a DDL statement, YugabyteDB runs each DDL
  // statement as its own transaction unless a flag says otherwise: there, every revision runs
  // statement by statement, its progress in the journal.
  caps.transactional_ddl = m_engine == Engine::postgresql || m_engine == Engine::citus;
  // CockroachDB's advisory-lock functions succeed for every caller; YugabyteDB's fail, or
  // succeed silently, before its 2025 releases.
  caps.own_lock_excludes = caps.transactional_ddl;
  // Schemas are namespaces in one database: `version_table_schema` places the tables.
  caps.schemas = true;
  return caps;
}

int PostgresBackend::backend_pid() const { return m_session->raw() ? PQbackendPID(m_session->raw()) : 0; }

int PostgresBackend::lock_session_pid() const {
  return m_lock_session && m_lock_session->raw() ? PQbackendPID(m_lock_session->raw()) : 0;
}

namespace {

/// DatabaseError 25P02 (in_failed_sql_transaction), as the server reports it.
DatabaseError aborted_transaction(const std::string& message) {
  DatabaseError::Details d;
  d.sqlstate = "25P02";
  d.server_message = "current transaction is aborted";
  return DatabaseError(message + " [25P02]", d);
}

/// What a deferred BEGIN adds in front of the first statement of its transaction.
constexpr std::string_view k_begin_prefix = "BEGIN;";

/// The results of `prefix` + the caller's text, as if the caller's text had been sent alone:
/// the prefix's one statement taken out of the counts, the status and the error's index.
void drop_prefix_result(Results& results) {
  if (!results.changes_each.empty() && !(results.error && results.error_index == 0)) {
    results.changes_each.erase(results.changes_each.begin());
    if (results.changes_each.empty()) results.command_status.clear();  // the caller's text ran nothing
  }
  if (results.error && results.error_index > 0) --results.error_index;
}

}  // namespace

PostgresBackend::Outcome PostgresBackend::run(Session& session, std::string_view sent, std::size_t base_offset,
                                              bool want_rows) {
  PGconn* conn = session.raw();
  if (!conn || PQstatus(conn) != CONNECTION_OK)
    throw lost_connection(m_target, conn ? PQerrorMessage(conn) : "no connection");
  // Only the main session's thread touches the flags (a lease's heartbeat runs on the other).
  const bool main_session = &session == m_session.get();
  if (main_session && m_begin_refused)  // as the server answers in an aborted transaction
    throw aborted_transaction("current transaction is aborted, commands ignored until end of transaction block");
  const bool opens_transaction = main_session && m_begin_deferred;
  const std::string_view prefix = opens_transaction ? k_begin_prefix : std::string_view();
  std::string text;  // libpq wants a terminating NUL
  text.reserve(prefix.size() + sent.size());
  text.append(prefix).append(sent);
  if (!PQsendQuery(conn, text.c_str())) throw lost_connection(m_target, PQerrorMessage(conn));
  if (opens_transaction) m_begin_deferred = false;

  Results results;
  collect_results(conn, want_rows, results);
  if (opens_transaction) {
    drop_prefix_result(results);
    // A query the server refused whole (a syntax error) ran nothing, its BEGIN included: the
    // caller's transaction stands as an aborted one, as it would after a BEGIN of its own.
    if (results.error && results.error_index == 0 && PQtransactionStatus(conn) == PQTRANS_IDLE) m_begin_refused = true;
  }
  std::optional<DatabaseError::Details> d;
  if (results.error) d = error_details(conn, results.error.get(), sent, base_offset, results.error_index, prefix.size());
  if (!d) {
    if (PQstatus(conn) != CONNECTION_OK) throw lost_connection(m_target, PQerrorMessage(conn));
    return Outcome{std::move(results.rows), results.changes, std::move(results.command_status),
                   std::move(results.changes_each)};
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    auto e = lost_connection(m_target, d->server_message + (d->sqlstate.empty() ? "" : " [" + d->sqlstate + "]"));
    auto details = e.details();
    details.position = d->position;
    throw DatabaseError(e.what(), details, e.hint());
  }
  throw_statement_error(*d, m_target);
}

void PostgresBackend::begin() {
  if (m_engine != Engine::citus) {
    if (!in_transaction()) m_begin_deferred = true;  // inside one, the server would ignore it
    return;
  }
  // Citus: DDL on a distributed table fans out over parallel connections, and a reference
  // table touched later in the same transaction then fails; sequential mode avoids that.
  // SET LOCAL, so that it holds whatever the session was reset to.
  try {
    run(*m_session, "BEGIN; SET LOCAL citus.multi_shard_modify_mode TO 'sequential'", 0, false);
  } catch (...) {
    rollback();  // the BEGIN may have gone through: no transaction is left open
    throw;
  }
}

void PostgresBackend::commit() {
  PGconn* conn = m_session->raw();
  auto aborted = [] {
    return aborted_transaction("cannot commit: an earlier error aborted the transaction, so it was rolled back");
  };
  if (m_begin_deferred) {  // nothing ran: nothing to commit
    m_begin_deferred = false;
    return;
  }
  if (m_begin_refused) {
    m_begin_refused = false;
    throw aborted();
  }
  if (conn && PQtransactionStatus(conn) == PQTRANS_INERROR) {
    rollback();
    throw aborted();
  }
  auto out = run(*m_session, "COMMIT", 0, false);
  if (out.command_status == "ROLLBACK") throw aborted();
}

void PostgresBackend::rollback() noexcept {
  if (m_begin_deferred || m_begin_refused) {  // nothing ran: nothing to undo
    m_begin_deferred = m_begin_refused = false;
    return;
  }
  if (!in_transaction()) return;
  try {
    run(*m_session, "ROLLBACK", 0, false);
  } catch (const std::exception& e) {
    spdlog::warn("ROLLBACK failed on {}: {}", m_target.redacted, e.what());
  }
}

bool PostgresBackend::in_transaction() const {
  if (m_begin_deferred || m_begin_refused) return true;
  PGconn* conn = m_session->raw();
  if (!conn) return false;
  auto status = PQtransactionStatus(conn);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

void PostgresBackend::execute_script(std::string_view sql) {
  if (!in_transaction()) {
    // libpq runs a multi-statement string as one implicit transaction: outside a
    // transaction, each statement runs (and commits) by itself, as psql does.
    auto spans = ::migrate::sql::statement_spans(sql, Dialect::postgresql);
    if (spans.size() > 1) {
      for (const auto& span : spans)
        run(*m_session, sql.substr(span.begin, span.terminator_end - span.begin), span.begin, false);
      return;
    }
  }
  run(*m_session, sql, 0, false);
}

long long PostgresBackend::execute(std::string_view sql) { return run(*m_session, sql, 0, false).changes; }

std::vector<Row> PostgresBackend::query(std::string_view sql) { return run(*m_session, sql, 0, true).rows; }

// One simple-query message: the server runs the statements in order and stops at the first
// error, which run() reports with the failing statement's position in the joined text.
Backend::BatchResult PostgresBackend::execute_batch(const std::vector<Statement>& statements) {
  std::string joined;
  for (const auto& statement : statements) (joined += inline_values(statement)) += ";\n";
  auto outcome = run(*m_session, joined, 0, true);
  return BatchResult{std::move(outcome.changes_each), std::move(outcome.rows)};
}

void PostgresBackend::set_session_timeouts(const std::optional<std::string>& lock_timeout,
                                           const std::optional<std::string>& statement_timeout) {
  auto apply = [&](const char* name, const std::optional<std::string>& value) {
    if (value)
      execute("SELECT pg_catalog.set_config('" + std::string(name) + "', " + m_session->literal(*value) + ", false)");
    else
      execute("RESET " + std::string(name));
  };
  apply("lock_timeout", lock_timeout);
  apply("statement_timeout", statement_timeout);
}

void PostgresBackend::request_cancel() noexcept {
  if (PGcancel* cancel = m_cancel.load()) {
    char error[256];
    PQcancel(cancel, error, sizeof error);  // a failed cancel leaves the statement running: nothing to do
  }
}

std::string PostgresBackend::database_user() {
  auto rows = query("SELECT current_user");
  return rows.empty() || rows[0].empty() || !rows[0][0] ? std::string() : *rows[0][0];
}

}  // namespace migrate::backend::postgres

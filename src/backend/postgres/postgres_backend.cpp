#include "backend/postgres/postgres_backend.hpp"

#include <libpq-fe.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <pqxx/connection>
#include <pqxx/except>
#include <spdlog/spdlog.h>
#include <thread>

#include "backend/backup_support.hpp"
#include "backend/postgres/statement_scanner.hpp"

namespace migrate::backend::postgres {
namespace {

constexpr std::chrono::milliseconds k_lock_poll{100};
constexpr std::string_view k_application_name = "migrate";

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

std::string trim(std::string s) {
  auto end = s.find_last_not_of(" \t\r\n");
  s.erase(end == std::string::npos ? 0 : end + 1);
  auto begin = s.find_first_not_of(" \t\r\n");
  s.erase(0, begin == std::string::npos ? s.size() : begin);
  return s;
}

void replace_all(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + with.size()))
    text.replace(pos, what.size(), with);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

/// `url` with every query parameter named `key` (percent-decoded) removed; the `?` goes too
/// when nothing is left.
std::string without_parameter(std::string url, std::string_view key) {
  auto q = url.find('?');
  if (q == std::string::npos) return url;
  std::string query = url.substr(q + 1), kept;
  for (std::size_t begin = 0; begin <= query.size();) {
    auto end = query.find('&', begin);
    if (end == std::string::npos) end = query.size();
    std::string param = query.substr(begin, end - begin);
    if (!param.empty() && percent_decode(param.substr(0, param.find('='))) != key)
      kept += (kept.empty() ? "" : "&") + param;
    begin = end + 1;
  }
  url.resize(q);
  return kept.empty() ? url : url + "?" + kept;
}

/// `url` (`postgresql://authority[/db][?query]`) naming database `dbname` instead, with any
/// `dbname=` parameter dropped: the maintenance database a `pg_restore --create` connects to
/// while it drops and re-creates the backed-up one.
std::string with_database(const std::string& url, std::string_view dbname) {
  auto authority_begin = url.find("://");
  authority_begin = authority_begin == std::string::npos ? 0 : authority_begin + 3;
  auto q = url.find('?', authority_begin);
  std::string head = url.substr(0, q);
  std::string out = head.substr(0, head.find('/', authority_begin)) + "/" + std::string(dbname);
  if (q != std::string::npos) out += url.substr(q);
  return without_parameter(out, "dbname");
}

/// `rest` (a URL after its "scheme://") without the password: the userinfo's ":password"
/// (found as libpq finds it: an '@' before any '/') and every `password=` query parameter.
std::string strip_password(std::string rest) {
  auto stop = rest.find_first_of("@/");
  if (stop != std::string::npos && rest[stop] == '@') {
    auto colon = rest.find(':');
    if (colon != std::string::npos && colon < stop) rest.erase(colon, stop - colon);
  }
  return without_parameter(rest, "password");
}

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

bool is_true(const std::vector<Row>& rows) {
  return rows.size() == 1 && !rows[0].empty() && rows[0][0] && *rows[0][0] == "t";
}

}  // namespace

/// One libpqxx connection whose libpq handle we may use directly. Nothing else in this file
/// runs libpqxx transactions on it, so libpqxx's own bookkeeping is never in the way.
class Session final : public pqxx::connection_base {
 public:
  // Same shape as pqxx::basic_connection_base: the base only keeps a reference to the policy
  // until init() connects.
  explicit Session(const std::string& conninfo) : pqxx::connection_base(m_policy), m_policy(conninfo) {
    init();
    if (PGconn* conn = raw()) PQsetNoticeReceiver(conn, receive_notice, nullptr);
  }
  ~Session() { close(); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  PGconn* raw() const noexcept { return m_policy.raw(); }

  /// A string literal for this connection's settings (PQescapeLiteral: E'...' where
  /// backslashes need it). libpqxx's quote() is avoided: it may silently reconnect a broken
  /// connection, and a reconnect in the middle of a migration must be an error instead.
  std::string literal(std::string_view value) const {
    PGconn* conn = raw();
    char* escaped = conn ? PQescapeLiteral(conn, value.data(), value.size()) : nullptr;
    if (!escaped) {
      DatabaseError::Details d;
      d.sqlstate = "08006";
      d.server_message = trim(conn ? PQerrorMessage(conn) : "no connection");
      throw DatabaseError("lost the connection to PostgreSQL: " + d.server_message, d);
    }
    std::string out(escaped);
    PQfreemem(escaped);
    return out;
  }

 private:
  CapturingPolicy m_policy;
};

struct PostgresBackend::Outcome {
  std::vector<Row> rows;
  long long changes = 0;
  std::string command_status;  ///< of the last statement (PQcmdStatus), e.g. "COMMIT"
};

// ---------------------------------------------------------------------------------------
// URLs

ConnectionTarget ConnectionTarget::from_url(const std::string& url) {
  ConnectionTarget t;
  auto scheme_end = url.find("://");
  std::string scheme = scheme_end == std::string::npos ? std::string() : url.substr(0, scheme_end);
  if (auto plus = scheme.find('+'); plus != std::string::npos) scheme.resize(plus);
  if (scheme != "postgresql" && scheme != "postgres")
    throw Error(ErrorKind::config, "not a PostgreSQL URL: '" + redact_url(url) + "'",
                "use postgresql://user:password@host:port/database");
  std::string rest = url.substr(scheme_end + 3);

  auto add_secret = [&](const std::string& raw) {
    if (raw.empty()) return;
    for (auto candidate : {raw, percent_decode(raw)})
      if (std::find(t.secrets.begin(), t.secrets.end(), candidate) == t.secrets.end()) t.secrets.push_back(candidate);
  };
  // The userinfo the way libpq finds it: up to an '@' that comes before any '/' ...
  auto stop = rest.find_first_of("@/");
  if (stop != std::string::npos && rest[stop] == '@') {
    auto colon = rest.find(':');
    if (colon != std::string::npos && colon < stop) add_secret(rest.substr(colon + 1, stop - colon - 1));
  }
  // ... and the way redact_url does (the last '@' before the query), for a password with an
  // unescaped '/' or '@' that libpq will reject, quoting it.
  auto query_begin = rest.find_first_of("?#");
  auto last_at = rest.rfind('@', query_begin == std::string::npos ? std::string::npos : query_begin);
  if (last_at != std::string::npos) {
    auto colon = rest.find(':');
    if (colon != std::string::npos && colon < last_at) add_secret(rest.substr(colon + 1, last_at - colon - 1));
  }
  // A `password=` query parameter works too (libpq reads every keyword from the query).
  t.redacted = redact_url(url);
  if (auto q = t.redacted.find('?'); q != std::string::npos) {
    for (auto pos = t.redacted.find("password=", q); pos != std::string::npos;
         pos = t.redacted.find("password=", pos + 1)) {
      char before = t.redacted[pos - 1];
      if (before != '?' && before != '&') continue;
      auto value_begin = pos + 9;
      auto value_end = t.redacted.find_first_of("&#", value_begin);
      if (value_end == std::string::npos) value_end = t.redacted.size();
      add_secret(t.redacted.substr(value_begin, value_end - value_begin));
      t.redacted.replace(value_begin, value_end - value_begin, "***");
    }
  }

  t.without_password = "postgresql://" + strip_password(rest);

  // libpq takes the URI itself (so PG* variables and ~/.pgpass fill in what it leaves out),
  // under the scheme it knows.
  t.conninfo = "postgresql://" + rest;
  t.conninfo += rest.find('?') == std::string::npos ? "?" : "&";
  t.conninfo += "fallback_application_name=" + std::string(k_application_name);
  // Revision files are UTF-8 (CONTRACT.md §2): say so, unless the URL or PGCLIENTENCODING
  // chooses (libpq's default is the database's encoding, which would misread a LATIN1 one).
  if (rest.find("client_encoding=") == std::string::npos && !std::getenv("PGCLIENTENCODING"))
    t.conninfo += "&client_encoding=UTF8";

  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(t.conninfo.c_str(), &error);
  if (!options) {
    std::string message = error ? trim(error) : "libpq cannot parse it";
    if (error) PQfreemem(error);
    throw Error(ErrorKind::config, "bad PostgreSQL URL '" + t.redacted + "': " + t.redact(message),
                "use postgresql://user:password@host:port/database?param=value, with special "
                "characters in the user or password percent-encoded (e.g. '@' as %40)");
  }
  for (auto* o = options; o->keyword; ++o)
    if (std::strcmp(o->keyword, "password") == 0 && o->val) add_secret(o->val);
  PQconninfoFree(options);
  return t;
}

std::string ConnectionTarget::redact(std::string text) const {
  for (const auto& secret : secrets) {
    if (secret.empty() || text.find(secret) == std::string::npos) continue;
    if (secret.size() < 4) return "(message withheld: it could show the password)";
    replace_all(text, secret, "***");
  }
  return text;
}

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

std::unique_ptr<Backend> open(const std::string& url) { return std::make_unique<PostgresBackend>(url); }

// ---------------------------------------------------------------------------------------
// Connection and statements

namespace {

std::unique_ptr<Session> connect(const ConnectionTarget& target) {
  try {
    auto session = std::make_unique<Session>(target.conninfo);
    if (!session->raw() || PQstatus(session->raw()) != CONNECTION_OK)
      throw pqxx::broken_connection("libpq reports no open connection");
    return session;
  } catch (const pqxx::failure& e) {
    DatabaseError::Details d;
    d.sqlstate = "08001";  // sqlclient_unable_to_establish_sqlconnection
    d.server_message = target.redact(trim(e.what()));
    throw DatabaseError("cannot connect to PostgreSQL at " + target.redacted + ": " + d.server_message, d,
                        "check the URL (host, port, database, user), that the server runs and accepts "
                        "connections, and the credentials (PGPASSWORD and ~/.pgpass work too)");
  }
}

}  // namespace

PostgresBackend::PostgresBackend(const std::string& url)
    : m_target(ConnectionTarget::from_url(url)), m_session(connect(m_target)) {
  m_cancel = PQgetCancel(m_session->raw());
  spdlog::debug("connected to {} (server pid {})", m_target.redacted, backend_pid());
}

PostgresBackend::~PostgresBackend() {  // closing the sessions also frees the lock
  if (PGcancel* cancel = m_cancel.exchange(nullptr)) PQfreeCancel(cancel);
}

Capabilities PostgresBackend::capabilities() const {
  Capabilities caps;
  // PostgreSQL's DDL is transactional: CREATE/ALTER/DROP roll back with the transaction.
  // The few statements that refuse a transaction block (CREATE INDEX CONCURRENTLY, CREATE
  // DATABASE, VACUUM, ...) fail with 25001 and belong in `transactional = false` revisions.
  caps.transactional_ddl = true;
  // Schemas are namespaces in one database: `version_table_schema` places the tables.
  caps.schemas = true;
  return caps;
}

int PostgresBackend::backend_pid() const { return m_session->raw() ? PQbackendPID(m_session->raw()) : 0; }

int PostgresBackend::lock_session_pid() const {
  return m_lock_session && m_lock_session->raw() ? PQbackendPID(m_lock_session->raw()) : 0;
}

PostgresBackend::Outcome PostgresBackend::run(Session& session, std::string_view sent, std::size_t base_offset,
                                              bool want_rows) {
  PGconn* conn = session.raw();
  auto lost = [&](const std::string& why) {
    DatabaseError::Details d;
    d.sqlstate = "08006";  // connection_failure
    d.server_message = m_target.redact(trim(why));
    return DatabaseError("lost the connection to PostgreSQL at " + m_target.redacted + ": " + d.server_message, d,
                         "the session ended (server restart, pg_terminate_backend, network failure); the "
                         "server rolled back its open transaction, if any");
  };
  if (!conn || PQstatus(conn) != CONNECTION_OK) throw lost(conn ? PQerrorMessage(conn) : "no connection");

  std::string text(sent);  // libpq wants a terminating NUL
  if (!PQsendQuery(conn, text.c_str())) throw lost(PQerrorMessage(conn));

  // One PGresult per statement of a multi-statement query: the failing result's index names
  // the failing statement when the server gives no position.
  Outcome out;
  ResultPtr error;
  std::size_t index = 0, error_index = 0;
  while (PGresult* raw = PQgetResult(conn)) {
    ResultPtr result(raw);
    switch (PQresultStatus(raw)) {
      case PGRES_TUPLES_OK:
        if (want_rows && !error) {
          out.rows.clear();
          int n = PQntuples(raw), columns = PQnfields(raw);
          out.rows.reserve(static_cast<std::size_t>(n));
          for (int r = 0; r < n; ++r) {
            Row row;
            row.reserve(static_cast<std::size_t>(columns));
            for (int c = 0; c < columns; ++c) {
              if (PQgetisnull(raw, r, c))
                row.emplace_back(std::nullopt);
              else
                row.emplace_back(std::string(PQgetvalue(raw, r, c), static_cast<std::size_t>(PQgetlength(raw, r, c))));
            }
            out.rows.push_back(std::move(row));
          }
        }
        [[fallthrough]];
      case PGRES_COMMAND_OK:
        if (!error) {
          const char* tuples = PQcmdTuples(raw);
          if (tuples && *tuples) out.changes = std::atoll(tuples);
          out.command_status = PQcmdStatus(raw);
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
        if (!error) {
          error = std::move(result);
          error_index = index;
        }
        ++index;
        break;
    }
  }
  if (!error) {
    if (PQstatus(conn) != CONNECTION_OK) throw lost(PQerrorMessage(conn));
    return out;
  }

  const PGresult* r = error.get();
  auto field = [&](int code) {
    const char* v = PQresultErrorField(r, code);
    return v ? std::string(v) : std::string();
  };
  DatabaseError::Details d;
  d.sqlstate = field(PG_DIAG_SQLSTATE);
  d.server_message = field(PG_DIAG_MESSAGE_PRIMARY);
  if (d.server_message.empty()) d.server_message = trim(PQresultErrorMessage(r));
  if (d.server_message.empty()) d.server_message = trim(PQerrorMessage(conn));
  d.detail = field(PG_DIAG_MESSAGE_DETAIL);
  d.server_hint = field(PG_DIAG_MESSAGE_HINT);
  if (auto position = field(PG_DIAG_STATEMENT_POSITION); !position.empty()) {
    const char* encoding = PQparameterStatus(conn, "client_encoding");
    bool utf8 = encoding && (std::strcmp(encoding, "UTF8") == 0 || std::strcmp(encoding, "UNICODE") == 0);
    d.position = static_cast<long>(base_offset + byte_offset_of_position(sent, std::atol(position.c_str()), utf8));
  } else {
    auto spans = scan_statements(sent);
    if (!spans.empty())
      d.position = static_cast<long>(base_offset + spans[std::min(error_index, spans.size() - 1)].begin);
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    auto e = lost(d.server_message + (d.sqlstate.empty() ? "" : " [" + d.sqlstate + "]"));
    auto details = e.details();
    details.position = d.position;
    throw DatabaseError(e.what(), details, e.hint());
  }

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
  throw DatabaseError(m_target.redact(message), d, m_target.redact(hint));
}

void PostgresBackend::begin() { run(*m_session, "BEGIN", 0, false); }

void PostgresBackend::commit() {
  PGconn* conn = m_session->raw();
  auto aborted = [&] {
    DatabaseError::Details d;
    d.sqlstate = "25P02";  // in_failed_sql_transaction
    d.server_message = "current transaction is aborted";
    return DatabaseError("cannot commit: an earlier error aborted the transaction, so it was rolled back [25P02]",
                         d);
  };
  if (conn && PQtransactionStatus(conn) == PQTRANS_INERROR) {
    rollback();
    throw aborted();
  }
  auto out = run(*m_session, "COMMIT", 0, false);
  if (out.command_status == "ROLLBACK") throw aborted();
}

void PostgresBackend::rollback() noexcept {
  if (!in_transaction()) return;
  try {
    run(*m_session, "ROLLBACK", 0, false);
  } catch (const std::exception& e) {
    spdlog::warn("ROLLBACK failed on {}: {}", m_target.redacted, e.what());
  }
}

bool PostgresBackend::in_transaction() const {
  PGconn* conn = m_session->raw();
  if (!conn) return false;
  auto status = PQtransactionStatus(conn);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

void PostgresBackend::execute_script(std::string_view sql) {
  if (!in_transaction()) {
    auto spans = scan_statements(sql);
    if (spans.size() > 1) {
      for (const auto& span : spans)
        run(*m_session, sql.substr(span.begin, span.end - span.begin), span.begin, false);
      return;
    }
  }
  run(*m_session, sql, 0, false);
}

long long PostgresBackend::execute(std::string_view sql) { return run(*m_session, sql, 0, false).changes; }

std::vector<Row> PostgresBackend::query(std::string_view sql) { return run(*m_session, sql, 0, true).rows; }

bool PostgresBackend::table_exists(std::string_view schema, std::string_view table) {
  std::string where = schema.empty() ? "pg_catalog.pg_table_is_visible(c.oid)"
                                     : "n.nspname = " + m_session->literal(schema);
  auto rows = query(
      "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relname = " +
      m_session->literal(table) + " AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " + where);
  return !rows.empty();
}

std::vector<std::string> PostgresBackend::column_names(std::string_view schema, std::string_view table) {
  std::string where = schema.empty() ? "pg_catalog.pg_table_is_visible(c.oid)"
                                     : "n.nspname = " + m_session->literal(schema);
  auto rows = query(
      "SELECT a.attname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
      "WHERE c.relname = " +
      m_session->literal(table) + " AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " + where +
      " ORDER BY a.attnum");
  std::vector<std::string> names;
  for (auto& row : rows)
    if (!row.empty() && row[0]) names.push_back(*row[0]);
  return names;
}

bool PostgresBackend::object_exists(const CatalogObject& object) {
  using Kind = CatalogObject::Kind;
  if (object.kind != Kind::table && object.name.empty())
    throw Error(ErrorKind::internal, "object_exists: the column, index or constraint has no name");
  if ((object.kind == Kind::column || object.kind == Kind::constraint) && object.table.empty())
    throw Error(ErrorKind::internal, "object_exists: a column or constraint needs its table");
  auto& s = *m_session;
  // Where a relation `c` must live: the given schema, or the search_path's first match.
  std::string placed = object.schema.empty()
                           ? "pg_catalog.pg_table_is_visible(c.oid)"
                           : "c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = " +
                                 s.literal(object.schema) + ")";
  std::string table_rel = "SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relname = " + s.literal(object.table) +
                          " AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " + placed;
  std::string sql;
  switch (object.kind) {
    case Kind::table:
      sql = "SELECT 1 FROM pg_catalog.pg_class c WHERE c.relname = " + s.literal(object.table) +
            " AND c.relkind IN ('r', 'p', 'f') AND " + placed;
      break;
    case Kind::column:
      sql = "SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid IN (" + table_rel +
            ") AND a.attnum > 0 AND NOT a.attisdropped AND a.attname = " + s.literal(object.name);
      break;
    case Kind::index:
      // An index always lives in its table's schema, so placing the index places both.
      sql = "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_index x ON x.indexrelid = c.oid "
            "WHERE c.relname = " + s.literal(object.name) + " AND c.relkind IN ('i', 'I') AND " + placed;
      if (!object.table.empty())
        sql += " AND (SELECT t.relname FROM pg_catalog.pg_class t WHERE t.oid = x.indrelid) = " +
               s.literal(object.table);
      break;
    case Kind::constraint:
      sql = "SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid IN (" + table_rel +
            ") AND k.conname = " + s.literal(object.name);
      break;
  }
  return !query(sql).empty();
}

void PostgresBackend::request_cancel() noexcept {
  if (PGcancel* cancel = m_cancel.load()) {
    char error[256];
    PQcancel(cancel, error, sizeof error);  // a failed cancel leaves the statement running: nothing to do
  }
}

namespace {

/// pg_dump to use: MIGRATE_PG_DUMP, else PATH, else the newest /usr/lib/postgresql/*/bin
/// (Debian and Ubuntu install the versioned clients there). Throws Error{usage}.
std::filesystem::path find_pg_dump() {
  if (const char* chosen = std::getenv("MIGRATE_PG_DUMP"); chosen && *chosen) {
    if (::access(chosen, X_OK) != 0)
      throw Error(ErrorKind::usage, std::string("cannot back up: MIGRATE_PG_DUMP names '") + chosen +
                                        "', which is not an executable pg_dump",
                  "point MIGRATE_PG_DUMP at pg_dump, or unset it to look in PATH");
    return chosen;
  }
  std::vector<std::filesystem::path> versioned;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec))
    versioned.push_back(entry.path() / "bin");
  // Newest first: "15" < "9.6" as strings, so compare the major version as a number.
  std::sort(versioned.begin(), versioned.end(), [](const auto& a, const auto& b) {
    return std::atof(a.parent_path().filename().c_str()) > std::atof(b.parent_path().filename().c_str());
  });
  auto found = find_executable("pg_dump", versioned);
  if (found.empty())
    throw Error(ErrorKind::usage, "cannot back up: pg_dump is not installed (looked in PATH and /usr/lib/postgresql/*/bin)",
                "install the PostgreSQL client tools (Debian/Ubuntu: apt-get install postgresql-client; "
                "pg_dump must not be older than the server), set MIGRATE_PG_DUMP to its path, or run without --backup");
  return found;
}

/// `name` made safe for a file name: letters, digits, '-', '_' and '.' kept, the rest '_'.
std::string file_name_part(std::string_view name) {
  std::string out;
  for (char c : name)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return out.empty() ? "db" : out;
}

}  // namespace

std::filesystem::path PostgresBackend::default_backup_path(std::string_view timestamp) const {
  const char* db = m_session->raw() ? PQdb(m_session->raw()) : nullptr;
  return "migrate-backup-" + file_name_part(db ? db : "") + "-" + std::string(timestamp) + ".dump";
}

BackupResult PostgresBackend::backup(const std::filesystem::path& path) {
  auto pg_dump = find_pg_dump();
  // The password libpq actually used (URL, PGPASSWORD or ~/.pgpass); hidden from every
  // message like the URL's own.
  const char* used = m_session->raw() ? PQpass(m_session->raw()) : nullptr;
  std::string password = used ? used : "";
  ConnectionTarget secrets = m_target;
  if (!password.empty()) secrets.secrets.push_back(password);

  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  if (ec) absolute = path;
  create_backup_file(path);
  std::vector<std::string> args{"--format=custom", "--no-password", "--file=" + absolute.string(),
                                "--dbname=" + m_target.without_password};
  std::vector<std::string> add;
  if (!password.empty()) add.push_back("PGPASSWORD=" + password);
  ProcessResult result;
  try {
    result = run_process(pg_dump, args, child_environment({"PGPASSWORD"}, add));
  } catch (...) {
    remove_partial_backup(path);
    throw;
  }
  if (result.exit_status != 0) {
    remove_partial_backup(path);
    std::string how = result.signal ? "was killed by signal " + std::to_string(result.signal)
                                    : "failed (exit status " + std::to_string(result.exit_status) + ")";
    std::string output = trim(result.output);
    throw Error(ErrorKind::database,
                secrets.redact(pg_dump.string() + " " + how + " backing up " + m_target.redacted +
                               (output.empty() ? std::string() : ":\n" + output)),
                "nothing was changed; fix the cause (credentials, a pg_dump older than the server, disk "
                "space) or run without --backup");
  }
  BackupResult backup;
  backup.path = path;
  // --create: the database is dropped and re-created from the dump, so objects made after
  // the backup (a table a failed upgrade created) are gone too; --clean alone would keep
  // them, and the next upgrade would trip over them.
  backup.restore_command = "pg_restore --clean --if-exists --create --no-owner --dbname " +
                           shell_quote(with_database(m_target.without_password, "postgres")) + " " +
                           shell_quote(absolute.string());
  return backup;
}

std::string PostgresBackend::database_user() {
  auto rows = query("SELECT current_user");
  return rows.empty() || rows[0].empty() || !rows[0][0] ? std::string() : *rows[0][0];
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

// ---------------------------------------------------------------------------------------
// Locking

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

void PostgresBackend::lock(std::chrono::milliseconds timeout) {
  if (m_locked) return;
  long long key = resolved_lock_key();
  // A dedicated session: it runs nothing but these one-statement autocommit queries, so it
  // never holds a transaction or snapshot that a concurrent CREATE INDEX CONCURRENTLY (run
  // by the lock holder) would have to wait for. Polling instead of pg_advisory_lock()
  // keeps even the waiting statement short (peers.md pain #5).
  if (!m_lock_session) m_lock_session = connect(m_target);
  auto sql = "SELECT pg_catalog.pg_try_advisory_lock(" + std::to_string(key) + "), pg_catalog.pg_backend_pid()";
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool told = false;
  for (;;) {
    auto rows = run(*m_lock_session, sql, 0, true).rows;
    if (!rows.empty() && rows[0].size() == 2 && rows[0][0] == std::optional<std::string>("t")) {
      m_locked = true;
      m_held_key = key;
      // Behind a pooler the pid libpq got at connect time is the pooler's, not the server
      // process's that now holds the lock (peers.md pain #4): say so before anything runs.
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
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) throw_lock_timeout(timeout, key);
    if (!told) {
      spdlog::info("Waiting for the migration lock on {} (another migrate process holds it)", m_target.redacted);
      told = true;
    }
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(k_lock_poll, deadline - now));
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
  try {
    auto sql = "SELECT pg_catalog.pg_advisory_unlock(" + std::to_string(m_held_key) + ")";
    if (!is_true(run(*m_lock_session, sql, 0, true).rows))
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
  m_lock_session.reset();  // ending the session would free the lock anyway
}

}  // namespace migrate::backend::postgres

#include "backend/sqlite/sqlite_backend.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <spdlog/spdlog.h>
#include <thread>
#include <utility>

#include "backend/backup_support.hpp"
#include "backend/row_values.hpp"
#include "backend/sql_dialect.hpp"

namespace migrate::backend::sqlite {
namespace {

constexpr int k_busy_timeout_ms = 5000;
constexpr std::chrono::milliseconds k_lock_poll{50};

/// SQLite's name for a (possibly extended) result code, e.g. "SQLITE_CONSTRAINT_UNIQUE".
std::string result_name(int code) {
#define MIGRATE_SQLITE_CODE(name) \
  case name: return #name;
  switch (code) {
    MIGRATE_SQLITE_CODE(SQLITE_ERROR)
    MIGRATE_SQLITE_CODE(SQLITE_INTERNAL)
    MIGRATE_SQLITE_CODE(SQLITE_PERM)
    MIGRATE_SQLITE_CODE(SQLITE_ABORT)
    MIGRATE_SQLITE_CODE(SQLITE_BUSY)
    MIGRATE_SQLITE_CODE(SQLITE_LOCKED)
    MIGRATE_SQLITE_CODE(SQLITE_NOMEM)
    MIGRATE_SQLITE_CODE(SQLITE_READONLY)
    MIGRATE_SQLITE_CODE(SQLITE_INTERRUPT)
    MIGRATE_SQLITE_CODE(SQLITE_IOERR)
    MIGRATE_SQLITE_CODE(SQLITE_CORRUPT)
    MIGRATE_SQLITE_CODE(SQLITE_NOTFOUND)
    MIGRATE_SQLITE_CODE(SQLITE_FULL)
    MIGRATE_SQLITE_CODE(SQLITE_CANTOPEN)
    MIGRATE_SQLITE_CODE(SQLITE_PROTOCOL)
    MIGRATE_SQLITE_CODE(SQLITE_SCHEMA)
    MIGRATE_SQLITE_CODE(SQLITE_TOOBIG)
    MIGRATE_SQLITE_CODE(SQLITE_CONSTRAINT)
    MIGRATE_SQLITE_CODE(SQLITE_MISMATCH)
    MIGRATE_SQLITE_CODE(SQLITE_MISUSE)
    MIGRATE_SQLITE_CODE(SQLITE_AUTH)
    MIGRATE_SQLITE_CODE(SQLITE_RANGE)
    MIGRATE_SQLITE_CODE(SQLITE_NOTADB)
    MIGRATE_SQLITE_CODE(SQLITE_ERROR_MISSING_COLLSEQ)
    MIGRATE_SQLITE_CODE(SQLITE_ERROR_RETRY)
    MIGRATE_SQLITE_CODE(SQLITE_ABORT_ROLLBACK)
    MIGRATE_SQLITE_CODE(SQLITE_BUSY_RECOVERY)
    MIGRATE_SQLITE_CODE(SQLITE_BUSY_SNAPSHOT)
    MIGRATE_SQLITE_CODE(SQLITE_BUSY_TIMEOUT)
    MIGRATE_SQLITE_CODE(SQLITE_LOCKED_SHAREDCACHE)
    MIGRATE_SQLITE_CODE(SQLITE_READONLY_RECOVERY)
    MIGRATE_SQLITE_CODE(SQLITE_READONLY_CANTLOCK)
    MIGRATE_SQLITE_CODE(SQLITE_READONLY_ROLLBACK)
    MIGRATE_SQLITE_CODE(SQLITE_READONLY_DBMOVED)
    MIGRATE_SQLITE_CODE(SQLITE_READONLY_DIRECTORY)
    MIGRATE_SQLITE_CODE(SQLITE_CANTOPEN_ISDIR)
    MIGRATE_SQLITE_CODE(SQLITE_CANTOPEN_FULLPATH)
    MIGRATE_SQLITE_CODE(SQLITE_CORRUPT_INDEX)
    MIGRATE_SQLITE_CODE(SQLITE_CONSTRAINT_CHECK)
    MIGRATE_SQLITE_CODE(SQLITE_CONSTRAINT_COMMITHOOK)
    MIGRATE_SQLITE_CODE(SQLITE_CONSTRAINT_FOREIGNKEY)
    MIGRATE_SQLITE_CODE(SQLITE_CONSTRAINT_FUNCTION)
    MIGRATE_SQLITE_CODE(SQLITE_CONSTRAINT_NOTNULL)
    MIGRATE_SQLITE_CODE(SQLITE_CONSTRAINT_PRIMARYKEY)
    MIGRATE_SQLITE_CODE(SQLITE_CONSTRAINT_TRIGGER)
    MIGRATE_SQLITE_CODE(SQLITE_CONSTRAINT_UNIQUE)
    MIGRATE_SQLITE_CODE(SQLITE_CONSTRAINT_VTAB)
    MIGRATE_SQLITE_CODE(SQLITE_CONSTRAINT_ROWID)
    MIGRATE_SQLITE_CODE(SQLITE_CONSTRAINT_DATATYPE)
    default: break;
  }
#undef MIGRATE_SQLITE_CODE
  if ((code & 0xff) != code) return result_name(code & 0xff) + "(" + std::to_string(code) + ")";
  return "SQLITE_" + std::to_string(code);
}

/// Skips whitespace and comments, so an error points at the statement itself.
size_t skip_blank(std::string_view sql, size_t pos) {
  while (pos < sql.size()) {
    char c = sql[pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++pos;
    } else if (sql.substr(pos, 2) == "--") {
      auto nl = sql.find('\n', pos);
      pos = nl == std::string_view::npos ? sql.size() : nl + 1;
    } else if (sql.substr(pos, 2) == "/*") {
      auto end = sql.find("*/", pos + 2);
      pos = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  return pos;
}

DatabaseError make_error(sqlite3* db, int code, long position) {
  DatabaseError::Details d;
  d.sqlstate = result_name(code);
  d.server_message = sqlite3_errmsg(db);
  d.position = position;
  return DatabaseError(d.server_message + " [" + d.sqlstate + "]", d);
}

bool equal_ignoring_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

/// True when `create_sql` (a CREATE TABLE statement from sqlite_master) declares a
/// constraint named `name`: the keyword CONSTRAINT followed by that identifier, bare or
/// quoted ("x", `x`, [x], 'x'), compared case-insensitively. Comments and string literals
/// are skipped, so `DEFAULT 'CONSTRAINT x'` does not count.
bool declares_constraint(std::string_view create_sql, std::string_view name) {
  bool after_keyword = false;
  std::size_t i = 0;
  while (i < create_sql.size()) {
    char c = create_sql[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
      continue;
    }
    if (create_sql.substr(i, 2) == "--" || create_sql.substr(i, 2) == "/*") {
      i = skip_blank(create_sql, i);
      continue;
    }
    std::string token;
    bool quoted = false;
    if (c == '"' || c == '`' || c == '[' || c == '\'') {
      char close = c == '[' ? ']' : c;
      quoted = true;
      for (++i; i < create_sql.size(); ++i) {
        if (create_sql[i] == close) {
          if (close != ']' && i + 1 < create_sql.size() && create_sql[i + 1] == close) {
            token += close;
            ++i;
            continue;
          }
          ++i;
          break;
        }
        token += create_sql[i];
      }
    } else if (is_word_char(c)) {
      while (i < create_sql.size() && is_word_char(create_sql[i])) token += create_sql[i++];
    } else {
      ++i;
      after_keyword = false;
      continue;
    }
    if (after_keyword && equal_ignoring_ascii_case(token, name)) return true;
    after_keyword = !quoted && equal_ignoring_ascii_case(token, "constraint");
  }
  return false;
}

/// SQLite prepared nothing at `offset` and did not move past it: it stops reading at a NUL
/// byte, so without this the statement loop would spin there for ever.
DatabaseError stuck_at(std::string_view sql, size_t offset) {
  DatabaseError::Details d;
  d.sqlstate = "SQLITE_ERROR";
  d.position = static_cast<long>(offset);
  bool nul = offset < sql.size() && sql[offset] == '\0';
  d.server_message = nul ? "the SQL holds a NUL byte at byte offset " + std::to_string(offset) +
                               ", where SQLite stops reading"
                         : "SQLite cannot read the SQL at byte offset " + std::to_string(offset);
  return DatabaseError(d.server_message + " [" + d.sqlstate + "]", d,
                       nul ? "remove the NUL byte (a binary or UTF-16 file saved as SQL?)" : "");
}

/// Finalizes a statement on every path out of the step loop.
struct StatementGuard {
  sqlite3_stmt* stmt = nullptr;
  ~StatementGuard() { sqlite3_finalize(stmt); }
};

/// The current row of `stmt`, every value as text or NULL.
Row current_row(sqlite3_stmt* stmt, int columns) {
  Row row;
  row.reserve(columns);
  for (int i = 0; i < columns; ++i) {
    if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
      row.emplace_back(std::nullopt);
    } else {
      auto text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      row.emplace_back(std::string(text, sqlite3_column_bytes(stmt, i)));
    }
  }
  return row;
}

/// Steps `stmt` to its end, handing each row to `rows` when given; returns the rows it
/// changed. A failure is thrown as a DatabaseError at `position` in the caller's SQL.
long long step_through(sqlite3* db, sqlite3_stmt* stmt, const Backend::RowSink* rows, long position) {
  const int columns = sqlite3_column_count(stmt);
  const auto total_before = sqlite3_total_changes64(db);
  for (;;) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) throw make_error(db, sqlite3_extended_errcode(db), position);
    if (rows) (*rows)(current_row(stmt, columns));
  }
  // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, so a DDL statement
  // would report a stale number; the total counter tells whether this statement changed rows.
  return sqlite3_total_changes64(db) != total_before ? sqlite3_changes64(db) : 0;
}

/// True when a URL's query string (after '?') sets `foreign_keys`.
bool names_foreign_keys_option(std::string_view query) {
  std::size_t pos = 0;
  while (pos <= query.size()) {
    auto amp = query.find('&', pos);
    auto param = query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (equal_ignoring_ascii_case(param.substr(0, param.find('=')), "foreign_keys")) return true;
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return false;
}

}  // namespace

std::string path_of_url(const std::string& url) {
  constexpr std::string_view prefix = "sqlite://";
  if (url.rfind(prefix, 0) != 0)
    throw Error(ErrorKind::config, "not a sqlite URL: " + redact_url(url));
  std::string rest = url.substr(prefix.size());
  if (rest.empty()) return ":memory:";  // `sqlite://` is SQLAlchemy's in-memory form
  if (rest.front() != '/')
    throw Error(ErrorKind::config, "bad sqlite URL '" + redact_url(url) + "'",
                "use sqlite:///relative/path.db, sqlite:////absolute/path.db or sqlite:///:memory:");
  if (auto query = rest.find('?'); query != std::string::npos) {
    if (names_foreign_keys_option(rest.substr(query + 1)))
      throw Error(ErrorKind::config,
                  "sqlite URL option foreign_keys is not supported: '" + redact_url(url) +
                      "': migrate switches SQLite's foreign-key enforcement off before each transaction, so that "
                      "a table rebuild cannot cascade into child rows, and checks the tables each revision touched "
                      "with PRAGMA foreign_key_check before it commits",
                  "remove '?foreign_keys=...'; `foreign_key_check = false` in migrate.toml turns the check off");
    throw Error(ErrorKind::config, "sqlite URL options are not supported: '" + redact_url(url) + "'",
                "remove the '?...' part");
  }
  std::string path = rest.substr(1);  // "///x.db" -> "x.db"; "////abs" -> "/abs"
  if (path.empty())
    throw Error(ErrorKind::config, "sqlite URL '" + url + "' names no file",
                "use sqlite:///relative/path.db, sqlite:////absolute/path.db or sqlite:///:memory:");
  return path;
}

std::unique_ptr<Backend> open(const std::string& url, OpenMode mode) {
  return std::make_unique<SqliteBackend>(path_of_url(url), mode);
}

SqliteBackend::SqliteBackend(std::string path, OpenMode mode) : m_path(std::move(path)) {
  m_memory = m_path == ":memory:";
  if (!m_memory) {
    std::error_code ec;
    auto absolute = std::filesystem::absolute(m_path, ec);
    m_lock_path = ec ? m_path : absolute.string();
  }
  bool create = m_memory || mode == OpenMode::create_if_missing;
  bool missing = !create && !std::filesystem::exists(m_path);
  if (missing && mode == OpenMode::empty_if_missing) {
    open_file(":memory:", true);
    return;
  }
  if (missing) {
    // SQLite would say only "unable to open database file"; a reading command must not
    // create the file either (an empty database would pass for a fresh one).
    throw Error(ErrorKind::database, "no database at " + m_path,
                "check the URL, or run `migrate upgrade` to create it");
  }
  open_file(m_path, create);
}

void configure_process() {
  // Refused (SQLITE_MISUSE, nothing changed) once SQLite is initialized: harmless then.
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

void SqliteBackend::open_file(const std::string& file, bool create) {
  forget_prepared();  // made on the connection this one replaces
  try {
    // One connection is used by one thread at a time (request_cancel's sqlite3_interrupt
    // takes no mutex): without NOMUTEX every sqlite3_column_* call would lock and unlock
    // the connection's mutex, a tenth of the time of reading a thousand journal rows.
    int flags = SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX | (create ? SQLite::OPEN_CREATE : 0);
    m_db = std::make_unique<SQLite::Database>(file, flags, k_busy_timeout_ms);
    m_handle = m_db->getHandle();
  } catch (const SQLite::Exception& e) {
    DatabaseError::Details d;
    d.sqlstate = result_name(e.getExtendedErrorCode());
    d.server_message = e.what();
    throw DatabaseError("cannot open SQLite database '" + file + "': " + e.what(), d);
  }
}

SqliteBackend::~SqliteBackend() {
  m_handle = nullptr;
  forget_prepared();
  // Close the connection before the lock descriptor. On Linux, close() of ANY descriptor
  // of a file drops every POSIX (fcntl) lock this process holds on it, including the ones
  // SQLite's own connection uses; closing ours while SQLite is idle is harmless. Two
  // backends of one process on one file can still hurt each other this way, which is why
  // concurrency is tested with processes, not threads.
  m_db.reset();
  if (m_lock_fd >= 0) ::close(m_lock_fd);  // also releases the flock
}

Capabilities SqliteBackend::capabilities() const {
  Capabilities caps;
  // SQLite's DDL is fully transactional: CREATE/ALTER/DROP go through the same rollback
  // journal (or WAL) as row changes, so a rolled-back migration leaves no schema trace.
  // (Alembic calls SQLite non-transactional only because of old pysqlite behaviour, which
  // committed implicitly before DDL.)
  caps.transactional_ddl = true;
  // No schemas; attached databases are not what `version_table_schema` means.
  caps.schemas = false;
  return caps;
}

std::string SqliteBackend::describe() const { return "sqlite:///" + m_path; }

void SqliteBackend::lock(std::chrono::milliseconds timeout, const LockPoll& between_polls) {
  if (m_memory || m_locked) return;
  if (m_lock_fd < 0) {
    // Our own descriptor on the database file. flock() locks are attached to this open
    // file description and are independent of the fcntl() byte-range locks SQLite uses on
    // the same file (on Linux; on NFS flock is emulated with fcntl and this would break),
    // so holding it never blocks SQLite itself. The descriptor is kept until the backend
    // dies: see the destructor for why it must not be closed early.
    m_lock_fd = ::open(m_lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_lock_fd < 0)
      throw Error(ErrorKind::database,
                  "cannot open '" + m_path + "' to take the migration lock: " + std::strerror(errno));
  }
  LockWait wait(timeout, between_polls);
  for (;;) {
    if (::flock(m_lock_fd, LOCK_EX | LOCK_NB) == 0) {
      m_locked = true;
      return;
    }
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK)
      throw Error(ErrorKind::database,
                  "cannot lock '" + m_path + "': " + std::strerror(errno));
    if (wait.pause(k_lock_poll, "Waiting for the migration lock on " + m_path + " (another migrate process holds it)"))
      continue;
    auto seconds = std::chrono::duration<double>(timeout).count();
    throw Error(ErrorKind::lock_timeout,
                fmt::format("timed out after {:g}s waiting for the migration lock: another migrate "
                            "process holds the lock on {}",
                            seconds, m_path),
                "wait for the other run to finish, or raise --lock-timeout");
  }
}

void SqliteBackend::unlock() noexcept {
  if (!m_locked) return;
  // LOCK_UN rather than close(): see the destructor.
  if (::flock(m_lock_fd, LOCK_UN) != 0)
    spdlog::warn("could not release the migration lock on {}: {}", m_path, std::strerror(errno));
  m_locked = false;
}

void SqliteBackend::begin() { run("BEGIN IMMEDIATE", nullptr); }

void SqliteBackend::commit() { run("COMMIT", nullptr); }

void SqliteBackend::rollback() noexcept {
  if (!in_transaction()) return;
  if (sqlite3_exec(m_db->getHandle(), "ROLLBACK", nullptr, nullptr, nullptr) != SQLITE_OK)
    spdlog::warn("ROLLBACK failed on {}: {}", m_path, sqlite3_errmsg(m_db->getHandle()));
}

bool SqliteBackend::in_transaction() const { return sqlite3_get_autocommit(m_db->getHandle()) == 0; }

void SqliteBackend::execute_script(std::string_view sql) { run(sql, nullptr); }

long long SqliteBackend::execute(std::string_view sql) { return run(sql, nullptr); }

std::vector<Row> SqliteBackend::query(std::string_view sql) {
  std::vector<Row> rows;
  for_each_row(sql, [&rows](Row&& row) { rows.push_back(std::move(row)); });
  return rows;
}

void SqliteBackend::for_each_row(std::string_view sql, const RowSink& sink) { run(sql, &sink); }

long long SqliteBackend::run_statement(const Statement& statement, std::vector<Row>* rows) {
  if (statement.values.empty()) return Backend::run_statement(statement, rows);
  sqlite3* db = m_db->getHandle();
  sqlite3_stmt* stmt = prepared(statement.sql);
  if (sqlite3_bind_parameter_count(stmt) != static_cast<int>(statement.values.size()))
    throw std::logic_error("placeholders and values differ in number: " + statement.sql);
  struct Reset {  // ready for the next use, whatever happens here
    sqlite3_stmt* stmt;
    ~Reset() {
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
    }
  } reset{stmt};
  for (std::size_t i = 0; i < statement.values.size(); ++i) {
    const auto& value = statement.values[i];
    const int at = static_cast<int>(i) + 1;
    // SQLITE_STATIC: the values outlive the step; sqlite3_reset drops them before they go.
    int rc = value ? sqlite3_bind_text(stmt, at, value->data(), static_cast<int>(value->size()), SQLITE_STATIC)
                   : sqlite3_bind_null(stmt, at);
    if (rc != SQLITE_OK) throw make_error(db, sqlite3_extended_errcode(db), 0);
  }
  const RowSink sink = [rows](Row&& row) { rows->push_back(std::move(row)); };
  return step_through(db, stmt, rows ? &sink : nullptr, 0);
}

sqlite3_stmt* SqliteBackend::prepared(const std::string& sql) {
  if (auto found = m_prepared.find(sql); found != m_prepared.end()) return found->second;
  sqlite3* db = m_db->getHandle();
  StatementGuard owner;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &owner.stmt,
                              &tail);
  if (rc != SQLITE_OK) throw make_error(db, sqlite3_extended_errcode(db), std::max(0, sqlite3_error_offset(db)));
  if (!owner.stmt || skip_blank(sql, static_cast<std::size_t>(tail - sql.data())) < sql.size())
    throw std::logic_error("not one statement: " + sql);
  return m_prepared.emplace(sql, std::exchange(owner.stmt, nullptr)).first->second;
}

void SqliteBackend::forget_prepared() noexcept {
  for (auto& [sql, stmt] : m_prepared) sqlite3_finalize(stmt);
  m_prepared.clear();
}

bool SqliteBackend::table_exists(std::string_view schema, std::string_view table) {
  std::string master = schema.empty() ? "sqlite_master"
                                      : sql::quote_ident(Dialect::sqlite, schema) + ".sqlite_master";
  auto rows = query("SELECT 1 FROM " + master + " WHERE type = 'table' AND name = " +
                    sql::quote_literal(table));
  return !rows.empty();
}

std::vector<std::string> SqliteBackend::column_names(std::string_view schema, std::string_view table) {
  // The table-valued form of the pragma takes the attached database as its second argument
  // and, unlike `PRAGMA x.table_info(...)`, lets the names travel as literals.
  std::string sql = "SELECT name FROM pragma_table_info(" + sql::quote_literal(table);
  if (!schema.empty()) sql += ", " + sql::quote_literal(schema);
  sql += ") ORDER BY cid";
  std::vector<std::string> names;
  for (auto& row : query(sql))
    if (auto name = optional_of(row, 0)) names.push_back(std::move(*name));
  return names;
}

std::vector<std::string> SqliteBackend::user_relations(std::string_view /*schema*/, std::size_t limit) {
  std::vector<std::string> names;
  for (auto& row : query("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE "
                         "'sqlite\\_%' ESCAPE '\\' ORDER BY name LIMIT " + std::to_string(limit)))
    if (auto name = optional_of(row, 0)) names.push_back(std::move(*name));
  return names;
}

bool SqliteBackend::object_exists(const CatalogObject& object) {
  using Kind = CatalogObject::Kind;
  if (object.kind != Kind::table && object.name.empty())
    throw Error(ErrorKind::internal, "object_exists: the column, index or constraint has no name");
  if ((object.kind == Kind::column || object.kind == Kind::constraint) && object.table.empty())
    throw Error(ErrorKind::internal, "object_exists: a column or constraint needs its table");
  if (!object.schema.empty()) {
    // An attached database that is not there holds nothing (instead of SQLite's
    // "unknown database" error).
    auto attached = query("SELECT 1 FROM pragma_database_list WHERE name = " + sql::quote_literal(object.schema) +
                          " COLLATE NOCASE");
    if (attached.empty()) return false;
  }
  std::string master = object.schema.empty()
                           ? "sqlite_master"
                           : sql::quote_ident(Dialect::sqlite, object.schema) + ".sqlite_master";
  auto table_is = [&](std::string_view column) {
    return std::string(column) + " = " + sql::quote_literal(object.table) + " COLLATE NOCASE";
  };
  switch (object.kind) {
    case Kind::table:
      return !query("SELECT 1 FROM " + master + " WHERE type = 'table' AND " + table_is("name")).empty();
    case Kind::column: {
      std::string sql = "SELECT 1 FROM pragma_table_info(" + sql::quote_literal(object.table);
      if (!object.schema.empty()) sql += ", " + sql::quote_literal(object.schema);
      return !query(sql + ") WHERE name = " + sql::quote_literal(object.name) + " COLLATE NOCASE").empty();
    }
    case Kind::index: {
      std::string sql = "SELECT 1 FROM " + master + " WHERE type = 'index' AND name = " +
                        sql::quote_literal(object.name) + " COLLATE NOCASE";
      if (!object.table.empty()) sql += " AND " + table_is("tbl_name");
      return !query(sql).empty();
    }
    case Kind::constraint:
      for (const auto& row : query("SELECT sql FROM " + master + " WHERE type = 'table' AND " + table_is("name")))
        if (declares_constraint(value_of(row, 0), object.name)) return true;
      return false;
  }
  return false;
}

void SqliteBackend::request_cancel() noexcept {
  // sqlite3_interrupt only sets a flag the running statement checks; SQLite's own shell
  // calls it from its SIGINT handler. With no statement running it does nothing.
  if (sqlite3* handle = m_handle) sqlite3_interrupt(handle);
}

std::filesystem::path SqliteBackend::default_backup_path(std::string_view timestamp) const {
  if (m_memory) return "migrate-backup-memory-" + std::string(timestamp) + ".db";
  return m_path + "." + std::string(timestamp) + ".backup";
}

BackupResult SqliteBackend::backup(const std::filesystem::path& path) {
  if (m_memory)
    throw Error(ErrorKind::usage, "cannot back up an in-memory database (sqlite:///:memory:)",
                "run without --backup: an in-memory database disappears with the process anyway");
  create_backup_file(path);
  sqlite3* destination = nullptr;
  auto fail = [&](const std::string& why) {
    if (destination) sqlite3_close(destination);
    remove_partial_backup(path);
    return Error(ErrorKind::database, "backing up '" + m_path + "' to '" + path.string() + "' failed: " + why,
                 "nothing was changed; fix the cause (disk space, permissions) or run without --backup");
  };
  // The destination file exists and is empty, which SQLite reads as an empty database; the
  // backup then fills it page by page.
  if (sqlite3_open_v2(path.c_str(), &destination, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
    throw fail(destination ? sqlite3_errmsg(destination) : "out of memory");
  sqlite3_backup* copy = sqlite3_backup_init(destination, "main", m_handle, "main");
  if (!copy) throw fail(sqlite3_errmsg(destination));
  // step(-1) copies everything at once; another process's write lock makes it answer BUSY or
  // LOCKED, so retry for as long as a statement would wait (the busy timeout).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(k_busy_timeout_ms);
  int rc;
  while ((rc = sqlite3_backup_step(copy, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(k_lock_poll);
  }
  sqlite3_backup_finish(copy);
  if (rc != SQLITE_DONE) throw fail(std::string(sqlite3_errstr(rc)) + " [" + result_name(rc) + "]");
  if (int finished = sqlite3_errcode(destination); finished != SQLITE_OK)
    throw fail(std::string(sqlite3_errmsg(destination)) + " [" + result_name(finished) + "]");
  if (sqlite3_close(destination) != SQLITE_OK) {
    destination = nullptr;
    throw fail("closing the backup file failed");
  }
  BackupResult result;
  result.path = path;
  std::error_code ec;
  auto absolute_backup = std::filesystem::absolute(path, ec);
  result.restore_command = "cp -- " + shell_quote((ec ? path : absolute_backup).string()) + " " + shell_quote(m_lock_path);
  return result;
}

long long SqliteBackend::run(std::string_view sql, const RowSink* rows) {
  // A prepare/step loop instead of sqlite3_exec so a failure can say where it happened:
  // the tail pointer gives each statement's offset in `sql`.
  sqlite3* db = m_db->getHandle();
  long long changes = 0;
  size_t offset = 0;
  while (offset < sql.size()) {
    size_t start = skip_blank(sql, offset);
    if (start >= sql.size()) break;
    StatementGuard guard;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.data() + start, static_cast<int>(sql.size() - start),
                                &guard.stmt, &tail);
    if (rc != SQLITE_OK) {
      int within = sqlite3_error_offset(db);
      throw make_error(db, sqlite3_extended_errcode(db),
                       static_cast<long>(start) + (within >= 0 ? within : 0));
    }
    offset = static_cast<size_t>(tail - sql.data());
    if (!guard.stmt && offset <= start) throw stuck_at(sql, start);
    if (!guard.stmt) continue;  // only a comment or a lone ';'
    changes = step_through(db, guard.stmt, rows, static_cast<long>(start));
  }
  return changes;
}

}  // namespace migrate::backend::sqlite

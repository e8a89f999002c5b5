#pragma once
/// The PostgreSQL backend (libpqxx 6.4 over the system libpq).
///
/// URLs: `postgresql://[user[:password]@][host][:port][/database][?param=value&...]`,
/// also `postgres://` and SQLAlchemy's `postgresql+driver://`. The URL goes to libpq as a
/// connection URI, so every libpq parameter works in the query string (`sslmode`,
/// `host=/socket/dir`, `application_name`, `options=-c%20search_path%3Dapp`, ...), and so do
/// libpq's environment (`PGHOST`, `PGUSER`, `PGPASSWORD`, ...) and `~/.pgpass` for whatever
/// the URL leaves out. `application_name` defaults to "migrate" (libpq's
/// `fallback_application_name`, so `PGAPPNAME` or the URL still win), and `client_encoding`
/// to UTF8 unless the URL or `PGCLIENTENCODING` sets it (revision files are UTF-8). A URL libpq cannot
/// parse is Error{config}; a failed connection is DatabaseError (sqlstate 08001).
/// The URL's keywords reach libpq as a keyword string (ConnectionTarget::conninfo). The
/// password (from the userinfo or a `password=` parameter) is never shown: `describe()` and
/// every message go through backend::Redactor, which hides it as libpq reads it.
///
/// Statements run as simple queries (no server-side prepare), so the SQL reaches the server
/// exactly as written. Errors become DatabaseError with the server's SQLSTATE, message,
/// detail and hint, and `position` (PG_DIAG_STATEMENT_POSITION, 1-based characters) turned
/// into a 0-based byte offset in the SQL passed in; when the server gives no position, the
/// start of the failing statement. SQLSTATE 25001 (e.g. CREATE INDEX CONCURRENTLY inside a
/// transaction) carries the hint to mark the revision `transactional = false`. Server
/// notices go to spdlog (WARNING at warn level, the rest at debug).
///
/// Locking: a session-level advisory lock (`pg_try_advisory_lock(bigint)`) taken on a second,
/// dedicated connection that never keeps a transaction open, so a non-transactional
/// revision's `CREATE INDEX CONCURRENTLY` on the holder's side never waits for a waiting
/// runner. Waiters poll every 100 ms until the timeout, then throw
/// Error{lock_timeout} naming the holder's pid, user and application from `pg_locks` and
/// `pg_stat_activity`. The key is the 64-bit FNV-1a hash of "<schema>.<version table>"
/// (`set_lock_key`; the schema defaults to `current_schema()`), so runners of different
/// version tables do not exclude each other. The lock dies with the session: a killed runner
/// leaves no lock behind. A pooler is detected twice, each time with a warning: when the lock
/// is taken (the server process holding it is not the one libpq connected to, as behind
/// PgBouncer or pgpool) and when an unlock is answered `false` (the session changed under
/// us: transaction pooling).
///
/// The code is split by role, one class still: url.cpp (what libpq is handed, what messages
/// show), session.cpp (connecting, statements, transactions, error translation), lock.cpp
/// (the advisory lock), catalog.cpp (table/column/object look-ups), backup.cpp (pg_dump),
/// scratch.cpp (scratch databases) and rehearsal.cpp (statements measured for `lint --rehearse`);
/// session.hpp holds what they share. Only this folder includes libpqxx and libpq; this
/// header keeps them out of its includers.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "backend/postgres/url.hpp"

struct pg_cancel;  // libpq's PGcancel

namespace migrate::backend::postgres {

class Session;

/// What `version()` (and whether the citus extension is installed) says the server is:
/// CockroachDB's starts with "CockroachDB", YugabyteDB's holds "-YB-".
Engine engine_of(std::string_view version, bool has_citus);

/// The advisory-lock key for a version table: FNV-1a 64 of "<schema>.<table>", as a signed
/// bigint (the argument type of pg_advisory_lock).
long long advisory_lock_key(std::string_view schema, std::string_view table);

class PostgresBackend final : public Backend, public Catalog, public Locker, public Backups, public SchemaReader,
                              public Scratch, public StatementProbe {
 public:
  /// Connects (one connection; the lock connection is opened by `lock()`). Throws
  /// Error{config} for a bad URL, DatabaseError when the connection fails.
  explicit PostgresBackend(const std::string& url);
  ~PostgresBackend() override;
  PostgresBackend(const PostgresBackend&) = delete;
  PostgresBackend& operator=(const PostgresBackend&) = delete;

  Dialect dialect() const override { return Dialect::postgresql; }
  Capabilities capabilities() const override;
  bool assume_engine(Engine engine) override;
  std::string describe() const override { return m_target.redacted; }

  void set_lock_key(std::string_view schema, std::string_view version_table) override;
  /// The advisory lock, or with use_lease the lease (lease_lock.cpp).
  void lock(std::chrono::milliseconds timeout, const LockPoll& between_polls = {}) override;
  void unlock() noexcept override;
  /// From now on the lock is a lease in `<version_table>_lock` (lease_lock.cpp).
  bool use_lease(std::chrono::milliseconds lease) override;

  void set_session_timeouts(const std::optional<std::string>& lock_timeout,
                            const std::optional<std::string>& statement_timeout) override;

  /// The BEGIN is not sent alone: it goes out with the transaction's first statement (one
  /// round trip fewer per transaction, ten per tenant of a fleet). Citus's BEGIN, which sets
  /// a mode that may fail, is sent at once. Inside a transaction, aborted ones included, it
  /// does nothing (an aborted one then fails at its next statement or at commit()).
  void begin() override;
  /// Refuses (DatabaseError 25P02, after rolling back) to "commit" a transaction an earlier
  /// error aborted: PostgreSQL would silently roll it back and answer ROLLBACK. A
  /// transaction whose BEGIN was never sent has nothing to commit or roll back.
  void commit() override;
  void rollback() noexcept override;
  /// From libpq's transaction status: true inside a transaction, aborted ones included,
  /// and while a BEGIN waits to be sent.
  bool in_transaction() const override;

  /// Inside a transaction: the whole script in one simple query (one round trip; errors
  /// point into the script). Outside one, a script of several statements is sent statement
  /// by statement, as psql does, so each commits on its own and the ones before a failure
  /// stay (one simple query would be one implicit transaction).
  void execute_script(std::string_view sql) override;
  /// Returns the row count of the last statement (PQcmdTuples), 0 when it has none.
  long long execute(std::string_view sql) override;
  /// Rows of the last statement that returned rows; values in PostgreSQL's text format.
  std::vector<Row> query(std::string_view sql) override;
  BatchResult execute_batch(const std::vector<Statement>& statements) override;

  /// With an empty schema, a table visible through `search_path` (pg_table_is_visible),
  /// i.e. the one an unqualified name reaches, as Alembic's has_table does.
  bool table_exists(std::string_view schema, std::string_view table) override;
  std::vector<std::string> user_relations(std::string_view schema, std::size_t limit) override;
  /// From pg_attribute (live columns in attnum order, i.e. information_schema's
  /// ordinal_position), for the same table `table_exists` finds: with an empty schema the
  /// one visible through search_path. pg_catalog rather than information_schema because the
  /// latter hides columns the user has no privilege on.
  std::vector<std::string> column_names(std::string_view schema, std::string_view table) override;
  /// From pg_catalog. Relations (tables; indexes; the tables of columns and constraints)
  /// are looked up in `schema`, or with an empty schema among those visible through
  /// search_path (pg_table_is_visible), as an unqualified name in a statement would be.
  /// Names compare exactly: the caller folds them (see CatalogObject).
  bool object_exists(const CatalogObject& object) override;
  /// From the search_path read at connect (current_schemas(false): the existing schemas of
  /// the path, in order). When it named no existing schema (an empty search_path, or only
  /// missing schemas), `public`, with a warning that says so and how to choose.
  std::string home_schema(std::string_view table) override;

  /// PQcancel on the cancel object made at connect time: async-signal-safe (libpq documents
  /// it for signal handlers). The statement running on the main connection then fails with
  /// SQLSTATE 57014 (query_canceled); the server ignores a cancel that arrives while nothing
  /// runs. The lock connection is never cancelled: it runs only short queries.
  void request_cancel() noexcept override;

  /// `pg_dump --format=custom --no-password --file=<path> --dbname=<URL without password>`
  /// of the whole database, started without a shell; the password (from the URL,
  /// PGPASSWORD or ~/.pgpass, as libpq used it) reaches pg_dump only as PGPASSWORD in its
  /// environment, never on its command line. pg_dump is looked up in MIGRATE_PG_DUMP (a
  /// path, for a client matching a newer server), then PATH, then
  /// /usr/lib/postgresql/<newest>/bin. The restore command is `pg_restore --clean
  /// --if-exists --create --no-owner --dbname '<URL of the "postgres" database, without
  /// password>' '<file>'`: it drops the database and re-creates it as it was at the backup
  /// (so nothing may be connected to it: stop the application first), and the password is
  /// left out entirely, so the user supplies it through PGPASSWORD or ~/.pgpass.
  BackupResult backup(const std::filesystem::path& path) override;
  /// `migrate-backup-<database>-<timestamp>.dump` in the working directory.
  std::filesystem::path default_backup_path(std::string_view timestamp) const override;

  /// `current_user`.
  std::string database_user() override;

  Catalog& catalog() override { return *this; }
  Locker* locker() override { return this; }
  Backups* backups() override { return this; }
  SchemaReader* schema_reader() override { return this; }
  Scratch* scratch() override { return this; }
  StatementProbe* statement_probe() override { return this; }

  // --- Scratch (scratch.cpp) ---
  std::unique_ptr<ScratchDatabase> create_scratch() override;
  void drop_all_objects() override;

  // --- StatementProbe (rehearsal.cpp) ---
  /// pg_class (relfilenode of every user table and materialized view) read before and after
  /// the statement; inside a transaction, pg_locks of this backend (pg_backend_pid()) too.
  StatementMeasurement probe(std::string_view sql) override;

  // --- SchemaReader (schema_reader.cpp) ---
  /// One query per object class (schema_reader.cpp says which are read so far), run with
  /// search_path = pg_catalog so that every name outside pg_catalog comes out qualified,
  /// whatever the session's path; the session's path is restored afterwards.
  schema::Schema read_schema(const SchemaScope& scope) override;
  /// The queries the last read_schema sent, the two that set and restore search_path
  /// included: the same for any number of objects.
  std::size_t last_read_query_count() const noexcept override { return m_read_queries; }
  /// One query: the server version, the settings that change what the model reads as, the
  /// roles policies name, and per catalog of this database its row count and the sum of a
  /// hash of each row's (ctid, xmin).
  std::string catalog_digest(const SchemaScope& scope) override;

  /// The server process id of the main connection (pg_backend_pid()), for tests and logs.
  int backend_pid() const;
  /// The server process id of the lock session, 0 when there is none (before the first
  /// lock, after a failed unlock or a timeout).
  int lock_session_pid() const;

 private:
  /// `value` as an SQL literal, or "" for an empty one (an unset schema).
  std::string literal_or_empty(std::string_view value) const;
  std::string schema_condition(const SchemaScope& scope);
  std::string relation_condition(const SchemaScope& scope, const char* kinds);
  std::string table_condition(const SchemaScope& scope);
  /// query() for the schema reader: counted in m_read_queries.
  std::vector<Row> catalog_query(std::string_view sql);
  schema::Schema read_catalog(const SchemaScope& scope);
  std::string pin_search_path(bool local);
  void restore_search_path(const std::string& path, bool local);
  void read_schemas(schema::Schema& out, const SchemaScope& scope);
  void read_tables(schema::Schema& out, const SchemaScope& scope, std::map<std::string, std::size_t>& by_oid);
  void read_columns(schema::Schema& out, const SchemaScope& scope, const std::map<std::string, std::size_t>& by_oid);
  void read_constraints(schema::Schema& out, const SchemaScope& scope,
                        const std::map<std::string, std::size_t>& by_oid);
  void read_indexes(schema::Schema& out, const SchemaScope& scope);
  void read_views(schema::Schema& out, const SchemaScope& scope);
  void read_sequences(schema::Schema& out, const SchemaScope& scope);
  void read_extensions(schema::Schema& out, const SchemaScope& scope);
  void read_types(schema::Schema& out, const SchemaScope& scope);
  void read_composites(schema::Schema& out, const SchemaScope& scope);
  void read_functions(schema::Schema& out, const SchemaScope& scope);
  void read_triggers(schema::Schema& out, const SchemaScope& scope);
  void read_policies(schema::Schema& out, const SchemaScope& scope, const std::map<std::string, std::size_t>& by_oid);
  void read_unsupported(schema::Schema& out, const SchemaScope& scope);
  void read_unsupported_objects(schema::Schema& out, const SchemaScope& scope);
  void read_dependencies(schema::Schema& out, const SchemaScope& scope);

  struct Outcome;
  /// Sends `sql` as one simple query and collects its results. Errors become DatabaseError,
  /// positions shifted by `base_offset` (where `sql` starts in the caller's script).
  Outcome run(Session& session, std::string_view sql, std::size_t base_offset, bool want_rows);
  long long resolved_lock_key();
  [[noreturn]] void throw_lock_timeout(std::chrono::milliseconds timeout, long long key);
  // --- the lease lock (lease_lock.cpp) ---
  /// A lease this backend holds, and the thread that renews it.
  struct Lease {
    std::string table;  ///< qualified
    std::string owner;
    std::thread heartbeat;
    std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;
  };
  std::string lease_table();
  void create_lease_table(const std::string& table);
  void take_lease(std::chrono::milliseconds timeout, const LockPoll& between_polls);
  /// One attempt of the conditional statement `take`: true when this runner got the lease.
  bool try_take_lease(const std::string& take);
  void start_heartbeat();
  void release_lease() noexcept;
  [[noreturn]] void throw_lease_timeout(std::chrono::milliseconds timeout, const std::string& table);

  ConnectionTarget m_target;
  std::string m_url;  ///< as given, for a scratch database's URL; never shown (it may hold a password)
  std::unique_ptr<Session> m_session;
  /// Opened by the first lock() and kept after a clean unlock, so that a fleet's worker
  /// taking one lock per tenant does not connect once per tenant; closed when an unlock
  /// fails or the lock times out.
  std::unique_ptr<Session> m_lock_session;
  /// The existing schemas of search_path when the connection was made, in order.
  std::vector<std::string> m_connect_path;
  Engine m_engine = Engine::postgresql;  ///< probed at connect (engine_of), or assume_engine's
  std::map<std::string, std::string, std::less<>> m_home_schemas;  ///< home_schema's answers, by table
  std::string m_lock_schema;                ///< "" = current_schema()
  std::string m_lock_table = "migrate_version";
  bool m_locked = false;
  bool m_begin_deferred = false;  ///< begin() was called and its BEGIN is not sent yet
  /// The BEGIN went out with a query the server refused whole: nothing ran, and the
  /// transaction stands as an aborted one until commit() (which refuses) or rollback().
  bool m_begin_refused = false;
  std::size_t m_read_queries = 0;  ///< catalog queries of the last read_schema
  long long m_held_key = 0;
  std::optional<std::chrono::milliseconds> m_lease_duration;  ///< set by use_lease
  std::unique_ptr<Lease> m_lease;                             ///< while a lease is held
  /// Made at connect time so request_cancel() allocates nothing (PQcancel is signal-safe,
  /// PQgetCancel is not). Atomic: the destructor clears it before freeing it.
  std::atomic<pg_cancel*> m_cancel{nullptr};
};

/// Opens the backend for a `postgresql://` / `postgres://` URL.
std::unique_ptr<Backend> open(const std::string& url);

}  // namespace migrate::backend::postgres

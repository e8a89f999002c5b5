#pragma once
/// The database backend interface, in roles:
///  - `Backend` itself is the connection: statements, transactions, session settings,
///    cancelling, and the accessors to the other roles;
///  - `Catalog` (required): what exists in the database (the runtime's own tables, and the
///    objects `repair` checks);
///  - `Locker` (optional): the migration lock that makes runners of one database take turns;
///  - `Backups` (optional): a full copy of the database and the command that restores it;
///  - `ForeignKeyChecks` (optional): foreign keys the runner switches off and checks itself
///    (SQLite; a server that enforces them has none);
///  - `SchemaReader` (optional): the schema model from the catalog;
///  - `Scratch` (optional): temporary databases of the same kind that `drift` replays
///    revisions on, and emptying one the user named;
///  - `StatementProbe` (optional): one statement run and measured (the locks it took, the
///    tables it rewrote, its duration), for `lint --rehearse` on a scratch database.
/// An optional role's accessor returns nullptr when the backend has no such thing; the
/// runtime then refuses what needs it (an unguarded run, a `--backup`) with a clear error
/// rather than degrading quietly.
///
/// How to add a backend:
///  1. Implement `Backend` (and the roles it has) in `backend/<name>/`, the only folder that
///     includes its client library; translate every library exception into `DatabaseError`
///     at that edge.
///  2. Fill `Capabilities` truthfully, with a comment per flag saying why.
///  3. Add its URL scheme to `backend/registry.cpp` (behind a CMake option if optional).
///  4. Instantiate `tests/backend/backend_conformance_test.cpp` for it.
///  5. Add a README section (URL form, locking, caveats).
///
/// Backends are dumb: they run SQL they are given, report errors precisely and hold the
/// migration lock. Ordering, planning, transactions policy, the version table and journal
/// rules live in `runtime/`. Don't correct user input; when in doubt, fail.

#include <chrono>
#include <compare>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dialect.hpp"
#include "schema/model.hpp"
#include "backend/redact.hpp"  // redact_url, Redactor: every caller that shows a URL
#include "core/error.hpp"
#include "sql/effects.hpp"

namespace migrate::backend {

/// A schema object whose presence `repair` checks in the catalog, to report whether it is
/// really present.
///
/// Names are catalog names, already folded by the caller the way the database folds an
/// identifier (sql/effects does it): PostgreSQL compares them exactly (an unquoted
/// `Users` in SQL must arrive as `users`, a quoted `"Users"` as `Users`); SQLite compares
/// them case-insensitively, as it compares every identifier. No quotes, one identifier per
/// field (no `schema.table` in `table`).
using CatalogObject = ::migrate::sql::CatalogObject;

/// What `Backend::backup` wrote and how to undo to it.
struct BackupResult {
  std::filesystem::path path;   ///< the backup file (mode 0600)
  std::string restore_command;  ///< a shell command that restores it; never holds a password
};

/// What a connection reached. Engines that speak PostgreSQL's protocol differ from it where a
/// runner depends on them: whether session advisory locks exclude anyone, and whether DDL
/// rolls back with its transaction (docs/fleets.md, "Engines beyond PostgreSQL").
enum class Engine {
  sqlite,
  postgresql,
  citus,        ///< PostgreSQL with the citus extension: sequential multi-shard mode per transaction
  cockroachdb,  ///< advisory locks are stubs that always succeed; DDL commits what came before it
  yugabytedb,   ///< advisory locks missing or silenced on many releases; DDL transactional only behind a flag
};

/// "sqlite", "postgresql", "citus", "cockroachdb", "yugabytedb".
const char* to_string(Engine engine) noexcept;
/// The engine named `name` (to_string's words); nullopt for any other word.
std::optional<Engine> engine_named(std::string_view name) noexcept;

struct Capabilities {
  bool transactional_ddl = false;  ///< DDL rolls back with its transaction
  bool schemas = false;            ///< `version_table_schema` is meaningful
  /// The backend's own migration lock keeps runners apart; false where a lease
  /// (Locker::use_lease) has to replace it.
  bool own_lock_excludes = true;
  Engine engine = Engine::sqlite;
};

/// A failing statement or connection, as the server reported it. The runtime adds the
/// revision, file and line and rethrows as Error{database}.
class DatabaseError : public Error {
 public:
  struct Details {
    std::string sqlstate;        ///< SQLSTATE (postgresql) or extended result name (sqlite)
    std::string server_message;  ///< the server's own message
    std::string detail;
    std::string server_hint;
    long position = -1;          ///< 0-based byte offset of the error in the SQL sent, -1 unknown
  };
  DatabaseError(const std::string& message, Details details, std::string hint = {})
      : Error(ErrorKind::database, message, std::move(hint)), m_details(std::move(details)) {}
  const Details& details() const noexcept { return m_details; }

 private:
  Details m_details;
};

using Row = std::vector<std::optional<std::string>>;

/// Whether opening a database may create it. Only SQLite creates a database by opening it
/// (a missing file); a PostgreSQL database always exists before a connection.
enum class OpenMode {
  create_if_missing,  ///< commands that change the database, as Alembic does
  existing_only,      ///< commands that only read: a mistyped path must not leave an empty file behind
  /// `--plan`: a SQLite file that does not exist reads as an empty database (one in memory
  /// stands in), so the plan of a first deploy is shown and no file is created.
  empty_if_missing,
};

/// What exists in the database. Every backend has one.
class Catalog {
 public:
  virtual ~Catalog() = default;

  /// True when the table exists (schema empty = the default schema).
  virtual bool table_exists(std::string_view schema, std::string_view table) = 0;
  /// The table's column names in declaration order; empty when the table does not exist.
  /// Used to add columns to a journal created by an older release. Names are exact (as
  /// `table_exists`), not folded: the runtime passes the names it created the table with.
  /// SQLite: `schema` non-empty names an attached database (`main`, `temp`, ...).
  /// PostgreSQL: schema empty = the table an unqualified name reaches (search_path), as
  /// `table_exists` does.
  virtual std::vector<std::string> column_names(std::string_view schema, std::string_view table) = 0;
  /// True when `object` is in the catalog now (names compared as the database folds them).
  virtual bool object_exists(const CatalogObject& object) = 0;
  /// Up to `limit` tables and views outside the system catalogs, sorted: SQLite `name` (the
  /// main database; `schema` is ignored), PostgreSQL `schema.name` in `schema` (empty: every
  /// schema but the system ones), objects of extensions left out. `migrate`'s own tables are
  /// listed too; the caller leaves them out. For the refusal to upgrade a database that holds
  /// a schema no version table accounts for.
  virtual std::vector<std::string> user_relations(std::string_view schema, std::size_t limit) = 0;
  /// The schema the runtime names its table `table` in when the configuration names none:
  /// where an unqualified `table` was found when the connection was made (the first schema
  /// of that moment's search_path holding such a table), else where it would have been
  /// created (that moment's current_schema()). Fixed at connect, so a revision that changes
  /// `search_path` cannot move the runtime's own tables. "" where there are no schemas
  /// (SQLite: names stay unqualified).
  virtual std::string home_schema(std::string_view /*table*/) { return {}; }
};

/// Run between two attempts at the migration lock; it throws to stop waiting (a stop
/// request: a fleet's Ctrl-C must not wait out a target's lock timeout). Empty: wait on.
using LockPoll = std::function<void()>;

/// The wait between attempts at the migration lock, one for every Locker: the deadline,
/// the one line that says it waits, the caller's LockPoll, and the sleep.
class LockWait {
 public:
  LockWait(std::chrono::milliseconds timeout, LockPoll between_polls);
  /// After a failed attempt: runs the LockPoll (which may throw); then false once `timeout`
  /// has passed (the caller throws its own lock_timeout error, naming the holder); else logs
  /// `waiting` (info, the first time only), sleeps up to `poll` and returns true.
  bool pause(std::chrono::milliseconds poll, const std::string& waiting);

 private:
  std::chrono::steady_clock::time_point m_deadline;
  LockPoll m_between_polls;
  bool m_told = false;
};

/// The migration lock: one runner per database (or per version table) at a time.
class Locker {
 public:
  virtual ~Locker() = default;

  /// Takes the migration lock (one runner per database), polling until `timeout`, with
  /// `between_polls` run between the attempts (LockWait). Throws Error{lock_timeout} naming
  /// who holds it where known. The lock dies with the process. Called before anything reads
  /// the version table for a state change.
  virtual void lock(std::chrono::milliseconds timeout, const LockPoll& between_polls = {}) = 0;
  /// Releases the lock; never throws (logs a warning when the release fails).
  virtual void unlock() noexcept = 0;
  /// Names what the migration lock protects, the version table; the runtime calls it before
  /// `lock()`. A backend whose lock covers the whole database (SQLite's file lock) ignores
  /// it. PostgreSQL derives its advisory-lock key from it (an empty schema means
  /// `current_schema()`), so runners of different version tables, e.g. one per tenant
  /// schema, do not exclude each other. Without a call the table is "migrate_version".
  virtual void set_lock_key(std::string_view schema, std::string_view version_table) = 0;
  /// From now on takes the lock as a lease in a table `<version_table>_lock` beside the
  /// version table (`lock = "table"`): a row naming its owner and expiry, taken with one
  /// conditional statement (a new row, or an expired one taken over), renewed every third of
  /// `lease` by a heartbeat on the lock's own session, deleted on unlock. For engines whose
  /// own locks are missing or exclude nothing. A runner that dies holds it until it expires.
  /// False when the backend has no lease lock (its own lock always excludes: SQLite's file).
  virtual bool use_lease(std::chrono::milliseconds lease) {
    (void)lease;
    return false;
  }
};

/// Full copies of the database, for `--backup`.
class Backups {
 public:
  virtual ~Backups() = default;

  /// Writes a full copy of the database to `path` (created with mode 0600; an existing file
  /// is an error) and returns the restore command. SQLite: the online backup API from this
  /// connection; PostgreSQL: `pg_dump --format=custom` started without a shell, the
  /// password passed through the environment, never argv. Throws Error{usage} when the
  /// tool it needs is missing, Error{database} when the copy fails (the partial file is
  /// removed). Call it outside a transaction. `path` comes back as given; the restore
  /// command names files by absolute path. Restore commands: SQLite `cp -- '<backup>'
  /// '<database>'` (only while nothing uses the database); PostgreSQL `pg_restore --clean
  /// --if-exists --create --no-owner --dbname '<URL of database "postgres", without
  /// password>' '<backup>'`, which drops the database and re-creates it from the dump, so
  /// objects created after the backup are gone too (nothing may be connected to it).
  virtual BackupResult backup(const std::filesystem::path& path) = 0;
  /// Where `--backup` without a PATH writes, for a backup taken at `timestamp`
  /// (`20261121T193000Z`): SQLite `<db file>.<timestamp>.backup` beside the database;
  /// PostgreSQL `migrate-backup-<dbname>-<timestamp>.dump` in the working directory.
  virtual std::filesystem::path default_backup_path(std::string_view timestamp) const = 0;
};

/// A row that breaks a foreign key, as SQLite's PRAGMA foreign_key_check reports it.
struct ForeignKeyViolation {
  std::string table;                 ///< the child table holding the row
  std::optional<std::string> rowid;  ///< nullopt for a WITHOUT ROWID table
  std::string parent;                ///< the table the row's key should be found in
  std::string references;            ///< the parent key as declared: "users(id)" (or "users")
  std::string key;                   ///< the row's key columns, "user_id=99" ("" when unreadable)
};

/// A table's foreign keys as far as a check needs them (ForeignKeyChecks::foreign_key_tables).
struct ForeignKeyTable {
  std::string name;                  ///< as declared
  std::vector<std::string> parents;  ///< the parent tables its keys name, lower-cased
};

/// Foreign keys that the database does not keep by itself across a migration: SQLite, where
/// enforcement is a per-connection switch that a table rebuild must not run under.
/// PostgreSQL enforces foreign keys in the server and has no such role.
class ForeignKeyChecks {
 public:
  virtual ~ForeignKeyChecks() = default;

  /// Switches enforcement off on this connection (`PRAGMA foreign_keys = OFF`), so that
  /// dropping a parent table cascades into nothing. Call it outside a transaction: SQLite
  /// ignores the switch inside one.
  virtual void disable_enforcement() = 0;
  /// The foreign keys of the tables called `names` (compared case-insensitively, as SQLite
  /// compares them; a name of no table is ignored), or of every table when `names` is empty:
  /// per existing table, its name as declared and the parent tables its keys name (empty for
  /// a table without foreign keys; with `names` empty, such tables are left out).
  virtual std::map<std::string, ForeignKeyTable> foreign_key_tables(const std::vector<std::string>& names) = 0;
  /// Every violation in `table` now (`PRAGMA foreign_key_check`), each with its row's key.
  /// Throws DatabaseError when SQLite cannot check (e.g. "foreign key mismatch": a parent
  /// key that is not unique).
  virtual std::vector<ForeignKeyViolation> violations(std::string_view table) = 0;
};

/// Which part of a database a schema read covers.
struct SchemaScope {
  /// PostgreSQL schemas to read; empty = every schema but the system ones (pg_catalog,
  /// information_schema, pg_toast*, pg_temp_*) and those of extensions. SQLite: ignored.
  std::vector<std::string> schemas;
  /// Tables left out (migrate's version table and journal), by schema and name; an empty
  /// schema matches the name in any schema.
  std::vector<schema::Name> excluded;
};

/// A schema read, and what the backend that made it needs to read the next one in part
/// (SchemaReader::read_schema_since).
struct SchemaSnapshot {
  schema::Schema schema;  ///< as read_schema returned it
  /// The catalog's list of objects at the time, in the backend's own form; empty when the
  /// backend cannot read in part.
  std::vector<Row> catalog;
};

/// Reads the schema model (schema/model.hpp) from the database's own catalog, in a number of
/// queries that does not grow with the number of objects.
class SchemaReader {
 public:
  virtual ~SchemaReader() = default;
  /// The schema in `scope`, canonicalized. Objects the model cannot represent are listed in
  /// Schema::unsupported, never left out. Throws DatabaseError when a query fails.
  virtual schema::Schema read_schema(const SchemaScope& scope) = 0;
  /// The schema in `scope`, exactly as read_schema would return it now, with the snapshot a
  /// later call takes as `last`. `last` is the snapshot this reader returned before for the
  /// same scope (or an empty one: nothing to start from); it is taken apart. A backend that
  /// can tell from it which objects changed since re-reads only those (SQLite), so that
  /// following a database through many small changes (a replay walking every revision) does
  /// not read the whole schema after each. Default: a full read and an empty catalog
  /// (PostgreSQL).
  virtual SchemaSnapshot read_schema_since(const SchemaScope& scope, SchemaSnapshot /*last*/) {
    return {read_schema(scope), {}};
  }
  /// schema::fingerprint_of_canonical(read_schema(scope)), which a backend may compute
  /// without holding the whole model at once (SQLite reads a large schema 2,000 tables
  /// at a time). Default: exactly that.
  virtual std::string fingerprint(const SchemaScope& scope) { return schema::fingerprint_of_canonical(read_schema(scope)); }
  /// A digest of everything read_schema(scope) builds its model from, read in one cheap
  /// query: equal digests mean read_schema returns equal models, so a fingerprint recorded
  /// beside a digest stands for the live schema while the live digest is the same (status,
  /// check and --check-drift then skip the full read). It covers the library and migrate
  /// versions, whose readers might model the same catalog differently. "" when the backend
  /// cannot tell: always read in full.
  virtual std::string catalog_digest(const SchemaScope& /*scope*/) { return ""; }
  /// How many catalog queries the last read_schema ran (0 before the first): constant
  /// whatever the number of tables; `dump -v` logs it and the benchmark reports it.
  virtual std::size_t last_read_query_count() const noexcept { return 0; }
};

class Backend;

/// A temporary database that revisions are replayed on (`drift`, `repair --schema`): its
/// own connection, and the drop that the destructor runs, even when unwinding from an error
/// or a stop request. Must be destroyed before the backend that made it (which drops it).
class ScratchDatabase {
 public:
  ScratchDatabase(std::unique_ptr<Backend> db, std::string description, std::function<void()> drop);
  /// Closes the connection, then drops the database; a drop that fails is logged as a
  /// warning naming the database, never thrown.
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  Backend& db() { return *m_db; }
  /// What it is, for messages: "temporary database migrate_scratch_... on the same server".
  const std::string& description() const { return m_description; }

 private:
  std::unique_ptr<Backend> m_db;
  std::string m_description;
  std::function<void()> m_drop;
};

/// Scratch databases of this backend's kind.
class Scratch {
 public:
  virtual ~Scratch() = default;
  /// A new, empty database: SQLite a temporary file, PostgreSQL a database created from
  /// template0 on the same server (needs CREATEDB; Error{database} with a hint otherwise),
  /// named `migrate_scratch_<pid>_<random>` so that one left by a killed process is
  /// recognisable. Dropped when the result is destroyed.
  virtual std::unique_ptr<ScratchDatabase> create_scratch() = 0;
  /// Drops every object in this database (a scratch database the user named with
  /// `--scratch-url`), so that a replay starts from empty. PostgreSQL: every schema but the
  /// system ones, with what is in them, then `public` again; SQLite: every table, view,
  /// index and trigger.
  virtual void drop_all_objects() = 0;
};

/// A relation-level lock a session holds, as `pg_locks` shows it.
struct RelationLock {
  std::string relation;  ///< schema-qualified, unquoted: "public.users"
  std::string mode;      ///< as pg_locks names it: "ShareLock", "AccessExclusiveLock", ...
  bool operator==(const RelationLock&) const = default;
  auto operator<=>(const RelationLock&) const = default;
};

/// What running one statement did (StatementProbe::probe).
struct StatementMeasurement {
  /// The relation-level locks the statement took that its session did not hold before it,
  /// one entry per relation and mode, sorted. Only relations that existed before the
  /// statement and that queries name (tables, partitioned tables, views, materialized views,
  /// foreign tables): a relation the statement created is invisible to other sessions, and
  /// a lock on an index comes with one on its table. A lock the transaction already held in
  /// that mode (taken by an earlier statement) is not taken again, so it is not listed.
  std::vector<RelationLock> locks;
  /// False when the statement ran outside a transaction block: its locks were released when
  /// it ended, so `locks` is empty for want of a way to see them, not because it took none.
  bool locks_observed = true;
  /// Tables and materialized views (existing before the statement) whose storage it
  /// replaced: `pg_class.relfilenode` changed, as in a rewrite (ALTER COLUMN TYPE with a
  /// conversion, ADD COLUMN with a volatile default, VACUUM FULL, CLUSTER) or a TRUNCATE. Sorted.
  std::vector<std::string> rewritten;
  double duration_ms = 0;  ///< wall-clock time of the statement alone (not of the catalog reads)
};

/// Runs one statement and reports what it did, as the server shows it. For `lint
/// --rehearse`, on a scratch database: the catalog reads around the statement run on the same
/// connection (inside its transaction, when one is open).
class StatementProbe {
 public:
  virtual ~StatementProbe() = default;
  /// Runs `sql`, one statement, exactly as execute_script would, and measures it. Throws
  /// DatabaseError when the statement fails (as execute_script does: a `lock_timeout` hit is
  /// SQLSTATE 55P03); nothing is measured then. A failed read of the catalog around it also
  /// throws DatabaseError.
  virtual StatementMeasurement probe(std::string_view sql) = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual Dialect dialect() const = 0;
  virtual Capabilities capabilities() const = 0;
  /// Takes `engine` as what this connection reached, instead of what the probe at connect
  /// found (`engine = "..."` in migrate.toml: a proxy that hides the server's version, or a
  /// test that forces an engine's rules on PostgreSQL). False when this backend cannot be
  /// that engine (SQLite is only itself).
  virtual bool assume_engine(Engine engine) { return engine == capabilities().engine; }
  /// The URL with the password redacted, for messages.
  virtual std::string describe() const = 0;

  /// Session safety settings for the statements that follow: PostgreSQL's `lock_timeout`
  /// and `statement_timeout`, values as PostgreSQL reads them ("5s", "250ms", "0" = off);
  /// nullopt resets a setting to the session's default (server, role or URL `options`).
  /// Call it outside a transaction: a rolled-back transaction would undo it. Throws
  /// DatabaseError for a value the server rejects. Default: no-op (SQLite has neither).
  virtual void set_session_timeouts(const std::optional<std::string>& /*lock_timeout*/,
                                    const std::optional<std::string>& /*statement_timeout*/) {}

  virtual void begin() = 0;
  virtual void commit() = 0;
  /// Rolls back the open transaction if any; never throws.
  virtual void rollback() noexcept = 0;
  virtual bool in_transaction() const = 0;

  /// Runs a script of zero or more ';'-separated statements. On failure throws
  /// DatabaseError whose `position` is the byte offset, within `sql`, of the start of the
  /// failing statement (or finer, when the server says).
  virtual void execute_script(std::string_view sql) = 0;
  /// Runs one statement; returns the number of rows it changed.
  virtual long long execute(std::string_view sql) = 0;
  /// Runs one query; returns its rows in the order the database returns them.
  virtual std::vector<Row> query(std::string_view sql) = 0;
  using RowSink = std::function<void(Row&&)>;
  /// Runs one query and hands its rows to `sink` in order. The default reads them all first
  /// (query()), so a failing query hands over nothing; a backend that steps through a result
  /// overrides it, so that a result of many thousands of rows is never held whole, and may
  /// then hand over the rows before the one whose step fails (SQLite does).
  virtual void for_each_row(std::string_view sql, const RowSink& sink);
  /// A statement of execute_batch: its text, and the values of its `?` placeholders in order
  /// (text or NULL; a column converts a value by its type). SQLite binds them to a statement
  /// it prepared once per run; other backends write them into the text as literals. For the
  /// statements migrate writes itself: a `?` inside a quoted literal or name is text, but
  /// comments, dollar quoting, E'' strings and PostgreSQL's `?` operators are not recognized.
  struct Statement {
    Statement(std::string text) : sql(std::move(text)) {}  // NOLINT: plain SQL converts
    Statement(const char* text) : sql(text) {}               // NOLINT
    Statement(std::string text, std::vector<std::optional<std::string>> bound)
        : sql(std::move(text)), values(std::move(bound)) {}
    std::string sql;
    std::vector<std::optional<std::string>> values;
  };
  /// What execute_batch() returns: the rows each statement changed, in order (the last one:
  /// the rows it returned, where the default runs it as a query), and the rows the last one
  /// returned.
  struct BatchResult {
    std::vector<long long> changes;
    std::vector<Row> last_rows;
  };
  /// Runs `statements` in order on the open transaction, stopping at the first failure
  /// (thrown as execute() throws it). For the runner's own bookkeeping statements, which a
  /// revision commits with: PostgreSQL sends them in one round trip instead of one each.
  virtual BatchResult execute_batch(const std::vector<Statement>& statements);
  /// `statement`'s text with its values written in as literals.
  static std::string inline_values(const Statement& statement);

  /// Asks the statement running on this connection to stop. Async-signal-safe: called from
  /// a SIGINT/SIGTERM handler while another statement runs (SQLite: sqlite3_interrupt;
  /// PostgreSQL: PQcancel on a cancel object made at connect time). The interrupted
  /// statement then fails with DatabaseError, sqlstate "SQLITE_INTERRUPT" (SQLite) or
  /// "57014" (PostgreSQL); the connection stays usable after `rollback()`. A no-op when nothing
  /// runs.
  virtual void request_cancel() noexcept {}

  /// The database user name, for the journal ("" where there is none, as on sqlite).
  virtual std::string database_user() = 0;

  /// The catalog role (always there; owned by the backend).
  virtual Catalog& catalog() = 0;
  /// The migration lock, or nullptr when this backend cannot take one.
  virtual Locker* locker() { return nullptr; }
  /// Full copies, or nullptr when this backend cannot make one.
  virtual Backups* backups() { return nullptr; }
  /// The schema model's reader, or nullptr when this backend has none.
  virtual SchemaReader* schema_reader() { return nullptr; }
  /// Scratch databases, or nullptr when this backend cannot make one.
  virtual Scratch* scratch() { return nullptr; }
  /// Foreign-key checks the runner must do itself, or nullptr when the server enforces
  /// foreign keys (PostgreSQL).
  virtual ForeignKeyChecks* foreign_key_checks() { return nullptr; }
  /// Statements run and measured, or nullptr when this backend cannot see its own locks
  /// and storage (SQLite).
  virtual StatementProbe* statement_probe() { return nullptr; }

 protected:
  /// One statement of the default execute_batch: the rows it changed, and with `rows` the
  /// rows it returned (run as a query). Default: its values written in, then execute() or
  /// query(); a backend that can bind values overrides this.
  virtual long long run_statement(const Statement& statement, std::vector<Row>* rows);
};

/// Opens the backend for a URL (scheme lookup in registry.cpp). Throws Error{config} for an
/// unknown or compiled-out scheme or a malformed URL, Error{database} when the
/// connection fails (password never shown), or, with OpenMode::existing_only, when there
/// is no database to open (a SQLite file that does not exist is then not created).
std::unique_ptr<Backend> open(const std::string& url, OpenMode mode = OpenMode::create_if_missing);

/// The dialect a URL names, without connecting (for offline --sql). Throws Error{config}.
Dialect dialect_of_url(const std::string& url);

/// Process-wide settings of the database libraries that make a single-threaded run faster
/// (SQLite's memory statistics off). Only for a program that owns the process, before any
/// thread uses a database: the CLI calls it at start-up; a program embedding the library
/// makes such choices itself.
void configure_process();

}  // namespace migrate::backend

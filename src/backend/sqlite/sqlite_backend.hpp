#pragma once
/// The SQLite backend (SQLiteCpp over the system libsqlite3).
///
/// URLs (docs/configuration.md): `sqlite:///relative/path.db` (relative to the working directory),
/// `sqlite:////absolute/path.db`, `sqlite:///:memory:` (also `sqlite://`, as SQLAlchemy).
/// Opening creates the file when it is missing, as Alembic does, unless the caller asks
/// for an existing database only (OpenMode::existing_only, the reading commands).
///
/// Locking: `lock()` takes an exclusive `flock` on the database file itself, polled every
/// 50 ms until the timeout. The lock belongs to this object's own file descriptor, so it
/// excludes other processes and other `SqliteBackend` objects of this process alike, and dies
/// with the process. `:memory:` databases are private to their connection and need no lock.
///
/// Only this folder includes SQLiteCpp; this header keeps it out of its includers.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "backend/backend.hpp"

namespace SQLite {
class Database;
}
struct sqlite3;
struct sqlite3_stmt;

namespace migrate::backend::sqlite {

struct ReadPart;  // schema_reader.cpp

/// The file path a `sqlite://` URL names (":memory:" for an in-memory database), exactly as
/// written: a relative path stays relative. Throws Error{config} for another scheme, a
/// `sqlite://host/...` form or a query string (no options are supported yet; a
/// `foreign_keys` option is refused with the reason: the runner owns that setting).
std::string path_of_url(const std::string& url);

/// Turns SQLite's memory statistics off: with them on, every allocation SQLite makes takes a
/// process-wide mutex, and migrate never reads them. A process-wide setting that is only
/// safe before any thread uses SQLite, so only a program that owns the process (the CLI, at
/// start-up) calls it, through backend::configure_process().
void configure_process();

class SqliteBackend final : public Backend,
                            public Catalog,
                            public Locker,
                            public Backups,
                            public ForeignKeyChecks,
                            public SchemaReader,
                            public Scratch {
 public:
  /// Opens the database at `path` (":memory:" for in-memory) with a 5 s busy timeout, so a
  /// reader waits instead of failing on a briefly locked file; creates the file when it is
  /// missing unless `mode` is existing_only (then Error{database} "no database at PATH").
  /// Throws DatabaseError (sqlstate = extended result name) when SQLite cannot open it.
  explicit SqliteBackend(std::string path, OpenMode mode = OpenMode::create_if_missing);
  ~SqliteBackend() override;
  SqliteBackend(const SqliteBackend&) = delete;
  SqliteBackend& operator=(const SqliteBackend&) = delete;

  Dialect dialect() const override { return Dialect::sqlite; }
  Capabilities capabilities() const override;
  std::string describe() const override;

  /// The file lock covers the whole database: the version table's name does not matter.
  void set_lock_key(std::string_view /*schema*/, std::string_view /*version_table*/) override {}
  void lock(std::chrono::milliseconds timeout, const LockPoll& between_polls = {}) override;
  void unlock() noexcept override;

  /// `BEGIN IMMEDIATE`: the write lock is taken up front, so two writers queue on the busy
  /// timeout instead of deadlocking on a lock upgrade.
  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  /// Asks SQLite (sqlite3_get_autocommit), so a transaction that SQLite itself rolled back
  /// after an error reads as closed.
  bool in_transaction() const override;

  void execute_script(std::string_view sql) override;
  long long execute(std::string_view sql) override;
  std::vector<Row> query(std::string_view sql) override;
  /// Hands each row to `sink` as it is stepped to.
  void for_each_row(std::string_view sql, const RowSink& sink) override;

  /// `schema` non-empty names an attached database (`main`, `temp`, ...).
  bool table_exists(std::string_view schema, std::string_view table) override;
  /// `PRAGMA table_info` (through `pragma_table_info`), in column order; `schema` non-empty
  /// names an attached database. SQLite matches the table name case-insensitively.
  std::vector<std::string> column_names(std::string_view schema, std::string_view table) override;
  /// sqlite_master for tables and indexes, pragma_table_info for columns; a named
  /// constraint is found in its table's CREATE statement (`CONSTRAINT <name>`, the only place
  /// SQLite keeps constraint names). Names compare case-insensitively, as SQLite's do.
  /// Only the main (or the named attached) database is searched, not temp.
  bool object_exists(const CatalogObject& object) override;
  std::vector<std::string> user_relations(std::string_view schema, std::size_t limit) override;

  /// sqlite3_interrupt on this connection: the running statement fails with
  /// SQLITE_INTERRUPT (a write inside a transaction rolls the transaction back).
  void request_cancel() noexcept override;

  /// The online backup API from this connection into a new file (mode 0600), so the copy
  /// is consistent even while other connections write. The restore command is
  /// `cp -- '<backup>' '<database>'` with absolute paths; it must only run while nothing
  /// uses the database (the application stopped, no `-wal` or `-journal` file beside it),
  /// or the copy is overwritten or mixed with a live journal. An in-memory database cannot
  /// be backed up (Error{usage}).
  BackupResult backup(const std::filesystem::path& path) override;
  /// `<database file>.<timestamp>.backup`, beside the database.
  std::filesystem::path default_backup_path(std::string_view timestamp) const override;

  /// SQLite has no users: always "".
  std::string database_user() override { return {}; }

  /// `PRAGMA foreign_keys = OFF`.
  void disable_enforcement() override;
  /// From sqlite_master and pragma_foreign_key_list, main database only; keys lower-cased.
  std::map<std::string, ForeignKeyTable> foreign_key_tables(const std::vector<std::string>& names) override;
  /// pragma_foreign_key_check(table), the keys read through the rowid.
  std::vector<ForeignKeyViolation> violations(std::string_view table) override;

  Catalog& catalog() override { return *this; }
  Locker* locker() override { return this; }
  Backups* backups() override { return this; }
  ForeignKeyChecks* foreign_key_checks() override { return this; }
  SchemaReader* schema_reader() override { return this; }
  Scratch* scratch() override { return this; }

  // --- Scratch (scratch.cpp) ---
  /// A new database file in the system's temporary folder, removed (with its journal and
  /// WAL files) when the result is destroyed.
  std::unique_ptr<ScratchDatabase> create_scratch() override;
  void drop_all_objects() override;

  // --- SchemaReader (schema_reader.cpp) ---
  /// The main database's schema from `sqlite_schema` and the table-valued pragmas joined
  /// across every table (six queries whatever the number of tables; one more per view only
  /// when a view names a table that is gone and SQLite cannot resolve it), completed by the
  /// CREATE statements SQLite keeps (sql/sqlite_ddl). Virtual tables and ON CONFLICT
  /// clauses are listed in Schema::unsupported; shadow tables and `sqlite_*` tables are
  /// SQLite's own and left out.
  schema::Schema read_schema(const SchemaScope& scope) override;
  /// Compares sqlite_schema with `last`'s copy of it: only the tables whose own row or index
  /// rows were added, removed or changed (ALTER TABLE rewrites the table's row, a rebuild or a
  /// rename removes and adds one), and the tables whose foreign keys name one of them, are
  /// read again, with every view and trigger (few, and their columns depend on the tables);
  /// the other tables and their indexes are `last`'s. Without a usable `last` (none, one
  /// listing unsupported objects, a catalog row of another kind) it reads everything.
  SchemaSnapshot read_schema_since(const SchemaScope& scope, SchemaSnapshot last) override;
  std::size_t last_read_query_count() const noexcept override { return m_read_queries; }
  std::string catalog_digest(const SchemaScope& scope) override;
  /// With more tables than one batch, reads them a batch at a time in canonical order (each
  /// with the parents its foreign keys name) and hashes each batch's tables before reading
  /// the next; a schema listing unsupported objects is read whole.
  std::string fingerprint(const SchemaScope& scope) override;
  /// Tables per batch of fingerprint() (tests make it small to exercise the batching).
  void set_fingerprint_batch(std::size_t tables) { m_fingerprint_batch = tables; }

  const std::string& path() const noexcept { return m_path; }

 private:
  /// Opens the connection to `file` (m_path, or ":memory:" standing in for a missing file).
  void open_file(const std::string& file, bool create);
  /// Runs every statement of `sql`, handing the rows to `rows` when given; returns the change
  /// count of the last one.
  long long run(std::string_view sql, const RowSink* rows);
  /// A statement with values is prepared once per connection and kept (the journal's INSERT
  /// runs once per revision: parsing it each time cost as much as running it), its values
  /// bound; the others run as execute() and query() run them.
  long long run_statement(const Statement& statement, std::vector<Row>* rows) override;
  /// The statement prepared for `sql` (one statement), from m_prepared or prepared now.
  ::sqlite3_stmt* prepared(const std::string& sql);
  /// Finalizes m_prepared: before the connection closes.
  void forget_prepared() noexcept;
  /// `query` for read_schema, counted in m_read_queries.
  std::vector<Row> catalog_query(std::string_view sql);
  /// The schema from sqlite_schema's rows `catalog` and the pragmas: every table, or only
  /// those of `part` (nullptr: all).
  schema::Schema read_catalog(const SchemaScope& scope, const std::vector<Row>& catalog, const ReadPart* part);
  /// The output columns of the main database's views (name and CREATE statement), keyed by
  /// lower-cased view name; the views SQLite cannot resolve go to `unresolved` (lower case).
  /// `relations`: the FROM item listing them as `l` (all of pragma_table_list, or some).
  std::map<std::string, std::vector<Row>> read_view_columns(
      const std::vector<std::pair<std::string, std::string>>& views, std::set<std::string>& unresolved,
      const std::string& relations);

  /// The lower-cased parents each table's foreign keys name, by lower-cased table name.
  std::map<std::string, std::set<std::string>> foreign_key_parents();

  std::size_t m_read_queries = 0;
  std::size_t m_fingerprint_batch = 2000;

  std::string m_path;       ///< as given (relative paths stay relative in messages)
  std::string m_lock_path;  ///< absolute, fixed at open, as SQLite resolves the file
  bool m_memory = false;
  // Declared before m_db so it is closed after the connection (see the destructor).
  int m_lock_fd = -1;
  bool m_locked = false;
  std::unique_ptr<SQLite::Database> m_db;
  std::map<std::string, ::sqlite3_stmt*, std::less<>> m_prepared;  ///< by SQL text
  /// The connection's handle, kept apart so the signal handler's request_cancel reads one
  /// plain pointer and calls nothing but sqlite3_interrupt.
  std::atomic<::sqlite3*> m_handle{nullptr};
};

/// Opens the backend for a `sqlite://` URL (see path_of_url).
std::unique_ptr<Backend> open(const std::string& url, OpenMode mode = OpenMode::create_if_missing);

}  // namespace migrate::backend::sqlite

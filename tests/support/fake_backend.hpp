#pragma once
/// A Backend for runtime tests: it runs everything on a real in-memory SQLite database (so
/// the runner's SQL really executes and reads back), records every call in order, and
/// simulates failures on request.

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend.hpp"

namespace migrate::test {

class FakeBackend : public backend::Backend,
                    public backend::Catalog,
                    public backend::Locker,
                    public backend::Backups,
                    public backend::SchemaReader {
 public:
  /// Wraps a fresh `sqlite:///:memory:` database.
  FakeBackend();
  /// Wraps `inner` (any backend; it must not be used directly meanwhile).
  explicit FakeBackend(std::unique_ptr<backend::Backend> inner);

  /// Every call, in order: "lock", "unlock", "begin", "commit", "rollback",
  /// "execute_script: <sql>", "execute: <sql>", "query: <sql>", "table_exists: <table>",
  /// "column_names: <table>", "set_lock_key: <schema>.<table>",
  /// "session_timeouts: <lock>/<statement>" ("-" for nullopt), "backup: <path>".
  std::vector<std::string> calls;

  /// When set, the first statement containing this text fails: the statements of the script
  /// before it run, then DatabaseError is thrown with the position of that statement.
  std::optional<std::string> fail_on;
  /// When set, lock() throws Error{lock_timeout}.
  bool lock_times_out = false;
  /// When set, commit() throws DatabaseError (the transaction stays open, as on a server
  /// that refuses a commit for a deferred constraint).
  bool commit_fails = false;
  /// request_cancel() calls (it runs in signal handlers: an atomic, not `calls`).
  std::atomic<int> cancel_requests{0};
  /// The hint (and server hint) of the DatabaseError `fail_on` throws.
  std::string fail_hint;
  /// When set, backup() throws this instead of forwarding.
  std::optional<Error> backup_error;
  /// When set, backup() returns this instead of forwarding (the file is not written).
  std::optional<backend::BackupResult> backup_result;
  /// When set, reported instead of the inner backend's capabilities.
  std::optional<backend::Capabilities> capabilities_override;
  /// Offer the SchemaReader role (forwarded to the inner backend's): off by default, so the
  /// runner records no fingerprint and `calls` stays what the runner's own work sends.
  bool reads_schema = false;
  /// With reads_schema: read_schema() throws DatabaseError instead of forwarding.
  bool schema_read_fails = false;
  /// With reads_schema: catalog_digest() throws DatabaseError instead of forwarding.
  bool digest_fails = false;

  /// The calls that change something or frame a transaction (no query/table_exists), with
  /// SQL shortened to its first `prefix` characters.
  std::vector<std::string> writes(size_t prefix = 1000) const;

  backend::Backend& inner() { return *m_inner; }

  Dialect dialect() const override { return m_inner->dialect(); }
  backend::Capabilities capabilities() const override;
  std::string describe() const override { return "fake(" + m_inner->describe() + ")"; }
  void lock(std::chrono::milliseconds timeout, const backend::LockPoll& between_polls = {}) override;
  void unlock() noexcept override;
  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  bool in_transaction() const override { return m_inner->in_transaction(); }
  void execute_script(std::string_view sql) override;
  long long execute(std::string_view sql) override;
  std::vector<backend::Row> query(std::string_view sql) override;
  bool table_exists(std::string_view schema, std::string_view table) override;
  std::vector<std::string> column_names(std::string_view schema, std::string_view table) override;
  bool object_exists(const backend::CatalogObject& object) override { return m_inner->catalog().object_exists(object); }
  std::vector<std::string> user_relations(std::string_view schema, std::size_t limit) override {
    return m_inner->catalog().user_relations(schema, limit);
  }
  void set_lock_key(std::string_view schema, std::string_view version_table) override;
  void set_session_timeouts(const std::optional<std::string>& lock_timeout,
                            const std::optional<std::string>& statement_timeout) override;
  void request_cancel() noexcept override;
  backend::BackupResult backup(const std::filesystem::path& path) override;
  std::filesystem::path default_backup_path(std::string_view timestamp) const override {
    return m_inner->backups()->default_backup_path(timestamp);
  }
  std::string database_user() override { return "fake_user"; }
  backend::Catalog& catalog() override { return *this; }
  backend::Locker* locker() override { return this; }
  backend::Backups* backups() override { return this; }
  backend::SchemaReader* schema_reader() override { return reads_schema ? this : nullptr; }
  schema::Schema read_schema(const backend::SchemaScope& scope) override;
  std::string catalog_digest(const backend::SchemaScope& scope) override;

 private:
  /// Throws (after running what comes before) when `sql` contains `fail_on`.
  void maybe_fail(std::string_view sql);

  std::unique_ptr<backend::Backend> m_inner;
};

}  // namespace migrate::test

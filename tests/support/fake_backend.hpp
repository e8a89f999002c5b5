#pragma once
/// A Backend for runtime tests: it runs everything on a real in-memory SQLite database (so
/// the runner's SQL really executes and reads back), records every call in order, and
/// simulates failures on request.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend.hpp"

namespace migrate::test {

class FakeBackend : public backend::Backend {
 public:
  /// Wraps a fresh `sqlite:///:memory:` database.
  FakeBackend();
  /// Wraps `inner` (any backend; it must not be used directly meanwhile).
  explicit FakeBackend(std::unique_ptr<backend::Backend> inner);

  /// Every call, in order: "lock", "unlock", "begin", "commit", "rollback",
  /// "execute_script: <sql>", "execute: <sql>", "query: <sql>", "table_exists: <table>".
  std::vector<std::string> calls;

  /// When set, the first statement containing this text fails: the statements of the script
  /// before it run, then DatabaseError is thrown with the position of that statement.
  std::optional<std::string> fail_on;
  /// When set, lock() throws Error{lock_timeout}.
  bool lock_times_out = false;
  /// When set, commit() throws DatabaseError (the transaction stays open, as on a server
  /// that refuses a commit for a deferred constraint).
  bool commit_fails = false;
  /// When set, reported instead of the inner backend's capabilities.
  std::optional<backend::Capabilities> capabilities_override;

  /// The calls that change something or frame a transaction (no query/table_exists), with
  /// SQL shortened to its first `prefix` characters.
  std::vector<std::string> writes(size_t prefix = 1000) const;

  backend::Backend& inner() { return *m_inner; }

  Dialect dialect() const override { return m_inner->dialect(); }
  backend::Capabilities capabilities() const override;
  std::string describe() const override { return "fake(" + m_inner->describe() + ")"; }
  void lock(std::chrono::milliseconds timeout) override;
  void unlock() noexcept override;
  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  bool in_transaction() const override { return m_inner->in_transaction(); }
  void execute_script(std::string_view sql) override;
  long long execute(std::string_view sql) override;
  std::vector<backend::Row> query(std::string_view sql) override;
  bool table_exists(std::string_view schema, std::string_view table) override;
  std::string database_user() override { return "fake_user"; }

 private:
  /// Throws (after running what comes before) when `sql` contains `fail_on`.
  void maybe_fail(std::string_view sql);

  std::unique_ptr<backend::Backend> m_inner;
};

}  // namespace migrate::test

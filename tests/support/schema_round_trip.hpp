#pragma once
// The round trip that judges the schema readers and the renderer: build a schema with SQL on
// an empty database, read it, render it, run the rendering on another empty database, read
// again: the models must be equal and the renderings byte-identical. Shared by the schema
// conformance suite (both backends) and the PostgreSQL-only round trips.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "core/dialect.hpp"
#include "schema/model.hpp"

namespace migrate::test {

/// Three empty databases of one dialect: SQLite files in a folder, or databases created on
/// the test PostgreSQL server (MIGRATE_TEST_POSTGRES_URL) and dropped again by the
/// destructor. Call open() from SetUp: without a server it skips the test, or fails it under
/// MIGRATE_REQUIRE_POSTGRES=1.
class ScratchDatabases {
 public:
  ScratchDatabases() = default;
  ScratchDatabases(const ScratchDatabases&) = delete;
  ScratchDatabases& operator=(const ScratchDatabases&) = delete;
  ~ScratchDatabases();

  /// `prefix` names the PostgreSQL databases (`<prefix>_<pid>_<n>_a`, ...).
  void open(Dialect dialect, const std::filesystem::path& folder, const std::string& prefix);
  const std::string& url(std::size_t i) const { return m_urls.at(i); }

  /// Database `i` after running `sql` on it, read with `scope`.
  schema::Schema build(std::size_t i, const std::string& sql, const backend::SchemaScope& scope = {}) const;
  /// Database `i` read with `scope`.
  schema::Schema read(std::size_t i, const backend::SchemaScope& scope = {}) const;
  /// Runs `sql` on database `i` in one transaction, as the runner runs a revision: on SQLite
  /// with foreign-key enforcement switched off before it begins, and
  /// `PRAGMA foreign_key_check` clean before it commits (else it rolls back and throws).
  void run_in_transaction(std::size_t i, const std::string& sql) const;
  /// Builds `sql` on database 0, runs its rendering on database 1, and expects equal models
  /// (as canonical text, for a readable diff), equal renderings and nothing unsupported.
  /// Returns the rendering.
  std::string round_trip(const std::string& sql, const backend::SchemaScope& scope = {}) const;

 private:
  std::unique_ptr<backend::Backend> m_admin;
  std::vector<std::string> m_names;
  std::vector<std::string> m_urls;
};

}  // namespace migrate::test

#pragma once
/// The version table as the runtime uses it (CONTRACT.md §3): where it lives, reading its
/// rows, rendering and tracking the row changes of a plan (graph::VersionOp), and the
/// migration lock that guards it. The runner, the offline writer and `repair` all go
/// through these, so the three cannot drift apart.

#include <chrono>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "core/dialect.hpp"
#include "graph/plan.hpp"

namespace migrate::runtime {

/// Where the version table lives. The journal is `<name>_journal` in the same schema.
struct VersionTable {
  std::string schema;  ///< empty = the default schema (always empty on SQLite)
  std::string name = "migrate_version";
  std::string journal_name() const { return name + "_journal"; }
};

/// Version-table rows in SELECT order; empty when the table does not exist. Creates
/// nothing, takes no lock. Throws DatabaseError when the query fails.
std::vector<std::string> read_version_rows(backend::Backend& db, const VersionTable& vt);

/// The statement for one row change, exactly Alembic's text (sql_dialect.hpp), no ';'.
std::string version_op_sql(Dialect dialect, const VersionTable& vt, const graph::VersionOp& op);

/// `rows` after `op`: insert appends, update replaces in place, delete erases (rows are
/// unique: the table's primary key).
void apply_to_rows(std::vector<std::string>& rows, const graph::VersionOp& op);

/// Holds the migration lock on `vt` for a scope: names it (Backend::set_lock_key), takes it
/// (Error{lock_timeout} after `timeout`), releases it on every way out.
class MigrationLock {
 public:
  MigrationLock(backend::Backend& db, const VersionTable& vt, std::chrono::milliseconds timeout);
  ~MigrationLock();
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  backend::Backend& m_db;
};

}  // namespace migrate::runtime

#pragma once
/// The version table as the runtime uses it: one row per current head, exactly as Alembic's
/// `alembic_version` (docs/database-state.md). Where it lives, reading its rows, rendering,
/// running and tracking the row changes of a plan (graph::VersionOp), and the migration lock
/// that guards it. The runner, the offline writer and `repair` all go through these, so the
/// three cannot drift apart.

#include <optional>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "backend/backend.hpp"
#include "core/dialect.hpp"
#include "core/error.hpp"
#include "graph/plan.hpp"

namespace migrate::runtime {

/// Where the version table lives. The journal is `<name>_journal` in the same schema, and
/// the lease of `lock = "table"` `<name>_lock`.
struct VersionTable {
  std::string schema;  ///< empty = the default schema (always empty on SQLite)
  std::string name = "migrate_version";
  std::string journal_name() const { return name + "_journal"; }
  std::string lock_name() const { return name + "_lock"; }
  /// True for migrate's own tables beside it: the version table, the journal, the lease.
  bool is_own_table(std::string_view table) const {
    return table == name || table == journal_name() || table == lock_name();
  }
};

/// `vt` as the runtime's own statements name it on `db`: with no schema configured, the
/// schema the connection found it in, or would have created it in, when it connected
/// (Catalog::home_schema), so that a revision changing `search_path` cannot break the
/// bookkeeping. Unchanged on SQLite (no schemas) and when a schema is configured. Every
/// function below that takes `db` names the table this way; so must every other reader
/// of the version table and its journal.
VersionTable on_connection(backend::Backend& db, VersionTable vt);

/// Version-table rows in SELECT order; empty when the table does not exist. Creates
/// nothing, takes no lock. Throws DatabaseError when the query fails.
std::vector<std::string> read_version_rows(backend::Backend& db, const VersionTable& vt);
/// The same, with nullopt when the table does not exist (a caller holding the lock can
/// then create it without looking again).
std::optional<std::vector<std::string>> read_version_table(backend::Backend& db, const VersionTable& vt);

/// The statement for one row change, exactly Alembic's text (sql_dialect.hpp), no ';'.
std::string version_op_sql(Dialect dialect, const VersionTable& vt, const graph::VersionOp& op);

/// Creates the version table when it does not exist yet. `known_to_exist`: what the caller
/// saw under the lock it still holds (read_version_table), so that the catalog is not asked
/// twice; nullopt asks it.
void ensure_version_table(backend::Backend& db, const VersionTable& vt, std::optional<bool> known_to_exist = std::nullopt);

/// An UPDATE or DELETE of the version table that did not change exactly one row.
struct VersionOpMismatch {
  graph::VersionOp op;
  long long rows_changed = 0;
};

/// Runs `ops` in order on the open transaction. Each UPDATE and DELETE must change exactly one
/// row: the first that does not is returned (the ops after it are not run; the caller rolls
/// back and reports it in its own words). nullopt when every op matched.
std::optional<VersionOpMismatch> run_version_ops(backend::Backend& db, const VersionTable& vt,
                                                const std::vector<graph::VersionOp>& ops);
/// The statements run_version_ops() runs, for a caller that sends them with others, and
/// its verdict on the rows each changed (`changes`, in the order of `ops`).
std::vector<std::string> version_op_statements(backend::Backend& db, const VersionTable& vt,
                                               const std::vector<graph::VersionOp>& ops);
std::optional<VersionOpMismatch> first_version_op_mismatch(const std::vector<graph::VersionOp>& ops,
                                                           const std::vector<long long>& changes);

/// Error{database} in Alembic's words for a row change that did not match one row ("Online
/// migration expected to match one row when updating 'a' to 'b' in 't'; 0 found").
Error version_op_error(Dialect dialect, const VersionTable& vt, const VersionOpMismatch& mismatch);

/// `rows` after `op`: insert appends, update replaces in place, delete erases (rows are
/// unique: the table's primary key).
void apply_to_rows(std::vector<std::string>& rows, const graph::VersionOp& op);

/// True when two sets of version-table rows name the same heads, whatever their row order
/// and repeats: the one rule for "at the heads" (Status::at_head, current --check-heads, a
/// fleet's current).
bool same_heads(std::vector<std::string> a, std::vector<std::string> b);

/// Holds the migration lock on `vt` for a scope: names it (Locker::set_lock_key), takes it
/// (Error{lock_timeout} after `timeout`), releases it on every way out. Error{config} for a
/// backend without a Locker.
class MigrationLock {
 public:
  MigrationLock(backend::Backend& db, const VersionTable& vt, std::chrono::milliseconds timeout,
                const backend::LockPoll& between_polls = {});
  ~MigrationLock();
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  backend::Locker* m_locker;
};

}  // namespace migrate::runtime

// Statements run and measured on PostgreSQL (backend.hpp, class StatementProbe): the catalog
// read before and after one statement on the same connection.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <utility>

#include "backend/postgres/postgres_backend.hpp"

namespace migrate::backend::postgres {
namespace {

/// A user relation as the probe follows it.
struct RelationState {
  std::string name;      ///< "schema.name", unquoted
  char kind = 'r';       ///< pg_class.relkind
  std::string filenode;  ///< pg_class.relfilenode ("0" for relations without storage)
};
using Relations = std::map<std::string, RelationState>;  ///< by oid
using HeldLocks = std::set<std::pair<std::string, std::string>>;  ///< (relation oid, mode)

/// The relations queries name, outside the system schemas and the session's own temporary
/// schema (what only this session sees, nobody else waits on).
constexpr const char* k_relations_sql =
    "SELECT c.oid::text, n.nspname || '.' || c.relname, c.relkind::text, c.relfilenode::text "
    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

/// The relation-level locks this backend holds in this database. The probe's own reads lock
/// only system catalogs, which k_relations_sql leaves out.
constexpr const char* k_locks_sql =
    "SELECT l.relation::text, l.mode FROM pg_catalog.pg_locks l "
    "WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted "
    "AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())";

Relations read_relations(Backend& db) {
  Relations out;
  for (const auto& row : db.query(k_relations_sql)) {
    if (row.size() < 4 || !row[0] || !row[1] || !row[2] || !row[3] || row[2]->empty()) continue;
    out[*row[0]] = RelationState{*row[1], (*row[2])[0], *row[3]};
  }
  return out;
}

HeldLocks read_locks(Backend& db) {
  HeldLocks out;
  for (const auto& row : db.query(k_locks_sql))
    if (row.size() >= 2 && row[0] && row[1]) out.emplace(*row[0], *row[1]);
  return out;
}

/// Locks held after the statement and not before it, on relations that existed before it.
std::vector<RelationLock> new_locks(const HeldLocks& before, const HeldLocks& after, const Relations& existing) {
  std::vector<RelationLock> out;
  for (const auto& held : after) {
    if (before.count(held)) continue;
    auto relation = existing.find(held.first);
    if (relation != existing.end()) out.push_back({relation->second.name, held.second});
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// Tables and materialized views of `before` whose storage is another one in `after`.
std::vector<std::string> rewritten_between(const Relations& before, const Relations& after) {
  std::vector<std::string> out;
  for (const auto& [oid, state] : before) {
    if (state.kind != 'r' && state.kind != 'm') continue;
    auto now = after.find(oid);
    if (now != after.end() && now->second.filenode != state.filenode) out.push_back(state.name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

StatementMeasurement PostgresBackend::probe(std::string_view sql) {
  const bool in_block = in_transaction();
  const auto relations_before = read_relations(*this);
  const auto locks_before = in_block ? read_locks(*this) : HeldLocks{};
  const auto start = std::chrono::steady_clock::now();
  execute_script(sql);
  StatementMeasurement measured;
  measured.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  // A statement that ended the transaction (COMMIT) released its locks with it.
  measured.locks_observed = in_block && in_transaction();
  if (measured.locks_observed) measured.locks = new_locks(locks_before, read_locks(*this), relations_before);
  measured.rewritten = rewritten_between(relations_before, read_relations(*this));
  return measured;
}

}  // namespace migrate::backend::postgres

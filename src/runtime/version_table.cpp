#include "runtime/version_table.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "backend/sql_dialect.hpp"

namespace migrate::runtime {

namespace sql = backend::sql;
using graph::VersionOp;

VersionTable on_connection(backend::Backend& db, VersionTable vt) {
  if (vt.schema.empty()) vt.schema = db.catalog().home_schema(vt.name);
  return vt;
}

std::optional<std::vector<std::string>> read_version_table(backend::Backend& db, const VersionTable& configured) {
  auto vt = on_connection(db, configured);
  if (!db.catalog().table_exists(vt.schema, vt.name)) return std::nullopt;
  std::vector<std::string> rows;
  for (auto& row : db.query(sql::select_versions(db.dialect(), vt.schema, vt.name)))
    if (!row.empty() && row[0]) rows.push_back(*row[0]);
  return rows;
}

std::vector<std::string> read_version_rows(backend::Backend& db, const VersionTable& configured) {
  return read_version_table(db, configured).value_or(std::vector<std::string>{});
}

std::string version_op_sql(Dialect dialect, const VersionTable& vt, const VersionOp& op) {
  switch (op.kind) {
    case VersionOp::Kind::insert: return sql::insert_version(dialect, vt.schema, vt.name, op.to);
    case VersionOp::Kind::update: return sql::update_version(dialect, vt.schema, vt.name, op.from, op.to);
    case VersionOp::Kind::remove: return sql::delete_version(dialect, vt.schema, vt.name, op.from);
  }
  return {};
}

void ensure_version_table(backend::Backend& db, const VersionTable& configured, std::optional<bool> known_to_exist) {
  auto vt = on_connection(db, configured);
  const bool exists = known_to_exist ? *known_to_exist : db.catalog().table_exists(vt.schema, vt.name);
  if (exists) return;
  db.execute(sql::create_version_table(db.dialect(), vt.schema, vt.name));
}

namespace {

bool matched(const VersionOp& op, long long changed) { return op.kind == VersionOp::Kind::insert || changed == 1; }

}  // namespace

std::optional<VersionOpMismatch> run_version_ops(backend::Backend& db, const VersionTable& configured,
                                         const std::vector<VersionOp>& ops) {
  auto vt = on_connection(db, configured);
  auto dialect = db.dialect();
  for (const auto& op : ops) {
    auto changed = db.execute(version_op_sql(dialect, vt, op));
    if (!matched(op, changed)) return VersionOpMismatch{op, changed};
  }
  return std::nullopt;
}

std::vector<std::string> version_op_statements(backend::Backend& db, const VersionTable& configured,
                                               const std::vector<VersionOp>& ops) {
  auto vt = on_connection(db, configured);
  std::vector<std::string> out;
  for (const auto& op : ops) out.push_back(version_op_sql(db.dialect(), vt, op));
  return out;
}

std::optional<VersionOpMismatch> first_version_op_mismatch(const std::vector<VersionOp>& ops,
                                                           const std::vector<long long>& changes) {
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const long long changed = i < changes.size() ? changes[i] : 0;
    if (!matched(ops[i], changed)) return VersionOpMismatch{ops[i], changed};
  }
  return std::nullopt;
}

Error version_op_error(Dialect dialect, const VersionTable& vt, const VersionOpMismatch& mismatch) {
  auto table = sql::qualified_name(dialect, vt.schema, vt.name);
  const auto& op = mismatch.op;
  if (op.kind == VersionOp::Kind::update)
    return Error(ErrorKind::database,
                 fmt::format("Online migration expected to match one row when updating '{}' to '{}' in '{}'; {} found",
                             op.from, op.to, table, mismatch.rows_changed));
  return Error(ErrorKind::database,
               fmt::format("Online migration expected to match one row when deleting '{}' in '{}'; {} found", op.from,
                           table, mismatch.rows_changed));
}

bool same_heads(std::vector<std::string> a, std::vector<std::string> b) {
  for (auto* v : {&a, &b}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  return a == b;
}

void apply_to_rows(std::vector<std::string>& rows, const VersionOp& op) {
  switch (op.kind) {
    case VersionOp::Kind::insert: rows.push_back(op.to); break;
    case VersionOp::Kind::update: std::replace(rows.begin(), rows.end(), op.from, op.to); break;
    case VersionOp::Kind::remove: std::erase(rows, op.from); break;
  }
}

MigrationLock::MigrationLock(backend::Backend& db, const VersionTable& vt, std::chrono::milliseconds timeout,
                             const backend::LockPoll& between_polls)
    : m_locker(db.locker()) {
  if (!m_locker)
    throw Error(ErrorKind::config, "the database at " + db.describe() + " has no migration lock",
                "this backend cannot keep two runners apart; it cannot run state changes");
  auto named = on_connection(db, vt);
  m_locker->set_lock_key(named.schema, named.name);
  m_locker->lock(timeout, between_polls);
}

MigrationLock::~MigrationLock() { m_locker->unlock(); }

}  // namespace migrate::runtime

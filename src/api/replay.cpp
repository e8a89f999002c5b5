#include "api/replay.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <mutex>
#include <system_error>

#include "api/database.hpp"
#include "api/fleet.hpp"
#include "api/schema.hpp"
#include "backend/sql_dialect.hpp"
#include "runtime/runner.hpp"
#include "runtime/version_table.hpp"

namespace migrate::api {
namespace {

/// What tells two connections apart: the file (SQLite) or the database and the server
/// instance (PostgreSQL: name, port and the time the server started).
std::string database_identity(backend::Backend& db) {
  if (db.dialect() == Dialect::sqlite) {
    for (const auto& row : db.query("PRAGMA database_list")) {
      if (row.size() < 3 || !row[1] || *row[1] != "main" || !row[2]) continue;
      std::error_code ec;
      auto path = std::filesystem::weakly_canonical(*row[2], ec);
      return ec ? *row[2] : path.string();
    }
    return "";
  }
  auto rows = db.query(
      "SELECT pg_catalog.current_database()::text || '|' || coalesce(pg_catalog.inet_server_port()::text, '') || '|' "
      "|| pg_catalog.pg_postmaster_start_time()::text");
  return rows.empty() || rows[0].empty() ? "" : rows[0][0].value_or("");
}

/// The user's own scratch database: opened, checked, emptied; never dropped.
std::unique_ptr<backend::ScratchDatabase> open_named_scratch(const std::string& url, backend::Backend& target) {
  auto db = backend::open(url);
  const std::string where = db->describe();
  if (db->dialect() != target.dialect())
    throw Error(ErrorKind::usage, "the scratch database " + where + " is not of the target's kind",
                "name a " + std::string(to_string(target.dialect())) + " database for --scratch-url / scratch_url");
  const std::string identity = database_identity(*db);
  if (!identity.empty() && identity == database_identity(target))
    throw Error(ErrorKind::usage,
                "the scratch database " + where + " is the target database itself: it would be emptied",
                "name another database for --scratch-url / scratch_url, or leave it out for a temporary one");
  if (!db->scratch()) throw Error(ErrorKind::usage, "the backend of " + where + " cannot empty a scratch database");
  db->scratch()->drop_all_objects();
  return std::make_unique<backend::ScratchDatabase>(std::move(db), where, nullptr);
}

/// Keeps the runner's per-step progress lines out of a replay's output unless asked for
/// (`-v`): the user ran `drift`, not an upgrade. The level is the process's: replays of a
/// fleet's workers overlap, so the first one in lowers it and the last one out restores it.
class QuietProgress {
 public:
  QuietProgress() {
    std::lock_guard guard(s_mutex);
    if (s_depth++ > 0) return;
    s_level = spdlog::get_level();
    if (s_level == spdlog::level::info) spdlog::set_level(spdlog::level::warn);
  }
  ~QuietProgress() {
    std::lock_guard guard(s_mutex);
    if (--s_depth == 0) spdlog::set_level(s_level);
  }
  QuietProgress(const QuietProgress&) = delete;
  QuietProgress& operator=(const QuietProgress&) = delete;

 private:
  static inline std::mutex s_mutex;
  static inline int s_depth = 0;
  static inline spdlog::level::level_enum s_level = spdlog::level::info;
};

/// Reads the scratch schema after each committed step and hands it on.
class WalkObserver : public runtime::RunObserver {
 public:
  WalkObserver(Replay& replay, std::vector<std::string>& rows, const Replay::Visit& visit)
      : m_replay(replay), m_rows(rows), m_visit(visit) {}
  void step_finished(const graph::Step& step, long long) override {
    for (const auto& op : step.ops) runtime::apply_to_rows(m_rows, op);
    m_visit(m_rows, m_replay.read_changes());
  }

 private:
  Replay& m_replay;
  std::vector<std::string>& m_rows;
  const Replay::Visit& m_visit;
};

}  // namespace

namespace {

/// A scratch database of `target`'s server, or the one the user named.
std::unique_ptr<backend::ScratchDatabase> scratch_for(const config::Config& config, backend::Backend& target,
                                                      const std::string& scratch_url) {
  if (!scratch_url.empty()) return open_named_scratch(scratch_url, target);
  if (!config.scratch_url.empty()) return open_named_scratch(config.scratch_url.value(), target);
  if (!target.scratch())
    throw Error(ErrorKind::usage, "the backend of " + target.describe() + " cannot make a scratch database",
                "name one with --scratch-url");
  return target.scratch()->create_scratch();
}

}  // namespace

std::unique_ptr<backend::ScratchDatabase> open_scratch(const config::Config& config, backend::Backend& target,
                                                       const std::string& scratch_url) {
  auto scratch = scratch_for(config, target, scratch_url);
  // Replays follow the target's rules (its engine, probed or named by `engine`): a scratch
  // database behind the same proxy would be taken for plain PostgreSQL.
  scratch->db().assume_engine(target.capabilities().engine);
  spdlog::debug("replaying on {}", scratch->description());
  return scratch;
}

schema::Schema expected_schema(const Project& project, backend::Backend& target, const std::vector<std::string>& heads,
                               const std::string& scratch_url, runtime::StopToken& stop) {
  auto scratch = open_scratch(project.config(), target, scratch_url);
  return Replay(project, scratch->db(), stop).upgrade_to(heads);
}

std::vector<std::string> upgrade_order(const graph::RevisionMap& map) {
  std::vector<std::string> out;
  if (map.revisions().empty()) return out;
  for (const auto& step : map.plan_upgrade("heads", {}).steps) out.push_back(step.revision.value_or(""));
  return out;
}

Replay::Replay(const Project& project, backend::Backend& scratch, runtime::StopToken& stop)
    : m_project(project), m_db(scratch), m_stop(stop) {}

runtime::RunSettings Replay::settings(runtime::Command command) const {
  auto s = run_settings(m_project.config(), command, std::nullopt, false);
  s.transaction_per_migration = true;  // each step commits, so the walk reads it
  s.check_drift = false;
  s.allow_unversioned = true;
  s.stop = &m_stop;
  return s;
}

void Replay::prepare_schemas() {
  const auto& config = m_project.config();
  if (m_db.dialect() != Dialect::postgresql) return;
  for (const auto* schema : {&config.version_table_schema, &config.tenant_schema})
    if (!schema->empty()) m_db.execute("CREATE SCHEMA IF NOT EXISTS " + backend::sql::quote_ident(m_db.dialect(), *schema));
  if (!config.tenant_schema.empty()) m_db.execute(enter_tenant_sql(m_db.dialect(), config.tenant_schema));
}

schema::Schema Replay::read() { return schema_state(m_project.config(), m_db).read(); }

const schema::Schema& Replay::read_changes() {
  auto state = schema_state(m_project.config(), m_db);
  if (!state.available()) m_snapshot = backend::SchemaSnapshot{state.read(), {}};  // read() says why it cannot
  else m_snapshot = m_db.schema_reader()->read_schema_since(state.scope(), std::move(m_snapshot));
  return m_snapshot.schema;
}

schema::Schema Replay::upgrade_to(const std::vector<std::string>& heads) {
  QuietProgress quiet;
  prepare_schemas();
  runtime::Runner runner(m_db, settings(), file_lookup(m_project));
  for (const auto& head : heads)
    runner.run([&](const std::vector<std::string>& rows) { return m_project.map().plan_upgrade(head, rows); });
  return read();
}

void Replay::walk(const Visit& visit) {
  QuietProgress quiet;
  std::vector<std::string> rows;
  prepare_schemas();
  m_snapshot = {};
  visit(rows, read_changes());
  WalkObserver observer(*this, rows, visit);
  auto s = settings();
  s.observer = &observer;
  runtime::Runner runner(m_db, s, file_lookup(m_project));
  runner.run([&](const std::vector<std::string>& current) { return m_project.map().plan_upgrade("heads", current); });
}

runtime::RunResult Replay::run(const runtime::Planner& planner, runtime::Command command) {
  QuietProgress quiet;
  prepare_schemas();
  runtime::Runner runner(m_db, settings(command), file_lookup(m_project));
  return runner.run(planner);
}

}  // namespace migrate::api

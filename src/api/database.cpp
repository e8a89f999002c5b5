#include "api/database.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

#include "core/error.hpp"

namespace migrate::api {

std::unique_ptr<backend::Backend> open_database(const config::Config& config, backend::OpenMode mode) {
  if (config.database_url.empty() && config.file.empty())  // built from migrate::Settings
    throw Error(ErrorKind::config, "no database URL is configured", "set Settings::database_url");
  if (config.database_url.empty())
    throw Error(ErrorKind::config, "no database URL is configured",
                "set [database].url in " + config.file.string() +
                    ", pass --url, or set MIGRATE_DATABASE_URL");
  auto db = backend::open(config.database_url, mode);
  configure_connection(config, *db);
  return db;
}

void configure_connection(const config::Config& config, backend::Backend& db) {
  const std::string where = config.file.empty() ? "the settings" : config.file.string();
  if (!config.engine.empty() && !db.assume_engine(*backend::engine_named(config.engine)))
    throw Error(ErrorKind::config, "`engine = \"" + config.engine + "\"` in " + where + " does not fit " + db.describe(),
                "`engine` names a PostgreSQL-wire engine; remove it for SQLite");
  const auto caps = db.capabilities();
  const char* engine = backend::to_string(caps.engine);
  if (config.lock == "advisory" && !caps.own_lock_excludes)
    throw Error(ErrorKind::config,
                "`lock = \"advisory\"` in " + where + " would exclude nothing on " + engine + " (" + db.describe() +
                    "): its advisory locks are missing or succeed for every caller",
                "remove `lock` (migrate then takes a lease in a table there) or write `lock = \"table\"`");
  if (config.lock != "table" && caps.own_lock_excludes) return;
  auto* locker = db.locker();
  if (!locker || !locker->use_lease(config.lock_lease))
    throw Error(ErrorKind::config, "`lock = \"table\"` in " + where + " needs a PostgreSQL database, not " +
                                       db.describe(),
                "the file lock of SQLite always keeps runners apart: remove `lock`");
  if (config.lock.empty())
    spdlog::debug("{} on {}: the migration lock is a lease in a table (its advisory locks exclude nothing)", engine,
                  db.describe());
}

runtime::VersionTable version_table(const config::Config& config) {
  runtime::VersionTable vt;
  vt.schema = config.version_table_schema;
  vt.name = config.version_table;
  return vt;
}

runtime::VersionTable version_table(const config::Config& config, backend::Backend& db) {
  return runtime::on_connection(db, version_table(config));
}

runtime::RunSettings run_settings(const config::Config& config, runtime::Command command,
                                  std::optional<double> lock_timeout_seconds, bool dry_run) {
  runtime::RunSettings s;
  s.version_table = version_table(config);
  s.transaction_per_migration = config.transaction_per_migration;
  s.foreign_key_check = config.foreign_key_check;
  s.schemas = config.schemas;
  // A stamp is how a drifted database is brought back in line: never refused for drift.
  s.check_drift = config.check_drift && command != runtime::Command::stamp;
  if (lock_timeout_seconds) {
    if (*lock_timeout_seconds < 0 || !std::isfinite(*lock_timeout_seconds))
      throw Error(ErrorKind::usage, "--lock-timeout must be a non-negative number of seconds");
    s.lock_timeout = std::chrono::milliseconds(static_cast<long long>(*lock_timeout_seconds * 1000));
  }
  s.session_lock_timeout = config.lock_timeout;
  s.session_statement_timeout = config.statement_timeout;
  s.dry_run = dry_run;
  s.command = command;
  return s;
}

runtime::FileLookup file_lookup(const Project& project) {
  return [&project](const std::string& id) { return project.file(id); };
}

void require_known_rows(const Project& project, const std::vector<std::string>& rows) {
  for (const auto& row : rows) {
    if (project.map().find(row)) continue;
    // Loaded with the database, the journal was asked for a copy too and has none.
    std::string copy = project.journal_read() ? " and the journal holds no copy of it" : "";
    throw Error(ErrorKind::needs_repair,
                "the version table holds revision '" + row + "', but its file is gone from the version locations" +
                    copy,
                "restore the revision file (e.g. check out the release that added it); without the file or a "
                "journal copy it cannot be downgraded, so otherwise check the schema by hand and record the real "
                "state with `migrate stamp --purge <rev>`");
  }
}

std::vector<std::string> loaded_or_read_rows(const Project& project, backend::Backend& db) {
  if (project.journal_read()) return project.version_rows();
  return runtime::read_version_rows(db, version_table(project.config()));
}

std::vector<std::string> read_known_rows(const Project& project, backend::Backend& db) {
  auto rows = loaded_or_read_rows(project, db);
  require_known_rows(project, rows);
  return rows;
}

OnlineProject open_online(const config::Config& config, bool read_rows) {
  return open_online(config, read_rows,
                     read_rows ? backend::OpenMode::existing_only : backend::OpenMode::create_if_missing);
}

OnlineProject open_online(const config::Config& config, bool read_rows, backend::OpenMode mode) {
  OnlineProject o;
  // Named once connected: load_with_database reads it (through this reference) only after
  // calling connect.
  auto vt = version_table(config);
  auto connect = [&]() -> backend::Backend& {
    o.db = open_database(config, mode);
    vt = version_table(config, *o.db);
    return *o.db;
  };
  o.project = std::make_unique<Project>(Project::load_with_database(config, connect, vt));
  if (read_rows) o.rows = read_known_rows(*o.project, *o.db);
  return o;
}

}  // namespace migrate::api

#pragma once
/// Shared plumbing for commands that touch the database.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "api/project.hpp"
#include "runtime/runner.hpp"

namespace migrate::api {

/// Opens the configured database. Throws Error{config} when no URL is configured (or its
/// `${VAR}` is unset). Commands that only read pass OpenMode::existing_only: a SQLite path
/// that names no file is then Error{database} "no database at PATH" rather than a new
/// empty database that would pass for a fresh one.
std::unique_ptr<backend::Backend> open_database(const config::Config& config,
                                                backend::OpenMode mode = backend::OpenMode::create_if_missing);

/// Applies the configuration's `engine` (instead of the probe's finding) and picks the
/// migration lock: the backend's own, or a lease where `lock = "table"` asks for it or where
/// the engine's own lock excludes nothing (unless `lock = "advisory"`, then Error{config}).
/// Error{config} for a lease on a backend that has none (SQLite) and for an engine the
/// backend cannot be.
void configure_connection(const config::Config& config, backend::Backend& db);

/// Where the configuration puts the version table (and its journal), as offline SQL names it.
runtime::VersionTable version_table(const config::Config& config);
/// The same, named as on `db` (runtime::on_connection): fully qualified on PostgreSQL.
/// Every online reader and writer of the version table and journal uses this one.
runtime::VersionTable version_table(const config::Config& config, backend::Backend& db);

/// Runner settings from the configuration.
runtime::RunSettings run_settings(const config::Config& config, runtime::Command command,
                                  std::optional<double> lock_timeout_seconds, bool dry_run);

/// Looks up revision files by id for the runtime.
runtime::FileLookup file_lookup(const Project& project);

/// Throws Error{needs_repair} when a version-table row names no revision file (nor, for a
/// project loaded with the database, a journal copy): its file is gone; says the ways out.
void require_known_rows(const Project& project, const std::vector<std::string>& rows);

/// The version-table rows (SELECT order), read without a lock and without creating
/// anything; require_known_rows checked. Throws Error{database} when the read fails.
std::vector<std::string> read_known_rows(const Project& project, backend::Backend& db);
/// The version-table rows: those the project was loaded with when it was loaded with this
/// database (read on this connection just before, nothing in between), else read now.
std::vector<std::string> loaded_or_read_rows(const Project& project, backend::Backend& db);

/// A project read together with its database: the journal's copies stand in for applied
/// revisions whose files are gone (Project::load_with_database).
struct OnlineProject {
  std::unique_ptr<backend::Backend> db;
  std::unique_ptr<Project> project;
  std::vector<std::string> rows;  ///< read_known_rows, when asked for
};

/// Loads the project of `config` with its database (opened with `mode`); with `read_rows`,
/// also its rows. The journal's copies are read under the version table's name on that
/// connection (version_table(config, db)).
OnlineProject open_online(const config::Config& config, bool read_rows, backend::OpenMode mode);
/// The same; reading the rows is what the reading commands (current, history, status, log)
/// open the database for, so with `read_rows` the database must exist (existing_only),
/// without it it may be created (create_if_missing).
OnlineProject open_online(const config::Config& config, bool read_rows);

}  // namespace migrate::api

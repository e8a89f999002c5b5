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

/// Opens the configured database. Throws Error{config} when no URL is configured.
std::unique_ptr<backend::Backend> open_database(const config::Config& config);

/// Runner settings from the configuration.
runtime::RunSettings run_settings(const config::Config& config, const std::string& command,
                                  std::optional<double> lock_timeout_seconds, bool dry_run);

/// Looks up revision files by id for the runtime.
runtime::FileLookup file_lookup(const Project& project);

/// Throws Error{needs_repair} when a version-table row names no revision file (nor, for a
/// project loaded with the database, a journal copy): its file is gone; says the ways out.
void require_known_rows(const Project& project, const std::vector<std::string>& rows);

}  // namespace migrate::api

#pragma once
/// Project configuration (CONTRACT.md §1). The only module that sees toml++.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace migrate::config {

struct Config {
  std::filesystem::path file;  ///< the migrate.toml read (absolute)
  std::filesystem::path script_location;
  std::vector<std::filesystem::path> version_locations;  ///< absolute, config order
  bool recursive_version_locations = false;
  std::string file_template = "{rev}_{slug}";
  int truncate_slug_length = 40;
  std::string timezone = "UTC";
  std::string version_table = "migrate_version";
  std::string version_table_schema;
  bool transaction_per_migration = true;
  std::string database_url;  ///< after precedence and ${VAR} expansion; may be empty
  std::map<std::string, std::string> x_args;  ///< -x KEY=VALUE
};

/// Where the command line's choices come in.
struct Overrides {
  std::optional<std::filesystem::path> config_file;  ///< -c/--config
  std::optional<std::string> url;                    ///< --url
  std::optional<std::string> env;                    ///< --env NAME
  std::map<std::string, std::string> x_args;
};

/// Finds the file (-c, else $MIGRATE_CONFIG, else ./migrate.toml), parses it and applies the
/// URL precedence: --url > $MIGRATE_DATABASE_URL > $DATABASE_URL > [environments.NAME].url >
/// [database].url. Throws Error{config} naming file and line for bad TOML, unknown keys,
/// wrong types, a missing script_location, an unknown --env, an unset ${VAR}.
Config load(const Overrides& overrides);

/// Expands ${VAR} from the environment; unset VAR → Error{config} naming it and `where`.
std::string expand_env(const std::string& text, const std::string& where);

/// The URL with any password replaced by "***", for output and logs.
std::string redact_url(const std::string& url);

}  // namespace migrate::config

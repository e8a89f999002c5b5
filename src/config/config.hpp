#pragma once
/// Project configuration (docs/configuration.md): migrate.toml, read through toml/reader.hpp
/// (the one module that sees toml++).
///
/// Path rules: relative paths in the file (script_location, version_locations) are
/// relative to the file's own folder. A SQLite URL taken from the FILE with a relative path
/// (`sqlite:///app.db`) is rewritten to the absolute path in the file's folder
/// (`sqlite:////abs/dir/app.db`), so `migrate -c proj/migrate.toml` works from anywhere;
/// a URL from --url, $MIGRATE_DATABASE_URL or $DATABASE_URL is kept as given, so a relative
/// SQLite path there is relative to the working directory, as the shell user expects.
/// `sqlite:///:memory:` is never rewritten. `${VAR}` is expanded only in URLs from the
/// file, only in the one URL that is selected (an unset variable in an unused
/// [environments.X] section is no error), and only when that URL is used (DatabaseUrl):
/// commands that need no database never read the variable.

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migrate::config {

/// The selected database URL, expanded on first use. A URL from the file is kept as written
/// until a command asks for it: then `${VAR}` is read from the environment (an unset one is
/// Error{config} naming it and the file's line) and a relative SQLite path is anchored at
/// the file's folder. So `history`, `heads`, `revision` and `show` work without the
/// variables that only the database connection needs. Converts to the URL string where one
/// is expected, expanding then.
class DatabaseUrl {
 public:
  DatabaseUrl() = default;
  /// A URL used as given (--url, the environment, Settings::database_url).
  DatabaseUrl(std::string url);  // NOLINT(google-explicit-constructor): a URL is a string
  DatabaseUrl(const char* url) : DatabaseUrl(std::string(url)) {}  // NOLINT(google-explicit-constructor)
  /// A URL from the file at `where` ("<file>:<line>"), whose folder is `dir`.
  static DatabaseUrl from_file(std::string text, std::string where, std::filesystem::path dir);

  /// True when no URL is configured (nothing is expanded).
  bool empty() const noexcept { return m_text.empty(); }
  /// The URL, expanded (once). Throws Error{config} for an unset variable.
  const std::string& value() const;
  operator const std::string&() const { return value(); }  // NOLINT(google-explicit-constructor)
  /// As written, `${VAR}` unexpanded (redact it before showing it, all the same).
  const std::string& text() const noexcept { return m_text; }

 private:
  std::string m_text;
  std::string m_where;  ///< "" for a URL used as given
  std::filesystem::path m_dir;
  mutable std::optional<std::string> m_value;
};

inline bool operator==(const DatabaseUrl& url, std::string_view other) { return std::string_view(url.value()) == other; }

/// One `[targets.NAME]` section (docs/fleets.md): where a fleet command (`--targets NAME`)
/// finds its targets. Exactly one of `urls`, `query` and `schemas_query` is set.
struct TargetSet {
  std::string name;
  std::string where;  ///< "<file>:<line>" of the section, for messages
  std::vector<DatabaseUrl> urls;  ///< a list of databases
  /// Run on control_url; each row's first column is a target's URL.
  std::string query;
  /// `query`: the database it runs on (required). `schemas_query`: the database whose
  /// schemas are the targets and where the query runs; empty = the selected database URL.
  DatabaseUrl control_url;
  /// Schema-per-tenant: each row's first column is a schema of one database.
  std::string schemas_query;
  /// The version table's schema for each target; "{schema}" is replaced by the target's
  /// schema (required in it with schemas_query, where it is the default). Unset: the
  /// top-level `version_table_schema`.
  std::optional<std::string> version_table_schema;
};

struct Config {
  std::filesystem::path file;  ///< the migrate.toml read (absolute)
  std::filesystem::path script_location;  ///< absolute, lexically normal
  /// Absolute, config order. Default (also for `[]`): <script_location>/versions. A single
  /// string is accepted for one folder.
  std::vector<std::filesystem::path> version_locations;
  bool recursive_version_locations = false;
  std::string file_template = "{rev}_{slug}";
  int truncate_slug_length = 40;  ///< 0 in the file means 40, as in Alembic
  std::string timezone = "UTC";  ///< checked when used (script::render_file_name)
  std::string version_table = "migrate_version";
  std::string version_table_schema;
  bool transaction_per_migration = true;
  /// How runners of one database take turns (`lock`): "advisory", the backend's own lock
  /// (PostgreSQL's advisory lock, SQLite's file lock), or "table", a lease in
  /// `<version_table>_lock` (PostgreSQL-wire engines whose advisory locks are missing or fake).
  /// "" (unset): the backend's own lock where it excludes, else the lease.
  std::string lock;
  /// What the database is (`engine`: "postgresql", "citus", "cockroachdb", "yugabytedb"),
  /// instead of what the probe at connect finds; "" = probed.
  std::string engine;
  /// How long a lease lasts without renewal (`lock_lease`; renewed every third of it): how
  /// long a runner that died blocks the next one.
  std::chrono::milliseconds lock_lease{30000};
  /// SQLite: PRAGMA foreign_key_check on the tables a revision touched, before its commit.
  bool foreign_key_check = true;
  /// PostgreSQL SET lock_timeout / statement_timeout for every revision, as written ("5s");
  /// an integer in the file means milliseconds and is stored as "<n>ms". Unset: nullopt.
  std::optional<std::string> lock_timeout;
  std::optional<std::string> statement_timeout;
  /// PostgreSQL: the schemas the schema model covers (`schemas = [...]`); empty = every
  /// schema but the system ones. Ignored on SQLite.
  std::vector<std::string> schemas;
  /// Set only for one schema-per-tenant target of a fleet (never read from the file): the
  /// tenant's schema. Its revisions, and their replays on a scratch database, run with
  /// search_path `<tenant>, public`.
  std::string tenant_schema;
  /// upgrade/downgrade refuse when the live schema's fingerprint differs from the one the
  /// journal recorded for the current heads (`--check-drift` turns it on for one run).
  bool check_drift = false;
  /// Where `dump_after_upgrade` writes the schema after every successful upgrade or
  /// downgrade (absolute; relative in the file to its folder); empty = nowhere.
  std::filesystem::path dump_after_upgrade;
  /// The desired schema as SQL (`schema_file`), for `revision --autogenerate` (absolute;
  /// relative in the file to its folder); empty = none.
  std::filesystem::path schema_file;
  /// `[lint]`: rule id → "error", "warning" or "off", as written (the values are checked
  /// here; the ids against lint's rule catalog by `migrate lint`, which knows the rules).
  std::map<std::string, std::string> lint_severities;
  std::map<std::string, int> lint_lines;  ///< rule id → its line in the file, for messages
  DatabaseUrl database_url;  ///< after precedence; ${VAR} expanded when used; may be empty
  /// Where database_url came from, for messages: "--url", "$MIGRATE_DATABASE_URL",
  /// "$DATABASE_URL", "[environments.NAME] in <file>:<line>", "[database] in <file>:<line>",
  /// or "" when no URL is configured.
  std::string database_url_source;
  /// `scratch_url` of the selected [environments.NAME], else of [database]: the database
  /// `drift` replays revisions on (emptied first) instead of a temporary one; may be empty.
  DatabaseUrl scratch_url;
  /// The --env name in effect (empty when none).
  std::string environment;
  /// Names of the [environments.X] sections, sorted.
  std::vector<std::string> environments;
  std::map<std::string, std::string> x_args;  ///< -x KEY=VALUE
  /// The [targets.NAME] sections by name.
  std::map<std::string, TargetSet> targets;
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
/// [database].url (empty environment variables count as unset; an environment section
/// without `url` falls through to [database]). Throws Error{config} naming file and line
/// for bad TOML, unknown keys (top level, [database], [environments.X]), wrong types, an
/// unknown `{token}` in file_template, a bad timeout, a missing script_location, an unknown
/// --env (listing the known ones; checked even when a higher-precedence URL wins), a
/// malformed `${...}` in the selected URL. An unset ${VAR} is reported when the URL is used
/// (DatabaseUrl::value). A missing file is Error{config} with a hint to run `migrate init DIR` or
/// pass -c. Does not check that the folders exist (script::load_revision_files does).
Config load(const Overrides& overrides);

/// Parses configuration text as if read from `file` (absolute; its folder anchors relative
/// paths). load() without the file search; for tests and tools.
Config load_from_string(const std::string& text, const std::filesystem::path& file, const Overrides& overrides);

/// Expands ${VAR} from the environment (VAR: letters, digits, '_'); a '$' not followed by
/// '{' is kept. Unset VAR, a bad name or an unclosed "${" → Error{config} naming it and
/// `where` (e.g. "migrate.toml:12").
std::string expand_env(const std::string& text, const std::string& where);

/// The URL with any password replaced by "***", for output and logs: backend::redact_url,
/// the one redactor (see backend/redact.hpp).
std::string redact_url(const std::string& url);

}  // namespace migrate::config

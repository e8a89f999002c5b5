#include "config/config.hpp"

#include <algorithm>
#include <cstdlib>

#include "backend/backend.hpp"  // engine_named
#include "backend/redact.hpp"
#include "toml/reader.hpp"
#include "core/error.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

namespace migrate::config {

namespace fs = std::filesystem;
using toml::parse_toml;
using toml::TomlEntry;
using toml::TomlError;
using toml::TomlValue;

namespace {

constexpr std::string_view k_file_tokens[] = {"rev", "slug", "year", "month", "day", "hour", "minute", "second", "epoch"};

std::optional<std::string> getenv_nonempty(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

// Reads one parsed file into a Config; every message names "<file>:<line>".
class Reader {
 public:
  Reader(const fs::path& file, const Overrides& overrides) : m_file(file), m_overrides(overrides) {}

  Config read(const std::string& text) {
    std::vector<TomlEntry> entries;
    try {
      entries = parse_toml(text);
    } catch (const TomlError& e) {
      throw Error(ErrorKind::config, where(e.line()) + ": bad TOML: " + e.what(),
                  "each line is `key = value` in TOML; `migrate init` writes a commented example");
    }
    Config c;
    c.file = m_file;
    c.x_args = m_overrides.x_args;
    const fs::path dir = m_file.parent_path();
    std::optional<std::string> script_location;
    std::optional<std::vector<std::string>> version_locations;
    for (const auto& e : entries) {
      const std::string& k = e.key;
      if (k == "script_location") {
        script_location = string_of(e);
        if (script_location->empty()) fail(e, "`script_location` is empty", "name the migrations folder, e.g. \"migrations\"");
      } else if (k == "version_locations") {
        version_locations = strings_of(e);
      } else if (k == "recursive_version_locations") {
        c.recursive_version_locations = bool_of(e);
      } else if (k == "file_template") {
        c.file_template = string_of(e);
        check_file_template(e, c.file_template);
      } else if (k == "truncate_slug_length") {
        if (e.value.type != TomlValue::Type::integer) wrong_type(e, "an integer");
        if (e.value.integer < 0 || e.value.integer > 10000) fail(e, "`truncate_slug_length` must be 0 to 10000", "the default is 40");
        // 0 means the default, as in Alembic.
        c.truncate_slug_length = e.value.integer == 0 ? 40 : static_cast<int>(e.value.integer);
      } else if (k == "timezone") {
        c.timezone = string_of(e);
        if (c.timezone.empty()) fail(e, "`timezone` is empty", "use \"UTC\", \"local\" or an IANA name");
      } else if (k == "version_table") {
        c.version_table = string_of(e);
        if (c.version_table.empty()) fail(e, "`version_table` is empty", "remove the key for the default \"migrate_version\"");
      } else if (k == "version_table_schema") {
        c.version_table_schema = string_of(e);
      } else if (k == "transaction_per_migration") {
        c.transaction_per_migration = bool_of(e);
      } else if (read_lock_key(e, c)) {
      } else if (k == "foreign_key_check") {
        c.foreign_key_check = bool_of(e);
      } else if (read_schema_key(e, c)) {
      } else if (k == "lock_timeout") {
        c.lock_timeout = timeout_of(e);
      } else if (k == "statement_timeout") {
        c.statement_timeout = timeout_of(e);
      } else if (k == "database") {
        read_database(e);
      } else if (k == "environments") {
        read_environments(e);
      } else if (k == "lint") {
        read_lint(e, c);
      } else if (k == "targets") {
        read_targets(e, c);
      } else {
        fail(e, "unknown key `" + k + "`",
             "known keys: script_location, version_locations, recursive_version_locations, file_template, "
             "truncate_slug_length, timezone, version_table, version_table_schema, transaction_per_migration, "
             "lock, lock_lease, engine, foreign_key_check, lock_timeout, statement_timeout, schemas, check_drift, dump_after_upgrade, schema_file, [database], "
             "[environments.NAME], [targets.NAME], [lint]");
      }
    }
    if (!script_location) {
      throw Error(ErrorKind::config, m_file.string() + ": no `script_location` key",
                  "add `script_location = \"migrations\"` (the folder `migrate init` created)");
    }
    c.script_location = (dir / *script_location).lexically_normal();
    if (version_locations && !version_locations->empty()) {
      for (const auto& v : *version_locations) c.version_locations.push_back((dir / v).lexically_normal());
    } else {
      c.version_locations.push_back(c.script_location / "versions");
    }
    for (const auto& [name, env] : m_environments) c.environments.push_back(name);
    select_url(c);
    return c;
  }

 private:
  struct Url {
    std::string value;
    int line = 0;
  };
  /// The keys of [database] and of each [environments.NAME].
  struct Environment {
    std::optional<Url> url;
    std::optional<Url> scratch_url;  ///< where drift replays the revisions
  };

  /// The keys of the schema model (docs/schema.md); false for any other key.
  bool read_schema_key(const TomlEntry& e, Config& c) const {
    if (e.key == "schemas") {
      c.schemas = strings_of(e);
    } else if (e.key == "check_drift") {
      c.check_drift = bool_of(e);
    } else if (e.key == "dump_after_upgrade") {
      auto path = string_of(e);
      if (path.empty()) fail(e, "`dump_after_upgrade` is empty", "name the file to write, e.g. \"schema.sql\"");
      c.dump_after_upgrade = (m_file.parent_path() / path).lexically_normal();
    } else if (e.key == "schema_file") {
      auto path = string_of(e);
      if (path.empty()) fail(e, "`schema_file` is empty", "name the file that holds the desired schema, e.g. \"schema.sql\"");
      c.schema_file = (m_file.parent_path() / path).lexically_normal();
    } else {
      return false;
    }
    return true;
  }

  std::string where(int line) const { return m_file.string() + ":" + std::to_string(line); }

  [[noreturn]] void fail(const TomlEntry& e, const std::string& what, std::string hint = {}) const {
    throw Error(ErrorKind::config, where(e.value.line) + ": " + what, std::move(hint));
  }

  [[noreturn]] void wrong_type(const TomlEntry& e, std::string_view expected) const {
    fail(e, "`" + e.key + "` must be " + std::string(expected) + ", not a " + std::string(type_name(e.value.type)),
         "`migrate init` writes a commented migrate.toml showing every key");
  }

  std::string string_of(const TomlEntry& e) const {
    if (e.value.type != TomlValue::Type::string) wrong_type(e, "a string");
    return e.value.text;
  }

  bool bool_of(const TomlEntry& e) const {
    if (e.value.type != TomlValue::Type::boolean) wrong_type(e, "true or false");
    return e.value.boolean;
  }

  std::vector<std::string> strings_of(const TomlEntry& e) const {
    if (e.value.type == TomlValue::Type::string) return {e.value.text};
    if (e.value.type != TomlValue::Type::array) wrong_type(e, "an array of strings");
    std::vector<std::string> out;
    for (const auto& item : e.value.items) {
      if (item.type != TomlValue::Type::string || item.text.empty()) wrong_type(e, "an array of non-empty strings");
      out.push_back(item.text);
    }
    return out;
  }

  std::string timeout_of(const TomlEntry& e) const {
    if (e.value.type == TomlValue::Type::integer) {
      if (e.value.integer < 0) fail(e, "`" + e.key + "` must not be negative");
      return std::to_string(e.value.integer) + "ms";
    }
    const std::string s = string_of(e);
    if (!toml::is_valid_timeout(s)) {
      fail(e, "`" + e.key + "` is not a duration: \"" + s + "\"",
           "write a number with an optional unit ms, s, min, h or d, e.g. \"5s\"");
    }
    return s;
  }

  /// `lock`, `lock_lease` and `engine`; false for any other key.
  bool read_lock_key(const TomlEntry& e, Config& c) const {
    if (e.key == "engine") {
      c.engine = string_of(e);
      if (!backend::engine_named(c.engine) || c.engine == "sqlite")
        fail(e, "`engine` must be \"postgresql\", \"citus\", \"cockroachdb\" or \"yugabytedb\", not \"" + c.engine + "\"",
             "leave it out: migrate asks the server at connect");
    } else if (e.key == "lock") {
      c.lock = string_of(e);
      if (c.lock != "advisory" && c.lock != "table")
        fail(e, "`lock` must be \"advisory\" or \"table\", not \"" + c.lock + "\"",
             "\"table\" takes a lease in a table, for engines whose advisory locks exclude nothing");
    } else if (e.key == "lock_lease") {
      c.lock_lease = lease_of(e);
    } else {
      return false;
    }
    return true;
  }

  /// `lock_lease`: a duration as the timeouts take it, at least a second (a heartbeat
  /// renews it every third, and a pause of the database longer than it loses the lease).
  std::chrono::milliseconds lease_of(const TomlEntry& e) const {
    auto ms = toml::timeout_milliseconds(timeout_of(e));
    if (ms < std::chrono::milliseconds(1000))
      fail(e, "`lock_lease` must be at least 1s", "the default is \"30s\"; an integer means milliseconds");
    return ms;
  }

  void check_file_template(const TomlEntry& e, const std::string& tmpl) const {
    for (std::size_t pos = tmpl.find('{'); pos != std::string::npos; pos = tmpl.find('{', pos + 1)) {
      const std::size_t close = tmpl.find('}', pos);
      const std::string token = close == std::string::npos ? "" : tmpl.substr(pos + 1, close - pos - 1);
      if (std::find(std::begin(k_file_tokens), std::end(k_file_tokens), token) == std::end(k_file_tokens)) {
        fail(e, "unknown token `" + tmpl.substr(pos, close == std::string::npos ? std::string::npos : close - pos + 1) +
                    "` in `file_template`",
             "tokens: {rev} {slug} {year} {month} {day} {hour} {minute} {second} {epoch}");
      }
    }
    if (tmpl.empty()) fail(e, "`file_template` is empty", "remove the key for the default \"{rev}_{slug}\"");
  }

  Environment read_url_table(const TomlEntry& table, const std::string& section) const {
    if (table.value.type != TomlValue::Type::table) {
      fail(table, "`" + section + "` must be a table: write `[" + section + "]` above its keys");
    }
    Environment out;
    for (const auto& e : table.value.entries) {
      if (e.key == "url") {
        out.url = Url{string_of(e), e.value.line};
      } else if (e.key == "scratch_url") {
        out.scratch_url = Url{string_of(e), e.value.line};
      } else {
        fail(e, "unknown key `" + e.key + "` in [" + section + "]",
             "the keys of [" + section + "] are `url` and `scratch_url`");
      }
    }
    return out;
  }

  /// `[lint]`: rule id = "error" | "warning" | "off".
  void read_lint(const TomlEntry& table, Config& c) const {
    if (table.value.type != TomlValue::Type::table)
      fail(table, "`lint` must be a table: write `[lint]` above its `rule-id = \"error\"` lines");
    for (const auto& e : table.value.entries) {
      const std::string severity = string_of(e);
      if (severity != "error" && severity != "warning" && severity != "off")
        fail(e, "[lint] " + e.key + " = \"" + severity + "\": a rule's severity is \"error\", \"warning\" or \"off\"",
             "\"off\" turns the rule off; \"warning\" reports it without failing `migrate lint`");
      c.lint_severities[e.key] = severity;
      c.lint_lines[e.key] = e.value.line;
    }
  }

  /// `[targets.NAME]` sections (docs/fleets.md).
  void read_targets(const TomlEntry& e, Config& c) const {
    if (e.value.type != TomlValue::Type::table)
      fail(e, "`targets` must be a table of [targets.NAME] sections",
           "write `[targets.tenants]` and `urls = [...]` or `schemas_query = \"...\"` below it");
    for (const auto& section : e.value.entries) c.targets[section.key] = read_target_set(section);
  }

  TargetSet read_target_set(const TomlEntry& table) const {
    const std::string section = "[targets." + table.key + "]";
    if (table.value.type != TomlValue::Type::table)
      fail(table, "`targets." + table.key + "` must be a table: write `" + section + "` above its keys");
    TargetSet set;
    set.name = table.key;
    set.where = where(table.value.line);
    for (const auto& e : table.value.entries) {
      if (e.key == "urls") {
        for (const auto& url : strings_of(e)) set.urls.push_back(DatabaseUrl::from_file(url, where(e.value.line), m_file.parent_path()));
        if (set.urls.empty()) fail(e, "`urls` in " + section + " is empty", "list the databases, or remove the section");
      } else if (e.key == "query" || e.key == "schemas_query") {
        auto query = string_of(e);
        if (util::trim(query).empty()) fail(e, "`" + e.key + "` in " + section + " is empty", "write the SELECT that lists the targets");
        (e.key == "query" ? set.query : set.schemas_query) = std::move(query);
      } else if (e.key == "control_url") {
        set.control_url = DatabaseUrl::from_file(string_of(e), where(e.value.line), m_file.parent_path());
      } else if (e.key == "version_table_schema") {
        set.version_table_schema = string_of(e);
      } else {
        fail(e, "unknown key `" + e.key + "` in " + section,
             "the keys of " + section + " are `urls`, `query`, `control_url`, `schemas_query` and `version_table_schema`");
      }
    }
    check_target_set(table, set);
    return set;
  }

  /// One source of targets, and what it needs.
  void check_target_set(const TomlEntry& table, TargetSet& set) const {
    const std::string section = "[targets." + set.name + "]";
    const int sources = int(!set.urls.empty()) + int(!set.query.empty()) + int(!set.schemas_query.empty());
    if (sources != 1)
      fail(table, section + (sources == 0 ? " names no targets" : " names its targets in more than one way"),
           "give exactly one of `urls = [...]`, `query` (with `control_url`) or `schemas_query`");
    if (!set.query.empty() && set.control_url.empty())
      fail(table, section + ": `query` needs `control_url`, the database it runs on");
    if (!set.urls.empty() && !set.control_url.empty())
      fail(table, section + ": `control_url` goes with `query` or `schemas_query`, not with `urls`");
    const bool per_schema = !set.schemas_query.empty();
    if (per_schema && !set.version_table_schema) set.version_table_schema = "{schema}";
    const bool placeholder = set.version_table_schema && set.version_table_schema->find("{schema}") != std::string::npos;
    if (per_schema && !placeholder)
      fail(table, section + ": with `schemas_query`, `version_table_schema` must contain {schema}",
           "otherwise every tenant would share one version table; remove the key for the default \"{schema}\"");
    if (!per_schema && placeholder)
      fail(table, section + ": {schema} in `version_table_schema` goes with `schemas_query`",
           "a target from `urls` or `query` is a whole database; name a fixed schema or remove the key");
  }

  void read_database(const TomlEntry& e) { m_database = read_url_table(e, "database"); }

  void read_environments(const TomlEntry& e) {
    if (e.value.type != TomlValue::Type::table) fail(e, "`environments` must be a table of [environments.NAME] sections",
                                                          "write `[environments.production]` and `url = \"...\"` below it");
    for (const auto& env : e.value.entries) {
      m_environments[env.key] = read_url_table(env, "environments." + env.key);
    }
  }

  DatabaseUrl from_file(const Url& url) const {
    return DatabaseUrl::from_file(url.value, where(url.line), m_file.parent_path());
  }

  void select_url(Config& c) const {
    if (m_overrides.env) {
      c.environment = *m_overrides.env;
      if (m_environments.find(c.environment) == m_environments.end()) {
        throw Error(ErrorKind::config, "Unknown environment '" + c.environment + "' in " + m_file.string(),
                    c.environments.empty()
                        ? "the file defines no [environments.NAME] section"
                        : "known environments: " + util::join(c.environments, ", "));
      }
    }
    if (m_overrides.url && !m_overrides.url->empty()) {
      c.database_url = *m_overrides.url;
      c.database_url_source = "--url";
    } else if (auto v = getenv_nonempty("MIGRATE_DATABASE_URL")) {
      c.database_url = *v;
      c.database_url_source = "$MIGRATE_DATABASE_URL";
    } else if (auto d = getenv_nonempty("DATABASE_URL")) {
      c.database_url = *d;
      c.database_url_source = "$DATABASE_URL";
    } else if (m_overrides.env && m_environments.at(c.environment).url) {
      const Url& url = *m_environments.at(c.environment).url;
      c.database_url = from_file(url);
      c.database_url_source = "[environments." + c.environment + "] in " + where(url.line);
    } else if (m_database.url) {
      c.database_url = from_file(*m_database.url);
      c.database_url_source = "[database] in " + where(m_database.url->line);
    }
    select_scratch_url(c);
  }

  /// The selected environment's scratch_url, else [database]'s.
  void select_scratch_url(Config& c) const {
    const auto env = m_overrides.env ? m_environments.find(c.environment) : m_environments.end();
    if (env != m_environments.end() && env->second.scratch_url) c.scratch_url = from_file(*env->second.scratch_url);
    else if (m_database.scratch_url) c.scratch_url = from_file(*m_database.scratch_url);
  }

  fs::path m_file;
  const Overrides& m_overrides;
  Environment m_database;  ///< the [database] table
  std::map<std::string, Environment> m_environments;
};

std::string rewrite_sqlite_path(const std::string& url, const fs::path& dir) {
  constexpr std::string_view prefix = "sqlite:///";
  if (!url.starts_with(prefix)) return url;
  std::string rest = url.substr(prefix.size());
  std::string query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q);
    rest.resize(q);
  }
  if (rest.empty() || rest[0] == '/' || rest == ":memory:") return url;
  return std::string("sqlite:///") + (dir / rest).lexically_normal().string() + query;
}

/// expand_env, or with `resolve` false only its syntax checks (no variable is read).
std::string expand(const std::string& text, const std::string& where, bool resolve);

fs::path find_config_file(const Overrides& overrides, std::string& how) {
  if (overrides.config_file) {
    how = "-c";
    return *overrides.config_file;
  }
  if (auto v = getenv_nonempty("MIGRATE_CONFIG")) {
    how = "$MIGRATE_CONFIG";
    return *v;
  }
  how = "";
  return "migrate.toml";
}

}  // namespace

Config load(const Overrides& overrides) {
  std::string how;
  const fs::path given = find_config_file(overrides, how);
  const fs::path file = fs::absolute(given).lexically_normal();
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    const std::string from = how.empty() ? "" : " (from " + how + ")";
    throw Error(ErrorKind::config, "No configuration file " + given.string() + from,
                "run `migrate init DIR` to create one, or pass -c/--config FILE");
  }
  if (fs::is_directory(file, ec)) {
    throw Error(ErrorKind::config, "Configuration path " + given.string() + " is a folder, not a file",
                "pass the migrate.toml inside it with -c");
  }
  return load_from_string(util::read_file(file, ErrorKind::config), file, overrides);
}

Config load_from_string(const std::string& text, const fs::path& file, const Overrides& overrides) {
  return Reader(file, overrides).read(text);
}

DatabaseUrl::DatabaseUrl(std::string url) : m_text(std::move(url)) {}

DatabaseUrl DatabaseUrl::from_file(std::string text, std::string where, fs::path dir) {
  // A malformed `${` does not depend on the environment: report it when the file is read.
  expand(text, where, false);
  DatabaseUrl url(std::move(text));
  url.m_where = std::move(where);
  url.m_dir = std::move(dir);
  return url;
}

const std::string& DatabaseUrl::value() const {
  if (!m_value) m_value = m_where.empty() ? m_text : rewrite_sqlite_path(expand_env(m_text, m_where), m_dir);
  return *m_value;
}

std::string expand_env(const std::string& text, const std::string& where) { return expand(text, where, true); }

namespace {

std::string expand(const std::string& text, const std::string& where, bool resolve) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t open = text.find("${", pos);
    if (open == std::string::npos) {
      out.append(text, pos, std::string::npos);
      return out;
    }
    out.append(text, pos, open - pos);
    const std::size_t close = text.find('}', open + 2);
    if (close == std::string::npos) {
      throw Error(ErrorKind::config, where + ": unclosed \"${\" in \"" + redact_url(text) + "\"",
                  "write ${NAME} to use the environment variable NAME");
    }
    const std::string name = text.substr(open + 2, close - open - 2);
    const bool valid = !name.empty() && !(name[0] >= '0' && name[0] <= '9') &&
                       std::all_of(name.begin(), name.end(), [](char ch) {
                         return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                                ch == '_';
                       });
    // The text is a URL: what sits between the braces may be part of its password.
    if (!valid) {
      throw Error(ErrorKind::config, backend::Redactor(text).text(where + ": bad variable name \"${" + name + "}\""),
                  "names are letters, digits and _, not starting with a digit");
    }
    if (!resolve) {
      pos = close + 1;
      continue;
    }
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      backend::Redactor secrets(text);
      throw Error(ErrorKind::config, secrets.text(where + ": environment variable " + name + " is not set"),
                  secrets.text("export " + name + "=... , or pass the URL with --url or $MIGRATE_DATABASE_URL"));
    }
    out += value;
    pos = close + 1;
  }
}

}  // namespace

std::string redact_url(const std::string& url) { return backend::redact_url(url); }

}  // namespace migrate::config

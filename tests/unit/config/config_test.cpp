#include "config/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>

#include "core/error.hpp"
#include "support/temp_dir.hpp"

namespace migrate::config {
namespace {

namespace fs = std::filesystem;

// Sets (or unsets, with nullopt) an environment variable for one test.
class EnvVar {
 public:
  EnvVar(const char* name, std::optional<std::string> value) : m_name(name) {
    if (const char* old = std::getenv(name)) m_old = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~EnvVar() {
    if (m_old) {
      ::setenv(m_name, m_old->c_str(), 1);
    } else {
      ::unsetenv(m_name);
    }
  }

 private:
  const char* m_name;
  std::optional<std::string> m_old;
};

// Clears the URL variables so the machine's environment cannot leak into a test.
struct CleanUrlEnv {
  EnvVar migrate_url{"MIGRATE_DATABASE_URL", std::nullopt};
  EnvVar database_url{"DATABASE_URL", std::nullopt};
  EnvVar migrate_config{"MIGRATE_CONFIG", std::nullopt};
};

Config load_text(const std::string& text, Overrides o = {}) {
  return load_from_string(text, "/proj/migrate.toml", o);
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// The message of the config error loading `text` raises ("" when it loads).
std::string error_of(const std::string& text, Overrides o = {}) {
  try {
    load_text(text, o);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
    return e.what();
  }
  return "";
}

TEST(ConfigTest, MinimalFileGetsDefaults) {
  CleanUrlEnv env;
  auto c = load_text("script_location = \"migrations\"\n");
  EXPECT_EQ(c.file, "/proj/migrate.toml");
  EXPECT_EQ(c.script_location, "/proj/migrations");
  EXPECT_EQ(c.version_locations, (std::vector<fs::path>{"/proj/migrations/versions"}));
  EXPECT_FALSE(c.recursive_version_locations);
  EXPECT_EQ(c.file_template, "{rev}_{slug}");
  EXPECT_EQ(c.truncate_slug_length, 40);
  EXPECT_EQ(c.timezone, "UTC");
  EXPECT_EQ(c.version_table, "migrate_version");
  EXPECT_EQ(c.version_table_schema, "");
  EXPECT_TRUE(c.transaction_per_migration);
  EXPECT_EQ(c.database_url, "");
  EXPECT_EQ(c.database_url_source, "");
  EXPECT_FALSE(c.lock_timeout);
}

TEST(ConfigTest, ReadsEveryKey) {
  CleanUrlEnv env;
  auto c = load_text(
      "script_location = \"db\"\n"
      "version_locations = [\"db/versions\", \"/abs/more\", \"../shared\"]\n"
      "recursive_version_locations = true\n"
      "file_template = \"{year}_{month}_{day}-{rev}_{slug}\"\n"
      "truncate_slug_length = 20\n"
      "timezone = \"Europe/Paris\"\n"
      "version_table = \"alembic_version\"\n"
      "version_table_schema = \"meta\"\n"
      "transaction_per_migration = false\n"
      "lock_timeout = \"5s\"\n"
      "statement_timeout = 60000\n"
      "[database]\nurl = \"postgresql://u@h/db\"\n");
  EXPECT_EQ(c.script_location, "/proj/db");
  EXPECT_EQ(c.version_locations, (std::vector<fs::path>{"/proj/db/versions", "/abs/more", "/shared"}));
  EXPECT_TRUE(c.recursive_version_locations);
  EXPECT_EQ(c.file_template, "{year}_{month}_{day}-{rev}_{slug}");
  EXPECT_EQ(c.truncate_slug_length, 20);
  EXPECT_EQ(c.timezone, "Europe/Paris");
  EXPECT_EQ(c.version_table, "alembic_version");
  EXPECT_EQ(c.version_table_schema, "meta");
  EXPECT_FALSE(c.transaction_per_migration);
  EXPECT_EQ(c.lock_timeout, "5s");
  EXPECT_EQ(c.statement_timeout, "60000ms");
  EXPECT_EQ(c.database_url, "postgresql://u@h/db");
  EXPECT_EQ(c.database_url_source, "[database] in /proj/migrate.toml:13");
}

TEST(ConfigTest, VersionLocationsAsStringOrEmptyArray) {
  CleanUrlEnv env;
  EXPECT_EQ(load_text("script_location = \"m\"\nversion_locations = \"v\"\n").version_locations,
            (std::vector<fs::path>{"/proj/v"}));
  EXPECT_EQ(load_text("script_location = \"m\"\nversion_locations = []\n").version_locations,
            (std::vector<fs::path>{"/proj/m/versions"}));
  EXPECT_NE(error_of("script_location = \"m\"\nversion_locations = [1]\n").find("migrate.toml:2:"), std::string::npos);
}

TEST(ConfigTest, EveryErrorSaysWhatToDo) {
  CleanUrlEnv env;
  const std::vector<std::string> bad = {
      "",
      "script_location = \"\"\n",
      "script_location = 1\n",
      "script_location = \"m\"\nx = 1\n",
      "script_location = \"m\"\nversion_table = \"\"\n",
      "script_location = \"m\"\nfile_template = \"\"\n",
      "script_location = \"m\"\nfile_template = \"{x}\"\n",
      "script_location = \"m\"\ntruncate_slug_length = -1\n",
      "script_location = \"m\"\nenvironments = 1\n",
      "script_location = \"m\"\n[database]\nurl = \"${\"\n",
      "script_location = \"m\"\n[database\n",
  };
  for (const auto& text : bad) {
    try {
      load_text(text);
      ADD_FAILURE() << "no error for: " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::config) << text;
      EXPECT_FALSE(e.hint().empty()) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind("/proj/migrate.toml", 0), 0u) << e.what();
    }
  }
}

TEST(ConfigTest, ZeroSlugLengthMeansDefault) {
  CleanUrlEnv env;
  EXPECT_EQ(load_text("script_location = \"m\"\ntruncate_slug_length = 0\n").truncate_slug_length, 40);
}

TEST(ConfigTest, MissingScriptLocation) {
  CleanUrlEnv env;
  EXPECT_EQ(error_of("[database]\nurl = \"sqlite:///a.db\"\n"), "/proj/migrate.toml: no `script_location` key");
}

TEST(ConfigTest, UnknownKeyNamesFileAndLine) {
  CleanUrlEnv env;
  EXPECT_EQ(error_of("script_location = \"m\"\n\nscript_locaton = \"x\"\n"),
            "/proj/migrate.toml:3: unknown key `script_locaton`");
  EXPECT_EQ(error_of("script_location = \"m\"\n[database]\nurl = \"sqlite:///a\"\nuser = \"x\"\n"),
            "/proj/migrate.toml:4: unknown key `user` in [database]");
  EXPECT_EQ(error_of("script_location = \"m\"\n[environments.prod]\nurl = \"x\"\nhost = \"y\"\n"),
            "/proj/migrate.toml:4: unknown key `host` in [environments.prod]");
}

TEST(ConfigTest, WrongTypesNameTheLine) {
  CleanUrlEnv env;
  EXPECT_EQ(error_of("script_location = 3\n"), "/proj/migrate.toml:1: `script_location` must be a string, not a integer");
  EXPECT_NE(error_of("script_location = \"m\"\nrecursive_version_locations = \"yes\"\n").find("migrate.toml:2:"),
            std::string::npos);
  EXPECT_NE(error_of("script_location = \"m\"\ntruncate_slug_length = \"40\"\n").find("migrate.toml:2:"),
            std::string::npos);
  EXPECT_NE(error_of("script_location = \"m\"\nlock_timeout = \"fast\"\n").find("migrate.toml:2:"), std::string::npos);
  EXPECT_NE(error_of("script_location = \"m\"\ndatabase = \"x\"\n").find("migrate.toml:2:"), std::string::npos);
}

TEST(ConfigTest, BadTomlNamesLine) {
  CleanUrlEnv env;
  EXPECT_NE(error_of("script_location = \"m\"\nversion_table = \n").find("/proj/migrate.toml:2: bad TOML"),
            std::string::npos);
}

TEST(ConfigTest, UnknownFileTemplateToken) {
  CleanUrlEnv env;
  EXPECT_EQ(error_of("script_location = \"m\"\nfile_template = \"{rev}_{name}\"\n"),
            "/proj/migrate.toml:2: unknown token `{name}` in `file_template`");
}

TEST(ConfigTest, UrlPrecedence) {
  CleanUrlEnv clean;
  const std::string text =
      "script_location = \"m\"\n[database]\nurl = \"postgresql://db/base\"\n"
      "[environments.prod]\nurl = \"postgresql://db/prod\"\n";
  EXPECT_EQ(load_text(text).database_url, "postgresql://db/base");
  Overrides env_only;
  env_only.env = "prod";
  EXPECT_EQ(load_text(text, env_only).database_url, "postgresql://db/prod");
  EXPECT_EQ(load_text(text, env_only).environment, "prod");
  {
    EnvVar d("DATABASE_URL", "postgresql://db/from_database_url");
    EXPECT_EQ(load_text(text, env_only).database_url, "postgresql://db/from_database_url");
    EnvVar m("MIGRATE_DATABASE_URL", "postgresql://db/from_migrate");
    EXPECT_EQ(load_text(text, env_only).database_url, "postgresql://db/from_migrate");
    EXPECT_EQ(load_text(text, env_only).database_url_source, "$MIGRATE_DATABASE_URL");
    Overrides with_url = env_only;
    with_url.url = "sqlite:///cli.db";
    EXPECT_EQ(load_text(text, with_url).database_url, "sqlite:///cli.db");
    EXPECT_EQ(load_text(text, with_url).database_url_source, "--url");
  }
}

TEST(ConfigTest, EmptyEnvironmentVariableCountsAsUnset) {
  CleanUrlEnv clean;
  EnvVar d("DATABASE_URL", "");
  EXPECT_EQ(load_text("script_location = \"m\"\n[database]\nurl = \"postgresql://x/y\"\n").database_url,
            "postgresql://x/y");
}

TEST(ConfigTest, EnvironmentWithoutUrlFallsBackToDatabase) {
  CleanUrlEnv clean;
  Overrides o;
  o.env = "test";
  EXPECT_EQ(load_text("script_location = \"m\"\n[database]\nurl = \"postgresql://x/y\"\n[environments.test]\n", o)
                .database_url,
            "postgresql://x/y");
}

TEST(ConfigTest, UnknownEnvironmentListsKnownOnes) {
  CleanUrlEnv clean;
  Overrides o;
  o.env = "staging";
  try {
    load_text("script_location = \"m\"\n[environments.prod]\nurl = \"a\"\n[environments.dev]\nurl = \"b\"\n", o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(std::string(e.what()), "Unknown environment 'staging' in /proj/migrate.toml");
    EXPECT_EQ(e.hint(), "known environments: dev, prod");
  }
  EnvVar m("MIGRATE_DATABASE_URL", "sqlite:///x.db");
  EXPECT_NE(error_of("script_location = \"m\"\n", o).find("Unknown environment 'staging'"), std::string::npos);
}

TEST(ConfigTest, ExpandsVariablesInFileUrls) {
  CleanUrlEnv clean;
  EnvVar host("MIGRATE_TEST_HOST", "db.example");
  EnvVar pass("MIGRATE_TEST_PASS", "s3cret");
  auto c = load_text(
      "script_location = \"m\"\n[database]\nurl = \"postgresql://app:${MIGRATE_TEST_PASS}@${MIGRATE_TEST_HOST}/x\"\n");
  EXPECT_EQ(c.database_url, "postgresql://app:s3cret@db.example/x");
}

TEST(ConfigTest, UnsetVariableNamesItAndTheLineWhenTheUrlIsUsed) {
  CleanUrlEnv clean;
  EnvVar unset("MIGRATE_TEST_UNSET", std::nullopt);
  // Loading needs no variable: history, heads, revision and show never use the URL.
  auto c = load_text("script_location = \"m\"\n[database]\nurl = \"${MIGRATE_TEST_UNSET}\"\n");
  EXPECT_FALSE(c.database_url.empty());
  EXPECT_EQ(c.database_url.text(), "${MIGRATE_TEST_UNSET}");
  try {
    (void)c.database_url.value();
    ADD_FAILURE() << "an unset variable expanded";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(std::string(e.what()), "/proj/migrate.toml:3: environment variable MIGRATE_TEST_UNSET is not set");
    EXPECT_FALSE(e.hint().empty());
  }
}

TEST(ConfigTest, VariableIsReadWhenTheUrlIsFirstUsed) {
  CleanUrlEnv clean;
  EnvVar late("MIGRATE_TEST_LATE", std::nullopt);
  auto c = load_text("script_location = \"m\"\n[database]\nurl = \"sqlite:///${MIGRATE_TEST_LATE}.db\"\n");
  EnvVar set("MIGRATE_TEST_LATE", "data/app");
  // Expanded then, and the relative SQLite path anchored at the file's folder as before.
  EXPECT_EQ(c.database_url, "sqlite:////proj/data/app.db");
  const std::string& as_string = c.database_url;
  EXPECT_EQ(as_string, "sqlite:////proj/data/app.db");
}

TEST(ConfigTest, MalformedVariableIsReportedWhenTheFileIsRead) {
  CleanUrlEnv clean;
  EXPECT_EQ(error_of("script_location = \"m\"\n[database]\nurl = \"postgresql://${BAD-NAME}/x\"\n"),
            "/proj/migrate.toml:3: bad variable name \"${BAD-NAME}\"");
  EXPECT_NE(error_of("script_location = \"m\"\n[database]\nurl = \"postgresql://${HOST\"\n"), "");
}

TEST(ConfigTest, ForeignKeyCheckIsOnUnlessTurnedOff) {
  CleanUrlEnv clean;
  EXPECT_TRUE(load_text("script_location = \"m\"\n").foreign_key_check);
  EXPECT_FALSE(load_text("script_location = \"m\"\nforeign_key_check = false\n").foreign_key_check);
  EXPECT_NE(error_of("script_location = \"m\"\nforeign_key_check = \"no\"\n").find("`foreign_key_check` must be true or false"),
            std::string::npos);
}

TEST(ConfigTest, SchemaKeysHaveTheirDefaultsAndTypes) {
  CleanUrlEnv clean;
  auto defaults = load_text("script_location = \"m\"\n");
  EXPECT_TRUE(defaults.schemas.empty());
  EXPECT_FALSE(defaults.check_drift);
  EXPECT_TRUE(defaults.dump_after_upgrade.empty());
  auto c = load_text(
      "script_location = \"m\"\nschemas = [\"app\", \"billing\"]\ncheck_drift = true\n"
      "dump_after_upgrade = \"db/schema.sql\"\n");
  EXPECT_EQ(c.schemas, (std::vector<std::string>{"app", "billing"}));
  EXPECT_TRUE(c.check_drift);
  EXPECT_EQ(c.dump_after_upgrade, std::filesystem::path("/proj/db/schema.sql"));  // the file's folder anchors it
  EXPECT_NE(error_of("script_location = \"m\"\ncheck_drift = \"yes\"\n").find("`check_drift` must be true or false"),
            std::string::npos);
  EXPECT_NE(error_of("script_location = \"m\"\ndump_after_upgrade = \"\"\n").find("`dump_after_upgrade` is empty"),
            std::string::npos);
  EXPECT_EQ(load_text("script_location = \"m\"\nschemas = \"app\"\n").schemas, std::vector<std::string>{"app"});
  EXPECT_NE(error_of("script_location = \"m\"\nschemas = 5\n").find("/proj/migrate.toml:2"), std::string::npos);
}

TEST(ConfigTest, UnusedEnvironmentIsNotExpanded) {
  CleanUrlEnv clean;
  EnvVar unset("MIGRATE_TEST_UNSET", std::nullopt);
  auto c = load_text(
      "script_location = \"m\"\n[database]\nurl = \"sqlite:///:memory:\"\n"
      "[environments.prod]\nurl = \"${MIGRATE_TEST_UNSET}\"\n");
  EXPECT_EQ(c.database_url, "sqlite:///:memory:");
  EXPECT_EQ(c.environments, (std::vector<std::string>{"prod"}));
}

TEST(ConfigTest, RelativeSqliteUrlFromFileIsAnchoredAtItsFolder) {
  CleanUrlEnv clean;
  EXPECT_EQ(load_text("script_location = \"m\"\n[database]\nurl = \"sqlite:///app.db\"\n").database_url,
            "sqlite:////proj/app.db");
  EXPECT_EQ(load_text("script_location = \"m\"\n[database]\nurl = \"sqlite:///../data/app.db?mode=rwc\"\n").database_url,
            "sqlite:////data/app.db?mode=rwc");
  EXPECT_EQ(load_text("script_location = \"m\"\n[database]\nurl = \"sqlite:////abs/app.db\"\n").database_url,
            "sqlite:////abs/app.db");
  EXPECT_EQ(load_text("script_location = \"m\"\n[database]\nurl = \"sqlite:///:memory:\"\n").database_url,
            "sqlite:///:memory:");
}

TEST(ConfigTest, RelativeSqliteUrlFromCommandLineStaysRelative) {
  CleanUrlEnv clean;
  Overrides o;
  o.url = "sqlite:///app.db";
  EXPECT_EQ(load_text("script_location = \"m\"\n", o).database_url, "sqlite:///app.db");
  EnvVar d("DATABASE_URL", "sqlite:///env.db");
  EXPECT_EQ(load_text("script_location = \"m\"\n").database_url, "sqlite:///env.db");
}

TEST(ConfigTest, XArgsAreKept) {
  CleanUrlEnv clean;
  Overrides o;
  o.x_args = {{"tenant", "acme"}};
  EXPECT_EQ(load_text("script_location = \"m\"\n", o).x_args.at("tenant"), "acme");
}

TEST(ConfigTest, LoadFindsFileThroughOptionEnvAndWorkingDirectory) {
  CleanUrlEnv clean;
  test::TempDir dir;
  auto a = dir.write("a/migrate.toml", "script_location = \"ma\"\n");
  auto b = dir.write("b/custom.toml", "script_location = \"mb\"\n");
  dir.write("c/migrate.toml", "script_location = \"mc\"\n");
  Overrides o;
  o.config_file = a;
  EXPECT_EQ(load(o).script_location, dir.path() / "a" / "ma");
  {
    EnvVar cfg("MIGRATE_CONFIG", b.string());
    EXPECT_EQ(load({}).script_location, dir.path() / "b" / "mb");
    EXPECT_EQ(load(o).script_location, dir.path() / "a" / "ma");  // -c wins
  }
  const auto cwd = fs::current_path();
  fs::current_path(dir.path() / "c");
  auto c = load({});
  fs::current_path(cwd);
  EXPECT_EQ(c.script_location, dir.path() / "c" / "mc");
  EXPECT_EQ(c.file, dir.path() / "c" / "migrate.toml");
}

TEST(ConfigTest, MissingFileSuggestsInit) {
  CleanUrlEnv clean;
  test::TempDir dir;
  Overrides o;
  o.config_file = dir.path() / "nope.toml";
  try {
    load(o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_NE(std::string(e.what()).find("nope.toml"), std::string::npos);
    EXPECT_NE(e.hint().find("migrate init"), std::string::npos);
    EXPECT_NE(e.hint().find("-c"), std::string::npos);
  }
}

TEST(ConfigTest, ExpandEnvLeavesPlainDollarsAlone) {
  EnvVar v("MIGRATE_TEST_V", "x");
  EXPECT_EQ(expand_env("a$b${MIGRATE_TEST_V}$", "f:1"), "a$bx$");
  EXPECT_THROW(expand_env("${MIGRATE_TEST_V", "f:1"), Error);
  EXPECT_THROW(expand_env("${1X}", "f:1"), Error);
}

TEST(ConfigTest, TargetSetsKeepTheirSourceAndVersionTableSchema) {
  CleanUrlEnv clean;
  EnvVar t2("MIGRATE_TEST_T2", "postgresql://app@db2/t2");
  auto c = load_text(
      "script_location = \"m\"\n"
      "[targets.dbs]\nurls = [\"postgresql://app@db1/t1\", \"${MIGRATE_TEST_T2}\"]\n"
      "[targets.found]\nquery = \"SELECT url FROM tenants\"\ncontrol_url = \"postgresql://ctl/c\"\n"
      "[targets.tenants]\nschemas_query = \"SELECT s FROM t\"\n");
  ASSERT_EQ(c.targets.size(), 3u);
  const auto& dbs = c.targets.at("dbs");
  ASSERT_EQ(dbs.urls.size(), 2u);
  EXPECT_EQ(dbs.urls[1].value(), "postgresql://app@db2/t2");
  EXPECT_FALSE(dbs.version_table_schema);
  EXPECT_EQ(c.targets.at("found").control_url.value(), "postgresql://ctl/c");
  const auto& tenants = c.targets.at("tenants");
  EXPECT_EQ(tenants.schemas_query, "SELECT s FROM t");
  EXPECT_EQ(tenants.version_table_schema, std::optional<std::string>("{schema}"));  // the default
  EXPECT_TRUE(contains(tenants.where, "migrate.toml:"));
}

TEST(ConfigTest, TargetSetsMustNameTheirTargetsOneWay) {
  CleanUrlEnv clean;
  const std::string head = "script_location = \"m\"\n[targets.x]\n";
  EXPECT_TRUE(contains(error_of(head + "version_table_schema = \"s\"\n"), "names no targets"));
  EXPECT_TRUE(contains(error_of(head + "urls = [\"sqlite:///a.db\"]\nschemas_query = \"SELECT 1\"\n"),
                       "more than one way"));
  EXPECT_TRUE(contains(error_of(head + "query = \"SELECT u FROM t\"\n"), "`query` needs `control_url`"));
  EXPECT_TRUE(contains(error_of(head + "urls = []\n"), "`urls` in [targets.x] is empty"));
  EXPECT_TRUE(contains(error_of(head + "urls = [\"sqlite:///a.db\"]\ncontrol_url = \"sqlite:///c.db\"\n"),
                       "`control_url` goes with"));
  EXPECT_TRUE(contains(error_of(head + "schemas_query = \"SELECT 1\"\nversion_table_schema = \"shared\"\n"),
                       "must contain {schema}"));
  EXPECT_TRUE(contains(error_of(head + "urls = [\"sqlite:///a.db\"]\nversion_table_schema = \"{schema}\"\n"),
                       "goes with `schemas_query`"));
  EXPECT_TRUE(contains(error_of(head + "url = \"sqlite:///a.db\"\n"), "unknown key `url` in [targets.x]"));
  EXPECT_TRUE(contains(error_of("script_location = \"m\"\ntargets = 3\n"), "[targets.NAME] sections"));
}

TEST(ConfigTest, LockIsAdvisoryOrALeaseOfAtLeastASecond) {
  CleanUrlEnv clean;
  auto defaults = load_text("script_location = \"m\"\n");
  EXPECT_EQ(defaults.lock, "") << "unset: the engine decides";
  EXPECT_EQ(defaults.engine, "") << "unset: probed at connect";
  EXPECT_EQ(defaults.lock_lease, std::chrono::milliseconds(30000));
  auto lease = load_text("script_location = \"m\"\nlock = \"table\"\nlock_lease = \"2min\"\n");
  EXPECT_EQ(lease.lock, "table");
  EXPECT_EQ(lease.lock_lease, std::chrono::milliseconds(120000));
  EXPECT_EQ(load_text("script_location = \"m\"\nlock_lease = 5000\n").lock_lease, std::chrono::milliseconds(5000));
  EXPECT_TRUE(contains(error_of("script_location = \"m\"\nlock = \"row\"\n"), "`lock` must be \"advisory\" or \"table\""));
  EXPECT_TRUE(contains(error_of("script_location = \"m\"\nlock_lease = \"500ms\"\n"), "at least 1s"));
  EXPECT_TRUE(contains(error_of("script_location = \"m\"\nlock_lease = \"soon\"\n"), "not a duration"));
  EXPECT_EQ(load_text("script_location = \"m\"\nengine = \"cockroachdb\"\n").engine, "cockroachdb");
  EXPECT_TRUE(contains(error_of("script_location = \"m\"\nengine = \"sqlite\"\n"), "`engine` must be"));
  EXPECT_TRUE(contains(error_of("script_location = \"m\"\nengine = \"mysql\"\n"), "`engine` must be"));
}

TEST(RedactTest, HidesUserinfoPassword) {
  EXPECT_EQ(redact_url("postgresql://user:secret@host:5432/db"), "postgresql://user:***@host:5432/db");
  EXPECT_EQ(redact_url("postgres://user:p@ss@host/db"), "postgres://user:***@host/db");
  EXPECT_EQ(redact_url("postgresql://user@host/db"), "postgresql://user@host/db");
  EXPECT_EQ(redact_url("postgresql://host/db"), "postgresql://host/db");
  EXPECT_EQ(redact_url("sqlite:///app.db"), "sqlite:///app.db");
}

TEST(RedactTest, HidesPasswordParameter) {
  EXPECT_EQ(redact_url("postgresql://host/db?user=a&password=secret&sslmode=require"),
            "postgresql://host/db?user=a&password=***&sslmode=require");
  EXPECT_EQ(redact_url("postgresql://u:x@host/db?PASSWORD=y"), "postgresql://u:***@host/db?PASSWORD=***");
  EXPECT_EQ(redact_url("host=h password=secret dbname=d"), "host=h password=*** dbname=d");
  EXPECT_EQ(redact_url("postgresql://host/db?old_password=x"), "postgresql://host/db?old_password=x");
}

}  // namespace
}  // namespace migrate::config

#pragma once
// A temporary project folder with migrate.toml and helpers to write revisions, run the
// built `migrate` binary in it, and inspect the resulting database through the project's
// own backend layer. The same tests build twice: against SQLite files (migrate_cli_tests)
// and, with MIGRATE_CLI_POSTGRES defined, against a fresh database per test on the server
// named by MIGRATE_TEST_POSTGRES_URL (migrate_cli_postgres_tests).

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <chrono>
#include <thread>

#include "backend/backend.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace migrate::test {

struct RevisionText {
  std::string id;
  std::string down = "";  // TOML value text, e.g. "\"a\"" or "[\"a\", \"b\"]"
  std::string up;
  std::string down_sql;
  std::string extra_header;  // additional header lines, each "-- key = value\n"
};

#ifdef MIGRATE_CLI_POSTGRES
constexpr bool k_postgres = true;
#else
constexpr bool k_postgres = false;
#endif

/// True when `needle` occurs in `haystack`.
inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// The scratch database a command names (in its output, or with -v on stderr):
/// `migrate_scratch_<pid>_<hex>`, without a SQLite file's folder and suffix; "" when none.
inline std::string scratch_name(const std::string& text) {
  auto at = text.find("migrate_scratch_");
  if (at == std::string::npos) return "";
  auto end = text.find_first_of(" .\n\"", at);
  return text.substr(at, end - at);
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (k_postgres) create_postgres_database();
    write_config("");
  }

  void TearDown() override {
    if (k_postgres && !m_database.empty()) {
      auto admin = backend::open(m_admin_url);
      admin->execute("DROP DATABASE IF EXISTS \"" + m_database + "\" WITH (FORCE)");
    }
  }

  /// The database URL the project uses.
  std::string url() const { return k_postgres ? m_url : "sqlite:///app.db"; }

  /// Writes migrate.toml pointing at this test's database, plus `extra` top-level lines.
  void write_config(const std::string& extra) {
    m_dir.write("migrate.toml", "script_location = \"migrations\"\n" + extra + "\n[database]\nurl = \"" + url() +
                                    "\"\n");
    std::filesystem::create_directories(m_dir.path() / "migrations" / "versions");
  }

  /// Writes migrations/versions/<file> with a standard header.
  std::filesystem::path write_revision(const std::string& file, const RevisionText& r) {
    std::string text = "-- migrate:revision\n-- revision = \"" + r.id + "\"\n-- down_revision = " +
                       (r.down.empty() ? "\"\"" : r.down) + "\n-- message = \"revision " + r.id + "\"\n" +
                       r.extra_header + "\n-- migrate:upgrade\n" + r.up + "\n\n-- migrate:downgrade\n" + r.down_sql +
                       "\n";
    return m_dir.write("migrations/versions/" + file, text);
  }

  ProcessResult migrate(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
    return run_process(migrate_argv(args), m_dir.path(), migrate_env(env));
  }

  /// Starts `migrate args` in the background; wait_process() collects it.
  BackgroundProcess start_migrate(const std::vector<std::string>& args,
                                  const std::map<std::string, std::string>& env = {}) {
    return start_process(migrate_argv(args), m_dir.path(), m_dir.path(), migrate_env(env));
  }

  /// A fresh connection to this test's database (SQLite: the file in the project folder).
  std::unique_ptr<backend::Backend> connect() const {
    return backend::open(k_postgres ? m_url : "sqlite:///" + (m_dir.path() / "app.db").string());
  }

  /// True when the database holds any table (SQLite: the file exists and has one).
  bool database_touched() const {
    if (!k_postgres && !std::filesystem::exists(m_dir.path() / "app.db")) return false;
    return !column(k_postgres ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                              : "SELECT name FROM sqlite_master WHERE type = 'table'")
                .empty();
  }

  /// Rows of a one-column query, in the order the database returns them.
  std::vector<std::string> column(const std::string& sql) const {
    std::vector<std::string> out;
    for (const auto& row : connect()->query(sql)) out.push_back(row.at(0) ? *row.at(0) : "NULL");
    return out;
  }

  void exec(const std::string& sql) const { connect()->execute(sql); }

  /// Polls `sql` (one row, one column) until it returns `expected` or `timeout` passes.
  bool wait_for(const std::string& sql, const std::string& expected, std::chrono::seconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (column(sql) == std::vector<std::string>{expected}) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  std::vector<std::string> version_rows() const { return column("SELECT version_num FROM migrate_version"); }
  bool has_table(const std::string& name) const { return connect()->catalog().table_exists("", name); }
  int column_count(const std::string& table) const {
    auto n = column(k_postgres ? "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND "
                                 "table_name = '" + table + "'"
                               : "SELECT count(*) FROM pragma_table_info('" + table + "')");
    return std::stoi(n.at(0));
  }

  /// Tables, columns and indexes outside migrate's own tables, sorted: equal snapshots mean
  /// equal schemas.
  std::vector<std::string> schema_snapshot() const {
    if (k_postgres)
      return column(
          "SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || "
          "coalesce(column_default, '') FROM information_schema.columns WHERE table_schema = 'public' AND table_name "
          "NOT LIKE 'migrate_version%' UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = "
          "'public' AND tablename NOT LIKE 'migrate_version%' ORDER BY 1");
    return column("SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE "
                  "'migrate_version%' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  }

  TempDir m_dir;

 private:
  void create_postgres_database() {
    const char* base = std::getenv("MIGRATE_TEST_POSTGRES_URL");
    if (!base || !*base) {
      const char* required = std::getenv("MIGRATE_REQUIRE_POSTGRES");
      if (required && std::string(required) == "1") FAIL() << "MIGRATE_TEST_POSTGRES_URL is not set";
      GTEST_SKIP() << "MIGRATE_TEST_POSTGRES_URL is not set (scripts/test.sh starts a server)";
    }
    static std::atomic<int> counter{0};
    m_admin_url = base;
    m_database = "cli_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    auto slash = m_admin_url.rfind('/');
    auto query = m_admin_url.find('?', slash);
    m_url = m_admin_url.substr(0, slash + 1) + m_database +
            (query == std::string::npos ? "" : m_admin_url.substr(query));
    auto admin = backend::open(m_admin_url);
    admin->execute("CREATE DATABASE \"" + m_database + "\"");
  }

  static std::vector<std::string> migrate_argv(const std::vector<std::string>& args) {
    std::vector<std::string> argv{MIGRATE_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  /// The caller's environment minus anything that would point migrate elsewhere.
  static std::map<std::string, std::string> migrate_env(const std::map<std::string, std::string>& extra) {
    std::map<std::string, std::string> env{{"MIGRATE_DATABASE_URL", "\x01unset"},
                                           {"DATABASE_URL", "\x01unset"},
                                           {"MIGRATE_CONFIG", "\x01unset"}};
    for (const auto& [k, v] : extra) env[k] = v;
    return env;
  }

  std::string m_admin_url;
  std::string m_database;
  std::string m_url;
};

/// For commands that replay on a scratch database (drift, check, test): the temporary SQLite
/// scratch files go to a folder of the test's own, so a test can see whether one is left.
class ScratchCliTest : public CliTest {
 protected:
  /// Where the temporary SQLite scratch files go (TMPDIR for the tool).
  std::filesystem::path scratch_dir() const { return m_dir.path() / "tmp"; }

  /// Runs `migrate command args...` with TMPDIR at scratch_dir().
  ProcessResult migrate_with_scratch(const std::string& command, std::vector<std::string> args) {
    std::filesystem::create_directories(scratch_dir());
    args.insert(args.begin(), command);
    return migrate(args, {{"TMPDIR", scratch_dir().string()}});
  }

  /// Waits up to 30 s until a replay on a scratch database is running its slow statement:
  /// on PostgreSQL, a scratch database's session runs pg_sleep; on SQLite, a scratch file in
  /// scratch_dir() answers `sqlite_probe` (one row, one column) with "1" (what the revisions
  /// before the slow statement committed).
  bool wait_for_slow_scratch_statement(const std::string& sqlite_probe) const {
    for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
         std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(std::chrono::milliseconds(20)))
      if (slow_scratch_statement_running(sqlite_probe)) return true;
    return false;
  }

  /// Waits (up to 30 s) until a background run has written `text` to its standard output.
  static bool wait_for_output(const BackgroundProcess& running, const std::string& text) {
    for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
         std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(std::chrono::milliseconds(20)))
      if (read_file(running.out_file).find(text) != std::string::npos) return true;
    return false;
  }

  /// True while a scratch database named `name` (from scratch_name) exists.
  bool scratch_exists(const std::string& name) const {
    if (!k_postgres) return std::filesystem::exists(scratch_dir() / (name + ".db"));
    return !column("SELECT datname FROM pg_database WHERE datname = '" + name + "'").empty();
  }

 private:
  bool slow_scratch_statement_running(const std::string& sqlite_probe) const {
    if (k_postgres)
      return !column("SELECT pid FROM pg_stat_activity WHERE datname LIKE 'migrate\\_scratch\\_%' AND query LIKE "
                     "'%pg_sleep%'")
                  .empty();
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(scratch_dir(), ec)) {
      if (entry.path().extension() != ".db") continue;
      try {
        auto scratch = backend::open("sqlite:///" + entry.path().string(), backend::OpenMode::existing_only);
        auto rows = scratch->query(sqlite_probe);
        if (!rows.empty() && rows[0][0] && *rows[0][0] == "1") return true;
      } catch (const std::exception&) {
        // not created (or not that far) yet
      }
    }
    return false;
  }
};

/// A human-readable dump of a run, for assertion messages.
inline std::string describe(const ProcessResult& r) {
  return "status " + std::to_string(r.status) + "\n--- stdout\n" + r.out + "\n--- stderr\n" + r.err;
}

}  // namespace migrate::test

#pragma once
// A temporary project folder with migrate.toml and helpers to write revisions, run the
// built `migrate` binary in it, and query the resulting SQLite database.

#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

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

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { write_config(""); }

  /// Writes migrate.toml with a database app.db in the project folder, plus `extra` lines.
  void write_config(const std::string& extra) {
    m_dir.write("migrate.toml", "script_location = \"migrations\"\n" + extra +
                                    "\n[database]\nurl = \"sqlite:///app.db\"\n");
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
    std::vector<std::string> argv{MIGRATE_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    std::map<std::string, std::string> full_env{{"MIGRATE_DATABASE_URL", "\x01unset"},
                                                {"DATABASE_URL", "\x01unset"},
                                                {"MIGRATE_CONFIG", "\x01unset"}};
    for (const auto& [k, v] : env) full_env[k] = v;
    return run_process(argv, m_dir.path(), full_env);
  }

  std::filesystem::path db_path() const { return m_dir.path() / "app.db"; }

  /// Rows of a one-column query, in the order SQLite returns them.
  std::vector<std::string> column(const std::string& sql) const {
    SQLite::Database db(db_path().string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, sql);
    std::vector<std::string> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).isNull() ? "NULL" : q.getColumn(0).getString());
    return out;
  }

  std::vector<std::string> version_rows() const { return column("SELECT version_num FROM migrate_version"); }
  bool has_table(const std::string& name) const {
    return !column("SELECT name FROM sqlite_master WHERE type='table' AND name='" + name + "'").empty();
  }

  TempDir m_dir;
};

/// A human-readable dump of a run, for assertion messages.
inline std::string describe(const ProcessResult& r) {
  return "status " + std::to_string(r.status) + "\n--- stdout\n" + r.out + "\n--- stderr\n" + r.err;
}

}  // namespace migrate::test

// End-to-end `--backup`: `upgrade`/`downgrade` take a backup before
// changing anything, say where it is and how to restore it (stderr in text, a "backup"
// object in JSON); the test then breaks the database, runs the printed restore command
// through /bin/sh, and checks that the schema and data are back as they were at the backup.
//
// Both backends: SQLite (`cp` of an online-backup copy) and PostgreSQL (`pg_dump` custom
// format, `pg_restore --clean --if-exists --create`, which re-creates the database). The
// last revision creates a table, so a restore must also remove what came after the backup.

#include <sys/stat.h>

#include <filesystem>
#include <regex>
#include <string>

#include "backend/backend.hpp"
#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

namespace fs = std::filesystem;

/// The JSON string value that follows `"key": ` at or after `from` in `json` (simple
/// escapes decoded); empty when the key is missing.
std::string json_string(const std::string& json, const std::string& key, std::size_t from = 0) {
  auto at = json.find("\"" + key + "\": \"", from);
  if (at == std::string::npos) return {};
  std::string out;
  for (auto i = at + key.size() + 5; i < json.size() && json[i] != '"'; ++i) {
    if (json[i] != '\\' || i + 1 >= json.size()) {
      out += json[i];
      continue;
    }
    char e = json[++i];
    out += e == 'n' ? '\n' : e == 't' ? '\t' : e;  // \" \\ \/ stand for themselves
  }
  return out;
}

struct BackupMessage {
  std::string path;
  std::string restore_command;
};

/// "Backup written to PATH; restore with: COMMAND" from stderr; empty fields when absent.
BackupMessage backup_message(const std::string& err) {
  static const std::regex line("Backup written to (.*); restore with: (.*)");
  std::smatch m;
  for (std::size_t begin = 0; begin < err.size();) {
    auto end = err.find('\n', begin);
    if (end == std::string::npos) end = err.size();
    std::string text = err.substr(begin, end - begin);
    if (std::regex_search(text, m, line)) return {m[1].str(), m[2].str()};
    begin = end + 1;
  }
  return {};
}

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

class BackupCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    write_revision("a_users.sql", {"aaa1", "",
                                   "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
                                   "INSERT INTO users VALUES (1, 'ann'), (2, 'bo');",
                                   "DROP TABLE users;"});
    write_revision("b_orders.sql", {"bbb2", "\"aaa1\"",
                                    "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));\n"
                                    "INSERT INTO orders VALUES (10, 1), (11, 2);",
                                    "DROP TABLE orders;"});
    write_revision("c_note.sql", {"ccc3", "\"bbb2\"", "ALTER TABLE orders ADD COLUMN note TEXT;\n"
                                                      "UPDATE orders SET note = 'first' WHERE id = 10;\n"
                                                      "CREATE TABLE order_audit (id INTEGER);",
                                  "DROP TABLE order_audit;\nALTER TABLE orders DROP COLUMN note;"});
  }

  /// Everything a restore must bring back: schema, version rows and data.
  struct State {
    std::vector<std::string> schema, versions, users, orders;
    bool operator==(const State&) const = default;
  };
  State state() const {
    bool noted = column_count("orders") == 3;
    return {schema_snapshot(), version_rows(), column("SELECT name FROM users ORDER BY id"),
            column(noted ? "SELECT id || ':' || coalesce(note, '-') FROM orders ORDER BY id"
                         : "SELECT id || '' FROM orders ORDER BY id")};
  }

  /// Breaks the database the way an operator might: the orders table is gone.
  void break_database() {
    exec("DROP TABLE orders");
    ASSERT_FALSE(has_table("orders"));
  }

  /// Runs a printed restore command through /bin/sh in the project folder.
  void restore(const std::string& command) {
    ASSERT_FALSE(command.empty()) << "no restore command";
    auto r = run_process({"/bin/sh", "-c", command}, m_dir.path());
    ASSERT_EQ(r.status, 0) << "restore command: " << command << "\n" << describe(r);
  }
};

TEST_F(BackupCliTest, UpgradeWithBackupPathCanBeRestoredFromThePrintedCommand) {
  ASSERT_EQ(migrate({"upgrade", "bbb2"}).status, 0);
  auto before = state();
  ASSERT_EQ(before.versions, std::vector<std::string>{"bbb2"});

  auto r = migrate({"upgrade", "head", "--backup", "before-ccc3.bak"});
  ASSERT_EQ(r.status, 0) << describe(r);
  auto message = backup_message(r.err);
  EXPECT_EQ(message.path, "before-ccc3.bak") << r.err;
  EXPECT_EQ(mode_of(m_dir.path() / "before-ccc3.bak"), 0600u);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"ccc3"});
  EXPECT_LT(r.err.find("Backup written to"), r.err.find("ccc3")) << "the backup comes before the change: " << r.err;

  break_database();
  restore(message.restore_command);
  EXPECT_EQ(state(), before);
  // The restored database is a working one: the upgrade runs again.
  auto again = migrate({"upgrade", "head"});
  ASSERT_EQ(again.status, 0) << describe(again);
  EXPECT_EQ(column("SELECT coalesce(note, '-') FROM orders ORDER BY id"), (std::vector<std::string>{"first", "-"}));
}

TEST_F(BackupCliTest, BackupWithoutPathGoesToTheDefaultLocationAndIntoTheJson) {
  ASSERT_EQ(migrate({"upgrade", "bbb2"}).status, 0);
  auto before = state();

  auto r = migrate({"--format", "json", "upgrade", "head", "--backup"});
  ASSERT_EQ(r.status, 0) << describe(r);
  auto at = r.out.find("\"backup\": {");
  ASSERT_NE(at, std::string::npos) << r.out;
  auto path = json_string(r.out, "path", at);
  auto command = json_string(r.out, "restore_command", at);
  // SQLite: beside the database; PostgreSQL: in the working directory, named after the database.
  std::regex expected(k_postgres ? "migrate-backup-[A-Za-z0-9_]+-[0-9]{8}T[0-9]{6}Z\\.dump"
                                 : "app\\.db\\.[0-9]{8}T[0-9]{6}Z\\.backup");
  EXPECT_TRUE(std::regex_match(fs::path(path).filename().string(), expected)) << path;
  // `m_dir / path` is `path` itself when migrate printed it absolute.
  ASSERT_TRUE(fs::exists(m_dir.path() / path)) << path;
  EXPECT_TRUE(fs::equivalent((m_dir.path() / path).parent_path(), m_dir.path())) << path;
  EXPECT_EQ(mode_of(m_dir.path() / path), 0600u);
  EXPECT_NE(command.find(fs::path(path).filename().string()), std::string::npos) << command;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "exactly one JSON document: " << r.out;

  break_database();
  restore(command);
  EXPECT_EQ(state(), before);
}

TEST_F(BackupCliTest, DowngradeWithBackupCanBeUndone) {
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto before = state();
  ASSERT_EQ(before.orders, (std::vector<std::string>{"10:first", "11:-"}));

  auto r = migrate({"downgrade", "-1", "--backup", "before-downgrade.bak"});
  ASSERT_EQ(r.status, 0) << describe(r);
  auto message = backup_message(r.err);
  EXPECT_EQ(message.path, "before-downgrade.bak") << r.err;
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
  EXPECT_EQ(column_count("orders"), 2);

  break_database();
  restore(message.restore_command);
  EXPECT_EQ(state(), before);  // the dropped column and its data are back
}

TEST_F(BackupCliTest, NothingToDoTakesNoBackup) {
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto r = migrate({"upgrade", "head", "--backup", "unneeded.bak"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_FALSE(fs::exists(m_dir.path() / "unneeded.bak"));
  EXPECT_EQ(r.err.find("Backup written"), std::string::npos) << r.err;
}

TEST_F(BackupCliTest, ExistingBackupFileIsNeverOverwrittenAndNothingChanges) {
  ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);
  m_dir.write("taken.bak", "an older backup");
  auto r = migrate({"upgrade", "head", "--backup", "taken.bak"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(m_dir.path() / "taken.bak"), "an older backup");
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
  EXPECT_FALSE(has_table("orders"));
}

TEST_F(BackupCliTest, BackupDoesNotGoWithPlanOrSql) {
  auto r = migrate({"upgrade", "head", "--plan", "--backup", "x.bak"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_FALSE(fs::exists(m_dir.path() / "x.bak"));
}

#ifdef MIGRATE_CLI_POSTGRES
TEST_F(BackupCliTest, PasswordNeverShowsInTheRestoreCommand) {
  // The test server trusts every login, so a password in the URL is accepted and unused;
  // migrate must still hand it to pg_dump only through its environment and never print it.
  const std::string secret = "Cli-Secret-4417";
  std::string with_secret = url();
  auto at = with_secret.find('@');
  ASSERT_NE(at, std::string::npos) << with_secret;
  with_secret.insert(at, ":" + secret);
  m_dir.write("migrate.toml", "script_location = \"migrations\"\n\n[database]\nurl = \"" + with_secret + "\"\n");
  ASSERT_EQ(migrate({"upgrade", "bbb2"}).status, 0);
  auto before = state();

  auto r = migrate({"--format", "json", "upgrade", "head", "--backup", "secret.dump"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
  auto command = json_string(r.out, "restore_command", r.out.find("\"backup\": {"));
  EXPECT_EQ(command.find(secret), std::string::npos) << command;
  EXPECT_EQ(command.find("***"), std::string::npos) << "the password is left out, not masked: " << command;

  break_database();
  restore(command);
  EXPECT_EQ(state(), before);
}
#endif

}  // namespace
}  // namespace migrate::test

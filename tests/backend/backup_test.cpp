// Backend::backup on both backends: the copy, its mode, the printed restore command run
// through /bin/sh, refusal of an existing destination, and (PostgreSQL) that the password
// travels only through pg_dump's environment and never shows in a command or a message.
//
// The PostgreSQL tests need MIGRATE_TEST_POSTGRES_URL (see postgres_backend_test.cpp); each
// works on a database of its own, because a dump and a `pg_restore --clean --create` cover
// the whole database, other tests' schemas included.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <string>

#include "backend/backend.hpp"
#include "backend/backup_support.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace migrate::backend {
namespace {

namespace fs = std::filesystem;

std::string scalar(Backend& db, std::string_view sql) {
  auto rows = db.query(sql);
  return rows.empty() || rows[0].empty() ? "<none>" : rows[0][0].value_or("NULL");
}

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

/// Runs `command` through /bin/sh, as a user pasting the printed command would.
test::ProcessResult run_shell(const std::string& command, const fs::path& cwd,
                              const std::map<std::string, std::string>& env = {}) {
  return test::run_process({"/bin/sh", "-c", command}, cwd, env);
}

Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return Error(ErrorKind::internal, "none");
}

TEST(BackupSupportTest, ShellQuoteSurvivesTheShell) {
  test::TempDir dir;
  for (std::string text : {"plain", "with space", "it's", "$HOME `x` \"q\" \\ ;|&", ""}) {
    auto r = run_shell("printf '%s' " + shell_quote(text), dir.path());
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, text);
  }
}

TEST(BackupSupportTest, FindExecutableSearchesPathThenTheFallbacks) {
  test::TempDir dir;
  auto in_path = dir.write("path/tool", "#!/bin/sh\n");
  auto in_fallback = dir.write("fallback/tool", "#!/bin/sh\n");
  dir.write("path/plain", "not executable");
  ::chmod(in_path.c_str(), 0755);
  ::chmod(in_fallback.c_str(), 0755);
  std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", ("/nonexistent:" + (dir.path() / "path").string()).c_str(), 1);
  EXPECT_EQ(find_executable("tool", {dir.path() / "fallback"}), in_path);
  EXPECT_TRUE(find_executable("plain", {}).empty());
  ::setenv("PATH", "/nonexistent", 1);
  EXPECT_EQ(find_executable("tool", {dir.path() / "nothing", dir.path() / "fallback"}), in_fallback);
  EXPECT_TRUE(find_executable("tool", {}).empty());
  ::setenv("PATH", old_path.c_str(), 1);
}

// --- SQLite ------------------------------------------------------------------------------

TEST(SqliteBackupTest, BackupRestoresThroughThePrintedCommand) {
  test::TempDir dir;
  auto db_path = dir.path() / "app's data.db";  // a quote and a space: the command quotes them
  auto backup_path = dir.path() / "copies" / "before upgrade.backup";
  fs::create_directories(backup_path.parent_path());
  auto db = open("sqlite:///" + db_path.string());
  db->execute_script("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, 'ann'), (2, 'bo')");

  auto result = db->backups()->backup(backup_path);
  EXPECT_EQ(result.path, backup_path);
  EXPECT_EQ(mode_of(backup_path), 0600u);
  EXPECT_EQ(result.restore_command, "cp -- " + shell_quote(backup_path.string()) + " " + shell_quote(db_path.string()));

  // Break the database, then restore with the application (this connection) stopped.
  db->execute_script("DROP TABLE users; CREATE TABLE other (x)");
  db.reset();
  auto restored = run_shell(result.restore_command, "/");
  ASSERT_EQ(restored.status, 0) << restored.err;
  db = open("sqlite:///" + db_path.string());
  EXPECT_EQ(scalar(*db, "SELECT group_concat(name, ',') FROM (SELECT name FROM users ORDER BY id)"), "ann,bo");
  EXPECT_FALSE(db->catalog().table_exists("", "other"));
}

TEST(SqliteBackupTest, RelativeBackupPathGivesAnAbsoluteRestoreCommand) {
  test::TempDir dir;
  auto old = fs::current_path();
  fs::current_path(dir.path());
  {
    auto db = open("sqlite:///rel.db");
    db->execute_script("CREATE TABLE t (x); INSERT INTO t VALUES (7)");
    auto result = db->backups()->backup("rel.backup");
    EXPECT_EQ(result.path, fs::path("rel.backup"));
    EXPECT_EQ(result.restore_command, "cp -- " + shell_quote((fs::absolute("rel.backup")).string()) + " " +
                                          shell_quote(fs::absolute("rel.db").string()));
    EXPECT_EQ(db->backups()->default_backup_path("20261121T193000Z"), fs::path("rel.db.20261121T193000Z.backup"));
  }
  fs::current_path(old);
  EXPECT_TRUE(fs::exists(dir.path() / "rel.backup"));
}

TEST(SqliteBackupTest, BackupOfAWalDatabaseIsComplete) {
  test::TempDir dir;
  auto db = open("sqlite:///" + (dir.path() / "wal.db").string());
  db->query("PRAGMA journal_mode=WAL");
  db->execute_script("CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), (3)");  // still in the -wal file
  db->backups()->backup(dir.path() / "wal.backup");
  auto copy = open("sqlite:///" + (dir.path() / "wal.backup").string());
  EXPECT_EQ(scalar(*copy, "SELECT count(*) FROM t"), "3");
}

TEST(SqliteBackupTest, ExistingDestinationIsRefusedAndKept) {
  test::TempDir dir;
  auto db = open("sqlite:///" + (dir.path() / "app.db").string());
  db->execute_script("CREATE TABLE t (x)");
  auto existing = dir.write("old.backup", "precious");
  auto e = error_of([&] { db->backups()->backup(existing); });
  EXPECT_EQ(e.kind(), ErrorKind::usage);
  EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find(existing.string()), std::string::npos) << e.what();
  EXPECT_EQ(test::read_file(existing), "precious");

  auto missing_dir = error_of([&] { db->backups()->backup(dir.path() / "no" / "such" / "dir.backup"); });
  EXPECT_EQ(missing_dir.kind(), ErrorKind::usage);
}

TEST(SqliteBackupTest, InMemoryDatabaseCannotBeBackedUp) {
  test::TempDir dir;
  auto db = open("sqlite:///:memory:");
  EXPECT_EQ(error_of([&] { db->backups()->backup(dir.path() / "m.backup"); }).kind(), ErrorKind::usage);
  EXPECT_FALSE(fs::exists(dir.path() / "m.backup"));
}

// --- PostgreSQL ----------------------------------------------------------------------------

#ifdef MIGRATE_HAVE_POSTGRES

constexpr const char* k_password = "Pw-Secret-9271";

/// `url` with its path (the database) replaced by `database`.
std::string with_database(const std::string& url, const std::string& database) {
  auto authority = url.find("://") + 3;
  auto slash = url.find('/', authority);
  auto query = url.find('?', authority);
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  std::string head = url.substr(0, std::min(slash, query));
  return head + "/" + database + tail;
}

/// `url` with `password` in its userinfo (the test server trusts every login, so libpq
/// accepts it and passes it on, which is what the redaction checks need).
std::string with_password(const std::string& url, const std::string& password) {
  auto authority = url.find("://") + 3;
  auto at = url.find('@', authority);
  auto slash = url.find('/', authority);
  if (at == std::string::npos || at > slash) return url.substr(0, authority) + "postgres:" + password + "@" + url.substr(authority);
  auto colon = url.find(':', authority);
  if (colon != std::string::npos && colon < at) return url;  // already has one
  return url.substr(0, at) + ":" + password + url.substr(at);
}

class PostgresBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* base = std::getenv("MIGRATE_TEST_POSTGRES_BASE_URL");
    if (!base || !*base) base = std::getenv("MIGRATE_TEST_POSTGRES_URL");
    if (!base || !*base) {
      const char* required = std::getenv("MIGRATE_REQUIRE_POSTGRES");
      if (required && std::string(required) == "1") FAIL() << "MIGRATE_REQUIRE_POSTGRES=1 but no server";
      GTEST_SKIP() << "MIGRATE_TEST_POSTGRES_URL is not set (scripts/test.sh starts a server)";
    }
    // Without the private-schema options: the whole database is this test's.
    std::string plain = base;
    plain = plain.substr(0, plain.find('?'));
    m_admin_url = plain;
    std::random_device random;
    m_database = "mt_backup_" + std::to_string(::getpid()) + "_" + std::to_string(random() % 100000);
    open(m_admin_url)->execute("CREATE DATABASE " + m_database);
    m_url = with_password(with_database(plain, m_database), k_password);
    m_db = open(m_url);
  }

  void TearDown() override {
    m_db.reset();
    if (!m_database.empty()) open(m_admin_url)->execute("DROP DATABASE IF EXISTS " + m_database + " WITH (FORCE)");
  }

  /// A fake pg_dump in the temp dir that records its arguments and PGPASSWORD, prints
  /// `message` on stderr and exits with `status`.
  fs::path fake_pg_dump(const std::string& message, int status) {
    return m_dir.write("fake/pg_dump", "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + (m_dir.path() / "args").string() +
                                           "'\nprintf '%s' \"$PGPASSWORD\" > '" + (m_dir.path() / "password").string() +
                                           "'\necho '" + message + "' >&2\nexit " + std::to_string(status) + "\n");
  }

  test::TempDir m_dir;
  std::string m_admin_url;
  std::string m_database;
  std::string m_url;
  std::unique_ptr<Backend> m_db;
};

TEST_F(PostgresBackupTest, BackupRestoresThroughThePrintedCommand) {
  m_db->execute_script(
      "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, 'ann'), (2, 'bo');"
      "CREATE INDEX users_name ON users (name)");
  auto path = m_dir.path() / "before upgrade.dump";
  auto result = m_db->backups()->backup(path);
  EXPECT_EQ(result.path, path);
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_GT(fs::file_size(path), 0u);
  EXPECT_EQ(result.restore_command.find(k_password), std::string::npos) << result.restore_command;
  EXPECT_EQ(result.restore_command.rfind("pg_restore --clean --if-exists --create --no-owner --dbname ", 0), 0u)
      << result.restore_command;
  EXPECT_NE(result.restore_command.find(shell_quote(path.string())), std::string::npos) << result.restore_command;

  // Break it: drop a table, add another, change nothing else.
  m_db->execute_script("DROP TABLE users; CREATE TABLE stray (x INTEGER)");
  m_db.reset();
  // The user supplies the password through the environment (the URL in the command has none).
  auto restored = run_shell(result.restore_command, m_dir.path(), {{"PGPASSWORD", k_password}});
  ASSERT_EQ(restored.status, 0) << restored.out << restored.err;
  m_db = open(m_url);
  EXPECT_EQ(scalar(*m_db, "SELECT string_agg(name, ',' ORDER BY id) FROM users"), "ann,bo");
  EXPECT_TRUE(m_db->catalog().object_exists({CatalogObject::Kind::index, "", "users", "users_name"}));
  // The database is re-created from the dump: what was made after the backup is gone.
  EXPECT_FALSE(m_db->catalog().table_exists("", "stray"));
}

TEST_F(PostgresBackupTest, DefaultPathNamesTheDatabase) {
  EXPECT_EQ(m_db->backups()->default_backup_path("20261121T193000Z"),
            fs::path("migrate-backup-" + m_database + "-20261121T193000Z.dump"));
}

TEST_F(PostgresBackupTest, ExistingDestinationIsRefusedAndKept) {
  auto existing = m_dir.write("old.dump", "precious");
  auto e = error_of([&] { m_db->backups()->backup(existing); });
  EXPECT_EQ(e.kind(), ErrorKind::usage);
  EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
  EXPECT_EQ(test::read_file(existing), "precious");
}

TEST_F(PostgresBackupTest, PasswordReachesPgDumpOnlyThroughItsEnvironment) {
  auto fake = fake_pg_dump(std::string("pg_dump: error: connection to server failed for password ") + k_password, 1);
  ::chmod(fake.c_str(), 0700);
  ::setenv("MIGRATE_PG_DUMP", fake.c_str(), 1);
  ::setenv("PGPASSWORD", "not-this-one", 1);
  auto path = m_dir.path() / "failed.dump";
  auto e = error_of([&] { m_db->backups()->backup(path); });
  ::unsetenv("MIGRATE_PG_DUMP");
  ::unsetenv("PGPASSWORD");

  EXPECT_EQ(e.kind(), ErrorKind::database);
  std::string what = e.what();
  EXPECT_NE(what.find("pg_dump: error: connection to server failed"), std::string::npos) << what;
  EXPECT_NE(what.find("exit status 1"), std::string::npos) << what;
  EXPECT_EQ(what.find(k_password), std::string::npos) << what;
  EXPECT_EQ(e.hint().find(k_password), std::string::npos) << e.hint();
  EXPECT_FALSE(fs::exists(path)) << "the partial backup was left behind";

  auto args = test::read_file(m_dir.path() / "args");
  EXPECT_EQ(args.find(k_password), std::string::npos) << args;
  EXPECT_NE(args.find("--format=custom\n"), std::string::npos) << args;
  EXPECT_NE(args.find("--no-password\n"), std::string::npos) << args;
  EXPECT_NE(args.find("--file=" + path.string() + "\n"), std::string::npos) << args;
  EXPECT_NE(args.find("--dbname=postgresql://"), std::string::npos) << args;
  EXPECT_NE(args.find(m_database), std::string::npos) << args;
  EXPECT_EQ(test::read_file(m_dir.path() / "password"), k_password);
}

TEST_F(PostgresBackupTest, MissingPgDumpIsAUsageErrorThatSaysWhatToInstall) {
  ::setenv("MIGRATE_PG_DUMP", (m_dir.path() / "nowhere" / "pg_dump").c_str(), 1);
  auto path = m_dir.path() / "never.dump";
  auto e = error_of([&] { m_db->backups()->backup(path); });
  ::unsetenv("MIGRATE_PG_DUMP");
  EXPECT_EQ(e.kind(), ErrorKind::usage);
  EXPECT_NE(std::string(e.what()).find("MIGRATE_PG_DUMP"), std::string::npos) << e.what();
  EXPECT_FALSE(fs::exists(path));
}

#endif  // MIGRATE_HAVE_POSTGRES

}  // namespace
}  // namespace migrate::backend

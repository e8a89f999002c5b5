#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "backend/backend.hpp"
#include "backend/sqlite/sqlite_backend.hpp"
#include "support/temp_dir.hpp"

namespace migrate {
namespace {

ErrorKind kind_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.kind();
  }
  return ErrorKind::internal;
}

TEST(SqliteBackendTest, UrlFormsGiveThePath) {
  EXPECT_EQ(backend::sqlite::path_of_url("sqlite:///app.db"), "app.db");
  EXPECT_EQ(backend::sqlite::path_of_url("sqlite:///data/app.db"), "data/app.db");
  EXPECT_EQ(backend::sqlite::path_of_url("sqlite:////var/lib/app.db"), "/var/lib/app.db");
  EXPECT_EQ(backend::sqlite::path_of_url("sqlite:///:memory:"), ":memory:");
  EXPECT_EQ(backend::sqlite::path_of_url("sqlite://"), ":memory:");
}

TEST(SqliteBackendTest, BadUrlsAreConfigErrors) {
  EXPECT_EQ(kind_of([] { backend::sqlite::path_of_url("sqlite://host/app.db"); }), ErrorKind::config);
  EXPECT_EQ(kind_of([] { backend::sqlite::path_of_url("sqlite:///app.db?mode=ro"); }), ErrorKind::config);
  EXPECT_EQ(kind_of([] { backend::sqlite::path_of_url("sqlite:///"); }), ErrorKind::config);
  EXPECT_EQ(kind_of([] { backend::open("mysql://u:p@h/db"); }), ErrorKind::config);
  EXPECT_EQ(kind_of([] { backend::open("app.db"); }), ErrorKind::config);
}

TEST(SqliteBackendTest, RelativePathIsRelativeToWorkingDirectory) {
  test::TempDir dir;
  auto old = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  {
    auto db = backend::open("sqlite:///rel.db");
    db->execute_script("CREATE TABLE t (x)");
    EXPECT_EQ(db->describe(), "sqlite:///rel.db");
  }
  std::filesystem::current_path(old);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "rel.db"));
}

TEST(SqliteBackendTest, MemoryDatabaseNeedsNoLock) {
  auto a = backend::open("sqlite:///:memory:");
  auto b = backend::open("sqlite:///:memory:");
  a->locker()->lock(std::chrono::milliseconds(10));
  EXPECT_NO_THROW(b->locker()->lock(std::chrono::milliseconds(10)));
  a->locker()->unlock();
  b->locker()->unlock();
}

TEST(SqliteBackendTest, CapabilitiesSayTransactionalDdlWithoutSchemas) {
  auto db = backend::open("sqlite:///:memory:");
  EXPECT_TRUE(db->capabilities().transactional_ddl);
  EXPECT_FALSE(db->capabilities().schemas);
  EXPECT_EQ(db->dialect(), Dialect::sqlite);
  EXPECT_EQ(db->database_user(), "");
}

TEST(SqliteBackendTest, LockTimeoutNamesTheFile) {
  test::TempDir dir;
  auto url = "sqlite:///" + (dir.path() / "locked.db").string();
  auto a = backend::open(url);
  auto b = backend::open(url);
  a->locker()->lock(std::chrono::milliseconds(10));
  try {
    b->locker()->lock(std::chrono::milliseconds(60));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::lock_timeout);
    EXPECT_NE(std::string(e.what()).find("locked.db"), std::string::npos);
    EXPECT_FALSE(e.hint().empty());
  }
}

TEST(SqliteBackendTest, LockIsHeldAgainstAnotherProcess) {
  test::TempDir dir;
  auto url = "sqlite:///" + (dir.path() / "proc.db").string();
  auto a = backend::open(url);
  a->locker()->lock(std::chrono::milliseconds(10));
  pid_t pid = fork();
  if (pid == 0) {
    int code = 0;
    try {
      auto b = backend::open(url);
      b->locker()->lock(std::chrono::milliseconds(100));
      code = 1;
    } catch (const Error& e) {
      code = e.kind() == ErrorKind::lock_timeout ? 0 : 2;
    } catch (...) {
      code = 3;
    }
    _exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(SqliteBackendTest, WriterWaitsForAnotherWriterInsteadOfFailing) {
  test::TempDir dir;
  auto url = "sqlite:///" + (dir.path() / "busy.db").string();
  // Fork before this process opens the file: an SQLite connection must not cross fork().
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(ready[1]);
    char c;
    int code = 1;
    if (read(ready[0], &c, 1) == 1) {
      try {
        auto other = backend::open(url);
        other->begin();  // BEGIN IMMEDIATE waits on the busy timeout
        other->execute("INSERT INTO t VALUES (2)");
        other->commit();
        code = 0;
      } catch (...) {
      }
    }
    _exit(code);
  }
  close(ready[0]);
  auto writer = backend::open(url);
  writer->execute_script("CREATE TABLE t (x)");
  writer->begin();
  writer->execute("INSERT INTO t VALUES (1)");
  ASSERT_EQ(write(ready[1], "x", 1), 1);
  close(ready[1]);
  usleep(300 * 1000);
  writer->commit();
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(writer->query("SELECT count(*) FROM t").at(0).at(0).value(), "2");
}

TEST(SqliteBackendTest, TransactionClosedBySqliteReadsAsClosed) {
  auto db = backend::open("sqlite:///:memory:");
  db->begin();
  db->execute_script("ROLLBACK");
  EXPECT_FALSE(db->in_transaction());
}

TEST(SqliteBackendTest, ColumnNamesInDeclarationOrder) {
  test::TempDir dir;
  auto db = backend::open("sqlite:///" + (dir.path() / "cols.db").string());
  db->execute_script("CREATE TABLE t (zeta INTEGER, \"Mixed Case\" TEXT, alpha); ALTER TABLE t ADD COLUMN added");
  auto expected = std::vector<std::string>{"zeta", "Mixed Case", "alpha", "added"};
  EXPECT_EQ(db->catalog().column_names("", "t"), expected);
  EXPECT_EQ(db->catalog().column_names("main", "t"), expected);
  EXPECT_EQ(db->catalog().column_names("", "T"), expected);  // SQLite names are case-insensitive
  EXPECT_TRUE(db->catalog().column_names("", "missing").empty());
  EXPECT_TRUE(db->catalog().column_names("temp", "t").empty());
  db->execute_script("ATTACH DATABASE '" + (dir.path() / "other.db").string() + "' AS other; CREATE TABLE other.t (only_here)");
  EXPECT_EQ(db->catalog().column_names("other", "t"), std::vector<std::string>{"only_here"});
}

TEST(SqliteBackendTest, ObjectExistsFindsTablesColumnsIndexesAndConstraints) {
  using Kind = backend::CatalogObject::Kind;
  test::TempDir dir;
  auto db = backend::open("sqlite:///" + (dir.path() / "catalog.db").string());
  db->execute_script(
      "CREATE TABLE users (id INTEGER PRIMARY KEY, \"Email\" TEXT CONSTRAINT email_unique UNIQUE,\n"
      "  note TEXT DEFAULT 'CONSTRAINT fake_one' /* CONSTRAINT fake_two */,\n"
      "  CONSTRAINT [Positive Id] CHECK (id > 0));\n"
      "CREATE INDEX users_note ON users (note);\n"
      "CREATE TABLE orders (user_id INTEGER -- CONSTRAINT fake_three\n"
      ", CONSTRAINT \"orders_user_fk\" FOREIGN KEY (user_id) REFERENCES users (id));");
  auto exists = [&](Kind kind, std::string table, std::string name, std::string schema = "") {
    return db->catalog().object_exists({kind, std::move(schema), std::move(table), std::move(name)});
  };
  EXPECT_TRUE(exists(Kind::table, "users", ""));
  EXPECT_TRUE(exists(Kind::table, "USERS", ""));  // SQLite names are case-insensitive
  EXPECT_TRUE(exists(Kind::table, "users", "", "main"));
  EXPECT_FALSE(exists(Kind::table, "users", "", "not_attached"));
  EXPECT_FALSE(exists(Kind::table, "users_note", ""));  // an index, not a table
  EXPECT_FALSE(exists(Kind::table, "missing", ""));

  EXPECT_TRUE(exists(Kind::column, "users", "email"));
  EXPECT_TRUE(exists(Kind::column, "Users", "Note"));
  EXPECT_FALSE(exists(Kind::column, "users", "user_id"));
  EXPECT_FALSE(exists(Kind::column, "missing", "id"));

  EXPECT_TRUE(exists(Kind::index, "", "users_note"));
  EXPECT_TRUE(exists(Kind::index, "users", "USERS_NOTE"));
  EXPECT_FALSE(exists(Kind::index, "orders", "users_note"));
  EXPECT_FALSE(exists(Kind::index, "", "missing_idx"));

  EXPECT_TRUE(exists(Kind::constraint, "users", "email_unique"));
  EXPECT_TRUE(exists(Kind::constraint, "users", "positive id"));
  EXPECT_TRUE(exists(Kind::constraint, "orders", "ORDERS_USER_FK"));
  EXPECT_FALSE(exists(Kind::constraint, "orders", "email_unique"));  // another table's
  EXPECT_FALSE(exists(Kind::constraint, "users", "email"));          // a prefix is no match
  EXPECT_FALSE(exists(Kind::constraint, "users", "fake_one"));       // inside a string
  EXPECT_FALSE(exists(Kind::constraint, "users", "fake_two"));       // inside a comment
  EXPECT_FALSE(exists(Kind::constraint, "orders", "fake_three"));

  db->execute_script("DROP INDEX users_note; ALTER TABLE users DROP COLUMN note; DROP TABLE orders");
  EXPECT_FALSE(exists(Kind::index, "", "users_note"));
  EXPECT_FALSE(exists(Kind::column, "users", "note"));
  EXPECT_FALSE(exists(Kind::table, "orders", ""));
  EXPECT_FALSE(exists(Kind::constraint, "orders", "orders_user_fk"));

  db->execute_script("ATTACH DATABASE '" + (dir.path() / "other.db").string() +
                     "' AS other; CREATE TABLE other.elsewhere (x, CONSTRAINT x_pos CHECK (x > 0))");
  EXPECT_TRUE(exists(Kind::table, "elsewhere", "", "other"));
  EXPECT_FALSE(exists(Kind::table, "elsewhere", ""));  // not in main
  EXPECT_TRUE(exists(Kind::column, "elsewhere", "x", "other"));
  EXPECT_TRUE(exists(Kind::constraint, "elsewhere", "x_pos", "other"));
  EXPECT_EQ(kind_of([&] { exists(Kind::column, "", "x"); }), ErrorKind::internal);
}

TEST(SqliteBackendTest, ForeignKeysOptionIsRefusedWithTheReason) {
  try {
    backend::sqlite::path_of_url("sqlite:///app.db?foreign_keys=on");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_NE(std::string(e.what()).find("foreign_keys is not supported"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("table rebuild"), std::string::npos) << e.what();
    EXPECT_NE(e.hint().find("foreign_key_check = false"), std::string::npos) << e.hint();
  }
  EXPECT_EQ(kind_of([] { backend::sqlite::path_of_url("sqlite:///app.db?mode=ro&Foreign_Keys=1"); }),
            ErrorKind::config);
}

TEST(SqliteBackendTest, ExistingOnlyDoesNotCreateTheFile) {
  test::TempDir dir;
  auto path = (dir.path() / "typo.db").string();
  try {
    backend::sqlite::SqliteBackend db(path, backend::OpenMode::existing_only);
    ADD_FAILURE() << "opened a missing file";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::database);
    EXPECT_EQ(std::string(e.what()), "no database at " + path);
    EXPECT_NE(e.hint().find("migrate upgrade"), std::string::npos);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  { backend::sqlite::SqliteBackend created(path); }
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_NO_THROW(backend::open("sqlite:///" + path, backend::OpenMode::existing_only));
  EXPECT_NO_THROW(backend::open("sqlite:///:memory:", backend::OpenMode::existing_only));
}

TEST(SqliteBackendTest, NulByteInTheSqlIsAnErrorNotALoop) {
  backend::sqlite::SqliteBackend db(":memory:");
  const std::string sql("CREATE TABLE t (x INTEGER);\0CREATE TABLE u (x INTEGER);", 55);
  try {
    db.execute_script(sql);
    ADD_FAILURE() << "no error";
  } catch (const backend::DatabaseError& e) {
    EXPECT_EQ(e.details().position, 27);
    EXPECT_NE(std::string(e.what()).find("NUL byte at byte offset 27"), std::string::npos) << e.what();
  }
  EXPECT_EQ(db.query("SELECT count(*) FROM sqlite_master WHERE name = 't'").at(0).at(0), "1");
}

TEST(RegistryTest, DialectFromUrlWithoutConnecting) {
  EXPECT_EQ(backend::dialect_of_url("sqlite:///x.db"), Dialect::sqlite);
  EXPECT_EQ(backend::dialect_of_url("postgresql://u:p@localhost/db"), Dialect::postgresql);
  EXPECT_EQ(backend::dialect_of_url("postgres://localhost/db"), Dialect::postgresql);
  EXPECT_EQ(kind_of([] { backend::dialect_of_url("oracle://x"); }), ErrorKind::config);
}

TEST(RegistryTest, PostgresWithoutSupportIsAConfigErrorWithoutPassword) {
#ifndef MIGRATE_HAVE_POSTGRES  // built with it: postgres_backend_test.cpp checks the redaction
  try {
    backend::open("postgresql://alice:s3cret@localhost/db");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos);
  }
#endif
  try {
    backend::open("foo://alice:s3cret@localhost/db");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
  }
}

TEST(RegistryTest, RedactUrlHidesOnlyThePassword) {
  EXPECT_EQ(backend::redact_url("postgresql://alice:s3cret@db.example:5432/app?sslmode=require"),
            "postgresql://alice:***@db.example:5432/app?sslmode=require");
  EXPECT_EQ(backend::redact_url("postgresql://alice@db/app"), "postgresql://alice@db/app");
  EXPECT_EQ(backend::redact_url("postgresql://alice:p/a@ss@db/app"), "postgresql://alice:***@db/app");
  EXPECT_EQ(backend::redact_url("sqlite:///app.db"), "sqlite:///app.db");
}

}  // namespace
}  // namespace migrate

// SQLite's ForeignKeyChecks role and the runtime's ForeignKeyGuard on a real connection:
// which tables a change can break, the violations with their keys, and what the guard
// holds against a revision (new violations) and what it only reports (old ones).
#include <gtest/gtest.h>

#include "backend/sqlite/sqlite_backend.hpp"
#include "runtime/foreign_keys.hpp"

namespace migrate {
namespace {

using backend::sqlite::SqliteBackend;

class SqliteForeignKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_db.execute_script(
        "CREATE TABLE users (id INTEGER PRIMARY KEY);"
        "CREATE TABLE logs (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));"
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
        "CREATE TABLE pairs (a INTEGER, b INTEGER, FOREIGN KEY (a, b) REFERENCES duo);"
        "INSERT INTO users VALUES (1);");
  }

  /// Runs `sql` as a revision would, between the guard's calls; returns the guard's error.
  std::string run_revision(runtime::ForeignKeyGuard& guard, const std::string& sql) {
    auto statements = sql::split_statements(sql, Dialect::sqlite, 10);
    guard.before_begin();
    m_db.begin();
    guard.revision_starting("r1", "versions/r1.sql", statements);
    for (const auto& s : statements) m_db.execute(s.text);
    try {
      guard.before_commit([](const std::string& rev) { return "revision " + rev + " was rolled back"; });
    } catch (const Error& e) {
      m_db.rollback();
      EXPECT_EQ(e.kind(), ErrorKind::database);
      EXPECT_EQ(e.where().revision, "r1");
      EXPECT_EQ(e.where().sqlstate, "SQLITE_CONSTRAINT_FOREIGNKEY");
      return std::string(e.what()) + "\nline " + std::to_string(e.where().line) + "\nhint " + e.hint();
    }
    m_db.commit();
    return "";
  }

  SqliteBackend m_db{":memory:"};
};

TEST_F(SqliteForeignKeysTest, ForeignKeyTablesNameEachTablesParents) {
  auto& fk = *m_db.foreign_key_checks();
  auto all = fk.foreign_key_tables({});  // every table with a foreign key
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all.at("logs").parents, std::vector<std::string>{"users"});
  EXPECT_EQ(all.at("pairs").parents, std::vector<std::string>{"duo"});  // a parent that does not exist
  auto named = fk.foreign_key_tables({"LOGS", "notes", "insert", "nothing"});  // any case; no table: ignored
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named.at("logs").name, "logs");
  EXPECT_TRUE(named.at("notes").parents.empty());  // named, without foreign keys
}

TEST_F(SqliteForeignKeysTest, ViolationsCarryTheRowKeyAndParent) {
  m_db.execute("INSERT INTO logs VALUES (1, 1), (2, 42)");
  m_db.execute("INSERT INTO pairs VALUES (3, 4)");
  auto logs = m_db.foreign_key_checks()->violations("logs");
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].table, "logs");
  EXPECT_EQ(logs[0].rowid, "2");
  EXPECT_EQ(logs[0].parent, "users");
  EXPECT_EQ(logs[0].references, "users(id)");
  EXPECT_EQ(logs[0].key, "user_id=42");
  auto pairs = m_db.foreign_key_checks()->violations("pairs");
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].references, "duo");
  EXPECT_EQ(pairs[0].key, "a=3, b=4");
}

TEST_F(SqliteForeignKeysTest, EnforcementIsSwitchedOff) {
  m_db.execute("PRAGMA foreign_keys = ON");
  m_db.foreign_key_checks()->disable_enforcement();
  EXPECT_EQ(m_db.query("PRAGMA foreign_keys").at(0).at(0), "0");
}

TEST_F(SqliteForeignKeysTest, GuardFailsANewViolationNamingRowAndStatement) {
  runtime::ForeignKeyGuard guard(m_db, true);
  auto error = run_revision(guard, "INSERT INTO notes VALUES (1, 'x');\nINSERT INTO logs VALUES (7, 99);");
  EXPECT_NE(error.find("revision r1 failed at versions/r1.sql:11"), std::string::npos) << error;
  EXPECT_NE(error.find("logs row 7 (user_id=99) has no parent row in users(id)"), std::string::npos) << error;
  EXPECT_NE(error.find("statement: INSERT INTO logs VALUES (7, 99)"), std::string::npos) << error;
  EXPECT_NE(error.find("line 11"), std::string::npos) << error;
  EXPECT_NE(error.find("revision r1 was rolled back"), std::string::npos) << error;
  EXPECT_TRUE(m_db.query("SELECT 1 FROM logs").empty());
}

TEST_F(SqliteForeignKeysTest, GuardFindsOrphansOfADeletedParent) {
  m_db.execute("INSERT INTO logs VALUES (1, 1)");
  runtime::ForeignKeyGuard guard(m_db, true);
  auto error = run_revision(guard, "DELETE FROM users WHERE id = 1;");
  EXPECT_NE(error.find("logs row 1 (user_id=1) has no parent row in users(id)"), std::string::npos) << error;
  EXPECT_NE(error.find("statement: DELETE FROM users"), std::string::npos) << error;
}

TEST_F(SqliteForeignKeysTest, GuardKeepsOldViolationsEvenThroughARebuild) {
  m_db.execute("INSERT INTO logs VALUES (5, 77)");
  runtime::ForeignKeyGuard guard(m_db, true);
  // The rebuild renumbers nothing here, but the copy drops the old rowids' identity: the
  // old violation is recognised by its key.
  EXPECT_EQ(run_revision(guard,
                         "CREATE TABLE logs_new (id INTEGER, user_id INTEGER REFERENCES users(id));\n"
                         "INSERT INTO logs_new (id, user_id) SELECT id + 100, user_id FROM logs;\n"
                         "DROP TABLE logs;\nALTER TABLE logs_new RENAME TO logs;"),
            "");
  EXPECT_EQ(m_db.query("SELECT count(*) FROM logs").at(0).at(0), "1");
}

TEST_F(SqliteForeignKeysTest, GuardTurnedOffChecksNothing) {
  runtime::ForeignKeyGuard guard(m_db, false);
  EXPECT_EQ(run_revision(guard, "INSERT INTO logs VALUES (7, 99);"), "");
}

TEST(ForeignKeyNamesTest, EveryIdentifierLowerCased) {
  auto names = runtime::names_in(sql::split_statements("INSERT INTO \"Usage Logs\" SELECT * FROM [Users]", Dialect::sqlite),
                                 Dialect::sqlite);
  EXPECT_TRUE(names.count("usage logs"));
  EXPECT_TRUE(names.count("users"));
  EXPECT_TRUE(names.count("insert"));
}

}  // namespace
}  // namespace migrate

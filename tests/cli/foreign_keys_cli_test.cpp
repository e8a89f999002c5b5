// End-to-end foreign keys. On SQLite the runner switches enforcement off before each
// transaction (a table rebuild must not cascade into child rows) and runs PRAGMA
// foreign_key_check on the tables a revision touched before it commits: a row the revision
// left pointing at a missing parent fails it, in the dry run and the real run alike, while a
// violation that was already there is only a warning. On PostgreSQL the server enforces
// foreign keys itself; the same revisions fail or pass there for the server's own reasons.
#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

std::string header(const std::string& id, const std::string& down, const std::string& extra = "") {
  return "-- migrate:revision\n-- revision = \"" + id + "\"\n-- down_revision = \"" + down + "\"\n" + extra + "\n";
}

constexpr const char* k_users =
    "-- migrate:upgrade\n"
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n"
    "INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'grace');\n\n"
    "-- migrate:downgrade\nDROP TABLE users;\n";

class ForeignKeysCliTest : public CliTest {
 protected:
  void write_users() { m_dir.write("migrations/versions/a_users.sql", header("aaa1", "") + k_users); }
  int count(const std::string& table) { return std::stoi(column("SELECT count(*) FROM " + table).at(0)); }
};

// The seed's case: a new table whose rows point at a user that does not exist.
TEST_F(ForeignKeysCliTest, OrphanRowFailsTheRevisionInTheDryRunAndTheRealRun) {
  write_users();
  m_dir.write("migrations/versions/b_usage_logs.sql",
              header("bbb2", "aaa1") +
                  "-- migrate:upgrade\n"
                  "CREATE TABLE usage_logs (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));\n"
                  "INSERT INTO usage_logs (id, user_id) VALUES (1, 1), (2, 42);\n\n"
                  "-- migrate:downgrade\nDROP TABLE usage_logs;\n");
  ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"upgrade", "head", "--dry-run"}, std::vector<std::string>{"upgrade", "head"}}) {
    auto r = migrate(args);
    EXPECT_EQ(r.status, 3) << describe(r);
    EXPECT_TRUE(contains(r.err, "revision bbb2")) << r.err;
    EXPECT_TRUE(contains(r.err, "b_usage_logs.sql:7")) << r.err;  // the INSERT
    if (k_postgres) {
      EXPECT_TRUE(contains(r.err, "violates foreign key constraint")) << r.err;
    } else {
      EXPECT_TRUE(contains(r.err, "usage_logs row 2 (user_id=42) has no parent row in users(id)")) << r.err;
      EXPECT_TRUE(contains(r.err, "SQLITE_CONSTRAINT_FOREIGNKEY")) << r.err;
    }
    EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
    EXPECT_FALSE(has_table("usage_logs"));
  }
  auto json = migrate({"upgrade", "head", "--format", "json"});
  EXPECT_EQ(json.status, 3) << describe(json);
  EXPECT_TRUE(contains(json.out, "\"kind\": \"database\"")) << json.out;
}

// An UPDATE that points an existing row at a missing parent, and a DELETE of a parent that a
// row still points at: the violation is in the child table, which the DELETE does not name.
TEST_F(ForeignKeysCliTest, UpdatedOrOrphanedRowsFailTheRevision) {
  write_users();
  m_dir.write("migrations/versions/b_logs.sql",
              header("bbb2", "aaa1") +
                  "-- migrate:upgrade\n"
                  "CREATE TABLE usage_logs (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));\n"
                  "INSERT INTO usage_logs (id, user_id) VALUES (1, 1), (2, 2);\n\n"
                  "-- migrate:downgrade\nDROP TABLE usage_logs;\n");
  m_dir.write("migrations/versions/c_update.sql", header("ccc3", "bbb2") +
                                                      "-- migrate:upgrade\nUPDATE usage_logs SET user_id = 7 WHERE id = 1;\n\n"
                                                      "-- migrate:downgrade\nSELECT 1;\n");
  ASSERT_EQ(migrate({"upgrade", "bbb2"}).status, 0);
  auto r = migrate({"upgrade", "ccc3"});
  EXPECT_EQ(r.status, 3) << describe(r);
  EXPECT_TRUE(contains(r.err, k_postgres ? "violates foreign key constraint"
                                         : "usage_logs row 1 (user_id=7) has no parent row in users(id)"))
      << r.err;
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});

  m_dir.write("migrations/versions/c_update.sql", header("ccc3", "bbb2") +
                                                      "-- migrate:upgrade\nDELETE FROM users WHERE id = 2;\n\n"
                                                      "-- migrate:downgrade\nSELECT 1;\n");
  auto deleted = migrate({"upgrade", "ccc3"});
  EXPECT_EQ(deleted.status, 3) << describe(deleted);
  if (!k_postgres) {
    EXPECT_TRUE(contains(deleted.err, "usage_logs row 2 (user_id=2) has no parent row in users(id)")) << deleted.err;
  }
  EXPECT_EQ(count("users"), 2);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});
}

// SQLite's table rebuild (create new, copy, drop old, rename) under a connection that a
// non-transactional revision left with enforcement on: the runner switches it off again, so
// dropping the parent cascades into no child row.
TEST_F(ForeignKeysCliTest, TableRebuildLosesNoCascadingChildRow) {
  write_users();
  m_dir.write("migrations/versions/b_posts.sql",
              header("bbb2", "aaa1") +
                  "-- migrate:upgrade\n"
                  "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON "
                  "DELETE CASCADE);\n"
                  "INSERT INTO posts (id, user_id) VALUES (1, 1), (2, 2), (3, 1);\n\n"
                  "-- migrate:downgrade\nDROP TABLE posts;\n");
  m_dir.write("migrations/versions/c_enforce.sql",
              header("ccc3", "bbb2", "-- transactional = false\n") +
                  "-- migrate:upgrade dialect=sqlite\nPRAGMA foreign_keys = ON;\n\n"
                  "-- migrate:upgrade dialect=postgresql\nSELECT 1;\n\n"
                  "-- migrate:downgrade\nSELECT 1;\n");
  m_dir.write("migrations/versions/d_rebuild.sql",
              header("ddd4", "ccc3") +
                  "-- migrate:upgrade dialect=sqlite\n"
                  "CREATE TABLE users_new (id INTEGER PRIMARY KEY, name TEXT, email TEXT);\n"
                  "INSERT INTO users_new (id, name) SELECT id, name FROM users;\n"
                  "DROP TABLE users;\n"
                  "ALTER TABLE users_new RENAME TO users;\n\n"
                  "-- migrate:upgrade dialect=postgresql\nALTER TABLE users ADD COLUMN email TEXT;\n\n"
                  "-- migrate:downgrade\nSELECT 1;\n");
  auto r = migrate({"upgrade", "head"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(count("posts"), 3);
  EXPECT_EQ(count("users"), 2);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"ddd4"});
}

// A violation that was there before the revision ran is reported, not held against it.
TEST_F(ForeignKeysCliTest, ViolationThatWasAlreadyThereIsOnlyAWarning) {
  write_users();
  // PostgreSQL cannot hold an orphan under a checked constraint: it is added NOT VALID there.
  m_dir.write("migrations/versions/b_logs.sql",
              header("bbb2", "aaa1") +
                  "-- migrate:upgrade dialect=sqlite\n"
                  "CREATE TABLE usage_logs (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));\n\n"
                  "-- migrate:upgrade dialect=postgresql\n"
                  "CREATE TABLE usage_logs (id INTEGER PRIMARY KEY, user_id INTEGER);\n\n"
                  "-- migrate:downgrade\nDROP TABLE usage_logs;\n");
  m_dir.write("migrations/versions/c_more.sql", header("ccc3", "bbb2") +
                                                    "-- migrate:upgrade\nINSERT INTO usage_logs (id, user_id) VALUES (6, 1);\n\n"
                                                    "-- migrate:downgrade\nDELETE FROM usage_logs WHERE id = 6;\n");
  ASSERT_EQ(migrate({"upgrade", "bbb2"}).status, 0);
  exec("INSERT INTO usage_logs (id, user_id) VALUES (5, 77)");
  if (k_postgres)
    exec("ALTER TABLE usage_logs ADD CONSTRAINT usage_logs_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID");
  auto r = migrate({"upgrade", "head"});
  ASSERT_EQ(r.status, 0) << describe(r);
  if (!k_postgres) {
    EXPECT_TRUE(contains(r.err, "usage_logs row 5 (user_id=77) has no parent row in users(id)")) << r.err;
  }
  EXPECT_EQ(version_rows(), std::vector<std::string>{"ccc3"});
  EXPECT_EQ(count("usage_logs"), 2);
}

// `foreign_key_check = false` leaves SQLite's rows unchecked; the server still checks its own.
TEST_F(ForeignKeysCliTest, CheckCanBeTurnedOff) {
  write_config("foreign_key_check = false");
  write_users();
  m_dir.write("migrations/versions/b_usage_logs.sql",
              header("bbb2", "aaa1") +
                  "-- migrate:upgrade\n"
                  "CREATE TABLE usage_logs (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));\n"
                  "INSERT INTO usage_logs (id, user_id) VALUES (1, 42);\n\n"
                  "-- migrate:downgrade\nDROP TABLE usage_logs;\n");
  auto r = migrate({"upgrade", "head"});
  EXPECT_EQ(r.status, k_postgres ? 3 : 0) << describe(r);
  EXPECT_EQ(version_rows(), std::vector<std::string>{k_postgres ? "aaa1" : "bbb2"});
}

// With one transaction for the run, the check runs before its one commit; the whole run
// rolls back, and the message names the revision that wrote the row.
TEST_F(ForeignKeysCliTest, OneTransactionForTheRunIsCheckedBeforeItsCommit) {
  write_config("transaction_per_migration = false");
  write_users();
  m_dir.write("migrations/versions/b_usage_logs.sql",
              header("bbb2", "aaa1") +
                  "-- migrate:upgrade\n"
                  "CREATE TABLE usage_logs (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));\n"
                  "INSERT INTO usage_logs (id, user_id) VALUES (1, 42);\n\n"
                  "-- migrate:downgrade\nDROP TABLE usage_logs;\n");
  m_dir.write("migrations/versions/c_other.sql", header("ccc3", "bbb2") +
                                                     "-- migrate:upgrade\nCREATE TABLE other (id INTEGER);\n\n"
                                                     "-- migrate:downgrade\nDROP TABLE other;\n");
  auto r = migrate({"upgrade", "head"});
  EXPECT_EQ(r.status, 3) << describe(r);
  EXPECT_TRUE(contains(r.err, "revision bbb2")) << r.err;
  if (!k_postgres) {
    EXPECT_TRUE(contains(r.err, "the whole run was rolled back")) << r.err;
  }
  EXPECT_FALSE(database_touched() && !version_rows().empty()) << "nothing may be recorded";
  EXPECT_FALSE(has_table("users"));
}

}  // namespace
}  // namespace migrate::test

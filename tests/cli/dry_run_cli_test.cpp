// End-to-end `--dry-run`: the seed's failing foreign key, rows that
// violate a new constraint. `upgrade head --dry-run` runs the real SQL on the real database
// in one transaction, reports the failing revision and statement, exits 3, and leaves the
// database byte-for-byte unchanged (SQLite) or unchanged in catalog and data (PostgreSQL).
// A plan with a non-transactional revision is refused before anything runs.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

// aaa1: users and orders, one order pointing at a user that does not exist (the seed's
// data). bbb2: a harmless column. ccc3: the foreign key from orders to users.
// PostgreSQL adds it with ALTER TABLE; SQLite has no ADD CONSTRAINT, so the file uses the
// table-rebuild pattern, and a trigger enforces the reference while the rows are copied, so
// the failure names its statement (the runner's foreign-key check before the commit would
// refuse the orphan row too; tests/cli/foreign_keys_cli_test.cpp covers that path).
constexpr const char* k_users_orders =
    "-- migrate:revision\n-- revision = \"aaa1\"\n-- message = \"users and orders\"\n\n"
    "-- migrate:upgrade\n"
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n"
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER);\n"
    "INSERT INTO users (id, name) VALUES (1, 'ada');\n"
    "INSERT INTO orders (id, user_id) VALUES (1, 1), (2, 99), (3, NULL);\n\n"
    "-- migrate:downgrade\nDROP TABLE orders;\nDROP TABLE users;\n";

constexpr const char* k_note =
    "-- migrate:revision\n-- revision = \"bbb2\"\n-- down_revision = \"aaa1\"\n-- message = \"order notes\"\n\n"
    "-- migrate:upgrade\nALTER TABLE orders ADD COLUMN note TEXT;\n\n"
    "-- migrate:downgrade\nALTER TABLE orders DROP COLUMN note;\n";

// The failing statement: line 7 (PostgreSQL), line 12 (SQLite).
constexpr const char* k_foreign_key =
    "-- migrate:revision\n-- revision = \"ccc3\"\n-- down_revision = \"bbb2\"\n-- message = \"orders reference users\"\n\n"
    "-- migrate:upgrade dialect=postgresql\n"
    "ALTER TABLE orders ADD CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id);\n\n"
    "-- migrate:upgrade dialect=sqlite\n"
    "CREATE TABLE orders_new (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), note TEXT);\n"
    "CREATE TRIGGER orders_new_fk BEFORE INSERT ON orders_new WHEN NEW.user_id IS NOT NULL AND NOT EXISTS "
    "(SELECT 1 FROM users WHERE users.id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed'); "
    "END;\n"
    "INSERT INTO orders_new (id, user_id, note) SELECT id, user_id, note FROM orders;\n"
    "DROP TRIGGER orders_new_fk;\nDROP TABLE orders;\nALTER TABLE orders_new RENAME TO orders;\n\n"
    "-- migrate:downgrade dialect=postgresql\nALTER TABLE orders DROP CONSTRAINT fk_orders_user;\n\n"
    "-- migrate:downgrade dialect=sqlite\nSELECT 1;\n";

class DryRunCliTest : public CliTest {
 protected:
  void write_seed() {
    m_dir.write("migrations/versions/a_users_orders.sql", k_users_orders);
    m_dir.write("migrations/versions/b_note.sql", k_note);
    m_dir.write("migrations/versions/c_foreign_key.sql", k_foreign_key);
  }

  std::string file_bytes() const {
    std::ifstream in(m_dir.path() / "app.db", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  /// Catalog and data: tables, columns, indexes, constraints, every row of the application
  /// tables, the version table and the journal.
  std::vector<std::string> state() const {
    auto out = schema_snapshot();
    auto add = [&](const std::vector<std::string>& rows) { out.insert(out.end(), rows.begin(), rows.end()); };
    if (k_postgres)
      add(column("SELECT 'constraint ' || table_name || '.' || constraint_name || ' ' || constraint_type FROM "
                 "information_schema.table_constraints WHERE table_schema = 'public' ORDER BY 1"));
    add(column("SELECT 'user ' || id || ' ' || name FROM users ORDER BY id"));
    add(column("SELECT 'order ' || id || ' ' || coalesce(CAST(user_id AS TEXT), 'null') FROM orders ORDER BY id"));
    add(version_rows());
    add(column("SELECT 'journal ' || count(*) FROM migrate_version_journal"));
    return out;
  }
};

TEST_F(DryRunCliTest, FailingForeignKeyIsReportedAndNothingChanges) {
  write_seed();
  ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);
  auto before_bytes = k_postgres ? "" : file_bytes();
  auto before = state();

  auto r = migrate({"upgrade", "head", "--dry-run"});
  ASSERT_EQ(r.status, 3) << describe(r);
  EXPECT_TRUE(contains(r.err, "Running upgrade aaa1 -> bbb2")) << r.err;
  EXPECT_TRUE(contains(r.err, "Running upgrade bbb2 -> ccc3")) << r.err;
  EXPECT_TRUE(contains(r.err, "revision ccc3")) << r.err;
  EXPECT_TRUE(contains(r.err, k_postgres ? "c_foreign_key.sql:7" : "c_foreign_key.sql:12")) << r.err;
  EXPECT_TRUE(contains(r.err, k_postgres ? "fk_orders_user" : "INSERT INTO orders_new")) << r.err;
  EXPECT_TRUE(contains(r.err, k_postgres ? "violates foreign key constraint" : "FOREIGN KEY constraint failed"))
      << r.err;

  if (!k_postgres) {
    EXPECT_TRUE(file_bytes() == before_bytes) << "the SQLite file changed";
  }
  EXPECT_EQ(state(), before);
  EXPECT_EQ(column_count("orders"), 2) << "bbb2's column was rolled back too";

  auto json = migrate({"upgrade", "head", "--dry-run", "--format", "json"});
  EXPECT_EQ(json.status, 3) << describe(json);
  EXPECT_TRUE(contains(json.out, "\"kind\": \"database\"")) << json.out;
  EXPECT_TRUE(contains(json.out, "ccc3")) << json.out;
  EXPECT_EQ(state(), before);

  // The real upgrade fails the same way, and after fixing the data it goes through.
  exec("UPDATE orders SET user_id = NULL WHERE id = 2");
  auto fixed = migrate({"upgrade", "head", "--dry-run"});
  EXPECT_EQ(fixed.status, 0) << describe(fixed);
  EXPECT_TRUE(contains(fixed.err, "dry run: 2 step(s) ran and were rolled back; the database is unchanged "
                                  "(heads still aaa1)"))
      << fixed.err;
  EXPECT_EQ(version_rows(), std::vector<std::string>{"aaa1"});
  EXPECT_EQ(migrate({"upgrade", "head"}).status, 0);
  EXPECT_EQ(version_rows(), std::vector<std::string>{"ccc3"});
}

TEST_F(DryRunCliTest, SuccessfulDryRunOnAFreshDatabaseLeavesNoTables) {
  write_seed();
  auto r = migrate({"upgrade", "bbb2", "--dry-run", "--format", "json"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "\"heads_after\": [\"bbb2\"]")) << r.out;
  EXPECT_FALSE(database_touched());
}

TEST_F(DryRunCliTest, NonTransactionalRevisionsAreRefusedBeforeAnythingRuns) {
  write_revision("a_first.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;"});
  write_revision("b_second.sql", {"bbb2", "\"aaa1\"", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;",
                                  "-- transactional = false\n"});
  write_revision("c_third.sql", {"ccc3", "\"bbb2\"", "CREATE TABLE c (id INTEGER);", "DROP TABLE c;",
                                 "-- transactional = false\n"});
  auto r = migrate({"upgrade", "head", "--dry-run", "--format", "json"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_TRUE(contains(r.out, "\"kind\": \"usage\"")) << r.out;
  EXPECT_TRUE(contains(r.out, "bbb2 (")) << r.out;
  EXPECT_TRUE(contains(r.out, "ccc3 (")) << r.out;
  EXPECT_FALSE(contains(r.out, "aaa1 (")) << r.out;
  EXPECT_FALSE(database_touched());
  // Up to the last transactional revision is fine.
  EXPECT_EQ(migrate({"upgrade", "aaa1", "--dry-run"}).status, 0);
}

}  // namespace
}  // namespace migrate::test

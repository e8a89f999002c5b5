// End-to-end `migrate lint` rules on SQLite (statements read by the project's lexer): for
// each rule a revision that triggers it, the fixed form (or the table created in the same
// revision) that does not, and an ignore comment that silences it.
#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

class LintSqliteCliTest : public CliTest {
 protected:
  /// Lints a project holding base revision t0 (table t) and revision a1 with `up` / `down`
  /// (the upgrade starts on line 7) and the header lines `header`.
  ProcessResult lint_revision(const std::string& up, const std::string& down, const std::string& header = "") {
    write_revision("t0.sql", {"t0", "", "CREATE TABLE t (id INTEGER);", "DROP TABLE t;"});
    write_revision("a1.sql", {"a1", "\"t0\"", up, down, header});
    return migrate({"lint"});
  }

  void expect_finding(const ProcessResult& r, const std::string& where_and_rule) {
    EXPECT_EQ(r.status, 1) << describe(r);
    EXPECT_TRUE(contains(r.out, "migrations/versions/a1.sql:" + where_and_rule)) << r.out;
  }

  void expect_clean(const ProcessResult& r) {
    EXPECT_EQ(r.status, 0) << describe(r);
    EXPECT_TRUE(contains(r.out, "lint: no problems in 2 revision files (sqlite)")) << r.out;
  }
};

TEST_F(LintSqliteCliTest, PragmaInTransaction) {
  expect_finding(lint_revision("PRAGMA journal_mode = WAL;", ""), "7:1: error pragma-in-transaction: PRAGMA journal_mode");
  expect_clean(lint_revision("PRAGMA journal_mode = WAL;", "", "-- transactional = false\n"));
  expect_clean(lint_revision("-- migrate:lint-ignore pragma-in-transaction kept for old databases\n"
                             "PRAGMA journal_mode = WAL;",
                             ""));
}

TEST_F(LintSqliteCliTest, NonTransactionalStatementInTransaction) {
  expect_finding(lint_revision("VACUUM;", ""), "7:1: error non-transactional-statement-in-transaction: VACUUM");
  expect_clean(lint_revision("VACUUM;", "", "-- transactional = false\n"));
  expect_clean(lint_revision("-- migrate:lint-ignore non-transactional-statement-in-transaction never run\nVACUUM;", ""));
}

TEST_F(LintSqliteCliTest, AlterNotSupported) {
  auto r = lint_revision("ALTER TABLE t ALTER COLUMN id SET NOT NULL;", "");
  expect_finding(r, "7:1: error alter-not-supported: SQLite has no ALTER TABLE ... ALTER COLUMN (table t)");
  EXPECT_TRUE(contains(r.out, "  hint: rebuild the table: CREATE TABLE new_t")) << r.out;
  expect_finding(lint_revision("ALTER TABLE t ADD COLUMN code TEXT UNIQUE;", "ALTER TABLE t DROP COLUMN code;"),
                 "7:1: error alter-not-supported: SQLite cannot add a UNIQUE column");
  expect_clean(lint_revision("ALTER TABLE t ADD COLUMN code TEXT;\nCREATE UNIQUE INDEX ix_code ON t (code);",
                             "DROP INDEX ix_code;\nALTER TABLE t DROP COLUMN code;"));
  expect_clean(lint_revision("-- migrate:lint-ignore alter-not-supported, downgrade-incomplete kept for PostgreSQL\n"
                             "ALTER TABLE t ADD CONSTRAINT c CHECK (id > 0);",
                             ""));
}

TEST_F(LintSqliteCliTest, AddColumnNotNullWithoutDefault) {
  expect_finding(lint_revision("ALTER TABLE t ADD COLUMN n INTEGER NOT NULL;", "ALTER TABLE t DROP COLUMN n;"),
                 "7:1: error add-column-not-null-without-default: adding NOT NULL column n without a default");
  expect_clean(lint_revision("ALTER TABLE t ADD COLUMN n INTEGER NOT NULL DEFAULT 0;", "ALTER TABLE t DROP COLUMN n;"));
  expect_clean(lint_revision("CREATE TABLE u (id INTEGER);\nALTER TABLE u ADD COLUMN n INTEGER NOT NULL;",
                             "DROP TABLE u;"));
  expect_clean(lint_revision("-- migrate:lint-ignore add-column-not-null-without-default t is always empty here\n"
                             "ALTER TABLE t ADD COLUMN n INTEGER NOT NULL;",
                             "ALTER TABLE t DROP COLUMN n;"));
  // What the rule predicts: SQLite refuses it once the table holds a row.
  lint_revision("ALTER TABLE t ADD COLUMN n INTEGER NOT NULL;", "ALTER TABLE t DROP COLUMN n;");
  ASSERT_EQ(migrate({"upgrade", "t0"}).status, 0);
  exec("INSERT INTO t (id) VALUES (1)");
  EXPECT_NE(migrate({"upgrade", "a1"}).status, 0);
}

TEST_F(LintSqliteCliTest, DowngradeIncomplete) {
  auto r = lint_revision("CREATE TABLE u (id INTEGER);\nCREATE INDEX ix_t ON t (id);", "DROP TABLE u;");
  expect_finding(r, "8:1: error downgrade-incomplete: the upgrade creates index ix_t on t and the downgrade does "
                    "not drop it");
  expect_clean(lint_revision("CREATE TABLE u (id INTEGER);\nCREATE INDEX ix_t ON t (id);",
                             "DROP INDEX ix_t;\nDROP TABLE u;"));
  expect_clean(lint_revision("CREATE TABLE u (id INTEGER);\nCREATE INDEX ix_u ON u (id);", "DROP TABLE u;"));
  expect_clean(lint_revision("CREATE TABLE u (id INTEGER);\n"
                             "-- migrate:lint-ignore downgrade-incomplete the index is dropped with t later\n"
                             "CREATE INDEX ix_t ON t (id);",
                             "DROP TABLE u;"));
}

TEST_F(LintSqliteCliTest, AnIgnoreInASectionForTheOtherDialectIsNotReported) {
  write_revision("t0.sql", {"t0", "", "CREATE TABLE t (id INTEGER);", "DROP TABLE t;"});
  m_dir.write("migrations/versions/a1.sql",
              "-- migrate:revision\n-- revision = \"a1\"\n-- down_revision = \"t0\"\n\n"
              "-- migrate:upgrade dialect=postgresql\n-- migrate:lint-ignore set-not-null small table\n"
              "ALTER TABLE t ALTER COLUMN id SET NOT NULL;\n"
              "-- migrate:downgrade dialect=postgresql\nALTER TABLE t ALTER COLUMN id DROP NOT NULL;\n");
  expect_clean(migrate({"lint"}));
}

TEST_F(LintSqliteCliTest, RehearsalIsRefusedOnSqliteWithAHint) {
  write_revision("a1.sql", {"a1", "", "CREATE TABLE t (id INTEGER);", "DROP TABLE t;"});
  const auto r = migrate({"lint", "--rehearse"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "needs PostgreSQL")) << r.err;
}

}  // namespace
}  // namespace migrate::test

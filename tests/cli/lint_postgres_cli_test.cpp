// End-to-end `migrate lint` on PostgreSQL (statements read by the server's own grammar): for
// every PostgreSQL rule, a revision that triggers it, a form that does not (the fixed
// statement, or the table created in the same revision), and an ignore comment that silences
// it; then `lint --rehearse`, which measures on a scratch database what the rules guessed.
#include <string>
#include <vector>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

struct RuleCase {
  std::string rule;
  std::string trigger;        ///< one statement on the existing table t (or p)
  std::string passing;        ///< the fixed form, or the same change on a table this revision creates
  std::string passing_header = "";  ///< header lines the passing form needs
};

const std::vector<RuleCase>& rule_cases() {
  static const std::vector<RuleCase> cases{
      {"require-concurrent-index", "CREATE INDEX t_c ON t (c);", "CREATE INDEX CONCURRENTLY t_c ON t (c);",
       "-- transactional = false\n"},
      {"concurrent-index-in-transaction", "CREATE INDEX CONCURRENTLY t_c ON t (c);",
       "CREATE INDEX CONCURRENTLY t_c ON t (c);", "-- transactional = false\n"},
      {"foreign-key-not-valid", "ALTER TABLE t ADD CONSTRAINT t_p FOREIGN KEY (c) REFERENCES p (id);",
       "ALTER TABLE t ADD CONSTRAINT t_p FOREIGN KEY (c) REFERENCES p (id) NOT VALID;"},
      {"check-not-valid", "ALTER TABLE t ADD CONSTRAINT t_c_positive CHECK (c > 0);",
       "ALTER TABLE t ADD CONSTRAINT t_c_positive CHECK (c > 0) NOT VALID;"},
      {"set-not-null", "ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
       "CREATE TABLE u (c int);\nALTER TABLE u ALTER COLUMN c SET NOT NULL;"},
      {"add-column-volatile-default", "ALTER TABLE t ADD COLUMN r float8 DEFAULT random();",
       "ALTER TABLE t ADD COLUMN r float8 DEFAULT 0;"},
      {"add-column-not-null-without-default", "ALTER TABLE t ADD COLUMN z int NOT NULL;",
       "ALTER TABLE t ADD COLUMN z int NOT NULL DEFAULT 0;"},
      {"change-column-type", "ALTER TABLE t ALTER COLUMN c TYPE bigint;",
       "CREATE TABLE u (c int);\nALTER TABLE u ALTER COLUMN c TYPE bigint;"},
      {"unique-without-index", "ALTER TABLE t ADD CONSTRAINT t_c_key UNIQUE (c);",
       "ALTER TABLE t ADD CONSTRAINT t_c_key UNIQUE USING INDEX t_c_idx;"},
      {"rename-column", "ALTER TABLE t RENAME COLUMN c TO d;",
       "CREATE TABLE u (c int);\nALTER TABLE u RENAME COLUMN c TO d;"},
      {"rename-table", "ALTER TABLE t RENAME TO t2;", "CREATE TABLE u (c int);\nALTER TABLE u RENAME TO u2;"},
      {"drop-column", "ALTER TABLE t DROP COLUMN c;", "CREATE TABLE u (c int, d int);\nALTER TABLE u DROP COLUMN d;"},
      {"drop-table", "DROP TABLE t;", "CREATE TABLE u (c int);\nDROP TABLE u;"},
      {"missing-lock-timeout", "ALTER TABLE t ADD COLUMN z int;", "ALTER TABLE t ADD COLUMN z int;",
       "-- lock_timeout = \"5s\"\n"},
      {"non-transactional-statement-in-transaction", "VACUUM t;", "VACUUM t;", "-- transactional = false\n"},
  };
  return cases;
}

class LintPostgresCliTest : public ScratchCliTest {
 protected:
  /// Lints base revision t0 (tables p and t) and revision a1 holding `up` (from line 7 when
  /// `header` is empty) with an empty downgrade.
  ProcessResult lint_revision(const std::string& up, const std::string& header = "") {
    write_revision("t0.sql", {"t0", "", "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE t (id int PRIMARY KEY, c int);",
                              "DROP TABLE t;\nDROP TABLE p;"});
    write_revision("a1.sql", {"a1", "\"t0\"", up, "SELECT 1;", header});
    return migrate({"lint"});
  }

  /// Writes the two-revision project of the rehearsal tests: accounts with 1,000 rows, then
  /// revision b2 with `up`.
  void write_accounts_project(const std::string& up) {
    write_revision("a1.sql", {"a1", "",
                              "CREATE TABLE accounts (id int PRIMARY KEY, n int, name varchar(10));\n"
                              "INSERT INTO accounts SELECT g, g, 'x' FROM generate_series(1, 1000) g;",
                              "DROP TABLE accounts;"});
    write_revision("b2.sql", {"b2", "\"a1\"", up, "SELECT 1;"});
  }
};

TEST_F(LintPostgresCliTest, EveryRuleTriggersPassesInItsFixedFormAndIsSilencedByAnIgnoreComment) {
  for (const auto& c : rule_cases()) {
    SCOPED_TRACE(c.rule);
    const auto triggered = lint_revision(c.trigger);
    EXPECT_TRUE(contains(triggered.out, "migrations/versions/a1.sql:7:1: ")) << triggered.out;
    EXPECT_TRUE(contains(triggered.out, " " + c.rule + ": ")) << triggered.out;

    const auto passing = lint_revision(c.passing, c.passing_header);
    EXPECT_FALSE(contains(passing.out, " " + c.rule + ": ")) << passing.out;

    const auto ignored = lint_revision("-- migrate:lint-ignore " + c.rule + " reviewed: the table is small\n" + c.trigger);
    EXPECT_FALSE(contains(ignored.out, " " + c.rule + ": ")) << ignored.out;
    EXPECT_FALSE(contains(ignored.out, "unused-lint-ignore")) << ignored.out;
  }
}

TEST_F(LintPostgresCliTest, DowngradeIncompleteNamesTheIndexTheDowngradeLeaves) {
  write_revision("t0.sql", {"t0", "", "CREATE TABLE t (id int);", "DROP TABLE t;"});
  const auto lint_index = [&](const std::string& up, const std::string& down) {
    write_revision("a1.sql", {"a1", "\"t0\"", up, down});
    return migrate({"lint"});
  };
  const auto r = lint_index("CREATE INDEX CONCURRENTLY t_id ON t (id);", "SELECT 1;");
  EXPECT_TRUE(contains(r.out, "a1.sql:7:1: error downgrade-incomplete: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "t_id")) << r.out;
  const auto fixed = lint_index("CREATE INDEX CONCURRENTLY t_id ON t (id);", "DROP INDEX CONCURRENTLY t_id;");
  EXPECT_FALSE(contains(fixed.out, "downgrade-incomplete")) << fixed.out;
  const auto ignored = lint_index(
      "-- migrate:lint-ignore downgrade-incomplete the index stays for the old release\n"
      "CREATE INDEX CONCURRENTLY t_id ON t (id);",
      "SELECT 1;");
  EXPECT_FALSE(contains(ignored.out, "downgrade-incomplete")) << ignored.out;
  EXPECT_FALSE(contains(ignored.out, "unused-lint-ignore")) << ignored.out;
}

TEST_F(LintPostgresCliTest, RehearsalMeasuresTheShareLockOfAnIndexBuildAndTheRewriteOfATypeChange) {
  write_accounts_project(
      "CREATE INDEX accounts_n ON accounts (n);\n"
      "ALTER TABLE accounts ALTER COLUMN n TYPE bigint;");
  const auto r = migrate({"lint", "--rehearse", "-v"});
  EXPECT_EQ(r.status, 1) << describe(r);
  EXPECT_TRUE(contains(r.out, "b2.sql:7:1: error require-concurrent-index: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "[confirmed: SHARE on public.accounts")) << r.out;
  EXPECT_TRUE(contains(r.out, "b2.sql:8:1: error change-column-type: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "[confirmed: rewrote public.accounts")) << r.out;
  EXPECT_TRUE(contains(r.out, "rehearsed b2 (")) << r.out;
  EXPECT_TRUE(contains(r.out, "  8: ACCESS EXCLUSIVE on public.accounts; rewrote public.accounts; ")) << r.out;
  const auto scratch = scratch_name(r.err);  // other tests make scratch databases of their own
  ASSERT_FALSE(scratch.empty()) << r.err;
  EXPECT_FALSE(scratch_exists(scratch)) << scratch;
  EXPECT_FALSE(has_table("accounts"));  // the target database was not touched
}

TEST_F(LintPostgresCliTest, ATypeChangeTheRehearsalShowsDoesNotRewriteIsClearedAndDoesNotFail) {
  write_accounts_project("ALTER TABLE accounts ALTER COLUMN name TYPE varchar(20);");
  const auto guessed = migrate({"lint"});
  EXPECT_EQ(guessed.status, 1) << describe(guessed);
  const auto r = migrate({"lint", "--rehearse", "--format", "json", "-v"});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "\"rule\": \"change-column-type\"")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"evidence\": \"cleared\"")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"errors\": 0")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"rehearsal\": [{\"revision\": \"a1\"")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"rewritten\": []")) << r.out;
  const auto scratch = scratch_name(r.err);
  ASSERT_FALSE(scratch.empty()) << r.err;
  EXPECT_FALSE(scratch_exists(scratch)) << scratch;
}

}  // namespace
}  // namespace migrate::test

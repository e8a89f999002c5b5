// End-to-end `migrate lint` on both backends: the rules every dialect has (irreversible,
// dialect-section-missing), ignore comments, the three output formats, `[lint]` severities,
// RANGE, `--since` with a real git repository, `--list-rules`, and that lint never connects.
// The dialect comes from the configured URL; the dialect-specific rules are tested in
// lint_sqlite_cli_test.cpp (and the PostgreSQL ones where their facts are built).
#include <cstdlib>
#include <filesystem>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

const std::string k_dialect = k_postgres ? "postgresql" : "sqlite";

class LintCliTest : public CliTest {
 protected:
  /// A revision file without a downgrade section (lines: 1 header, 5 the statement).
  void write_irreversible(const std::string& id, const std::string& down, const std::string& before = "") {
    m_dir.write("migrations/versions/" + id + ".sql",
                before + "-- migrate:revision\n-- revision = \"" + id + "\"\n-- down_revision = " + down +
                    "\n\n-- migrate:upgrade\nCREATE TABLE " + id + " (id INTEGER);\n");
  }

  /// A clean revision: its downgrade drops what the upgrade creates.
  void write_clean(const std::string& id, const std::string& down) {
    write_revision(id + ".sql", {id, down, "CREATE TABLE " + id + " (id INTEGER);", "DROP TABLE " + id + ";"});
  }

  void git(const std::string& args) {
    const std::string command = "cd '" + m_dir.path().string() + "' && git " + args + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
};

TEST_F(LintCliTest, CleanProjectExitsZeroWithASummary) {
  write_clean("a1", "");
  write_clean("b2", "\"a1\"");
  auto r = migrate({"lint"});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(r.out, "lint: no problems in 2 revision files (" + k_dialect + ")\n") << describe(r);
}

TEST_F(LintCliTest, IrreversibleIsAWarningNamingFileLineAndColumn) {
  write_irreversible("a1", "\"\"");
  auto r = migrate({"lint"});
  EXPECT_EQ(r.status, 0) << describe(r);  // a warning does not fail the run
  EXPECT_TRUE(contains(r.out, "migrations/versions/a1.sql:1:1: warning irreversible: revision a1 has no downgrade "
                              "section: it cannot be reverted\n  hint: add a `-- migrate:downgrade` section"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "lint: 0 errors, 1 warning in 1 revision file (" + k_dialect + ")\n")) << r.out;
}

TEST_F(LintCliTest, IgnoreCommentBeforeTheHeaderSilencesAFileFinding) {
  write_irreversible("a1", "\"\"", "-- migrate:lint-ignore irreversible the seed data cannot be restored\n");
  auto r = migrate({"lint"});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "lint: no problems")) << r.out;
  // The comment is no directive: the file still loads and runs.
  EXPECT_EQ(migrate({"upgrade", "head"}).status, 0);
}

TEST_F(LintCliTest, IgnoreWithoutReasonAndUnusedIgnoreAreWarnings) {
  write_irreversible("a1", "\"\"", "-- migrate:lint-ignore irreversible\n");
  write_revision("b2.sql", {"b2", "\"a1\"", "-- migrate:lint-ignore downgrade-incomplete it stays\nSELECT 1;", ""});
  auto r = migrate({"lint"});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "migrations/versions/a1.sql:1:1: warning lint-ignore-without-reason: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "migrations/versions/b2.sql:7:1: warning unused-lint-ignore: lint-ignore "
                              "downgrade-incomplete silences nothing")) << r.out;
  EXPECT_FALSE(contains(r.out, " irreversible:")) << r.out;
}

TEST_F(LintCliTest, DialectSectionMissingIsAnErrorAndExitsOne) {
  m_dir.write("migrations/versions/a1.sql",
              "-- migrate:revision\n-- revision = \"a1\"\n\n-- migrate:upgrade dialect=" + k_dialect +
                  "\nCREATE TABLE t (id INTEGER);\n\n-- migrate:downgrade\nDROP TABLE t;\n");
  auto r = migrate({"lint"});
  EXPECT_EQ(r.status, 1) << describe(r);
  EXPECT_TRUE(contains(r.out, "a1.sql:1:1: error dialect-section-missing: the upgrade has a " + k_dialect +
                              " section but the downgrade does not")) << r.out;
  // Fixed: the downgrade for the dialect too.
  m_dir.write("migrations/versions/a1.sql",
              "-- migrate:revision\n-- revision = \"a1\"\n\n-- migrate:upgrade dialect=" + k_dialect +
                  "\nCREATE TABLE t (id INTEGER);\n\n-- migrate:downgrade dialect=" + k_dialect + "\nDROP TABLE t;\n");
  EXPECT_EQ(migrate({"lint"}).status, 0);
  // Silenced.
  m_dir.write("migrations/versions/a1.sql",
              "-- migrate:lint-ignore dialect-section-missing the generic DROP serves both\n"
              "-- migrate:revision\n-- revision = \"a1\"\n\n-- migrate:upgrade dialect=" + k_dialect +
                  "\nCREATE TABLE t (id INTEGER);\n\n-- migrate:downgrade\nDROP TABLE t;\n");
  auto silenced = migrate({"lint"});
  EXPECT_EQ(silenced.status, 0) << describe(silenced);
}

TEST_F(LintCliTest, GithubFormatPrintsWorkflowAnnotations) {
  write_irreversible("a1", "\"\"");
  auto r = migrate({"lint", "--format", "github"});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(r.out.find("::warning file=migrations/versions/a1.sql,line=1,col=1,title=irreversible::revision a1 has "
                       "no downgrade section: it cannot be reverted%0Ahint: "),
            0u)
      << r.out;
  // github belongs to lint only.
  auto refused = migrate({"--format", "github", "heads"});
  EXPECT_EQ(refused.status, 2) << describe(refused);
  EXPECT_TRUE(contains(refused.err, "--format github goes with `migrate lint` only")) << refused.err;
}

TEST_F(LintCliTest, JsonFormatListsFindingsAndCounts) {
  write_irreversible("a1", "\"\"");
  auto r = migrate({"--format", "json", "lint"});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(r.out.find("{\"findings\": [{\"rule\": \"irreversible\", \"severity\": \"warning\", \"revision\": \"a1\", "
                       "\"file\": \"migrations/versions/a1.sql\", \"line\": 1, \"column\": 1, \"message\": \"revision a1 "
                       "has no downgrade section: it cannot be reverted\", \"hint\": "),
            0u)
      << r.out;
  EXPECT_TRUE(contains(r.out, "], \"errors\": 0, \"warnings\": 1}\n")) << r.out;
}

TEST_F(LintCliTest, LintSeveritiesChangeTheExitStatus) {
  write_irreversible("a1", "\"\"");
  write_config("[lint]\nirreversible = \"error\"\n");
  auto error = migrate({"lint"});
  EXPECT_EQ(error.status, 1) << describe(error);
  EXPECT_TRUE(contains(error.out, "a1.sql:1:1: error irreversible:")) << error.out;
  write_config("[lint]\nirreversible = \"off\"\n");
  auto off = migrate({"lint"});
  EXPECT_EQ(off.status, 0) << describe(off);
  EXPECT_TRUE(contains(off.out, "lint: no problems")) << off.out;
  m_dir.write("migrations/versions/a1.sql",
              "-- migrate:revision\n-- revision = \"a1\"\n\n-- migrate:upgrade dialect=" + k_dialect +
                  "\nCREATE TABLE t (id INTEGER);\n\n-- migrate:downgrade\nDROP TABLE t;\n");
  write_config("[lint]\ndialect-section-missing = \"warning\"\n");
  auto warning = migrate({"lint"});
  EXPECT_EQ(warning.status, 0) << describe(warning);
  EXPECT_TRUE(contains(warning.out, "warning dialect-section-missing:")) << warning.out;
}

TEST_F(LintCliTest, UnknownRuleInLintConfigIsAConfigError) {
  write_clean("a1", "");
  write_config("[lint]\nrequire-concurent-index = \"off\"\n");
  auto r = migrate({"lint"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "migrate.toml:3: [lint] names `require-concurent-index`, which is no lint rule")) << r.err;
  write_config("[lint]\nirreversible = \"fatal\"\n");
  auto bad = migrate({"lint"});
  EXPECT_EQ(bad.status, 2) << describe(bad);
  EXPECT_TRUE(contains(bad.err, "a rule's severity is \"error\", \"warning\" or \"off\"")) << bad.err;
}

TEST_F(LintCliTest, RangeSelectsRevisions) {
  write_irreversible("a1", "\"\"");
  write_irreversible("b2", "\"a1\"");
  write_irreversible("c3", "\"b2\"");
  auto r = migrate({"lint", "b2:"});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_FALSE(contains(r.out, "a1.sql")) << r.out;
  EXPECT_TRUE(contains(r.out, "b2.sql:1:1:")) << r.out;
  EXPECT_TRUE(contains(r.out, "c3.sql:1:1:")) << r.out;
  EXPECT_TRUE(contains(r.out, "in 2 revision files")) << r.out;
  auto bad = migrate({"lint", "zz:"});
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.status, 1) << describe(bad);
}

TEST_F(LintCliTest, SinceLintsOnlyFilesChangedFromAGitRef) {
  write_irreversible("a1", "\"\"");
  write_irreversible("b2", "\"a1\"");
  git("init -q");
  git("-c user.email=t@example.com -c user.name=t add -A");
  git("-c user.email=t@example.com -c user.name=t commit -q -m initial");
  write_irreversible("b2", "\"a1\"", "-- changed\n");
  write_irreversible("c3", "\"b2\"");  // untracked
  auto r = migrate({"lint", "--since", "HEAD"});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_FALSE(contains(r.out, "a1.sql")) << r.out;
  EXPECT_TRUE(contains(r.out, "b2.sql:2:1: warning irreversible")) << r.out;
  EXPECT_TRUE(contains(r.out, "c3.sql:1:1: warning irreversible")) << r.out;
  auto unknown = migrate({"lint", "--since", "no-such-ref"});
  EXPECT_EQ(unknown.status, 2) << describe(unknown);
  EXPECT_TRUE(contains(unknown.err, "--since: git diff")) << unknown.err;
  EXPECT_TRUE(contains(unknown.err, "no-such-ref")) << unknown.err;
}

TEST_F(LintCliTest, SinceWithoutGitIsAClearError) {
  write_clean("a1", "");
  auto r = migrate({"lint", "--since", "HEAD"}, {{"PATH", "/nonexistent"}});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "--since needs git, which is not on PATH")) << r.err;
}

TEST_F(LintCliTest, NeverConnectsToTheDatabase) {
  write_irreversible("a1", "\"\"");
  const std::string unreachable =
      k_postgres ? "postgresql://nobody@127.0.0.1:1/none" : "sqlite:///no/such/folder/app.db";
  auto r = migrate({"--url", unreachable, "lint"});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "(" + k_dialect + ")")) << r.out;
}

TEST_F(LintCliTest, ListRulesShowsEveryRuleWithItsDefaultSeverity) {
  auto r = migrate({"lint", "--list-rules"});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "require-concurrent-index")) << r.out;
  EXPECT_TRUE(contains(r.out, "pragma-in-transaction")) << r.out;
  EXPECT_TRUE(contains(r.out, "unused-lint-ignore")) << r.out;
  auto json = migrate({"lint", "--list-rules", "--format", "json"});
  EXPECT_TRUE(contains(json.out, "{\"id\": \"irreversible\", \"dialect\": \"both\", \"severity\": \"warning\", ")) << json.out;
}

TEST_F(LintCliTest, TheSampleProjectLintsClean) {
  std::filesystem::remove_all(m_dir.path() / "migrations");
  std::filesystem::copy(std::filesystem::path(MIGRATE_SOURCE_DIR) / "migrations", m_dir.path() / "migrations",
                        std::filesystem::copy_options::recursive);
  auto r = migrate({"lint"});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(r.out, "lint: no problems in 9 revision files (" + k_dialect + ")\n") << r.out;
}

TEST_F(LintCliTest, ParseErrorsNameFileLineAndColumnAndCanBeIgnored) {
  write_revision("a1.sql", {"a1", "", "CREATE TABLE t (id int);\n  CREATE TABLE (;", "DROP TABLE t;"});
  auto r = migrate({"lint"});
  if (!k_postgres) {
    // SQLite statements are read by the project's lexer, which refuses nothing: SQLite itself
    // reports such a statement when it runs.
    EXPECT_EQ(r.status, 0) << describe(r);
    EXPECT_FALSE(contains(r.out, "parse-error")) << r.out;
    return;
  }
  EXPECT_EQ(r.status, 1) << describe(r);
  EXPECT_TRUE(contains(r.out, "migrations/versions/a1.sql:8:3: error parse-error: the postgresql parser refuses this "
                              "statement: syntax error")) << r.out;
  write_revision("a1.sql", {"a1", "", "CREATE TABLE t (id int);\n-- migrate:lint-ignore parse-error psql-only syntax\n"
                                      "  CREATE TABLE (;", "DROP TABLE t;"});
  auto ignored = migrate({"lint"});
  EXPECT_EQ(ignored.status, 0) << describe(ignored);
}

}  // namespace
}  // namespace migrate::test

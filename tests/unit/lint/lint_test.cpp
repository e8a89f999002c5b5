// The engine and the SQLite and common rules, over whole revision files.
#include <gtest/gtest.h>

#include "lint/lint.hpp"
#include "script/revision_file.hpp"

namespace migrate::lint {
namespace {

std::string revision(const std::string& up, const std::optional<std::string>& down, const std::string& header = "") {
  std::string text = "-- migrate:revision\n-- revision = \"a1\"\n" + header + "-- migrate:upgrade\n" + up + "\n";
  if (down) text += "\n-- migrate:downgrade\n" + *down + "\n";
  return text;
}

std::vector<Finding> run(const std::string& text, Dialect dialect = Dialect::sqlite, Settings settings = {}) {
  const auto file = script::parse_revision_file("v/a1.sql", text);
  settings.dialect = dialect;
  return lint({Input{&file, text, "v/a1.sql"}}, settings);
}

/// "rule@line" per finding.
std::vector<std::string> found(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.rule + "@" + std::to_string(f.line));
  return out;
}

using Found = std::vector<std::string>;

TEST(Lint, CleanRevisionHasNoFindings) {
  EXPECT_EQ(found(run(revision("CREATE TABLE t (id INTEGER);\nCREATE INDEX ix ON t (id);", "DROP TABLE t;"))), Found{});
}

TEST(Lint, IrreversibleIsAWarningAtTheHeader) {
  auto findings = run(revision("CREATE TABLE t (id INTEGER);", std::nullopt));
  ASSERT_EQ(found(findings), Found{"irreversible@1"});
  EXPECT_EQ(findings[0].severity, Severity::warning);
  EXPECT_EQ(findings[0].revision, "a1");
  EXPECT_EQ(findings[0].file, "v/a1.sql");
  EXPECT_FALSE(findings[0].hint.empty());
}

TEST(Lint, DowngradeIncompleteNamesTheObjectAtItsCreatingStatement) {
  auto findings = run(revision("CREATE TABLE t (id INTEGER);\nCREATE INDEX ix ON u (id);\nALTER TABLE u ADD c INTEGER;",
                               "DROP TABLE t;"));
  EXPECT_EQ(found(findings), (Found{"downgrade-incomplete@5", "downgrade-incomplete@6"}));
  EXPECT_NE(findings[0].message.find("index ix on u"), std::string::npos) << findings[0].message;
  EXPECT_NE(findings[1].message.find("column c on u"), std::string::npos) << findings[1].message;
  // Dropped directly, with the table, or again within the upgrade itself: complete.
  EXPECT_EQ(found(run(revision("CREATE TABLE t (id INTEGER);\nCREATE INDEX ix ON u (id);\nALTER TABLE u ADD c INTEGER;",
                               "DROP TABLE t;\nDROP INDEX ix;\nALTER TABLE u DROP COLUMN c;"))),
            Found{});
  EXPECT_EQ(found(run(revision("CREATE TABLE t (id INTEGER);\nCREATE INDEX ix ON t (id);", "DROP TABLE t;"))), Found{});
  EXPECT_EQ(found(run(revision("CREATE TABLE tmp (id INTEGER);\nDROP TABLE tmp;", ""))), Found{});
}

TEST(Lint, DialectSectionMissingBothWays) {
  const std::string up_pg = "-- migrate:revision\n-- revision = \"a1\"\n\n-- migrate:upgrade\nCREATE TABLE t (id INTEGER);\n"
                            "-- migrate:upgrade dialect=sqlite\nCREATE TABLE t (id INTEGER, x TEXT);\n"
                            "-- migrate:downgrade\nDROP TABLE t;\n";
  EXPECT_EQ(found(run(up_pg)), Found{"dialect-section-missing@1"});
  EXPECT_EQ(found(run(up_pg, Dialect::postgresql)), Found{});
  const std::string down_only = "-- migrate:revision\n-- revision = \"a1\"\n\n-- migrate:upgrade\nCREATE TABLE t (id INTEGER);\n"
                                "-- migrate:downgrade\nDROP TABLE t;\n-- migrate:downgrade dialect=sqlite\nDROP TABLE t;\n";
  EXPECT_EQ(found(run(down_only)), Found{"dialect-section-missing@1"});
  const std::string both = "-- migrate:revision\n-- revision = \"a1\"\n\n-- migrate:upgrade dialect=sqlite\nCREATE TABLE t (id INTEGER);\n"
                           "-- migrate:downgrade dialect=sqlite\nDROP TABLE t;\n";
  EXPECT_EQ(found(run(both)), Found{});
}

TEST(Lint, PragmaInTransactionOnlyWhenTheRevisionRunsInOne) {
  EXPECT_EQ(found(run(revision("PRAGMA journal_mode = WAL;", ""))), Found{"pragma-in-transaction@4"});
  EXPECT_EQ(found(run(revision("PRAGMA journal_mode = WAL;", "", "-- transactional = false\n"))), Found{});
  EXPECT_EQ(found(run(revision("PRAGMA journal_mode;\nPRAGMA legacy_alter_table = ON;", ""))), Found{});
}

TEST(Lint, NonTransactionalStatementInTransactionOnSqlite) {
  EXPECT_EQ(found(run(revision("VACUUM;", ""))), Found{"non-transactional-statement-in-transaction@4"});
  EXPECT_EQ(found(run(revision("VACUUM;", "", "-- transactional = false\n"))), Found{});
}

TEST(Lint, AlterNotSupportedOnSqlite) {
  for (const char* sql : {"ALTER TABLE t ALTER COLUMN a TYPE TEXT;", "ALTER TABLE t ADD CONSTRAINT u UNIQUE (a);",
                          "ALTER TABLE t DROP CONSTRAINT u;", "ALTER TABLE t ALTER COLUMN a SET NOT NULL;",
                          "ALTER TABLE t ADD COLUMN b INTEGER PRIMARY KEY;", "ALTER TABLE t ADD COLUMN b TEXT UNIQUE;",
                          "ALTER TABLE t ADD COLUMN b TEXT DEFAULT CURRENT_TIMESTAMP;"}) {
    Settings settings;  // some of these add a column the empty downgrade leaves
    settings.severities["downgrade-incomplete"] = Severity::off;
    EXPECT_EQ(found(run(revision(sql, ""), Dialect::sqlite, settings)), Found{"alter-not-supported@4"}) << sql;
  }
  EXPECT_EQ(found(run(revision("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x';", "ALTER TABLE t DROP COLUMN b;"))),
            Found{});
  // The downgrade runs on SQLite too.
  EXPECT_EQ(found(run(revision("SELECT 1;", "ALTER TABLE t ALTER COLUMN a DROP DEFAULT;"))),
            Found{"alter-not-supported@7"});
}

TEST(Lint, AddColumnNotNullWithoutDefault) {
  auto findings = run(revision("ALTER TABLE t ADD COLUMN b INTEGER NOT NULL;", "ALTER TABLE t DROP COLUMN b;"));
  ASSERT_EQ(found(findings), Found{"add-column-not-null-without-default@4"});
  EXPECT_EQ(findings[0].severity, Severity::error);
  EXPECT_EQ(found(run(revision("ALTER TABLE t ADD COLUMN b INTEGER NOT NULL DEFAULT 0;", "ALTER TABLE t DROP COLUMN b;"))),
            Found{});
  EXPECT_EQ(found(run(revision("CREATE TABLE t (a INTEGER);\nALTER TABLE t ADD COLUMN b INTEGER NOT NULL;",
                               "DROP TABLE t;"))),
            Found{});
}

TEST(Lint, IgnoreCommentSilencesTheNamedRulesOnTheNextStatement) {
  EXPECT_EQ(found(run(revision("-- migrate:lint-ignore pragma-in-transaction WAL is set once, here\n"
                               "PRAGMA journal_mode = WAL;",
                               ""))),
            Found{});
  // Several ids, comma separated; stacked comments; another statement is not silenced.
  EXPECT_EQ(found(run(revision("-- migrate:lint-ignore alter-not-supported, pragma-in-transaction checked by hand\n"
                               "-- migrate:lint-ignore downgrade-incomplete the column stays\n"
                               "ALTER TABLE t ADD COLUMN b TEXT UNIQUE;\nPRAGMA journal_mode = WAL;",
                               ""))),
            (Found{"unused-lint-ignore@4", "pragma-in-transaction@7"}));
}

TEST(Lint, IgnoreBeforeTheHeaderSilencesFileFindings) {
  EXPECT_EQ(found(run("-- migrate:lint-ignore irreversible the data cannot come back\n" +
                      revision("CREATE TABLE t (id INTEGER);", std::nullopt))),
            Found{});
}

TEST(Lint, IgnoreWithoutReasonStillSilencesButIsReported) {
  auto findings = run(revision("-- migrate:lint-ignore pragma-in-transaction\nPRAGMA journal_mode = WAL;", ""));
  ASSERT_EQ(found(findings), Found{"lint-ignore-without-reason@4"});
  EXPECT_EQ(findings[0].severity, Severity::warning);
  EXPECT_EQ(findings[0].column, 1);
}

TEST(Lint, UnusedIgnoreAndUnknownRuleAreReported) {
  auto findings = run(revision("  -- migrate:lint-ignore drop-tabel typo\nCREATE TABLE t (id INTEGER);", "DROP TABLE t;"));
  ASSERT_EQ(found(findings), Found{"unused-lint-ignore@4"});
  EXPECT_EQ(findings[0].column, 3);
  EXPECT_NE(findings[0].message.find("drop-tabel"), std::string::npos);
  // A PostgreSQL rule named in a section SQLite runs too is not unused on SQLite.
  EXPECT_EQ(found(run(revision("-- migrate:lint-ignore require-concurrent-index small table\n"
                               "CREATE TABLE t (id INTEGER);",
                               "DROP TABLE t;"))),
            Found{});
}

TEST(Lint, AnIgnoreCommentWithoutARuleIsReported) {
  auto findings = run(revision("-- migrate:lint-ignore\nCREATE TABLE t (id INTEGER);", "DROP TABLE t;"));
  ASSERT_EQ(found(findings), Found{"unused-lint-ignore@4"});
  EXPECT_NE(findings[0].message.find("names no rule"), std::string::npos) << findings[0].message;
}

TEST(Lint, SeveritiesOverrideTheDefaultsAndOffDropsTheFinding) {
  Settings settings;
  settings.severities["pragma-in-transaction"] = Severity::warning;
  settings.severities["irreversible"] = Severity::off;
  auto findings = run(revision("PRAGMA journal_mode = WAL;", std::nullopt), Dialect::sqlite, settings);
  ASSERT_EQ(found(findings), Found{"pragma-in-transaction@4"});
  EXPECT_EQ(findings[0].severity, Severity::warning);
}

TEST(Lint, PostgresParseErrorsAreReportedAtTheStatement) {
  auto findings = run(revision("CREATE TABLE t (id int);\n  CREATE TABLE (;", "DROP TABLE t;"), Dialect::postgresql);
  ASSERT_EQ(found(findings), Found{"parse-error@5"});
  EXPECT_EQ(findings[0].column, 3);
  EXPECT_EQ(findings[0].severity, Severity::error);
  EXPECT_NE(findings[0].message.find("syntax error"), std::string::npos) << findings[0].message;
}

TEST(Lint, FindingsAreOrderedByFileLineAndColumn) {
  const std::string a = revision("PRAGMA journal_mode = WAL;", std::nullopt);
  const auto file_a = script::parse_revision_file("v/a.sql", a);
  const auto file_b = script::parse_revision_file("v/b.sql", a);
  auto findings = lint({Input{&file_b, a, "v/b.sql"}, Input{&file_a, a, "v/a.sql"}}, Settings{});
  EXPECT_EQ(found(findings), (Found{"irreversible@1", "pragma-in-transaction@4", "irreversible@1",
                                    "pragma-in-transaction@4"}));
  EXPECT_EQ(findings[0].file, "v/a.sql");
  EXPECT_EQ(findings[3].file, "v/b.sql");
}

TEST(Lint, CatalogHasEveryRuleOnceAndParseSeverity) {
  std::set<std::string_view> ids;
  for (const auto& rule : all_rules()) EXPECT_TRUE(ids.insert(rule.id).second) << rule.id;
  for (const char* id : {"require-concurrent-index", "concurrent-index-in-transaction", "foreign-key-not-valid",
                         "check-not-valid", "set-not-null", "add-column-volatile-default",
                         "add-column-not-null-without-default", "change-column-type", "unique-without-index",
                         "rename-column", "rename-table", "drop-column", "drop-table", "missing-lock-timeout",
                         "non-transactional-statement-in-transaction", "pragma-in-transaction", "alter-not-supported",
                         "irreversible", "downgrade-incomplete", "dialect-section-missing", "parse-error",
                         "lint-ignore-without-reason", "unused-lint-ignore"})
    EXPECT_NE(find_rule(id), nullptr) << id;
  EXPECT_EQ(find_rule("missing-lock-timeout")->default_severity, Severity::warning);
  EXPECT_EQ(find_rule("set-not-null")->default_severity, Severity::error);
  EXPECT_EQ(parse_severity("off"), Severity::off);
  EXPECT_EQ(parse_severity("Error"), std::nullopt);
}

TEST(Lint, ContextTakesTheDialectsSectionsAndTheLockTimeout) {
  const std::string text = "-- migrate:revision\n-- revision = \"a1\"\n-- lock_timeout = \"2s\"\n-- transactional = false\n\n"
                           "-- migrate:upgrade dialect=postgresql\nCREATE TABLE t (id int);\n"
                           "-- migrate:downgrade\nDROP TABLE t;\n";
  const auto file = script::parse_revision_file("v/a1.sql", text);
  auto pg = make_context(file, Dialect::postgresql, false);
  EXPECT_TRUE(pg.lock_timeout_configured);
  EXPECT_FALSE(pg.transactional);
  EXPECT_TRUE(pg.upgrade_is_dialect_specific);
  EXPECT_FALSE(pg.downgrade_is_dialect_specific);
  EXPECT_EQ(pg.upgrade.size(), 1u);
  EXPECT_EQ(pg.downgrade_line, 8);
  auto sqlite = make_context(file, Dialect::sqlite, false);
  EXPECT_TRUE(sqlite.upgrade.empty());
  EXPECT_EQ(sqlite.downgrade.size(), 1u);
}

TEST(Lint, LintIgnoreLinesStayInsideTheirSection) {
  const auto file = script::parse_revision_file(
      "v/a1.sql", revision("-- migrate:lint-ignore x because\nSELECT 1;", "-- migrate:lint-ignore y because\nSELECT 2;"));
  EXPECT_NE(file.upgrade_sections().at("").sql.find("lint-ignore x"), std::string::npos);
  EXPECT_NE(file.downgrade_sections().at("").sql.find("lint-ignore y"), std::string::npos);
}

}  // namespace
}  // namespace migrate::lint

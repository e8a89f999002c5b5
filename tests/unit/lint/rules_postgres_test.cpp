#include <gtest/gtest.h>

#include <algorithm>

#include "lint/rules.hpp"

namespace migrate::lint {
namespace {

struct Reported {
  std::string rule;
  int line = 0;  // the statement's line (0: the whole file)
  std::string message;
  std::string hint;
};

struct Revision {
  std::string upgrade;
  bool transactional = true;
  bool lock_timeout_configured = true;  // most tests look at one rule, not at the timeout
  std::string downgrade;
};

std::vector<Reported> lint(const Revision& revision) {
  RevisionContext context;
  context.revision = "r1";
  context.file = "r1.sql";
  context.dialect = Dialect::postgresql;
  context.transactional = revision.transactional;
  context.lock_timeout_configured = revision.lock_timeout_configured;
  context.upgrade = postgres_facts(revision.upgrade, 1);
  context.downgrade = postgres_facts(revision.downgrade, 100);
  std::vector<Reported> found;
  check_postgres_rules(
      context, [&](const StatementFacts* statement, std::string_view rule, std::string message, std::string hint) {
        found.push_back({std::string(rule), statement ? statement->line : 0, std::move(message), std::move(hint)});
      });
  return found;
}

// The findings of `rule` for `revision`.
std::vector<Reported> of_rule(std::string_view rule, const Revision& revision) {
  auto found = lint(revision);
  std::erase_if(found, [&](const Reported& reported) { return reported.rule != rule; });
  return found;
}

std::size_t count(std::string_view rule, const Revision& revision) {
  return of_rule(rule, revision).size();
}

bool mentions(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

const char* const kUsers = "ALTER TABLE users ";  // a table the revision did not create

// ---- require-concurrent-index ----

TEST(PostgresRules, CreateIndexWithoutConcurrentlyOnAnExistingTable) {
  const auto found = of_rule("require-concurrent-index", {"SELECT 1;\nCREATE INDEX users_email ON users (email)"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].line, 2);
  EXPECT_TRUE(mentions(found[0].message, "SHARE lock")) << found[0].message;
  EXPECT_TRUE(mentions(found[0].hint, "CREATE INDEX CONCURRENTLY")) << found[0].hint;
  EXPECT_EQ(count("require-concurrent-index",
                  {.upgrade = "CREATE INDEX CONCURRENTLY users_email ON users (email)", .transactional = false}),
            0u);
}

TEST(PostgresRules, CreateIndexOnATableCreatedEarlierInTheRevisionNeedsNoConcurrently) {
  EXPECT_EQ(count("require-concurrent-index", {"CREATE TABLE users (email text);\n"
                                               "CREATE INDEX users_email ON users (email)"}),
            0u);
  EXPECT_EQ(count("require-concurrent-index", {"CREATE TABLE public.users (email text);\n"
                                               "CREATE UNIQUE INDEX ON users (email)"}),
            0u);
  EXPECT_EQ(count("require-concurrent-index", {"CREATE TABLE draft (email text);\n"
                                               "ALTER TABLE draft RENAME TO users;\n"
                                               "CREATE INDEX ON users (email)"}),
            0u);
  EXPECT_EQ(count("require-concurrent-index", {"CREATE INDEX ON users (email);\nCREATE TABLE users (email text)"}), 1u)
      << "created after the index: the index is on another, existing table";
}

TEST(PostgresRules, DropIndexWithoutConcurrently) {
  const auto found = of_rule("require-concurrent-index", {"DROP INDEX users_email"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found[0].message, "users_email")) << found[0].message;
  EXPECT_TRUE(mentions(found[0].hint, "DROP INDEX CONCURRENTLY")) << found[0].hint;
  EXPECT_EQ(
      count("require-concurrent-index", {.upgrade = "DROP INDEX CONCURRENTLY users_email", .transactional = false}),
      0u);
  EXPECT_EQ(count("require-concurrent-index", {"CREATE INDEX CONCURRENTLY tmp ON users (a);\nDROP INDEX tmp"}), 0u)
      << "an index this revision created";
}

// ---- concurrent-index-in-transaction ----

TEST(PostgresRules, ConcurrentlyInATransactionalRevisionIsRefusedByTheServer) {
  const auto found = of_rule("concurrent-index-in-transaction",
                             {"CREATE INDEX CONCURRENTLY a ON users (a);\nDROP INDEX CONCURRENTLY b;\n"
                              "REINDEX INDEX CONCURRENTLY c"});
  ASSERT_EQ(found.size(), 3u);
  EXPECT_TRUE(mentions(found[0].message, "CREATE INDEX CONCURRENTLY cannot run inside a transaction block"));
  EXPECT_TRUE(mentions(found[1].message, "DROP INDEX CONCURRENTLY"));
  EXPECT_TRUE(mentions(found[2].message, "REINDEX CONCURRENTLY"));
  EXPECT_TRUE(mentions(found[0].hint, "`transactional = false` in the revision's header")) << found[0].hint;
  EXPECT_EQ(count("concurrent-index-in-transaction",
                  {.upgrade = "CREATE INDEX CONCURRENTLY a ON users (a)", .transactional = false}),
            0u);
  EXPECT_EQ(count("concurrent-index-in-transaction", {"CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY a ON t (a)"}),
            1u)
      << "the server refuses it on a new table too";
}

TEST(PostgresRules, ConcurrentlyInTheDowngradeOfATransactionalRevision) {
  const auto found = of_rule("concurrent-index-in-transaction",
                             {.upgrade = "CREATE INDEX a ON users (a)", .downgrade = "DROP INDEX CONCURRENTLY a"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].line, 100);
}

// ---- foreign-key-not-valid and check-not-valid ----

TEST(PostgresRules, ForeignKeyWithoutNotValidOnAnExistingTable) {
  const auto found = of_rule("foreign-key-not-valid",
                             {std::string(kUsers) + "ADD CONSTRAINT users_org FOREIGN KEY (org) REFERENCES orgs"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found[0].message, "`users_org`")) << found[0].message;
  EXPECT_TRUE(mentions(found[0].message, "`orgs`")) << found[0].message;
  EXPECT_TRUE(mentions(found[0].hint, "NOT VALID, then VALIDATE CONSTRAINT")) << found[0].hint;
  EXPECT_EQ(count("foreign-key-not-valid", {std::string(kUsers) + "ADD COLUMN org int REFERENCES orgs"}), 1u);
}

TEST(PostgresRules, ForeignKeyNotValidThenValidatedLater) {
  EXPECT_EQ(count("foreign-key-not-valid",
                  {std::string(kUsers) + "ADD CONSTRAINT users_org FOREIGN KEY (org) REFERENCES orgs NOT VALID"}),
            0u);
  EXPECT_EQ(count("foreign-key-not-valid", {std::string(kUsers) + "VALIDATE CONSTRAINT users_org"}), 0u)
      << "validated in a later revision";
  EXPECT_EQ(count("foreign-key-not-valid",
                  {.upgrade = std::string(kUsers) +
                              "ADD CONSTRAINT users_org FOREIGN KEY (org) REFERENCES orgs NOT VALID;\n" + kUsers +
                              "VALIDATE CONSTRAINT users_org",
                   .transactional = false}),
            0u)
      << "each statement in its own transaction";
}

TEST(PostgresRules, ValidatingInTheTransactionThatAddedNotValidStillScansUnderTheLock) {
  const auto found =
      of_rule("foreign-key-not-valid",
              {std::string(kUsers) + "ADD CONSTRAINT users_org FOREIGN KEY (org) REFERENCES orgs NOT VALID;\n" +
               kUsers + "VALIDATE CONSTRAINT users_org"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].line, 2);
  EXPECT_TRUE(mentions(found[0].hint, "later revision")) << found[0].hint;
  EXPECT_EQ(count("check-not-valid", {std::string(kUsers) + "ADD CONSTRAINT positive CHECK (a > 0) NOT VALID;\n" +
                                      kUsers + "VALIDATE CONSTRAINT positive"}),
            1u);
}

TEST(PostgresRules, ConstraintsOnATableCreatedInTheRevisionNeedNoNotValid) {
  const Revision revision{
      "CREATE TABLE members (org int, a int);\n"
      "ALTER TABLE members ADD CONSTRAINT m_org FOREIGN KEY (org) REFERENCES orgs, "
      "ADD CHECK (a > 0), ADD UNIQUE (a)"};
  EXPECT_TRUE(lint(revision).empty());
}

TEST(PostgresRules, CheckWithoutNotValidOnAnExistingTable) {
  const auto found = of_rule("check-not-valid", {std::string(kUsers) + "ADD CONSTRAINT positive CHECK (a > 0)"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found[0].message, "ACCESS EXCLUSIVE")) << found[0].message;
  EXPECT_TRUE(mentions(found[0].hint, "NOT VALID")) << found[0].hint;
  EXPECT_EQ(count("check-not-valid", {std::string(kUsers) + "ADD CONSTRAINT positive CHECK (a > 0) NOT VALID"}), 0u);
  EXPECT_EQ(count("check-not-valid", {std::string(kUsers) + "ADD COLUMN b int CHECK (b > 0)"}), 1u);
  EXPECT_EQ(count("check-not-valid", {std::string(kUsers) + "ADD CONSTRAINT u_org FOREIGN KEY (o) REFERENCES o"}), 0u)
      << "one rule per constraint kind";
}

// ---- set-not-null ----

TEST(PostgresRules, SetNotNullOnAnExistingTable) {
  const auto found = of_rule("set-not-null", {std::string(kUsers) + "ALTER COLUMN email SET NOT NULL"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found[0].message, "`email`")) << found[0].message;
  EXPECT_TRUE(mentions(found[0].hint, "CHECK (email IS NOT NULL) NOT VALID; in the next: VALIDATE")) << found[0].hint;
  EXPECT_EQ(count("set-not-null", {"CREATE TABLE t (email text);\nALTER TABLE t ALTER email SET NOT NULL"}), 0u);
}

TEST(PostgresRules, SetNotNullAfterValidatingACheckInTheSameRevision) {
  // The CHECK was added NOT VALID by an earlier revision.
  EXPECT_TRUE(lint({std::string(kUsers) + "VALIDATE CONSTRAINT email_not_null;\n" + kUsers +
                    "ALTER COLUMN email SET NOT NULL;\n" + kUsers + "DROP CONSTRAINT email_not_null"})
                  .empty());
  // All steps in one revision that runs each statement on its own.
  EXPECT_TRUE(
      lint({.upgrade = std::string(kUsers) + "ADD CONSTRAINT email_not_null CHECK (email IS NOT NULL) NOT VALID;\n" +
                       kUsers + "VALIDATE CONSTRAINT email_not_null;\n" + kUsers + "ALTER email SET NOT NULL",
            .transactional = false})
          .empty());
  // A validated foreign key proves nothing about NULLs.
  EXPECT_EQ(count("set-not-null",
                  {.upgrade = std::string(kUsers) + "ADD CONSTRAINT fk FOREIGN KEY (org) REFERENCES orgs NOT VALID;\n" +
                              kUsers + "VALIDATE CONSTRAINT fk;\n" + kUsers + "ALTER org SET NOT NULL",
                   .transactional = false}),
            1u);
}

// ---- add-column-volatile-default and add-column-not-null-without-default ----

TEST(PostgresRules, AddColumnWithAVolatileDefaultRewritesTheTable) {
  for (const auto* column : {"token float8 DEFAULT random()", "id uuid DEFAULT gen_random_uuid()", "n bigserial",
                             "n int GENERATED ALWAYS AS IDENTITY"}) {
    const auto found = of_rule("add-column-volatile-default", {std::string(kUsers) + "ADD COLUMN " + column});
    ASSERT_EQ(found.size(), 1u) << column;
    EXPECT_TRUE(mentions(found[0].message, "rewrites the whole table")) << found[0].message;
  }
  for (const auto* column : {"at timestamptz DEFAULT now()", "n int DEFAULT 0", "n int"})
    EXPECT_EQ(count("add-column-volatile-default", {std::string(kUsers) + "ADD COLUMN " + column}), 0u) << column;
  EXPECT_EQ(count("add-column-volatile-default",
                  {"CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid()"}),
            0u);
}

TEST(PostgresRules, AddNotNullColumnWithoutDefaultFailsOnATableWithRows) {
  const auto found =
      of_rule("add-column-not-null-without-default", {std::string(kUsers) + "ADD COLUMN age int NOT NULL"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found[0].message, "fails as soon as the table has a row")) << found[0].message;
  EXPECT_TRUE(mentions(found[0].hint, "DEFAULT")) << found[0].hint;
  EXPECT_EQ(
      count("add-column-not-null-without-default", {std::string(kUsers) + "ADD COLUMN age int NOT NULL DEFAULT 0"}),
      0u);
  EXPECT_EQ(count("add-column-not-null-without-default", {std::string(kUsers) + "ADD COLUMN n bigserial"}), 0u)
      << "a serial fills itself";
  EXPECT_EQ(count("add-column-not-null-without-default",
                  {"CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN age int NOT NULL"}),
            0u);
}

// ---- change-column-type ----

TEST(PostgresRules, ChangingAColumnTypeRewritesTheTable) {
  const auto found = of_rule("change-column-type", {std::string(kUsers) + "ALTER COLUMN id TYPE bigint"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found[0].message, "rewrites the table")) << found[0].message;
  EXPECT_EQ(count("change-column-type", {std::string(kUsers) + "ADD COLUMN id_new bigint"}), 0u);
  EXPECT_EQ(count("change-column-type", {"CREATE TABLE t (id int);\nALTER TABLE t ALTER id TYPE bigint"}), 0u);
}

// ---- unique-without-index ----

TEST(PostgresRules, UniqueOrPrimaryKeyWithoutAnIndexBuiltBeforehand) {
  const auto found =
      of_rule("unique-without-index", {std::string(kUsers) + "ADD CONSTRAINT users_email UNIQUE (email), "
                                                             "ADD PRIMARY KEY (id)"});
  ASSERT_EQ(found.size(), 2u);
  EXPECT_TRUE(mentions(found[0].message, "adding UNIQUE `users_email`")) << found[0].message;
  EXPECT_TRUE(mentions(found[1].message, "adding PRIMARY KEY")) << found[1].message;
  EXPECT_TRUE(mentions(found[0].hint, "CREATE UNIQUE INDEX CONCURRENTLY")) << found[0].hint;
  EXPECT_TRUE(mentions(found[0].hint, "USING INDEX")) << found[0].hint;
  EXPECT_EQ(count("unique-without-index", {std::string(kUsers) + "ADD COLUMN code text UNIQUE"}), 1u);
  EXPECT_TRUE(lint({.upgrade = "CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);\n" +
                               std::string(kUsers) + "ADD CONSTRAINT users_email UNIQUE USING INDEX users_email_idx",
                    .transactional = false})
                  .empty());
  EXPECT_EQ(count("unique-without-index", {"CREATE TABLE t (a int);\nALTER TABLE t ADD PRIMARY KEY (a)"}), 0u);
}

// ---- rename-column, rename-table, drop-column, drop-table ----

TEST(PostgresRules, RenamingOrDroppingWhatTheRunningReleaseUses) {
  const auto rename_column = of_rule("rename-column", {std::string(kUsers) + "RENAME COLUMN mail TO email"});
  ASSERT_EQ(rename_column.size(), 1u);
  EXPECT_TRUE(mentions(rename_column[0].message, "`mail` of `users` to `email`")) << rename_column[0].message;
  const auto rename_table = of_rule("rename-table", {"ALTER TABLE people RENAME TO users"});
  ASSERT_EQ(rename_table.size(), 1u);
  EXPECT_TRUE(mentions(rename_table[0].message, "`people` to `users`")) << rename_table[0].message;
  const auto drop_column = of_rule("drop-column", {std::string(kUsers) + "DROP COLUMN legacy"});
  ASSERT_EQ(drop_column.size(), 1u);
  EXPECT_TRUE(mentions(drop_column[0].hint, "later revision")) << drop_column[0].hint;
  const auto drop_table = of_rule("drop-table", {"DROP TABLE old_users, s.audit"});
  ASSERT_EQ(drop_table.size(), 1u);
  EXPECT_TRUE(mentions(drop_table[0].message, "`old_users`, `s.audit`")) << drop_table[0].message;
}

TEST(PostgresRules, RenamingOrDroppingWhatTheRevisionCreatedBreaksNothing) {
  EXPECT_TRUE(lint({"CREATE TABLE staging (a int, b int);\n"
                    "ALTER TABLE staging RENAME COLUMN a TO c;\n"
                    "ALTER TABLE staging DROP COLUMN b;\n"
                    "ALTER TABLE staging RENAME TO final;\n"
                    "CREATE TABLE scratch (a int);\n"
                    "DROP TABLE scratch"})
                  .empty());
  EXPECT_EQ(count("drop-table", {"CREATE TABLE scratch (a int);\nDROP TABLE scratch, old"}), 1u);
  EXPECT_EQ(count("rename-column", {std::string(kUsers) + "ADD COLUMN email text"}), 0u);
}

// ---- missing-lock-timeout ----

TEST(PostgresRules, AccessExclusiveLockWithoutLockTimeoutIsReportedOncePerRevision) {
  const auto found = of_rule(
      "missing-lock-timeout",
      {.upgrade = "SELECT 1;\nALTER TABLE users ADD COLUMN a int;\nDROP TABLE old", .lock_timeout_configured = false});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].line, 2);
  EXPECT_TRUE(mentions(found[0].message, "`users`")) << found[0].message;
  EXPECT_TRUE(mentions(found[0].hint, "lock_timeout = \"5s\"")) << found[0].hint;
  EXPECT_EQ(count("missing-lock-timeout", {.upgrade = "ALTER TABLE users ADD COLUMN a int"}), 0u)
      << "configured in the header or migrate.toml";
}

TEST(PostgresRules, StatementsThatLockAnExistingTable) {
  for (const auto* sql :
       {"DROP TABLE old", "ALTER TABLE users RENAME TO people", "TRUNCATE users", "DROP INDEX users_email",
        "ALTER TABLE users ALTER a SET NOT NULL", "LOCK TABLE users", "DROP TRIGGER trg ON users"})
    EXPECT_EQ(count("missing-lock-timeout", {.upgrade = sql, .lock_timeout_configured = false}), 1u) << sql;
  for (const auto* sql : {"CREATE INDEX CONCURRENTLY i ON users (a)", "ALTER TABLE users VALIDATE CONSTRAINT c",
                          "INSERT INTO users VALUES (1)", "CREATE TABLE t (a int)",
                          "CREATE TABLE t (a int);\nALTER TABLE t ADD b int;\nDROP TABLE t"})
    EXPECT_EQ(count("missing-lock-timeout", {.upgrade = sql, .transactional = false, .lock_timeout_configured = false}),
              0u)
        << sql;
}

TEST(PostgresRules, ASetLockTimeoutStatementBeforeTheLockCounts) {
  const auto with = [](std::string set, bool transactional = true) {
    return count("missing-lock-timeout", {.upgrade = set + ";\nALTER TABLE users ADD COLUMN a int",
                                          .transactional = transactional,
                                          .lock_timeout_configured = false});
  };
  EXPECT_EQ(with("SET lock_timeout = '5s'"), 0u);
  EXPECT_EQ(with("SET LOCAL lock_timeout = '5s'"), 0u);
  EXPECT_EQ(with("SET lock_timeout = '5s'", false), 0u);
  EXPECT_EQ(with("SET LOCAL lock_timeout = '5s'", false), 1u) << "SET LOCAL outside a transaction lasts no time";
  EXPECT_EQ(with("SET lock_timeout = 0"), 1u) << "0 turns the timeout off";
  EXPECT_EQ(with("SET lock_timeout = '5s';\nRESET lock_timeout"), 1u);
  EXPECT_EQ(with("SET statement_timeout = '5s'"), 1u);
  EXPECT_EQ(count("missing-lock-timeout", {.upgrade = "ALTER TABLE users ADD COLUMN a int;\nSET lock_timeout = '5s'",
                                           .lock_timeout_configured = false}),
            1u)
      << "set after the lock";
}

// ---- non-transactional-statement-in-transaction ----

TEST(PostgresRules, StatementsRefusedInsideATransactionBlock) {
  const auto found = of_rule("non-transactional-statement-in-transaction",
                             {"VACUUM users;\nALTER SYSTEM SET work_mem = '64MB';\nANALYZE users"});
  ASSERT_EQ(found.size(), 2u);
  EXPECT_TRUE(mentions(found[0].message, "VACUUM cannot run inside a transaction block")) << found[0].message;
  EXPECT_TRUE(mentions(found[1].message, "ALTER SYSTEM")) << found[1].message;
  EXPECT_TRUE(mentions(found[0].hint, "`transactional = false` in the revision's header")) << found[0].hint;
  EXPECT_EQ(count("non-transactional-statement-in-transaction", {.upgrade = "VACUUM users", .transactional = false}),
            0u);
  EXPECT_EQ(count("non-transactional-statement-in-transaction",
                  {.upgrade = "SELECT 1", .downgrade = "CREATE DATABASE scratch"}),
            1u);
}

// ---- what the rules leave alone ----

TEST(PostgresRules, UnparsedStatementsAndPlainStatementsReportNothing) {
  EXPECT_TRUE(lint({.upgrade = "CREATE INDEX ON;\nALTER TABLE users ADD COLUMN;\nDROP TABLE (",
                    .lock_timeout_configured = false})
                  .empty());
  EXPECT_TRUE(lint({.upgrade = "CREATE TABLE t (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());\n"
                               "CREATE INDEX t_at ON t (at);\nINSERT INTO t (at) VALUES (now());\n"
                               "CREATE VIEW v AS SELECT * FROM t",
                    .lock_timeout_configured = false})
                  .empty());
}

}  // namespace
}  // namespace migrate::lint

#include <gtest/gtest.h>

#include "lint/facts.hpp"

namespace migrate::lint {
namespace {

using Kind = StatementFacts::Kind;
using Action = TableAction::Kind;
using Constraint = TableAction::Constraint;

// The facts of a single statement.
StatementFacts one(std::string_view sql) {
  auto facts = postgres_facts(sql, 1);
  EXPECT_EQ(facts.size(), 1u) << sql;
  return facts.empty() ? StatementFacts{} : facts.front();
}

ObjectRef object(ObjectRef::Kind kind, std::string name, std::string table = {}) {
  return {.kind = kind, .name = std::move(name), .table = std::move(table)};
}

TEST(PostgresFacts, CreateTableNamesFoldUnquotedAndKeepQuotedAndSchema) {
  const auto plain = one("CREATE TABLE Users (id int)");
  EXPECT_EQ(plain.kind, Kind::create_table);
  EXPECT_EQ(plain.table, "users");
  EXPECT_EQ(plain.creates, std::vector<ObjectRef>{object(ObjectRef::Kind::table, "users")});
  EXPECT_EQ(one("CREATE TABLE \"MiXed\" (id int)").table, "MiXed");
  EXPECT_EQ(one("CREATE TABLE Billing.\"Invoice\" (id int)").table, "billing.Invoice");
  EXPECT_EQ(one("CREATE TABLE IF NOT EXISTS s.t (id int)").table, "s.t");
}

TEST(PostgresFacts, CreateTableAsAndSelectIntoCreateATable) {
  const auto as = one("CREATE TABLE s.copy AS SELECT * FROM t");
  EXPECT_EQ(as.kind, Kind::create_table);
  EXPECT_EQ(as.table, "s.copy");
  EXPECT_EQ(one("SELECT * INTO archive FROM t").kind, Kind::create_table);
  EXPECT_EQ(one("SELECT * INTO archive FROM t").table, "archive");
  const auto matview = one("CREATE MATERIALIZED VIEW mv AS SELECT 1");
  EXPECT_EQ(matview.kind, Kind::other_ddl);
  EXPECT_EQ(matview.creates, std::vector<ObjectRef>{object(ObjectRef::Kind::materialized_view, "mv")});
}

TEST(PostgresFacts, CreateTablePartitionOfLocksTheParent) {
  const auto partition = one("CREATE TABLE events_2026 PARTITION OF s.events FOR VALUES IN (2026)");
  EXPECT_EQ(partition.kind, Kind::create_table);
  EXPECT_EQ(partition.access_exclusive, std::vector<std::string>{"s.events"});
  EXPECT_TRUE(one("CREATE TABLE t (id int)").access_exclusive.empty());
}

TEST(PostgresFacts, DropTableListsEveryTableAndLocksThem) {
  const auto drop = one("DROP TABLE IF EXISTS a, s.\"B\" CASCADE");
  EXPECT_EQ(drop.kind, Kind::drop_table);
  EXPECT_TRUE(drop.if_exists);
  EXPECT_EQ(drop.drops,
            (std::vector<ObjectRef>{object(ObjectRef::Kind::table, "a"), object(ObjectRef::Kind::table, "s.B")}));
  EXPECT_EQ(drop.access_exclusive, (std::vector<std::string>{"a", "s.B"}));
}

TEST(PostgresFacts, AlterTableHasOneActionPerSubcommand) {
  const auto alter =
      one("ALTER TABLE s.t ALTER COLUMN a TYPE bigint USING a::bigint, ALTER a SET NOT NULL, ALTER b DROP NOT NULL, "
          "ALTER c SET DEFAULT 1, ALTER d DROP DEFAULT, DROP COLUMN IF EXISTS e CASCADE, DROP CONSTRAINT c1, "
          "VALIDATE CONSTRAINT c2, SET (fillfactor = 50)");
  EXPECT_EQ(alter.kind, Kind::alter_table);
  EXPECT_EQ(alter.table, "s.t");
  ASSERT_EQ(alter.actions.size(), 9u);
  const std::vector<std::pair<Action, std::string>> expected = {
      {Action::alter_column_type, "a"}, {Action::set_not_null, "a"},       {Action::drop_not_null, "b"},
      {Action::set_default, "c"},       {Action::drop_default, "d"},       {Action::drop_column, "e"},
      {Action::drop_constraint, ""},    {Action::validate_constraint, ""}, {Action::other, ""}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(alter.actions[i].kind, expected[i].first) << i;
    EXPECT_EQ(alter.actions[i].column, expected[i].second) << i;
  }
  EXPECT_EQ(alter.actions[6].constraint_name, "c1");
  EXPECT_EQ(alter.actions[7].constraint_name, "c2");
  EXPECT_EQ(alter.drops, std::vector<ObjectRef>{object(ObjectRef::Kind::column, "e", "s.t")});
  EXPECT_EQ(alter.access_exclusive, std::vector<std::string>{"s.t"});
}

TEST(PostgresFacts, AddColumnRecordsNotNullDefaultAndTheColumnCreated) {
  const auto alter =
      one("ALTER TABLE t ADD COLUMN a int NOT NULL DEFAULT 0, ADD b text NOT NULL, ADD c text, "
          "ADD COLUMN \"D\" int PRIMARY KEY");
  ASSERT_EQ(alter.actions.size(), 4u);
  const auto& a = alter.actions[0];
  EXPECT_EQ(a.kind, Action::add_column);
  EXPECT_EQ(a.column, "a");
  EXPECT_TRUE(a.not_null && a.has_default);
  EXPECT_FALSE(a.volatile_default);
  EXPECT_TRUE(alter.actions[1].not_null);
  EXPECT_FALSE(alter.actions[1].has_default);
  EXPECT_FALSE(alter.actions[2].not_null || alter.actions[2].has_default);
  EXPECT_TRUE(alter.actions[3].not_null) << "a primary key is not null";
  EXPECT_EQ(alter.actions[3].constraint, Constraint::primary_key);
  EXPECT_EQ(alter.creates, (std::vector<ObjectRef>{
                               object(ObjectRef::Kind::column, "a", "t"), object(ObjectRef::Kind::column, "b", "t"),
                               object(ObjectRef::Kind::column, "c", "t"), object(ObjectRef::Kind::column, "D", "t")}));
}

// Whether the default of `ADD COLUMN x <definition>` counts as volatile.
bool volatile_default(std::string definition) {
  const auto alter = one("ALTER TABLE t ADD COLUMN x " + definition);
  EXPECT_EQ(alter.actions.size(), 1u) << definition;
  if (alter.actions.empty()) return false;
  EXPECT_TRUE(alter.actions[0].has_default) << definition;
  return alter.actions[0].volatile_default;
}

TEST(PostgresFacts, ConstantAndStableDefaultsAreNotVolatile) {
  for (const auto* definition :
       {"int DEFAULT 0", "int DEFAULT -1", "text DEFAULT 'x'", "int DEFAULT '7'::text::int",
        "timestamptz DEFAULT now()", "timestamptz DEFAULT CURRENT_TIMESTAMP", "date DEFAULT CURRENT_DATE",
        "timestamp DEFAULT timezone('utc', now())", "timestamptz DEFAULT now() + interval '1 day'",
        "boolean DEFAULT false", "jsonb DEFAULT '{}'::jsonb", "text[] DEFAULT ARRAY[]::text[]",
        "timestamp DEFAULT (now() AT TIME ZONE 'utc')"})
    EXPECT_FALSE(volatile_default(definition)) << definition;
}

TEST(PostgresFacts, VolatileFunctionsSerialsIdentityAndGeneratedColumnsAreVolatile) {
  for (const auto* definition :
       {"float8 DEFAULT random()", "timestamptz DEFAULT clock_timestamp()", "uuid DEFAULT gen_random_uuid()",
        "uuid DEFAULT uuid_generate_v4()", "bigint DEFAULT nextval('s')", "uuid DEFAULT public.gen_random_uuid()",
        "serial", "bigserial", "smallserial", "int GENERATED ALWAYS AS IDENTITY",
        "int GENERATED ALWAYS AS (a * 2) STORED", "timestamp DEFAULT timezone('utc', clock_timestamp())",
        "int DEFAULT my_function()"})
    EXPECT_TRUE(volatile_default(definition)) << definition;
  EXPECT_FALSE(one("ALTER TABLE t ADD COLUMN x int").actions[0].volatile_default);
}

TEST(PostgresFacts, AddConstraintRecordsKindNameNotValidUsingIndexAndReferences) {
  const auto alter =
      one("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES s.users (id) NOT VALID, "
          "ADD CONSTRAINT fk2 FOREIGN KEY (x) REFERENCES other, ADD CHECK (a > 0) NOT VALID, "
          "ADD CONSTRAINT u UNIQUE USING INDEX orders_u_idx, ADD PRIMARY KEY (id), ADD CONSTRAINT u2 UNIQUE (a), "
          "ADD CONSTRAINT ex EXCLUDE USING gist (r WITH &&)");
  ASSERT_EQ(alter.actions.size(), 7u);
  for (const auto& action : alter.actions) EXPECT_EQ(action.kind, Action::add_constraint);
  EXPECT_EQ(alter.actions[0].constraint, Constraint::foreign_key);
  EXPECT_EQ(alter.actions[0].constraint_name, "fk");
  EXPECT_TRUE(alter.actions[0].not_valid);
  EXPECT_EQ(alter.actions[0].references, "s.users");
  EXPECT_FALSE(alter.actions[1].not_valid);
  EXPECT_EQ(alter.actions[1].references, "other");
  EXPECT_EQ(alter.actions[2].constraint, Constraint::check);
  EXPECT_TRUE(alter.actions[2].not_valid);
  EXPECT_EQ(alter.actions[3].constraint, Constraint::unique);
  EXPECT_TRUE(alter.actions[3].using_index);
  EXPECT_EQ(alter.actions[4].constraint, Constraint::primary_key);
  EXPECT_FALSE(alter.actions[4].using_index);
  EXPECT_EQ(alter.actions[5].constraint, Constraint::unique);
  EXPECT_FALSE(alter.actions[5].using_index);
  EXPECT_EQ(alter.actions[6].constraint, Constraint::exclusion);
}

TEST(PostgresFacts, ForeignKeysAndValidationTakeLessThanAccessExclusive) {
  EXPECT_TRUE(one("ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u NOT VALID").access_exclusive.empty());
  EXPECT_TRUE(one("ALTER TABLE t VALIDATE CONSTRAINT fk").access_exclusive.empty());
  EXPECT_EQ(one("ALTER TABLE t VALIDATE CONSTRAINT fk, ADD COLUMN a int").access_exclusive,
            std::vector<std::string>{"t"});
}

TEST(PostgresFacts, InlineColumnConstraintsAreRecordedOnTheAddColumnAction) {
  const auto alter = one("ALTER TABLE t ADD COLUMN u int REFERENCES users (id), ADD v int CHECK (v > 0) UNIQUE");
  ASSERT_EQ(alter.actions.size(), 2u);
  EXPECT_EQ(alter.actions[0].constraint, Constraint::foreign_key);
  EXPECT_EQ(alter.actions[0].references, "users");
  EXPECT_FALSE(alter.actions[0].not_valid);
  EXPECT_EQ(alter.actions[1].constraint, Constraint::unique) << "the costlier of the two";
}

TEST(PostgresFacts, RenamesOfColumnsTablesAndConstraints) {
  const auto column = one("ALTER TABLE s.t RENAME COLUMN a TO b");
  EXPECT_EQ(column.kind, Kind::alter_table);
  EXPECT_EQ(column.table, "s.t");
  ASSERT_EQ(column.actions.size(), 1u);
  EXPECT_EQ(column.actions[0].kind, Action::rename_column);
  EXPECT_EQ(column.actions[0].column, "a");
  EXPECT_EQ(column.actions[0].new_name, "b");
  EXPECT_EQ(column.access_exclusive, std::vector<std::string>{"s.t"});
  const auto table = one("ALTER TABLE IF EXISTS s.t RENAME TO u");
  EXPECT_EQ(table.kind, Kind::rename_table);
  EXPECT_EQ(table.table, "s.t");
  EXPECT_EQ(table.new_name, "s.u") << "a renamed table stays in its schema";
  EXPECT_TRUE(table.if_exists);
  const auto constraint = one("ALTER TABLE t RENAME CONSTRAINT c1 TO c2");
  ASSERT_EQ(constraint.actions.size(), 1u);
  EXPECT_EQ(constraint.actions[0].kind, Action::rename_constraint);
  EXPECT_EQ(constraint.actions[0].constraint_name, "c1");
  EXPECT_EQ(constraint.actions[0].new_name, "c2");
  EXPECT_EQ(one("ALTER INDEX i RENAME TO j").kind, Kind::other_ddl);
  EXPECT_EQ(one("ALTER VIEW v RENAME COLUMN a TO b").kind, Kind::other_ddl);
}

TEST(PostgresFacts, AlterOfOtherRelationsIsOtherDdl) {
  EXPECT_EQ(one("ALTER INDEX i SET (fillfactor = 50)").kind, Kind::other_ddl);
  EXPECT_EQ(one("ALTER SEQUENCE s RESTART").kind, Kind::other_ddl);
  EXPECT_EQ(one("ALTER VIEW v OWNER TO bob").kind, Kind::other_ddl);
}

TEST(PostgresFacts, CreateIndexRecordsTableNameConcurrentlyAndUnique) {
  const auto index = one("CREATE UNIQUE INDEX CONCURRENTLY users_email ON s.users (lower(email))");
  EXPECT_EQ(index.kind, Kind::create_index);
  EXPECT_EQ(index.table, "s.users");
  EXPECT_EQ(index.index, "s.users_email") << "an index lives in its table's schema";
  EXPECT_TRUE(index.concurrently);
  EXPECT_TRUE(index.unique);
  EXPECT_EQ(index.creates, std::vector<ObjectRef>{object(ObjectRef::Kind::index, "s.users_email", "s.users")});
  const auto unnamed = one("CREATE INDEX ON t (a)");
  EXPECT_EQ(unnamed.index, "");
  EXPECT_FALSE(unnamed.concurrently || unnamed.unique);
  EXPECT_TRUE(unnamed.creates.empty()) << "the server names it";
}

TEST(PostgresFacts, DropIndexAndReindex) {
  const auto drop = one("DROP INDEX CONCURRENTLY IF EXISTS s.ix");
  EXPECT_EQ(drop.kind, Kind::drop_index);
  EXPECT_EQ(drop.index, "s.ix");
  EXPECT_TRUE(drop.concurrently && drop.if_exists);
  EXPECT_EQ(drop.drops, std::vector<ObjectRef>{object(ObjectRef::Kind::index, "s.ix")});
  EXPECT_FALSE(one("DROP INDEX a, b").concurrently);
  EXPECT_EQ(one("DROP INDEX a, b").drops.size(), 2u);
  EXPECT_EQ(one("REINDEX INDEX ix").kind, Kind::reindex);
  EXPECT_FALSE(one("REINDEX INDEX ix").concurrently);
  EXPECT_TRUE(one("REINDEX TABLE CONCURRENTLY t").concurrently);
  EXPECT_TRUE(one("REINDEX (CONCURRENTLY) TABLE t").concurrently);
}

TEST(PostgresFacts, SetRecordsNameValueAndLocal) {
  const auto local = one("SET LOCAL lock_timeout = '5s'");
  EXPECT_EQ(local.kind, Kind::set_setting);
  EXPECT_EQ(local.setting, "lock_timeout");
  EXPECT_EQ(local.value, "5s");
  EXPECT_TRUE(local.local);
  const auto session = one("SET SESSION Lock_Timeout TO 3000");
  EXPECT_EQ(session.setting, "lock_timeout");
  EXPECT_EQ(session.value, "3000");
  EXPECT_FALSE(session.local);
  EXPECT_EQ(one("SET lock_timeout = 0").value, "0");
  EXPECT_EQ(one("SET search_path = a, 'b'").value, "a, b");
  EXPECT_EQ(one("SET statement_timeout TO DEFAULT").value, "");
  EXPECT_EQ(one("RESET lock_timeout").kind, Kind::set_setting);
  EXPECT_EQ(one("RESET lock_timeout").setting, "lock_timeout");
  EXPECT_EQ(one("RESET lock_timeout").value, "");
}

TEST(PostgresFacts, TransactionControlDmlAndStatementsRefusedInATransaction) {
  for (const auto* sql : {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT a", "START TRANSACTION"})
    EXPECT_EQ(one(sql).kind, Kind::transaction_control) << sql;
  for (const auto* sql : {"INSERT INTO t VALUES (1)", "UPDATE t SET a = 1", "DELETE FROM t", "SELECT 1",
                          "COPY t FROM STDIN", "WITH x AS (SELECT 1) SELECT * FROM x"})
    EXPECT_EQ(one(sql).kind, Kind::dml) << sql;
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"VACUUM t", "VACUUM"},
      {"VACUUM (ANALYZE) t", "VACUUM"},
      {"CREATE DATABASE x", "CREATE DATABASE"},
      {"DROP DATABASE x", "DROP DATABASE"},
      {"ALTER SYSTEM SET work_mem = '64MB'", "ALTER SYSTEM"},
      {"CREATE TABLESPACE ts LOCATION '/x'", "CREATE TABLESPACE"},
      {"DROP TABLESPACE ts", "DROP TABLESPACE"}};
  for (const auto& [sql, what] : refused) {
    EXPECT_EQ(one(sql).kind, Kind::non_transactional) << sql;
    EXPECT_EQ(one(sql).what, what) << sql;
  }
  EXPECT_EQ(one("ANALYZE t").kind, Kind::other_ddl) << "ANALYZE runs in a transaction";
  EXPECT_EQ(one("VACUUM FULL t").access_exclusive, std::vector<std::string>{"t"});
}

TEST(PostgresFacts, CreatedAndDroppedObjectsOfEveryKind) {
  using K = ObjectRef::Kind;
  const std::vector<std::pair<std::string, ObjectRef>> created = {
      {"CREATE VIEW s.v AS SELECT 1", object(K::view, "s.v")},
      {"CREATE SEQUENCE seq", object(K::sequence, "seq")},
      {"CREATE TYPE s.mood AS ENUM ('sad', 'ok')", object(K::type, "s.mood")},
      {"CREATE TYPE pair AS (a int, b int)", object(K::type, "pair")},
      {"CREATE TYPE span AS RANGE (subtype = int4)", object(K::type, "span")},
      {"CREATE DOMAIN positive AS int CHECK (VALUE > 0)", object(K::domain, "positive")},
      {"CREATE FUNCTION s.f(a int) RETURNS int LANGUAGE sql AS $$ SELECT a; $$", object(K::function, "s.f")},
      {"CREATE PROCEDURE p() LANGUAGE sql AS 'SELECT 1'", object(K::procedure, "p")},
      {"CREATE TRIGGER trg BEFORE INSERT ON s.t FOR EACH ROW EXECUTE FUNCTION f()", object(K::trigger, "trg", "s.t")},
      {"CREATE SCHEMA IF NOT EXISTS billing", object(K::schema, "billing")},
      {"CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\"", object(K::extension, "uuid-ossp")}};
  for (const auto& [sql, expected] : created) {
    const auto facts = one(sql);
    EXPECT_EQ(facts.kind, Kind::other_ddl) << sql;
    EXPECT_EQ(facts.creates, std::vector<ObjectRef>{expected}) << sql;
  }
  const std::vector<std::pair<std::string, ObjectRef>> dropped = {
      {"DROP VIEW s.v", object(K::view, "s.v")},
      {"DROP MATERIALIZED VIEW mv", object(K::materialized_view, "mv")},
      {"DROP SEQUENCE seq", object(K::sequence, "seq")},
      {"DROP TYPE s.mood", object(K::type, "s.mood")},
      {"DROP DOMAIN positive", object(K::domain, "positive")},
      {"DROP FUNCTION s.f(int)", object(K::function, "s.f")},
      {"DROP PROCEDURE p", object(K::procedure, "p")},
      {"DROP TRIGGER trg ON s.t", object(K::trigger, "trg", "s.t")},
      {"DROP SCHEMA billing CASCADE", object(K::schema, "billing")},
      {"DROP EXTENSION \"uuid-ossp\"", object(K::extension, "uuid-ossp")}};
  for (const auto& [sql, expected] : dropped) {
    const auto facts = one(sql);
    EXPECT_EQ(facts.kind, Kind::other_ddl) << sql;
    EXPECT_EQ(facts.drops, std::vector<ObjectRef>{expected}) << sql;
  }
}

TEST(PostgresFacts, CreateOrReplaceIsNotACreation) {
  EXPECT_TRUE(one("CREATE OR REPLACE VIEW v AS SELECT 1").creates.empty());
  EXPECT_TRUE(one("CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'").creates.empty());
}

TEST(PostgresFacts, StatementsTakingAccessExclusiveOnTheTablesTheyName) {
  EXPECT_EQ(one("TRUNCATE a, s.b").access_exclusive, (std::vector<std::string>{"a", "s.b"}));
  EXPECT_EQ(one("LOCK TABLE a").access_exclusive, std::vector<std::string>{"a"});
  EXPECT_TRUE(one("LOCK TABLE a IN SHARE MODE").access_exclusive.empty());
  EXPECT_EQ(one("REFRESH MATERIALIZED VIEW mv").access_exclusive, std::vector<std::string>{"mv"});
  EXPECT_TRUE(one("REFRESH MATERIALIZED VIEW CONCURRENTLY mv").access_exclusive.empty());
  EXPECT_EQ(one("DROP TRIGGER trg ON s.t").access_exclusive, std::vector<std::string>{"s.t"});
  EXPECT_EQ(one("CREATE POLICY p ON t USING (true)").access_exclusive, std::vector<std::string>{"t"});
  EXPECT_TRUE(one("CREATE TRIGGER trg AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()").access_exclusive.empty());
  EXPECT_TRUE(one("CREATE INDEX i ON t (a)").access_exclusive.empty()) << "a SHARE lock";
}

TEST(PostgresFacts, BodiesWithSemicolonsStayOneStatement) {
  const auto facts = postgres_facts(
      "DO $$ BEGIN PERFORM 1; RAISE NOTICE 'x;'; END $$;\n"
      "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$\nBEGIN\n  NEW.at := now();\n  RETURN NEW;\nEND\n"
      "$body$;\n"
      "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n"
      "SELECT 1",
      10);
  ASSERT_EQ(facts.size(), 4u);
  EXPECT_EQ(facts[0].kind, Kind::other_ddl);
  EXPECT_EQ(facts[1].kind, Kind::other_ddl);
  EXPECT_EQ(facts[1].creates, std::vector<ObjectRef>{object(ObjectRef::Kind::function, "f")});
  EXPECT_EQ(facts[2].creates, std::vector<ObjectRef>{object(ObjectRef::Kind::function, "g")});
  EXPECT_EQ(facts[3].kind, Kind::dml);
  EXPECT_EQ(facts[3].line, 18);
}

TEST(PostgresFacts, AParseErrorIsUnparsedAndTheNextStatementsStillParse) {
  const auto facts = postgres_facts("ALTER TABLE t ADD COLUMN;\nCREATE INDEX i ON t (a);\nSELEC 1", 3);
  ASSERT_EQ(facts.size(), 3u);
  EXPECT_EQ(facts[0].kind, Kind::unparsed);
  EXPECT_FALSE(facts[0].error.empty());
  EXPECT_TRUE(facts[0].actions.empty());
  EXPECT_EQ(facts[1].kind, Kind::create_index);
  EXPECT_EQ(facts[1].line, 4);
  EXPECT_EQ(facts[2].kind, Kind::unparsed);
  EXPECT_NE(facts[2].error.find("syntax error"), std::string::npos) << facts[2].error;
}

}  // namespace
}  // namespace migrate::lint

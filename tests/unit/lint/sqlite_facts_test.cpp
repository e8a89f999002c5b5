#include <gtest/gtest.h>

#include "lint/facts.hpp"

namespace migrate::lint {
namespace {

using Kind = StatementFacts::Kind;
using Action = TableAction;

StatementFacts one(std::string_view sql) {
  auto facts = sqlite_facts(sql, 1);
  EXPECT_EQ(facts.size(), 1u) << sql;
  return facts.empty() ? StatementFacts{} : facts.front();
}

TEST(SqliteFacts, StatementsAreLocatedByLineAndColumn) {
  const auto facts = sqlite_facts("CREATE TABLE a (id INTEGER);\n  -- note\n  DROP TABLE a;", 10);
  ASSERT_EQ(facts.size(), 2u);
  EXPECT_EQ(facts[0].line, 10);
  EXPECT_EQ(facts[0].column, 1);
  EXPECT_EQ(facts[1].line, 12);
  EXPECT_EQ(facts[1].column, 3);
  EXPECT_EQ(facts[1].text, "DROP TABLE a");
}

TEST(SqliteFacts, CreateAndDropTableNameTheTableFoldedAndUnqualified) {
  auto create = one("CREATE TEMP TABLE IF NOT EXISTS main.\"Users\" (id INTEGER)");
  EXPECT_EQ(create.kind, Kind::create_table);
  EXPECT_EQ(create.table, "users");
  ASSERT_EQ(create.creates.size(), 1u);
  EXPECT_EQ(create.creates[0], (ObjectRef{.kind = ObjectRef::Kind::table, .name = "users"}));
  auto drop = one("DROP TABLE IF EXISTS aux.logs");
  EXPECT_EQ(drop.kind, Kind::drop_table);
  EXPECT_TRUE(drop.if_exists);
  ASSERT_EQ(drop.drops.size(), 1u);
  EXPECT_EQ(drop.drops[0].name, "aux.logs");
}

TEST(SqliteFacts, CreateAndDropIndex) {
  auto create = one("CREATE UNIQUE INDEX IF NOT EXISTS ix_email ON users (email)");
  EXPECT_EQ(create.kind, Kind::create_index);
  EXPECT_TRUE(create.unique);
  EXPECT_EQ(create.index, "ix_email");
  EXPECT_EQ(create.table, "users");
  EXPECT_EQ(create.creates.at(0), (ObjectRef{.kind = ObjectRef::Kind::index, .name = "ix_email", .table = "users"}));
  auto drop = one("DROP INDEX ix_email");
  EXPECT_EQ(drop.kind, Kind::drop_index);
  EXPECT_EQ(drop.index, "ix_email");
  EXPECT_EQ(drop.drops.at(0).kind, ObjectRef::Kind::index);
}

TEST(SqliteFacts, ViewsAndTriggersAreCreatedAndDropped) {
  auto view = one("CREATE VIEW v AS SELECT 1");
  EXPECT_EQ(view.kind, Kind::other_ddl);
  EXPECT_EQ(view.creates.at(0), (ObjectRef{.kind = ObjectRef::Kind::view, .name = "v"}));
  auto trigger = one("CREATE TRIGGER t AFTER INSERT ON users BEGIN SELECT 1; END");
  EXPECT_EQ(trigger.creates.at(0), (ObjectRef{.kind = ObjectRef::Kind::trigger, .name = "t", .table = "users"}));
  EXPECT_EQ(one("DROP TRIGGER IF EXISTS t").drops.at(0).kind, ObjectRef::Kind::trigger);
}

TEST(SqliteFacts, AddColumnReadsNotNullDefaultAndConstraints) {
  auto add = one("ALTER TABLE users ADD COLUMN age INTEGER NOT NULL DEFAULT 0 CHECK (age >= 0)");
  EXPECT_EQ(add.kind, Kind::alter_table);
  EXPECT_EQ(add.table, "users");
  ASSERT_EQ(add.actions.size(), 1u);
  const Action& a = add.actions[0];
  EXPECT_EQ(a.kind, Action::Kind::add_column);
  EXPECT_EQ(a.column, "age");
  EXPECT_TRUE(a.not_null);
  EXPECT_TRUE(a.has_default);
  EXPECT_FALSE(a.volatile_default);
  EXPECT_EQ(a.constraint, Action::Constraint::check);
  EXPECT_EQ(add.creates.at(0), (ObjectRef{.kind = ObjectRef::Kind::column, .name = "age", .table = "users"}));

  auto bare = one("ALTER TABLE users ADD nick TEXT NOT NULL DEFAULT NULL").actions.at(0);
  EXPECT_TRUE(bare.not_null);
  EXPECT_FALSE(bare.has_default) << "DEFAULT NULL is no default";
  EXPECT_EQ(one("ALTER TABLE t ADD COLUMN id INTEGER PRIMARY KEY").actions.at(0).constraint,
            Action::Constraint::primary_key);
  EXPECT_EQ(one("ALTER TABLE t ADD COLUMN e TEXT UNIQUE REFERENCES x(id)").actions.at(0).constraint,
            Action::Constraint::unique);
  auto fk = one("ALTER TABLE t ADD COLUMN x_id INTEGER REFERENCES \"X\"(id)").actions.at(0);
  EXPECT_EQ(fk.constraint, Action::Constraint::foreign_key);
  EXPECT_EQ(fk.references, "x");
}

TEST(SqliteFacts, NonConstantDefaultsAreVolatile) {
  EXPECT_TRUE(one("ALTER TABLE t ADD COLUMN at TEXT DEFAULT CURRENT_TIMESTAMP").actions.at(0).volatile_default);
  EXPECT_TRUE(one("ALTER TABLE t ADD COLUMN r INTEGER DEFAULT (random())").actions.at(0).volatile_default);
  EXPECT_FALSE(one("ALTER TABLE t ADD COLUMN n INTEGER DEFAULT (1 + 2)").actions.at(0).volatile_default);
  EXPECT_FALSE(one("ALTER TABLE t ADD COLUMN s TEXT DEFAULT 'now()'").actions.at(0).volatile_default);
  auto stored = one("ALTER TABLE t ADD COLUMN d INTEGER GENERATED ALWAYS AS (a * 2) STORED").actions.at(0);
  EXPECT_TRUE(stored.volatile_default);
  auto virtual_column = one("ALTER TABLE t ADD COLUMN d INTEGER NOT NULL AS (a * 2)").actions.at(0);
  EXPECT_FALSE(virtual_column.volatile_default);
  EXPECT_TRUE(virtual_column.has_default);
}

TEST(SqliteFacts, DropAndRenameColumnAndRenameTable) {
  auto drop = one("ALTER TABLE users DROP COLUMN age");
  EXPECT_EQ(drop.actions.at(0).kind, Action::Kind::drop_column);
  EXPECT_EQ(drop.drops.at(0), (ObjectRef{.kind = ObjectRef::Kind::column, .name = "age", .table = "users"}));
  auto rename_column = one("ALTER TABLE users RENAME COLUMN a TO b").actions.at(0);
  EXPECT_EQ(rename_column.kind, Action::Kind::rename_column);
  EXPECT_EQ(rename_column.column, "a");
  EXPECT_EQ(rename_column.new_name, "b");
  auto rename_table = one("ALTER TABLE users RENAME TO people");
  EXPECT_EQ(rename_table.kind, Kind::rename_table);
  EXPECT_EQ(rename_table.table, "users");
  EXPECT_EQ(rename_table.new_name, "people");
}

TEST(SqliteFacts, AlterFormsSqliteLacksAreStillClassified) {
  EXPECT_EQ(one("ALTER TABLE t ALTER COLUMN a TYPE TEXT").actions.at(0).kind, Action::Kind::alter_column_type);
  EXPECT_EQ(one("ALTER TABLE t ALTER COLUMN a SET NOT NULL").actions.at(0).kind, Action::Kind::set_not_null);
  EXPECT_EQ(one("ALTER TABLE t ALTER a DROP DEFAULT").actions.at(0).kind, Action::Kind::drop_default);
  auto constraint = one("ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u(id)").actions.at(0);
  EXPECT_EQ(constraint.kind, Action::Kind::add_constraint);
  EXPECT_EQ(constraint.constraint, Action::Constraint::foreign_key);
  EXPECT_EQ(constraint.constraint_name, "fk");
  EXPECT_EQ(one("ALTER TABLE t ADD UNIQUE (a)").actions.at(0).constraint, Action::Constraint::unique);
  EXPECT_EQ(one("ALTER TABLE t DROP CONSTRAINT fk").actions.at(0).kind, Action::Kind::drop_constraint);
}

TEST(SqliteFacts, PragmasNonTransactionalStatementsTransactionControlAndDml) {
  auto pragma = one("PRAGMA main.journal_mode = 'WAL'");
  EXPECT_EQ(pragma.kind, Kind::pragma);
  EXPECT_EQ(pragma.setting, "journal_mode");
  EXPECT_EQ(pragma.value, "WAL");
  EXPECT_EQ(one("PRAGMA synchronous(1)").value, "1");
  EXPECT_EQ(one("PRAGMA foreign_key_check").value, "");
  auto vacuum = one("VACUUM");
  EXPECT_EQ(vacuum.kind, Kind::non_transactional);
  EXPECT_EQ(vacuum.what, "VACUUM");
  EXPECT_EQ(one("ATTACH DATABASE 'x.db' AS x").what, "ATTACH");
  EXPECT_EQ(one("detach x").what, "DETACH");
  EXPECT_EQ(one("BEGIN IMMEDIATE").kind, Kind::transaction_control);
  EXPECT_EQ(one("COMMIT").kind, Kind::transaction_control);
  EXPECT_EQ(one("INSERT INTO t VALUES (1)").kind, Kind::dml);
  EXPECT_EQ(one("WITH x AS (SELECT 1) UPDATE t SET a = 1").kind, Kind::dml);
  EXPECT_EQ(one("REINDEX t").kind, Kind::reindex);
  EXPECT_EQ(one("ANALYZE").kind, Kind::other_ddl);
}

}  // namespace
}  // namespace migrate::lint

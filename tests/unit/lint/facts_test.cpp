#include <gtest/gtest.h>

#include "lint/facts.hpp"

namespace migrate::lint {
namespace {

TEST(StatementFacts, PostgresStatementsAreLocatedByFileLineAndColumn) {
  const auto facts = postgres_facts("CREATE TABLE a (id int);\n  DROP TABLE a;", 7);
  ASSERT_EQ(facts.size(), 2u);
  EXPECT_EQ(facts[0].line, 7);
  EXPECT_EQ(facts[0].column, 1);
  EXPECT_EQ(facts[1].line, 8);
  EXPECT_EQ(facts[1].column, 3);
  EXPECT_EQ(facts[1].text, "DROP TABLE a");
}

TEST(StatementFacts, PostgresParserRefusalIsUnparsedWithTheParsersMessage) {
  const auto facts = postgres_facts("CREATE TABLE (;", 1);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].kind, StatementFacts::Kind::unparsed);
  EXPECT_NE(facts[0].error.find("syntax error"), std::string::npos) << facts[0].error;
}

TEST(StatementFacts, DispatchFollowsTheDialect) {
  EXPECT_EQ(statement_facts("SELECT 1; SELECT 2", Dialect::sqlite, 1).size(), 2u);
  EXPECT_EQ(statement_facts("SELECT 1; SELECT 2", Dialect::postgresql, 1).size(), 2u);
}

}  // namespace
}  // namespace migrate::lint

#include "lint/rules.hpp"

namespace migrate::lint {
namespace {

TEST(RevisionContext, TablesCreatedBeforeAStatementFollowCreatesRenamesAndDrops) {
  RevisionContext context;
  context.dialect = Dialect::postgresql;
  StatementFacts create_a{.kind = StatementFacts::Kind::create_table, .table = "a"};
  StatementFacts create_b{.kind = StatementFacts::Kind::create_table, .table = "b"};
  StatementFacts rename_a{.kind = StatementFacts::Kind::rename_table, .table = "a", .new_name = "c"};
  StatementFacts drop_b{.kind = StatementFacts::Kind::drop_table};
  drop_b.drops = {ObjectRef{.kind = ObjectRef::Kind::table, .name = "b"}};
  context.upgrade = {create_a, create_b, rename_a, drop_b};
  EXPECT_TRUE(tables_created_before(context, 0).empty());
  EXPECT_EQ(tables_created_before(context, 2), (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(tables_created_before(context, 3), (std::set<std::string>{"b", "c"}));
  EXPECT_EQ(tables_created_before(context, 4), (std::set<std::string>{"c"}));
}

}  // namespace
}  // namespace migrate::lint

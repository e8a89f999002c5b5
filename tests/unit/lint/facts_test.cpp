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

#include "sql/normalize.hpp"

#include <gtest/gtest.h>

namespace migrate::sql {

TEST(NormalizeSqliteExpressionTest, DifferentSpellingsGiveOneText) {
  const std::string expected = "price > 0 AND name IS NOT NULL";
  EXPECT_EQ(normalize_sqlite_expression("price>0 and name is not null"), expected);
  EXPECT_EQ(normalize_sqlite_expression("  price  >  0\n\tAND   name IS not NULL  "), expected);
  EXPECT_EQ(normalize_sqlite_expression("\"price\" > 0 /* positive */ And [name] -- set\n is not null"), expected);
  EXPECT_EQ(normalize_sqlite_expression("`price`>0 AND name IS NOT NULL"), expected);
}

TEST(NormalizeSqliteExpressionTest, KeepsStringsNumbersAndNeededQuotesExactly) {
  EXPECT_EQ(normalize_sqlite_expression("x  in ('a  b', 'It''s' , 1.50)"), "x IN ('a  b', 'It''s', 1.50)");
  EXPECT_EQ(normalize_sqlite_expression("\"order\" + \"Select\" + \"two words\" + \"a\"\"b\""),
            "\"order\" + \"Select\" + \"two words\" + \"a\"\"b\"");
  // Quoted as the renderer quotes names (quote_sqlite_name): only plain ASCII names go bare.
  EXPECT_EQ(normalize_sqlite_expression("\"naïve\" + \"a$b\" + \"plain_1\""), "\"naïve\" + \"a$b\" + plain_1");
  EXPECT_EQ(normalize_sqlite_expression("Name = 'Name'"), "Name = 'Name'");  // identifier case kept
  EXPECT_EQ(normalize_sqlite_expression("x'00FF' = X'00ff'"), "x'00FF' = X'00ff'");
  EXPECT_EQ(normalize_sqlite_expression("a = :p AND b = ?1"), "a = :p AND b = ?1");
}

TEST(NormalizeSqliteExpressionTest, SpacesAroundParenthesesCommasDotsAndCalls) {
  EXPECT_EQ(normalize_sqlite_expression("lower( t . name )"), "lower(t.name)");
  EXPECT_EQ(normalize_sqlite_expression("count ( * )"), "count(*)");
  EXPECT_EQ(normalize_sqlite_expression("x in(1,2)"), "x IN (1, 2)");
  EXPECT_EQ(normalize_sqlite_expression("cast(x as integer)"), "CAST (x AS integer)");
  EXPECT_EQ(normalize_sqlite_expression("(1+2)"), "(1 + 2)");
  EXPECT_EQ(normalize_sqlite_expression("datetime('now')"), "datetime('now')");
}

TEST(NormalizeSqliteExpressionTest, SplitsOperatorRunsAsSqliteReadsThem) {
  EXPECT_EQ(normalize_sqlite_expression("a=-1"), "a = - 1");
  EXPECT_EQ(normalize_sqlite_expression("a = - 1"), "a = - 1");
  EXPECT_EQ(normalize_sqlite_expression("a<>b||c"), "a <> b || c");
  EXPECT_EQ(normalize_sqlite_expression("j->>'$.x'"), "j ->> '$.x'");
}

TEST(NormalizeSqliteExpressionTest, WholeStatementsAndEmptyText) {
  EXPECT_EQ(normalize_sqlite_expression("create trigger t after insert on \"x\" begin select 1; end"),
            "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1 ; END");
  EXPECT_EQ(normalize_sqlite_expression(""), "");
  EXPECT_EQ(normalize_sqlite_expression("-- only a comment"), "");
}

TEST(NormalizeSqliteTypeTest, UpperCaseSingleSpacesNoBlanksInParentheses) {
  EXPECT_EQ(normalize_sqlite_type("varchar( 40 )"), "VARCHAR(40)");
  EXPECT_EQ(normalize_sqlite_type("int"), "INT");
  EXPECT_EQ(normalize_sqlite_type("integer"), "INTEGER");
  EXPECT_EQ(normalize_sqlite_type("double  precision"), "DOUBLE PRECISION");
  EXPECT_EQ(normalize_sqlite_type("decimal (10, 2)"), "DECIMAL(10,2)");
  EXPECT_EQ(normalize_sqlite_type("numeric(-5) unsigned"), "NUMERIC(-5) UNSIGNED");
  EXPECT_EQ(normalize_sqlite_type(""), "");
}

}  // namespace migrate::sql

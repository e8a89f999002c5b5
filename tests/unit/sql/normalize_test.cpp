#include "sql/normalize.hpp"

#include <gtest/gtest.h>

namespace migrate::sql {
namespace {
/// The columns in scope of the expressions below.
const SqliteNames k_columns{"price", "name", "order", "Select", "two words", "a\"b", "naïve", "a$b", "plain_1", "x"};
}  // namespace

TEST(NormalizeSqliteExpressionTest, DifferentSpellingsGiveOneText) {
  const std::string expected = "price > 0 AND name IS NOT NULL";
  const SqliteNames columns{"price", "name"};
  EXPECT_EQ(normalize_sqlite_expression("price>0 and name is not null", k_columns), expected);
  EXPECT_EQ(normalize_sqlite_expression("  price  >  0\n\tAND   name IS not NULL  ", k_columns), expected);
  EXPECT_EQ(normalize_sqlite_expression("\"price\" > 0 /* positive */ And [name] -- set\n is not null", k_columns), expected);
  EXPECT_EQ(normalize_sqlite_expression("`price`>0 AND name IS NOT NULL", k_columns), expected);
}

TEST(NormalizeSqliteExpressionTest, KeepsStringsNumbersAndNeededQuotesExactly) {
  EXPECT_EQ(normalize_sqlite_expression("x  in ('a  b', 'It''s' , 1.50)", k_columns), "x IN ('a  b', 'It''s', 1.50)");
  EXPECT_EQ(normalize_sqlite_expression("\"order\" + \"Select\" + \"two words\" + \"a\"\"b\"", k_columns),
            "\"order\" + \"Select\" + \"two words\" + \"a\"\"b\"");
  // Quoted as the renderer quotes names (quote_sqlite_name): only plain ASCII names go bare.
  EXPECT_EQ(normalize_sqlite_expression("\"naïve\" + \"a$b\" + \"plain_1\"", k_columns), "\"naïve\" + \"a$b\" + plain_1");
  EXPECT_EQ(normalize_sqlite_expression("Name = 'Name'", k_columns), "Name = 'Name'");  // identifier case kept
  EXPECT_EQ(normalize_sqlite_expression("x'00FF' = X'00ff'", k_columns), "x'00FF' = X'00ff'");
  EXPECT_EQ(normalize_sqlite_expression("a = :p AND b = ?1", k_columns), "a = :p AND b = ?1");
}

TEST(NormalizeSqliteExpressionTest, SpacesAroundParenthesesCommasDotsAndCalls) {
  EXPECT_EQ(normalize_sqlite_expression("lower( t . name )", k_columns), "lower(t.name)");
  EXPECT_EQ(normalize_sqlite_expression("count ( * )", k_columns), "count(*)");
  EXPECT_EQ(normalize_sqlite_expression("x in(1,2)", k_columns), "x IN (1, 2)");
  EXPECT_EQ(normalize_sqlite_expression("cast(x as integer)", k_columns), "CAST (x AS integer)");
  EXPECT_EQ(normalize_sqlite_expression("(1+2)", k_columns), "(1 + 2)");
  EXPECT_EQ(normalize_sqlite_expression("datetime('now')", k_columns), "datetime('now')");
}

TEST(NormalizeSqliteExpressionTest, SplitsOperatorRunsAsSqliteReadsThem) {
  EXPECT_EQ(normalize_sqlite_expression("a=-1", k_columns), "a = - 1");
  EXPECT_EQ(normalize_sqlite_expression("a = - 1", k_columns), "a = - 1");
  EXPECT_EQ(normalize_sqlite_expression("a<>b||c", k_columns), "a <> b || c");
  EXPECT_EQ(normalize_sqlite_expression("j->>'$.x'", k_columns), "j ->> '$.x'");
}

TEST(NormalizeSqliteExpressionTest, WholeStatementsAndEmptyText) {
  EXPECT_EQ(normalize_sqlite_expression("create trigger t after insert on \"x\" begin select 1; end", k_columns),
            "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1 ; END");
  EXPECT_EQ(normalize_sqlite_expression("", k_columns), "");
  EXPECT_EQ(normalize_sqlite_expression("-- only a comment", k_columns), "");
}

TEST(NormalizeSqliteExpressionTest, ADoubleQuotedWordThatNamesNoColumnStaysQuoted) {
  // SQLite reads it as a string literal: printed bare it would name a column that does not exist.
  const SqliteNames columns{"status"};
  EXPECT_EQ(normalize_sqlite_expression("\"status\" in (\"draft\",\"published\")", columns),
            "status IN (\"draft\", \"published\")");
  EXPECT_EQ(normalize_sqlite_expression("\"STATUS\" = \"Draft\"", columns), "STATUS = \"Draft\"");
  EXPECT_EQ(normalize_sqlite_expression("\"draft\"", SqliteNames{}), "\"draft\"");
  // [x] and `x` are always names: bare when plain, else quoted only when surely a name.
  EXPECT_EQ(normalize_sqlite_expression("[draft] + `draft`", SqliteNames{}), "draft + draft");
  EXPECT_EQ(normalize_sqlite_expression("[two words] + [order]", SqliteNames{}), "[two words] + [order]");
  EXPECT_EQ(normalize_sqlite_expression("[two words]", SqliteNames{"TWO WORDS"}), "\"two words\"");
}

TEST(NormalizeSqliteExpressionTest, WhereOnlyANameCanStandQuotesGoAsForAName) {
  const SqliteNames none;
  EXPECT_EQ(normalize_sqlite_expression("\"t\".\"a\" + new.\"b\"", none), "t.a + new.b");
  EXPECT_EQ(normalize_sqlite_expression("select a as \"total\" from \"t\" join \"u\" on \"u\" = 1", none),
            "SELECT a AS total FROM t JOIN u ON \"u\" = 1");
  EXPECT_EQ(normalize_sqlite_expression("a collate \"nocase\" is distinct from \"x\"", none),
            "a COLLATE nocase IS DISTINCT FROM \"x\"");
  EXPECT_EQ(normalize_sqlite_expression("create trigger \"tr\" after update on \"t\" for each row begin "
                                        "insert into \"log\" values (\"x\"); update \"t2\" set a = \"x\"; end",
                                        none),
            "CREATE TRIGGER tr AFTER UPDATE ON t FOR EACH ROW BEGIN INSERT INTO log VALUES (\"x\") ; "
            "UPDATE t2 SET a = \"x\" ; END");
}

TEST(SqliteRelationsReadTest, NamesAfterFromJoinAndUpdateButNotInsertInto) {
  EXPECT_EQ(sqlite_relations_read("select * from a, main.\"B\" x, c as y join d on 1 where x is distinct from e"),
            (std::vector<std::string>{"a", "B", "c", "d"}));
  EXPECT_EQ(sqlite_relations_read("create trigger t after update of v on s begin insert into log select v from s2; "
                                  "update [t3] set v = 1; delete from t4; end"),
            (std::vector<std::string>{"s2", "t3", "t4"}));
  EXPECT_TRUE(sqlite_relations_read("1 + 2").empty());
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

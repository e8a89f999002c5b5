#include "sql/keywords.hpp"

#include <gtest/gtest.h>

namespace migrate::sql {

TEST(SqliteKeywordsTest, KnowsKeywordsInAnyCaseAndNothingElse) {
  EXPECT_TRUE(is_sqlite_keyword("SELECT"));
  EXPECT_TRUE(is_sqlite_keyword("order"));
  EXPECT_TRUE(is_sqlite_keyword("Abort"));
  EXPECT_TRUE(is_sqlite_keyword("WITHOUT"));
  EXPECT_TRUE(is_sqlite_keyword("current_timestamp"));
  EXPECT_FALSE(is_sqlite_keyword("users"));
  EXPECT_FALSE(is_sqlite_keyword("SELECTS"));
  EXPECT_FALSE(is_sqlite_keyword(""));
  EXPECT_FALSE(is_sqlite_keyword("rowid"));  // a name with a meaning, not a keyword
}

TEST(SqliteKeywordsTest, QuotesANameUnlessItIsAPlainAsciiIdentifierAndNoKeyword) {
  EXPECT_EQ(quote_sqlite_name("users"), "users");
  EXPECT_EQ(quote_sqlite_name("_Mixed_Case1"), "_Mixed_Case1");
  EXPECT_EQ(quote_sqlite_name("order"), "\"order\"");
  EXPECT_EQ(quote_sqlite_name("Key"), "\"Key\"");
  EXPECT_EQ(quote_sqlite_name("two words"), "\"two words\"");
  EXPECT_EQ(quote_sqlite_name("1st"), "\"1st\"");
  EXPECT_EQ(quote_sqlite_name("a$b"), "\"a$b\"");
  EXPECT_EQ(quote_sqlite_name("naïve"), "\"naïve\"");
  EXPECT_EQ(quote_sqlite_name("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(quote_sqlite_name(""), "\"\"");
}

}  // namespace migrate::sql

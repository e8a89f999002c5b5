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

}  // namespace migrate::sql

#include "util/strings.hpp"

#include <gtest/gtest.h>

namespace migrate::util {
namespace {

TEST(StringsTest, TrimRemovesWhitespaceOnBothSides) {
  EXPECT_EQ(trim("  a b \r\n"), "a b");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim(" \t "), "");
  EXPECT_EQ(trim_left("  a "), "a ");
  EXPECT_EQ(trim_right("  a "), "  a");
}

TEST(StringsTest, SplitKeepsEmptyItems) {
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split("", ','), (std::vector<std::string>{""}));
  EXPECT_EQ(split("a,", ','), (std::vector<std::string>{"a", ""}));
}

TEST(StringsTest, JoinPutsSeparatorBetween) {
  EXPECT_EQ(join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(join({}, ", "), "");
  EXPECT_EQ(join({"a"}, ", "), "a");
}

TEST(StringsTest, PrefixSuffixAndCase) {
  EXPECT_TRUE(starts_with("migrate:revision", "migrate:"));
  EXPECT_FALSE(starts_with("mig", "migrate"));
  EXPECT_TRUE(ends_with("a.sql", ".sql"));
  EXPECT_EQ(to_lower("AbC_1"), "abc_1");
  EXPECT_TRUE(iequals("Trigger", "TRIGGER"));
  EXPECT_FALSE(iequals("Trigger", "TRIGGERS"));
}

TEST(StringsTest, ReplaceAllReplacesEveryOccurrence) {
  EXPECT_EQ(replace_all("{a}-{a}", "{a}", "x"), "x-x");
  EXPECT_EQ(replace_all("abc", "z", "x"), "abc");
}

}  // namespace
}  // namespace migrate::util

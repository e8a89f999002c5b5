#include "util/optional_text.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace migrate::util {
namespace {

TEST(OptionalTextTest, ReadsAsAnOptionalString) {
  OptionalText none;
  EXPECT_FALSE(none);
  EXPECT_TRUE(none == std::nullopt);
  EXPECT_EQ(none.value_or("default"), "default");
  EXPECT_EQ(std::optional<std::string>(none), std::nullopt);

  OptionalText set = "5s";
  EXPECT_TRUE(set.has_value());
  EXPECT_EQ(*set, "5s");
  EXPECT_EQ(set->size(), 2u);
  EXPECT_EQ(set.value_or("default"), "5s");
  EXPECT_EQ(std::optional<std::string>(set), std::optional<std::string>("5s"));
  EXPECT_FALSE(set == std::nullopt);
  EXPECT_FALSE(set == "6s");
}

TEST(OptionalTextTest, CopiesAreDeepAndAssignmentReplacesOrClears) {
  OptionalText a = std::string("250ms");
  OptionalText b = a;
  a = "1h";
  EXPECT_EQ(b, "250ms");
  EXPECT_EQ(a, "1h");
  EXPECT_FALSE(a == b);
  b = std::nullopt;
  EXPECT_FALSE(b);
  EXPECT_EQ(OptionalText(std::optional<std::string>()), OptionalText());
  EXPECT_EQ(OptionalText(std::optional<std::string>("x")), OptionalText("x"));
  EXPECT_LT(sizeof(OptionalText), sizeof(std::optional<std::string>));
}

}  // namespace
}  // namespace migrate::util

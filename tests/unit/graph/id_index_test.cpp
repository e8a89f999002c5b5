#include "graph/id_index.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace migrate::graph::detail {
namespace {

struct Item {
  std::string id;
};

TEST(IdIndexTest, FindsEveryIdAddedAndNothingElseAfterGrowingPastItsRoom) {
  std::vector<Item> items;
  for (int i = 0; i < 1000; ++i) items.push_back({"rev" + std::to_string(i)});
  IdIndex<Item> index;
  index.reset(items.data(), 10);  // room for 10: the rest makes it grow, more than once
  for (std::uint32_t i = 0; i < items.size(); ++i) EXPECT_TRUE(index.insert(i).second);
  EXPECT_EQ(index.size(), items.size());
  for (std::uint32_t i = 0; i < items.size(); ++i) EXPECT_EQ(index.find(items[i].id), i);
  EXPECT_FALSE(index.find("rev1000"));
  EXPECT_FALSE(index.find(""));
  EXPECT_FALSE(index.find("rev"));
}

TEST(IdIndexTest, ASecondItemWithAnIdHeldAlreadyIsRefusedWithTheFirstPosition) {
  std::vector<Item> items{{"a"}, {"b"}, {"a"}};
  IdIndex<Item> index;
  index.reset(items.data(), items.size());
  EXPECT_TRUE(index.insert(0).second);
  EXPECT_TRUE(index.insert(1).second);
  const auto [held_at, inserted] = index.insert(2);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(held_at, 0u);
  EXPECT_EQ(index.find("a"), 0u);
  EXPECT_EQ(index.size(), 2u);
}

TEST(IdIndexTest, AnIndexNeverResetFindsNothing) {
  IdIndex<Item> index;
  EXPECT_FALSE(index.find("a"));
  EXPECT_EQ(index.size(), 0u);
}

}  // namespace
}  // namespace migrate::graph::detail

#include "util/compact_list.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace migrate::util {
namespace {

using Strings = std::vector<std::string>;

TEST(CompactListTest, AnEmptyListTakesOnePointerAndReadsAsAnEmptyVector) {
  CompactList<std::string> none;
  EXPECT_EQ(sizeof(none), sizeof(void*));
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.begin(), none.end());
  EXPECT_EQ(std::find(none.begin(), none.end(), "x"), none.end());
  const Strings& as_vector = none;
  EXPECT_TRUE(as_vector.empty());
  EXPECT_EQ(none, Strings{});
  int visited = 0;
  for (auto& item : none) visited += static_cast<int>(item.size());  // mutable iteration of nothing
  EXPECT_EQ(visited, 0);
}

TEST(CompactListTest, FillsCopiesAndComparesAsAVector) {
  CompactList<std::string> list = Strings{"a", "b"};
  list.push_back("c");
  list.emplace_back("d");
  EXPECT_EQ(list, (Strings{"a", "b", "c", "d"}));
  EXPECT_EQ(list.front(), "a");
  EXPECT_EQ(list.back(), "d");
  EXPECT_EQ(list[2], "c");
  CompactList<std::string> copy = list;
  list.clear();
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(copy.size(), 4u);
  EXPECT_EQ(CompactList<std::string>({"x"}), CompactList<std::string>(Strings{"x"}));
  EXPECT_FALSE(copy == CompactList<std::string>({"a"}));
  copy = copy;  // self-assignment keeps the items
  EXPECT_EQ(copy.size(), 4u);
  for (auto& item : copy) item += "!";
  EXPECT_EQ(copy.items(), (Strings{"a!", "b!", "c!", "d!"}));
}

}  // namespace
}  // namespace migrate::util

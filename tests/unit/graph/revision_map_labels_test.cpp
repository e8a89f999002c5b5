// Many branch labels and long lists in messages: both must stay cheap and short.

#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "graph/revision_map.hpp"
#include "unit/graph/graph_test_support.hpp"

namespace migrate::graph {
namespace {

using testing::Ids;
using testing::rev;

Ids numbered(const std::string& prefix, std::size_t n) {
  Ids out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

// 20,000 labels on a base, reaching the 30 revisions of its branch: each revision carries
// each label once, in order. A label declared further up (own10) reaches the whole
// unbranched line too, down to the base, after the labels it already has (Alembic's
// _add_branches). Merging the label lists pairwise took minutes for 100,000 labels; the hash
// merge keeps this test instant.
TEST(RevisionMapLabelsTest, ManyLabelsReachEveryRevisionOfTheBranchOnceInOrder) {
  const Ids labels = numbered("label", 20000);
  std::vector<RevisionSpec> specs{rev("r0", {}, {}, labels)};
  for (int i = 1; i <= 30; ++i) specs.push_back(rev("r" + std::to_string(i), {"r" + std::to_string(i - 1)}));
  specs[10].branch_labels = {"own10"};
  RevisionMap map(std::move(specs));
  Ids then_own = labels;
  then_own.push_back("own10");
  EXPECT_EQ(map.get("r0").branch_labels, then_own);
  EXPECT_EQ(map.get("r30").branch_labels, then_own);
  Ids own_first = {"own10"};
  own_first.insert(own_first.end(), labels.begin(), labels.end());
  EXPECT_EQ(map.get("r10").branch_labels, own_first);
  EXPECT_EQ(map.resolve("label19999@head"), (Ids{"r30"}));
}

TEST(RevisionMapLabelsTest, ALabelListedTwiceOnOneRevisionIsRefused) {
  try {
    RevisionMap map({rev("r0", {}, {}, {"x", "y", "x"})});
    FAIL() << "x twice";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::duplicate_revision);
    EXPECT_NE(std::string(e.what()).find("Branch name 'x'"), std::string::npos) << e.what();
  }
}

TEST(ShortListTest, CutsLongListsAndGroupsTheCount) {
  EXPECT_EQ(short_list({}), "");
  EXPECT_EQ(short_list({"a", "b", "c"}), "a, b, c");
  EXPECT_EQ(short_list(numbered("r", 11)), "r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10");
  EXPECT_EQ(short_list(numbered("r", 12)), "r0, r1, r2, r3, r4, r5, r6, r7, r8, r9 and 2 more");
  EXPECT_EQ(short_list(numbered("r", 100000), 3), "r0, r1, r2 and 99,997 more");
}

TEST(ShortListTest, MultipleHeadsHintStaysShort) {
  std::vector<RevisionSpec> specs{rev("root")};
  for (int i = 0; i < 5000; ++i) specs.push_back(rev("h" + std::to_string(i), {"root"}));
  RevisionMap map(std::move(specs));
  try {
    map.resolve("head");
    FAIL() << "several heads";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::multiple_heads);
    EXPECT_EQ(e.hint(), "heads: h0, h1, h2, h3, h4, h5, h6, h7, h8, h9 and 4,990 more");
  }
}

TEST(ShortListTest, CycleMessageStaysShort) {
  std::vector<RevisionSpec> specs{rev("c0", {"c4999"})};
  for (int i = 1; i < 5000; ++i) specs.push_back(rev("c" + std::to_string(i), {"c" + std::to_string(i - 1)}));
  try {
    RevisionMap map(std::move(specs));
    FAIL() << "a cycle";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::cycle);
    EXPECT_LT(std::string(e.what()).size(), 200u) << e.what();
    EXPECT_LT(e.hint().size(), 400u) << e.hint();
    EXPECT_NE(e.hint().find("5000 revisions in all"), std::string::npos) << e.hint();
  }
}

}  // namespace
}  // namespace migrate::graph

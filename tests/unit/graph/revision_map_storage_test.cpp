// The graph's compact storage: small adjacency lists, lookup tables that view the revisions
// (and survive copies and moves of the map), and origins built only for an error.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "graph/revision_map.hpp"
#include "graph/small_ids.hpp"
#include "unit/graph/graph_test_support.hpp"

namespace migrate::graph {
namespace {

using detail::SmallIds;
using testing::Ids;
using testing::rev;

std::vector<std::uint32_t> as_vector(const SmallIds& s) { return {s.begin(), s.end()}; }

TEST(SmallIdsTest, KeepsEntriesInOrderInPlaceAndOnTheHeap) {
  for (std::uint32_t n = 0; n < 40; ++n) {
    SmallIds s;
    std::vector<std::uint32_t> expected;
    for (std::uint32_t i = 0; i < n; ++i) {
      s.push_back(i * 7 + 1);
      expected.push_back(i * 7 + 1);
    }
    ASSERT_EQ(s.size(), n);
    EXPECT_EQ(s.empty(), n == 0);
    EXPECT_EQ(as_vector(s), expected);
    if (n > 0) {
      EXPECT_EQ(s.front(), 1u);
      EXPECT_EQ(s[n - 1], expected.back());
    }
  }
}

TEST(SmallIdsTest, CopiesAndMovesOwnTheirEntries) {
  SmallIds heap{1, 2, 3, 4, 5};
  SmallIds local{8, 9};
  SmallIds copy = heap;
  SmallIds moved = std::move(heap);
  EXPECT_TRUE(heap.empty());  // NOLINT(bugprone-use-after-move): a moved-from list is empty
  EXPECT_EQ(as_vector(copy), (std::vector<std::uint32_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(as_vector(moved), as_vector(copy));
  copy = local;
  EXPECT_EQ(as_vector(copy), (std::vector<std::uint32_t>{8, 9}));
  moved = std::move(local);
  EXPECT_EQ(as_vector(moved), (std::vector<std::uint32_t>{8, 9}));
  std::vector<std::uint32_t> many{5, 4, 3, 2, 1, 0};
  moved.assign(many.begin(), many.end());
  EXPECT_EQ(as_vector(moved), many);
}

TEST(RevisionMapStorageTest, ACopyAnswersAfterTheOriginalIsGone) {
  auto original = std::make_unique<RevisionMap>(
      std::vector<RevisionSpec>{rev("aaaa1"), rev("bbbb2", {"aaaa1"}, {}, {"lbl"}), rev("cccc3", {"bbbb2"})});
  RevisionMap copy = *original;
  RevisionMap assigned({rev("zzzz9")});
  assigned = *original;
  original.reset();
  for (const RevisionMap* m : {&copy, &assigned}) {
    EXPECT_EQ(m->heads(), Ids{"cccc3"});
    EXPECT_EQ(m->get("bbbb2").id, "bbbb2");
    EXPECT_EQ(m->find("zzzz9"), nullptr);
    EXPECT_EQ(m->resolve("lbl@head"), Ids{"cccc3"});
    EXPECT_EQ(m->resolve("bbbb"), Ids{"bbbb2"});  // prefix
    EXPECT_TRUE(m->is_ancestor("aaaa1", "cccc3"));
  }
}

TEST(RevisionMapStorageTest, AMovedMapKeepsItsLookups) {
  RevisionMap m({rev("aaaa1", {}, {}, {"one"}), rev("bbbb2", {"aaaa1"})});
  RevisionMap moved = std::move(m);
  EXPECT_EQ(moved.resolve("one@head"), Ids{"bbbb2"});
  EXPECT_EQ(moved.children(moved.get("aaaa1")), Ids{"bbbb2"});
}

TEST(RevisionMapStorageTest, OriginsComeFromTheFunctionOnlyForAnError) {
  int calls = 0;
  auto origin_of = [&calls](std::size_t i) {
    ++calls;
    return "versions/" + std::to_string(i) + ".sql:3";
  };
  auto bare = [](std::string id, Ids down = {}) {
    auto s = rev(std::move(id), std::move(down));
    s.origin.clear();
    return s;
  };
  RevisionMap ok({bare("a"), bare("b", {"a"})}, origin_of);
  EXPECT_EQ(calls, 0);
  try {
    RevisionMap({bare("a"), bare("b", {"zz"})}, origin_of);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::missing_revision);
    EXPECT_NE(std::string(e.what()).find("(versions/1.sql:3)"), std::string::npos) << e.what();
  }
  // A spec's own origin wins over the function.
  try {
    RevisionMap({bare("a"), rev("a")}, origin_of);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("(versions/0.sql:3, a.sql:2)"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace migrate::graph

// The stairway test's plan (which revisions, in which order, what comes first) and its
// single-revision downgrade step, checked against the graph's own planning.
#include "api/stairway.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/version_table.hpp"
#include "unit/graph/graph_test_support.hpp"

namespace migrate::api {
namespace {

using graph::RevisionMap;
using graph::testing::Ids;
using graph::testing::rev;

/// a → b → {c (label left), d (label right)} → m (merge) → e; f depends on c and starts a
/// second root.
RevisionMap branchy() {
  return RevisionMap({rev("a"), rev("b", {"a"}), rev("c", {"b"}, {}, {"left"}), rev("d", {"b"}, {}, {"right"}),
                      rev("m", {"c", "d"}), rev("e", {"m"}), rev("f", {}, {"c"})});
}

Ids sorted(Ids v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(StairwayPlanTest, TestsEveryRevisionInTheOrderUpgradeHeadsAppliesThem) {
  const auto map = branchy();
  const auto plan = stairway_plan(map, "");
  Ids order;
  for (const auto& step : map.plan_upgrade("heads", {}).steps) order.push_back(*step.revision);
  EXPECT_EQ(plan.test, order);
  EXPECT_TRUE(plan.prepare.empty());
}

TEST(StairwayPlanTest, ARangeTestsItsRevisionsAfterTheAncestorsTheyNeed) {
  const auto map = branchy();
  const auto plan = stairway_plan(map, "m:e");
  EXPECT_EQ(plan.test, (Ids{"m", "e"}));
  EXPECT_EQ(sorted(plan.prepare), (Ids{"a", "b", "c", "d"}));
  EXPECT_EQ(plan.prepare.front(), "a");
  EXPECT_TRUE(stairway_plan(RevisionMap({}), "").test.empty());
}

// For every revision in upgrade order, from the rows every revision before it left: the undo
// step brings the rows back to exactly those, and for a revision that is not a merge its ops
// are the graph's own `downgrade <rev>@-1` from the same rows (a branch's first revision loses
// only its row; the sibling branch stays).
TEST(StairwayUndoTest, UndoesOneUpgradeStepAsTheGraphDowngradesThatRevision) {
  const auto map = branchy();
  std::vector<std::string> rows;
  for (const auto& id : stairway_plan(map, "").test) {
    auto up = map.plan_upgrade(id, rows);
    ASSERT_EQ(up.steps.size(), 1U) << id;
    const auto undo = undo_step(up.steps.front());
    EXPECT_EQ(undo.direction, graph::Direction::downgrade);
    EXPECT_EQ(undo.revision, id);
    auto back = up.heads_after;
    for (const auto& op : undo.ops) runtime::apply_to_rows(back, op);
    EXPECT_EQ(sorted(back), sorted(rows)) << id;
    if (!map.get(id).is_merge_point() && !map.effective_parents(map.get(id)).empty()) {
      auto down = map.plan_downgrade(id + "@-1", up.heads_after);
      ASSERT_EQ(down.steps.size(), 1U) << id;
      EXPECT_EQ(down.steps.front().ops, undo.ops) << id;
      EXPECT_EQ(down.steps.front().to, undo.to) << id;
    }
    rows = up.heads_after;
  }
}

TEST(StairwayUndoTest, AMergeGoesBackToItsParents) {
  const auto map = branchy();
  auto up = map.plan_upgrade("m", {"c", "d"});
  const auto undo = undo_step(up.steps.front());
  auto back = up.heads_after;
  EXPECT_EQ(back, (Ids{"m"}));
  for (const auto& op : undo.ops) runtime::apply_to_rows(back, op);
  EXPECT_EQ(sorted(back), (Ids{"c", "d"}));
  EXPECT_EQ(undo.from, (Ids{"m"}));
  EXPECT_EQ(undo.to, (Ids{"c", "d"}));
}

}  // namespace
}  // namespace migrate::api

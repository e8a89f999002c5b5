// Stamp plans compared with Alembic's stamp (StampStep): what each step says it comes from
// (the `-- Running stamp_revision <from> -> <to>` comment and log line), and how many steps a
// `--purge` makes.
#include <gtest/gtest.h>

#include "graph/revision_map.hpp"
#include "unit/graph/graph_test_support.hpp"

namespace migrate::graph {
namespace {

using testing::Ids;
using testing::ops;
using testing::rev;
using testing::step_revisions;

/// a → b, and b branches into c, e and f (load order a, b, c, e, f).
RevisionMap three_children() {
  return RevisionMap({rev("a"), rev("b", {"a"}), rev("c", {"b"}), rev("e", {"b"}), rev("f", {"b"})});
}

TEST(StampPlanTest, EveryStepUpFromARowNamesThatRowAsItsOrigin) {
  // Alembic logs `b -> c`, `b -> e`, `b -> f`: each destination is a step up from the row b.
  auto p = three_children().plan_stamp({"c", "e", "f"}, {"b"}, false);
  ASSERT_EQ(p.steps.size(), 3U);
  EXPECT_EQ(short_log(p.steps[0]), "stamp_revision b -> c");
  EXPECT_EQ(short_log(p.steps[1]), "stamp_revision b -> e");
  EXPECT_EQ(short_log(p.steps[2]), "stamp_revision b -> f");
  // The first step takes b's row; b is gone for the others (Alembic crashes there), which
  // get rows of their own.
  EXPECT_EQ(ops(p), (Ids{"update b->c", "insert e", "insert f"}));
  EXPECT_EQ(p.heads_after, (Ids{"c", "e", "f"}));
}

TEST(StampPlanTest, AStepDownNamesEveryRowItReplaces) {
  auto p = three_children().plan_stamp({"a"}, {"c", "e"}, false);
  ASSERT_EQ(p.steps.size(), 1U);
  EXPECT_EQ(short_log(p.steps[0]), "stamp_revision c, e -> a");
  EXPECT_EQ(ops(p), (Ids{"delete c", "update e->a"}));
}

TEST(StampPlanTest, ANewBranchComesFromNothing) {
  auto p = three_children().plan_stamp({"a"}, {}, false);
  ASSERT_EQ(p.steps.size(), 1U);
  EXPECT_EQ(short_log(p.steps[0]), "stamp_revision  -> a");
  EXPECT_EQ(ops(p), (Ids{"insert a"}));
}

TEST(StampPlanTest, PurgeDeletesLeadTheFirstStepAndAddNoStep) {
  // Alembic: three steps (a, e, f) after emptying the table; the deletes open the first.
  auto p = three_children().plan_stamp({"a", "e", "f"}, {"c", "zzz9"}, true);
  EXPECT_EQ(step_revisions(p), (Ids{"a", "e", "f"}));
  ASSERT_EQ(p.steps.size(), 3U);
  EXPECT_EQ(ops(p), (Ids{"delete c", "delete zzz9", "insert a", "insert e", "insert f"}));
  EXPECT_EQ(p.steps[0].ops.size(), 3U);
  EXPECT_EQ(short_log(p.steps[0]), "stamp_revision  -> a");
  EXPECT_EQ(p.heads_before, (Ids{"c", "zzz9"}));
  EXPECT_EQ(p.heads_after, (Ids{"a", "e", "f"}));
}

TEST(StampPlanTest, PurgeToBaseIsOneStepOfDeletes) {
  auto p = three_children().plan_stamp({"base"}, {"c", "e"}, true);
  ASSERT_EQ(p.steps.size(), 1U);
  EXPECT_EQ(p.steps[0].revision, std::nullopt);
  EXPECT_EQ(ops(p), (Ids{"delete c", "delete e"}));
  EXPECT_TRUE(p.heads_after.empty());
  EXPECT_TRUE(three_children().plan_stamp({"base"}, {}, true).steps.empty());
}

TEST(StampPlanTest, PurgeOfTheSameRevisionDeletesAndInsertsItInOneStep) {
  auto p = three_children().plan_stamp({"c"}, {"c"}, true);
  ASSERT_EQ(p.steps.size(), 1U);
  EXPECT_EQ(ops(p), (Ids{"delete c", "insert c"}));
  EXPECT_EQ(p.heads_after, (Ids{"c"}));
}

}  // namespace
}  // namespace migrate::graph

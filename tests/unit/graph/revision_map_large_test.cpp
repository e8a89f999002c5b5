#include <gtest/gtest.h>

#include <string>
#include <unordered_map>

#include "graph/revision_map.hpp"
#include "unit/graph/graph_test_support.hpp"

namespace migrate::graph {
namespace {

using testing::Ids;
using testing::rev;

/// 10,000 revisions: a trunk that forks every 50 revisions into a side branch of 10 which is
/// merged back 20 revisions later, a labelled side branch that stays open, and a second root
/// whose revisions depend on the trunk now and then.
std::vector<RevisionSpec> large_graph(std::size_t n) {
  std::vector<RevisionSpec> specs;
  auto name = [](const char* prefix, std::size_t i) { return std::string(prefix) + std::to_string(100000 + i); };
  std::string trunk = name("t", 0);
  specs.push_back(rev(trunk));
  std::string other = name("o", 0);
  specs.push_back(rev(other));
  std::string side;
  std::size_t side_len = 0;
  std::size_t i = 1;
  while (specs.size() + 2 < n) {
    std::string t = name("t", i);
    if (!side.empty() && side_len == 10 && i % 50 == 20) {
      specs.push_back(rev(t, {trunk, side}));  // merge the side branch back
      side.clear();
    } else {
      specs.push_back(rev(t, {trunk}));
    }
    if (i % 50 == 0) {
      side = name("s", i);
      specs.push_back(rev(side, {trunk}));
      side_len = 1;
    } else if (!side.empty() && side_len < 10) {
      std::string s = name("s", i);
      specs.push_back(rev(s, {side}));
      side = s;
      ++side_len;
    }
    if (i % 97 == 0) {
      std::string o = name("o", i);
      specs.push_back(rev(o, {other}, {t}));
      other = o;
    }
    trunk = t;
    ++i;
  }
  specs.push_back(rev("open1", {name("t", 5)}, {}, {"openbranch"}));
  specs.push_back(rev("open2", {"open1"}));
  return specs;
}

TEST(RevisionMapLargeTest, TenThousandRevisionsGiveConsistentHeadsHistoryAndPlans) {
  auto specs = large_graph(10000);
  ASSERT_EQ(specs.size(), 10000U);
  RevisionMap m(specs);

  const Ids heads = m.heads();
  EXPECT_GE(heads.size(), 3U);
  EXPECT_EQ(m.resolve("openbranch@head"), (Ids{"open2"}));

  const Ids history = m.history("", {});
  ASSERT_EQ(history.size(), m.revisions().size());
  std::unordered_map<std::string, std::size_t> pos;
  for (std::size_t k = 0; k < history.size(); ++k) pos[history[k]] = k;
  ASSERT_EQ(pos.size(), history.size());
  for (const auto& r : m.revisions())
    for (const auto& p : m.effective_parents(r)) EXPECT_LT(pos.at(r.id), pos.at(p)) << r.id << " before " << p;

  const Plan up = m.plan_upgrade("heads", {});
  ASSERT_EQ(up.steps.size(), m.revisions().size());
  Ids after = up.heads_after;
  Ids real = m.real_heads();
  std::sort(after.begin(), after.end());
  std::sort(real.begin(), real.end());
  EXPECT_EQ(after, real);

  const Plan down = m.plan_downgrade("base", up.heads_after);
  EXPECT_EQ(down.steps.size(), m.revisions().size());
  EXPECT_TRUE(down.heads_after.empty());
}

}  // namespace
}  // namespace migrate::graph

// The rule behind `migrate status` (api::revision_states): the version table says what is
// applied, a replay of the journal says how it got there; and the selection of `migrate log`
// (api::select_log).
#include "api/status.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "unit/graph/graph_test_support.hpp"

namespace migrate::api {
namespace {

using graph::testing::Ids;
using graph::testing::rev;

/// a → b → c, and d depends on b (a second root).
graph::RevisionMap chain() {
  return graph::RevisionMap({rev("a"), rev("b", {"a"}), rev("c", {"b"}), rev("d", {}, {"b"})});
}

runtime::JournalEntry row(long long id, std::string direction, std::string revision, Ids before, Ids after,
                          std::string command = "", std::string status = "applied") {
  runtime::JournalEntry e;
  e.id = id;
  e.command = command.empty() ? direction : command;
  e.direction = std::move(direction);
  e.revision = std::move(revision);
  e.heads_before = std::move(before);
  e.heads_after = std::move(after);
  e.status = std::move(status);
  e.started_at = "2026-12-01T10:00:0" + std::to_string(id) + ".000Z";
  e.finished_at = "2026-12-01T10:00:0" + std::to_string(id) + ".500Z";
  e.duration_ms = 500;
  e.os_user = "deploy";
  e.host = "ci";
  return e;
}

bool no_file_gone(const std::string&) { return false; }

const RevisionStatus& of(const std::vector<RevisionStatus>& list, const std::string& id) {
  for (const auto& r : list)
    if (r.revision == id) return r;
  throw std::runtime_error("no revision " + id);
}

/// "id:state" per revision, in the order returned.
Ids states(const std::vector<RevisionStatus>& list) {
  Ids out;
  for (const auto& r : list) out.push_back(r.revision + ":" + to_string(r.state));
  return out;
}

TEST(RevisionStatesTest, WithoutJournalAppliedRevisionsHaveNoTime) {
  auto list = revision_states(chain(), {"b"}, {}, {}, no_file_gone);
  EXPECT_EQ(states(list), (Ids{"c:pending", "d:pending", "b:applied", "a:applied"}));
  EXPECT_TRUE(of(list, "b").is_current);
  EXPECT_FALSE(of(list, "a").is_current);
  EXPECT_EQ(of(list, "b").journal_id, 0);
  EXPECT_EQ(of(list, "b").applied_at, "");
  EXPECT_FALSE(of(list, "b").duration_ms.has_value());
}

TEST(RevisionStatesTest, UpgradeRowsMakeAppliedAndAStampMakesStampedWhatItAdded) {
  std::vector<runtime::JournalEntry> journal{row(1, "upgrade", "a", {}, {"a"}), row(2, "stamp", "c", {"a"}, {"c"})};
  auto list = revision_states(chain(), {"c"}, journal, {}, no_file_gone);
  EXPECT_EQ(states(list), (Ids{"c:stamped", "d:pending", "b:stamped", "a:applied"}));
  EXPECT_EQ(of(list, "a").journal_id, 1);
  EXPECT_EQ(of(list, "a").applied_at, "2026-12-01T10:00:01.500Z");
  EXPECT_EQ(of(list, "a").duration_ms, 500);
  EXPECT_EQ(of(list, "a").os_user, "deploy");
  EXPECT_EQ(of(list, "b").command, "stamp");
  EXPECT_EQ(of(list, "b").journal_id, 2);
}

TEST(RevisionStatesTest, DowngradesAndStampsDownForgetAndTheVersionTableDecides) {
  std::vector<runtime::JournalEntry> journal{row(1, "upgrade", "a", {}, {"a"}), row(2, "upgrade", "b", {"a"}, {"b"}),
                                             row(3, "stamp", "", {"b"}, {}), row(4, "stamp", "b", {}, {"b"}),
                                             row(5, "downgrade", "b", {"b"}, {"a"}),
                                             row(6, "upgrade", "b", {"a"}, {"b"})};
  auto list = revision_states(chain(), {"b"}, journal, {}, no_file_gone);
  EXPECT_EQ(states(list), (Ids{"c:pending", "d:pending", "b:applied", "a:stamped"}));
  EXPECT_EQ(of(list, "b").journal_id, 6);
  // Rows changed by hand since: only what the version table holds is applied.
  EXPECT_EQ(states(revision_states(chain(), {"a"}, journal, {}, no_file_gone)),
            (Ids{"c:pending", "d:pending", "b:pending", "a:stamped"}));
}

TEST(RevisionStatesTest, RepairsFollowTheRowsAfterThemAndFailedRowsDoNotCount) {
  std::vector<runtime::JournalEntry> journal{
      row(1, "upgrade", "a", {}, {"a"}), row(2, "upgrade", "b", {"a"}, {"a"}, "", "failed"),
      row(3, "repair", "b", {"a"}, {"b"}, "repair --mark-applied"),
      row(4, "repair", "b", {"b"}, {"b"}, "repair --accept-checksum")};
  auto list = revision_states(chain(), {"b"}, journal, {}, no_file_gone);
  EXPECT_EQ(states(list), (Ids{"c:pending", "d:pending", "b:applied", "a:applied"}));
  EXPECT_EQ(of(list, "b").command, "repair --mark-applied");
}

TEST(RevisionStatesTest, PartialAndFileGoneWin) {
  std::vector<runtime::JournalEntry> journal{row(1, "upgrade", "a", {}, {"a"}), row(2, "upgrade", "b", {"a"}, {"b"}),
                                             row(3, "upgrade", "c", {"b"}, {"b"}, "", "failed")};
  std::vector<runtime::JournalEntry> partial{journal[2]};
  auto list = revision_states(chain(), {"b"}, journal, partial, [](const std::string& id) { return id == "a"; });
  EXPECT_EQ(states(list), (Ids{"c:partial", "d:pending", "b:applied", "a:file gone"}));
  EXPECT_EQ(of(list, "c").started_at, "2026-12-01T10:00:03.000Z");
  EXPECT_EQ(of(list, "c").applied_at, "");
  EXPECT_EQ(of(list, "a").journal_id, 1);
}

TEST(RevisionStatesTest, DependenciesOfARowAreApplied) {
  auto list = revision_states(chain(), {"d"}, {}, {}, no_file_gone);
  EXPECT_EQ(states(list), (Ids{"c:pending", "d:applied", "b:applied", "a:applied"}));
}

TEST(SelectLogTest, NewestFirstFilteredAndLimited) {
  std::vector<runtime::JournalEntry> journal{row(1, "upgrade", "a", {}, {"a"}), row(2, "upgrade", "b", {"a"}, {"b"}),
                                             row(3, "downgrade", "b", {"b"}, {"a"})};
  auto all = select_log(journal, std::nullopt, std::nullopt);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, 3);
  EXPECT_EQ(all[0].duration_ms, 500);
  EXPECT_EQ(all[0].os_user, "deploy");
  auto of_b = select_log(journal, Ids{"b"}, std::nullopt);
  ASSERT_EQ(of_b.size(), 2u);
  EXPECT_EQ(of_b[1].id, 2);
  auto newest = select_log(journal, std::nullopt, 1);
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0].id, 3);
  EXPECT_TRUE(select_log(journal, Ids{"b"}, 0).empty());
}

}  // namespace
}  // namespace migrate::api

namespace migrate::api {
namespace {

// History order is not load order (two branches, loaded interleaved): each revision keeps
// the row that applied it once the statuses are put in history order.
TEST(RevisionStatesTest, EveryRevisionKeepsItsOwnRowInHistoryOrder) {
  graph::RevisionMap map({rev("r"), rev("x1", {"r"}), rev("y1", {"r"}), rev("x2", {"x1"}), rev("y2", {"y1"}),
                          rev("y3", {"y2"}), rev("x3", {"x2"})});
  std::vector<runtime::JournalEntry> journal;
  long long id = 0;
  for (const auto* r : {"r", "x1", "x2", "x3", "y1", "y2", "y3"}) journal.push_back(row(++id, "upgrade", r, {}, {r}));
  auto list = revision_states(map, {"x3", "y3"}, journal, {}, no_file_gone);
  ASSERT_EQ(list.size(), 7u);
  EXPECT_EQ(list.back().revision, "r");
  id = 0;
  for (const auto* r : {"r", "x1", "x2", "x3", "y1", "y2", "y3"}) {
    EXPECT_EQ(of(list, r).journal_id, ++id) << r;
    EXPECT_EQ(of(list, r).state, RevisionState::applied) << r;
  }
  EXPECT_TRUE(of(list, "x3").is_current);
  EXPECT_FALSE(of(list, "x2").is_current);
}

}  // namespace
}  // namespace migrate::api

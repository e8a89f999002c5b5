#include "graph/revision_map.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "unit/graph/graph_test_support.hpp"

namespace migrate::graph {
namespace {

using testing::Ids;
using testing::ops;
using testing::rev;
using testing::step_revisions;

/// Runs `f`, expects a migrate::Error of `kind`, returns it for further checks.
template <typename F>
Error expect_error(F&& f, ErrorKind kind) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(to_string(e.kind()), to_string(kind)) << e.what();
    return e;
  }
  ADD_FAILURE() << "no error thrown";
  return Error(ErrorKind::internal, "none");
}

// BranchedPathTest (alembic tests/test_version_traversal.py), creation order.
RevisionMap branched() {
  return RevisionMap({rev("a"), rev("b", {"a"}), rev("c1", {"b"}, {}, {"c1branch"}), rev("d1", {"c1"}),
                      rev("c2", {"b"}, {}, {"c2branch"}), rev("d2", {"c2"})});
}

// The tutorial merge (docs/revision-graph.md), in file-name load order.
const std::string k_1975 = "1975ea83b712", k_27c6 = "27c6a30d7c24", k_53ff = "53fffde5ad5",
                  k_ae10 = "ae1027a6acf";
RevisionMap tutorial_merge() {
  return RevisionMap({rev(k_1975), rev(k_27c6, {k_1975}, {}, {"shoppingcart"}), rev(k_53ff, {k_ae10, k_27c6}),
                      rev(k_ae10, {k_1975})});
}

// MergedPathTest.
RevisionMap merged_path() {
  return RevisionMap({rev("a"), rev("b", {"a"}), rev("c1", {"b"}), rev("d1", {"c1"}),
                      rev("c2", {"b"}, {}, {"c2branch"}), rev("d2", {"c2"}), rev("e", {"d1", "d2"}),
                      rev("f", {"e"})});
}

// DependsOnBranchTestTwo ("kaboom").
RevisionMap kaboom() {
  return RevisionMap({rev("a1"), rev("a2"), rev("a3"), rev("amerge", {"a1", "a2", "a3"}), rev("b1"), rev("b2"),
                      rev("bmerge", {"b1", "b2"}), rev("c1"), rev("c2"), rev("c3"),
                      rev("cmerge", {"c1", "c2", "c3"}), rev("d1", {}, {"a3", "b2", "c1"})});
}

// ---------------------------------------------------------------------------------------
// Construction and derived notions

TEST(RevisionMapTest, TwoBranchesGiveTwoHeads) {
  auto m = branched();
  EXPECT_EQ(m.heads(), (Ids{"d1", "d2"}));
  EXPECT_EQ(m.real_heads(), (Ids{"d1", "d2"}));
  EXPECT_EQ(m.bases(), (Ids{"a"}));
  EXPECT_TRUE(m.get("b").is_branch_point());
  EXPECT_EQ(m.children(m.get("b")), (Ids{"c1", "c2"}));
}

TEST(RevisionMapTest, HeadsFollowLoadOrder) {
  RevisionMap m({rev(k_1975), rev(k_27c6, {k_1975}), rev(k_ae10, {k_1975})});
  EXPECT_EQ(m.heads(), (Ids{k_27c6, k_ae10}));
  RevisionMap reversed({rev(k_ae10, {k_1975}), rev(k_27c6, {k_1975}), rev(k_1975)});
  EXPECT_EQ(reversed.heads(), (Ids{k_ae10, k_27c6}));
}

TEST(RevisionMapTest, EmptyMapHasNothing) {
  RevisionMap m({});
  EXPECT_TRUE(m.heads().empty());
  EXPECT_TRUE(m.resolve("head").empty());
  EXPECT_TRUE(m.resolve("heads").empty());
  EXPECT_TRUE(m.history("", {}).empty());
  EXPECT_TRUE(m.plan_upgrade("heads", {}).steps.empty());
}

TEST(RevisionMapTest, DependencyMakesEffectiveHead) {
  RevisionMap m({rev("x1"), rev("x2", {"x1"}), rev("y1"), rev("y2", {"y1"}, {"x2"})});
  EXPECT_EQ(m.heads(), (Ids{"x2", "y2"}));
  EXPECT_EQ(m.real_heads(), (Ids{"y2"}));
  EXPECT_TRUE(m.get("x2").is_effective_head());
  EXPECT_EQ(m.get("x2").dependents, (Ids{"y2"}));
  EXPECT_EQ(m.resolve("heads"), (Ids{"y2"}));
  auto e = expect_error([&] { m.resolve("head"); }, ErrorKind::multiple_heads);
  EXPECT_NE(std::string(e.what()).find("given argument 'head'"), std::string::npos);
}

TEST(RevisionMapTest, NormalizedDependenciesDropThoseImpliedByAncestors) {
  // DependsOnBranchTestFour: b4 depends on a3, which its ancestor b2 already depends on.
  RevisionMap m({rev("a1"), rev("a2", {"a1"}), rev("a3", {"a2"}), rev("b1"), rev("b2", {"b1"}, {"a3"}),
                 rev("b3", {"b2"}), rev("b4", {"b3"}, {"a3"})});
  EXPECT_EQ(m.get("b4").dependencies, (Ids{"a3"}));
  EXPECT_EQ(m.effective_parents(m.get("b4")), (Ids{"b3"}));
  EXPECT_EQ(m.effective_parents(m.get("b2")), (Ids{"b1", "a3"}));
  auto p = m.plan_downgrade("b3", {"b4"});
  EXPECT_EQ(step_revisions(p), (Ids{"b4"}));
  EXPECT_EQ(p.heads_after, (Ids{"b3"}));
}

TEST(RevisionMapTest, DependsOnLabelResolvesToDeclaringRevision) {
  RevisionMap m({rev("a1", {}, {}, {"lib1"}), rev("b1", {"a1"}), rev("a2"), rev("b2", {"a2"}, {"lib1"})});
  EXPECT_EQ(m.get("b2").dependencies, (Ids{"a1"}));
  EXPECT_EQ(m.get("b2").declared_depends_on, (Ids{"lib1"}));
  EXPECT_EQ(m.effective_parents(m.get("b2")), (Ids{"a2", "a1"}));
}

TEST(RevisionMapTest, DependsOnOwnDownRevisionIsHarmless) {
  RevisionMap m({rev("a1"), rev("a2", {"a1"}, {"a1"})});
  EXPECT_EQ(m.effective_parents(m.get("a2")), (Ids{"a1"}));
  auto up = m.plan_upgrade("a2", {});
  EXPECT_EQ(ops(up), (Ids{"insert a1", "update a1->a2"}));
  auto down = m.plan_downgrade("a1", {"a2"});
  EXPECT_EQ(ops(down), (Ids{"update a2->a1"}));
}

TEST(RevisionMapTest, IsAncestorFollowsDependencies) {
  RevisionMap m({rev("x1"), rev("x2", {"x1"}), rev("y1", {}, {"x2"})});
  EXPECT_TRUE(m.is_ancestor("x1", "y1"));
  EXPECT_TRUE(m.is_ancestor("x2", "y1"));
  EXPECT_FALSE(m.is_ancestor("y1", "x1"));
  EXPECT_FALSE(m.is_ancestor("x1", "x1"));
}

TEST(RevisionMapTest, DuplicateIdIsRejectedNamingBothFiles) {
  auto e = expect_error([] { RevisionMap({rev("a"), rev("a")}); }, ErrorKind::duplicate_revision);
  EXPECT_NE(std::string(e.what()).find("Revision a is present more than once"), std::string::npos);
  EXPECT_NE(std::string(e.what()).find("a.sql:2"), std::string::npos);
}

TEST(RevisionMapTest, LabelDeclaredTwiceIsRejected) {
  auto e = expect_error([] { RevisionMap({rev("a", {}, {}, {"x"}), rev("b", {"a"}, {}, {"x"})}); },
                        ErrorKind::duplicate_revision);
  EXPECT_NE(std::string(e.what()).find("Branch name 'x' in revision b already used by revision a"),
            std::string::npos);
  EXPECT_NE(std::string(e.what()).find("b.sql:2"), std::string::npos);
}

TEST(RevisionMapTest, LabelEqualToRevisionIdIsRejected) {
  auto e = expect_error([] { RevisionMap({rev("a", {}, {}, {"b"}), rev("b", {"a"})}); },
                        ErrorKind::duplicate_revision);
  EXPECT_NE(std::string(e.what()).find("Branch name 'b' in revision a already used by revision b"),
            std::string::npos);
}

TEST(RevisionMapTest, MissingDownRevisionIsRejected) {
  auto e = expect_error([] { RevisionMap({rev("a"), rev("b", {"zz"})}); }, ErrorKind::missing_revision);
  EXPECT_NE(std::string(e.what()).find("Revision zz referenced from b is not present"), std::string::npos);
  EXPECT_NE(std::string(e.what()).find("b.sql:2"), std::string::npos);
}

TEST(RevisionMapTest, MissingDependencyIsRejected) {
  auto e = expect_error([] { RevisionMap({rev("a"), rev("b", {"a"}, {"nolabel"})}); },
                        ErrorKind::missing_revision);
  EXPECT_NE(std::string(e.what()).find("Revision nolabel referenced from b is not present"), std::string::npos);
}

TEST(RevisionMapTest, SelfLoopsAreRejected) {
  auto e = expect_error([] { RevisionMap({rev("a", {"a"})}); }, ErrorKind::cycle);
  EXPECT_NE(std::string(e.what()).find("Self-loop is detected in revisions (a)"), std::string::npos);
  auto d = expect_error([] { RevisionMap({rev("a", {}, {"a"})}); }, ErrorKind::dependency_cycle);
  EXPECT_NE(std::string(d.what()).find("Dependency self-loop is detected in revisions (a)"), std::string::npos);
}

TEST(RevisionMapTest, ASelfLoopAnywhereIsReportedBeforeADuplicateId) {
  auto e = expect_error([] { RevisionMap({rev("a"), rev("a"), rev("b", {"b"})}); }, ErrorKind::cycle);
  EXPECT_NE(std::string(e.what()).find("Self-loop is detected in revisions (b)"), std::string::npos);
}

TEST(RevisionMapTest, SpecsHandedOverOneAtATimeBuildTheSameMap) {
  const std::vector<RevisionSpec> specs = {rev("a"), rev("b", {"a"}), rev("c", {"a"}, {}, {"side"})};
  std::vector<std::size_t> asked;
  RevisionMap streamed(specs.size(), [&](std::size_t i) {
    asked.push_back(i);
    return specs[i];
  });
  EXPECT_EQ(asked, (std::vector<std::size_t>{0, 1, 2}));  // each once, in load order
  RevisionMap whole(specs);
  EXPECT_EQ(streamed.heads(), whole.heads());
  EXPECT_EQ(streamed.resolve("side@head"), whole.resolve("side@head"));
  EXPECT_EQ(streamed.children(streamed.get("a")), whole.children(whole.get("a")));
  auto e = expect_error([] { RevisionMap(2, [](std::size_t) { return RevisionSpec{"a", {}, {}, {}, ""}; }, [](std::size_t i) {
                          return "file" + std::to_string(i) + ".sql:1";
                        }); },
                        ErrorKind::duplicate_revision);
  EXPECT_NE(std::string(e.what()).find("file0.sql:1, file1.sql:1"), std::string::npos);
}

TEST(RevisionMapTest, CycleWithoutBaseListsAllInLoadOrder) {
  auto e = expect_error([] { RevisionMap({rev("bbbb2", {"aaaa1"}), rev("aaaa1", {"bbbb2"})}); },
                        ErrorKind::cycle);
  EXPECT_STREQ(e.what(), "Cycle is detected in revisions (bbbb2, aaaa1)");
  EXPECT_NE(e.hint().find("aaaa1 in aaaa1.sql:2"), std::string::npos);
}

TEST(RevisionMapTest, CycleBesideATreeListsSortedIds) {
  auto e = expect_error(
      [] { RevisionMap({rev("root"), rev("head1", {"root"}), rev("zz", {"yy"}), rev("yy", {"zz"})}); },
      ErrorKind::cycle);
  EXPECT_STREQ(e.what(), "Cycle is detected in revisions (yy, zz)");
}

TEST(RevisionMapTest, DependencyCycleIsRejected) {
  auto e = expect_error(
      [] { RevisionMap({rev("a"), rev("b", {"a"}, {"d"}), rev("c"), rev("d", {"c"}, {"b"})}); },
      ErrorKind::dependency_cycle);
  EXPECT_STREQ(e.what(), "Dependency cycle is detected in revisions (a, b, c, d)");
}

TEST(RevisionMapTest, IllegalCharactersInIdAreRejected) {
  auto e = expect_error([] { RevisionMap({rev("a-b+c")}); }, ErrorKind::script);
  EXPECT_NE(std::string(e.what()).find("Character(s) '+, -' not allowed in revision identifier 'a-b+c'"),
            std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Branch labels

TEST(RevisionMapTest, LabelOnLinearChainReachesWholeChain) {
  RevisionMap m({rev("d"), rev("e", {"d"}, {}, {"ebranch"}), rev("f", {"e"})});
  for (const char* id : {"d", "e", "f"}) EXPECT_EQ(m.get(id).branch_labels, (Ids{"ebranch"})) << id;
  EXPECT_EQ(m.resolve("ebranch@d"), (Ids{"d"}));
}

TEST(RevisionMapTest, LabelOnOneSideOfMergeReachesMergeButNotBase) {
  auto m = tutorial_merge();
  EXPECT_EQ(m.get(k_27c6).branch_labels, (Ids{"shoppingcart"}));
  EXPECT_EQ(m.get(k_53ff).branch_labels, (Ids{"shoppingcart"}));
  EXPECT_TRUE(m.get(k_ae10).branch_labels.empty());
  EXPECT_TRUE(m.get(k_1975).branch_labels.empty());
  EXPECT_EQ(m.get(k_27c6).declared_branch_labels, (Ids{"shoppingcart"}));
  EXPECT_TRUE(m.get(k_53ff).declared_branch_labels.empty());
}

TEST(RevisionMapTest, LabelStopsAtBranchPointWhenWalkingDown) {
  auto m = branched();
  EXPECT_EQ(m.get("c1").branch_labels, (Ids{"c1branch"}));
  EXPECT_EQ(m.get("d1").branch_labels, (Ids{"c1branch"}));
  EXPECT_TRUE(m.get("b").branch_labels.empty());
  EXPECT_TRUE(m.get("a").branch_labels.empty());
}

TEST(RevisionMapTest, LabelWhoseDescendantsBranchMayMissAncestors) {
  // The walk down starts from the last descendant visited; c is a branch point, so a and b
  // keep no label (Alembic quirk).
  RevisionMap m({rev("a"), rev("b", {"a"}, {}, {"lbl"}), rev("c", {"b"}), rev("d1", {"c"}), rev("d2", {"c"})});
  EXPECT_TRUE(m.get("a").branch_labels.empty());
  EXPECT_EQ(m.get("d1").branch_labels, (Ids{"lbl"}));
  EXPECT_EQ(m.get("d2").branch_labels, (Ids{"lbl"}));
}

// ---------------------------------------------------------------------------------------
// Identifier resolution

TEST(RevisionMapTest, ResolvesExactIdAndUniquePrefix) {
  RevisionMap m({rev("e6239818bb3a"), rev("548bbb905360", {"e6239818bb3a"}), rev("e", {"548bbb905360"})});
  EXPECT_EQ(m.resolve("548bbb905360"), (Ids{"548bbb905360"}));
  EXPECT_EQ(m.resolve("548"), (Ids{"548bbb905360"}));
  EXPECT_EQ(m.resolve("e"), (Ids{"e"}));  // exact match first, although e6239818bb3a starts with e
  EXPECT_EQ(m.resolve("e62"), (Ids{"e6239818bb3a"}));
  EXPECT_EQ(m.resolve_one("548b"), std::optional<std::string>("548bbb905360"));
}

TEST(RevisionMapTest, ShortIdsAreNotPrefixCandidates) {
  RevisionMap m({rev("abc"), rev("abd", {"abc"})});
  auto e = expect_error([&] { m.resolve("ab"); }, ErrorKind::revision_not_found);
  EXPECT_STREQ(e.what(), "Can't locate revision identified by 'ab'");
  EXPECT_EQ(e.hint(),
            "No such revision or branch 'ab'; please ensure at least four characters are present for partial "
            "revision identifier matches");
}

TEST(RevisionMapTest, AmbiguousPrefixListsCandidates) {
  RevisionMap m({rev("abcd1"), rev("abcd2", {"abcd1"})});
  auto e = expect_error([&] { m.resolve("abcd"); }, ErrorKind::ambiguous_revision);
  EXPECT_STREQ(e.what(), "Multiple revisions start with 'abcd': 'abcd1', 'abcd2'...");
  EXPECT_NE(e.hint().find("abcd1, abcd2"), std::string::npos);
}

TEST(RevisionMapTest, UnknownRevisionIsNotFound) {
  auto m = branched();
  auto e = expect_error([&] { m.resolve("zzzzzz"); }, ErrorKind::revision_not_found);
  EXPECT_STREQ(e.what(), "Can't locate revision identified by 'zzzzzz'");
  EXPECT_EQ(e.hint(), "No such revision or branch 'zzzzzz'");
  expect_error([&] { m.get("zzzzzz"); }, ErrorKind::revision_not_found);
  EXPECT_EQ(m.find("zzzzzz"), nullptr);
}

TEST(RevisionMapTest, LabelAndLabelPrefixResolveToDeclaringRevision) {
  auto m = tutorial_merge();
  EXPECT_EQ(m.resolve("shoppingcart"), (Ids{k_27c6}));
  EXPECT_EQ(m.resolve("shop"), (Ids{k_27c6}));
}

TEST(RevisionMapTest, HeadHeadsAndBase) {
  auto m = branched();
  EXPECT_EQ(m.resolve("heads"), (Ids{"d1", "d2"}));
  EXPECT_TRUE(m.resolve("base").empty());
  EXPECT_TRUE(m.resolve("").empty());
  EXPECT_EQ(m.resolve_one("base"), std::nullopt);
  auto e = expect_error([&] { m.resolve("head"); }, ErrorKind::multiple_heads);
  EXPECT_STREQ(e.what(),
               "Multiple head revisions are present for given argument 'head'; please specify a specific target "
               "revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads");
  EXPECT_NE(e.hint().find("d1, d2"), std::string::npos);
  try {
    m.resolve_one("heads");
    ADD_FAILURE();
  } catch (const MultipleHeadsError& mh) {
    EXPECT_EQ(mh.heads(), (Ids{"d1", "d2"}));
    EXPECT_EQ(mh.argument(), "heads");
  }
}

TEST(RevisionMapTest, MultipleHeadsTextDependsOnContext) {
  auto m = branched();
  auto r = expect_error([&] { m.resolve("head", HeadsContext::revision); }, ErrorKind::multiple_heads);
  EXPECT_STREQ(r.what(),
               "Multiple heads are present; please specify the head revision on which the new revision should be "
               "based, or perform a merge.");
  auto s = expect_error([&] { m.resolve("head", HeadsContext::stamp); }, ErrorKind::multiple_heads);
  EXPECT_STREQ(s.what(), "Multiple heads are present; please specify a single target revision");
  auto c = expect_error([&] { m.resolve_one("head", HeadsContext::current_head); }, ErrorKind::multiple_heads);
  EXPECT_STREQ(c.what(),
               "The script directory has multiple heads (due to branching).Please use get_heads(), or merge the "
               "branches using alembic merge.");
  auto p = expect_error([&] { m.plan_stamp({"head"}, {}, false); }, ErrorKind::multiple_heads);
  EXPECT_STREQ(p.what(), "Multiple heads are present; please specify a single target revision");
}

TEST(RevisionMapTest, BranchQualifiedHeadHeadsAndBase) {
  auto m = branched();
  EXPECT_EQ(m.resolve("c1branch@head"), (Ids{"d1"}));
  EXPECT_EQ(m.resolve("c2branch@heads"), (Ids{"d2"}));
  EXPECT_EQ(m.resolve("b@heads"), (Ids{"d1", "d2"}));
  EXPECT_TRUE(m.resolve("c1branch@base").empty());
  auto e = expect_error([&] { m.resolve("b@head"); }, ErrorKind::multiple_heads);
  EXPECT_NE(std::string(e.what()).find("given argument 'b@head'"), std::string::npos);
  EXPECT_NE(std::string(e.what()).find("'<branchname>@b@head'"), std::string::npos);
}

TEST(RevisionMapTest, BranchQualifiedIdChecksLineage) {
  auto m = branched();
  EXPECT_EQ(m.resolve("c1branch@a"), (Ids{"a"}));  // ancestors share lineage
  EXPECT_EQ(m.resolve("c1branch@d1"), (Ids{"d1"}));
  auto e = expect_error([&] { m.resolve("c1branch@d2"); }, ErrorKind::revision_not_found);
  EXPECT_STREQ(e.what(), "Can't locate revision identified by 'd2'");
  EXPECT_EQ(e.hint(), "Revision d2 is not a member of branch 'c1branch'");
  auto u = expect_error([&] { m.resolve("nobranch@d1"); }, ErrorKind::revision_not_found);
  EXPECT_STREQ(u.what(), "Can't locate revision identified by 'nobranch'");
  EXPECT_EQ(u.hint(), "No such branch: 'nobranch'");
  auto h = expect_error([&] { m.resolve("nobranch@head"); }, ErrorKind::revision_not_found);
  EXPECT_EQ(h.hint(), "No such revision or branch 'nobranch'");
}

TEST(RevisionMapTest, BranchQualifiedPrefixMatchesOnlyInLineage) {
  RevisionMap m({rev("base1"), rev("some1111", {"base1"}, {}, {"left"}), rev("some2222", {"base1"}, {}, {"right"})});
  expect_error([&] { m.resolve("some"); }, ErrorKind::ambiguous_revision);
  EXPECT_EQ(m.resolve("left@some"), (Ids{"some1111"}));
  EXPECT_EQ(m.resolve("right@some"), (Ids{"some2222"}));
}

TEST(RevisionMapTest, NegativeNumberWalksDownFromHeads) {
  RevisionMap m({rev("a"), rev("b", {"a"}), rev("c", {"b"})});
  EXPECT_EQ(m.resolve("-1"), (Ids{"b"}));
  EXPECT_EQ(m.resolve("-2"), (Ids{"a"}));
  EXPECT_TRUE(m.resolve("-5").empty());
  expect_error([&] { m.resolve("+1"); }, ErrorKind::revision_not_found);
}

// ---------------------------------------------------------------------------------------
// Upgrade planning

TEST(RevisionMapTest, UpgradeOverMergeAppliesLastParentFirst) {
  auto m = tutorial_merge();
  auto p = m.plan_upgrade("heads", {});
  EXPECT_EQ(step_revisions(p), (Ids{k_1975, k_27c6, k_ae10, k_53ff}));
  EXPECT_EQ(ops(p), (Ids{"insert " + k_1975, "update " + k_1975 + "->" + k_27c6, "insert " + k_ae10,
                         "delete " + k_ae10, "update " + k_27c6 + "->" + k_53ff}));
  EXPECT_EQ(p.heads_after, (Ids{k_53ff}));
  EXPECT_TRUE(p.heads_before.empty());
  EXPECT_EQ(p.steps[3].from, (Ids{k_ae10, k_27c6}));
  EXPECT_EQ(p.steps[3].to, (Ids{k_53ff}));
  EXPECT_EQ(p.steps[0].direction, Direction::upgrade);
  EXPECT_TRUE(p.steps[0].from.empty());
}

TEST(RevisionMapTest, UpgradeHeadsAppliesLastLoadedHeadFirst) {
  RevisionMap m({rev(k_1975), rev(k_27c6, {k_1975}), rev(k_ae10, {k_1975})});
  auto p = m.plan_upgrade("heads", {});
  EXPECT_EQ(step_revisions(p), (Ids{k_1975, k_ae10, k_27c6}));
  EXPECT_EQ(ops(p), (Ids{"insert " + k_1975, "update " + k_1975 + "->" + k_ae10, "insert " + k_27c6}));
  EXPECT_EQ(p.heads_after, (Ids{k_ae10, k_27c6}));
}

TEST(RevisionMapTest, ForestUpgradesLastRootFirst) {
  RevisionMap m({rev("a1"), rev("b1", {"a1"}), rev("a2"), rev("b2", {"a2"})});
  auto p = m.plan_upgrade("heads", {});
  EXPECT_EQ(step_revisions(p), (Ids{"a2", "b2", "a1", "b1"}));
  EXPECT_EQ(p.heads_after, (Ids{"b2", "b1"}));
}

TEST(RevisionMapTest, BranchedPathUpgradesSecondBranchFirst) {
  auto m = branched();
  auto p = m.plan_upgrade("heads", {"a"});
  EXPECT_EQ(step_revisions(p), (Ids{"b", "c2", "d2", "c1", "d1"}));
  EXPECT_EQ(ops(p), (Ids{"update a->b", "update b->c2", "update c2->d2", "insert c1", "update c1->d1"}));
  EXPECT_EQ(p.heads_after, (Ids{"d2", "d1"}));
}

TEST(RevisionMapTest, BranchTravellingEmitsBranchPointAfterBothBranches) {
  auto m = branched();
  EXPECT_EQ(m.history("", {}), (Ids{"d1", "c1", "d2", "c2", "b", "a"}));
}

TEST(RevisionMapTest, MergedPathWorkedExample) {
  auto m = merged_path();
  auto p = m.plan_upgrade("f", {"b"});
  EXPECT_EQ(step_revisions(p), (Ids{"c2", "d2", "c1", "d1", "e", "f"}));
  EXPECT_EQ(ops(p), (Ids{"update b->c2", "update c2->d2", "insert c1", "update c1->d1", "delete d1",
                         "update d2->e", "update e->f"}));
  EXPECT_EQ(p.heads_after, (Ids{"f"}));
}

TEST(RevisionMapTest, DependenciesFromOtherRootsArePulledIn) {
  // DependsOnBranchLabelTest
  RevisionMap m({rev("a1", {}, {}, {"lib1"}), rev("b1", {"a1"}), rev("c1", {"b1"}, {}, {"c1lib"}), rev("a2"),
                 rev("b2", {"a2"}), rev("c2", {"b2"}, {"c1lib"}), rev("d1", {"c1"}), rev("e1", {"d1"}),
                 rev("f1", {"e1"})});
  auto p = m.plan_upgrade("c2", {"a2"});
  EXPECT_EQ(step_revisions(p), (Ids{"a1", "b1", "c1", "b2", "c2"}));
  // c2's effective parents are (b2, c1): the last one present keeps its row.
  EXPECT_EQ(ops(p), (Ids{"insert a1", "update a1->b1", "update b1->c1", "update a2->b2", "delete b2",
                         "update c1->c2"}));
  EXPECT_EQ(p.heads_after, (Ids{"c2"}));
}

TEST(RevisionMapTest, UpgradeToAppliedOrOlderRevisionIsEmpty) {
  RevisionMap m({rev("a"), rev("b", {"a"}), rev("c", {"b"})});
  auto p = m.plan_upgrade("a", {"c"});
  EXPECT_TRUE(p.steps.empty());
  EXPECT_EQ(p.heads_after, (Ids{"c"}));
  EXPECT_TRUE(m.plan_upgrade("c", {"c"}).steps.empty());
}

TEST(RevisionMapTest, RelativeUpgrades) {
  RevisionMap m({rev("e6239818bb3a"), rev("548bbb905360", {"e6239818bb3a"}), rev("b7ea43dc85e4", {"548bbb905360"}),
                 rev("1bbe33445780", {"b7ea43dc85e4"}), rev("3975fb1a0125", {"1bbe33445780"})});
  EXPECT_EQ(step_revisions(m.plan_upgrade("+2", {"e6239818bb3a"})), (Ids{"548bbb905360", "b7ea43dc85e4"}));
  EXPECT_EQ(step_revisions(m.plan_upgrade("+1", {})), (Ids{"e6239818bb3a"}));
  EXPECT_EQ(step_revisions(m.plan_upgrade("548bbb905360+2", {"e6239818bb3a"})),
            (Ids{"548bbb905360", "b7ea43dc85e4", "1bbe33445780"}));
  EXPECT_EQ(step_revisions(m.plan_upgrade("1bbe33445780-2", {"e6239818bb3a"})), (Ids{"548bbb905360"}));
  auto minus = expect_error([&] { m.plan_upgrade("-2", {"548bbb905360"}); }, ErrorKind::relative_out_of_range);
  EXPECT_STREQ(minus.what(), "Relative revision -2 didn't produce 2 migrations");
  auto plus = expect_error([&] { m.plan_upgrade("+5", {"548bbb905360"}); }, ErrorKind::relative_out_of_range);
  EXPECT_STREQ(plus.what(), "Relative revision +5 didn't produce 5 migrations");
  auto sym = expect_error([&] { m.plan_upgrade("1bbe+3", {}); }, ErrorKind::relative_out_of_range);
  EXPECT_STREQ(sym.what(), "Walked too far");
}

TEST(RevisionMapTest, RelativeUpgradeOnBranch) {
  auto m = branched();
  EXPECT_EQ(step_revisions(m.plan_upgrade("c2branch@head-1", {"b"})), (Ids{"c2"}));
  EXPECT_EQ(step_revisions(m.plan_upgrade("c1branch@+1", {"b"})), (Ids{"c1"}));
  EXPECT_EQ(step_revisions(m.plan_upgrade("c2branch@+2", {"d1"})), (Ids{"c2", "d2"}));
  auto amb = expect_error([&] { m.plan_upgrade("+1", {"b"}); }, ErrorKind::ambiguous_walk);
  EXPECT_STREQ(amb.what(), "Ambiguous walk");
  auto multi = expect_error([&] { m.plan_upgrade("+1", {"c1", "c2"}); }, ErrorKind::ambiguous_walk);
  EXPECT_STREQ(multi.what(), "Ambiguous upgrade from multiple current revisions");
}

TEST(RevisionMapTest, OverlappingTargetsAreRefused) {
  RevisionMap m({rev("a"), rev("b", {"a"}), rev("c", {"b"})});
  auto e = expect_error([&] { m.plan_upgrade("c", {"a", "c"}); }, ErrorKind::overlap);
  EXPECT_STREQ(e.what(), "Requested revision c overlaps with other requested revisions a");
  expect_error([&] { m.plan_downgrade("base", {"b", "c"}); }, ErrorKind::overlap);
}

TEST(RevisionMapTest, UnknownRowNeedsRepair) {
  RevisionMap m({rev("a")});
  auto e = expect_error([&] { m.plan_upgrade("heads", {"gone"}); }, ErrorKind::needs_repair);
  EXPECT_STREQ(e.what(), "Can't locate revision identified by 'gone'");
  expect_error([&] { m.current_heads({"gone"}); }, ErrorKind::needs_repair);
  expect_error([&] { m.plan_stamp({"a"}, {"gone"}, false); }, ErrorKind::needs_repair);
}

TEST(RevisionMapTest, UpgradeFromEffectiveHeadInsertsNewRow) {
  // heads {d3, d1}: d2's parent c2 is implied by d1 (d1 depends on c2) -> INSERT d2.
  RevisionMap m({rev("a"), rev("b1", {"a"}), rev("c2", {"a"}), rev("d1", {"b1"}, {"c2"}), rev("d2", {"c2"}),
                 rev("d3")});
  auto p = m.plan_upgrade("d2", {"d3", "d1"});
  EXPECT_EQ(ops(p), (Ids{"insert d2"}));
  EXPECT_EQ(p.heads_after, (Ids{"d3", "d1", "d2"}));
}

// ---------------------------------------------------------------------------------------
// Downgrade planning

TEST(RevisionMapTest, BranchedPathDowngradesFirstBranchFirst) {
  auto m = branched();
  auto p = m.plan_downgrade("a", {"d1", "d2"});
  EXPECT_EQ(step_revisions(p), (Ids{"d1", "c1", "d2", "c2", "b"}));
  EXPECT_EQ(ops(p), (Ids{"update d1->c1", "delete c1", "update d2->c2", "update c2->b", "update b->a"}));
  EXPECT_EQ(p.heads_after, (Ids{"a"}));
  EXPECT_EQ(p.steps[0].direction, Direction::downgrade);
  EXPECT_EQ(p.steps[0].from, (Ids{"d1"}));
  EXPECT_EQ(p.steps[0].to, (Ids{"c1"}));
}

TEST(RevisionMapTest, DowngradeOfMergeLeavesBothParents) {
  auto m = tutorial_merge();
  auto p = m.plan_downgrade(k_ae10, {k_53ff});
  EXPECT_EQ(step_revisions(p), (Ids{k_53ff}));
  EXPECT_EQ(ops(p), (Ids{"insert " + k_27c6, "update " + k_53ff + "->" + k_ae10}));
  EXPECT_EQ(p.heads_after, (Ids{k_ae10, k_27c6}));
}

TEST(RevisionMapTest, DowngradeMergeToBase) {
  auto m = tutorial_merge();
  auto p = m.plan_downgrade("base", {k_53ff});
  EXPECT_EQ(step_revisions(p), (Ids{k_53ff, k_ae10, k_27c6, k_1975}));
  EXPECT_EQ(ops(p), (Ids{"insert " + k_27c6, "update " + k_53ff + "->" + k_ae10, "delete " + k_ae10,
                         "update " + k_27c6 + "->" + k_1975, "delete " + k_1975}));
  EXPECT_TRUE(p.heads_after.empty());
  EXPECT_EQ(p.steps[0].to, (Ids{k_ae10, k_27c6}));
}

TEST(RevisionMapTest, MergedPathDowngradeAcrossMerge) {
  auto m = merged_path();
  auto p = m.plan_downgrade("b", {"f"});
  EXPECT_EQ(step_revisions(p), (Ids{"f", "e", "d1", "c1", "d2", "c2"}));
  EXPECT_EQ(ops(p), (Ids{"update f->e", "insert d2", "update e->d1", "update d1->c1", "delete c1",
                         "update d2->c2", "update c2->b"}));
  EXPECT_EQ(p.heads_after, (Ids{"b"}));
}

TEST(RevisionMapTest, DowngradeKeepsDependencyRowsImplied) {
  auto m = kaboom();
  auto p1 = m.plan_downgrade("b2", {"amerge", "bmerge", "cmerge", "d1"});
  EXPECT_EQ(step_revisions(p1), (Ids{"bmerge"}));
  EXPECT_EQ(ops(p1), (Ids{"update bmerge->b1"}));  // b2 stays implied by d1
  auto p2 = m.plan_downgrade("d1@base", {"amerge", "d1", "b1", "cmerge"});
  EXPECT_EQ(step_revisions(p2), (Ids{"d1"}));
  EXPECT_EQ(ops(p2), (Ids{"update d1->b2"}));  // a3 and c1 stay implied; b2 must reappear
  EXPECT_EQ(p2.heads_after, (Ids{"amerge", "b2", "b1", "cmerge"}));
  auto p3 = m.plan_downgrade("base", {"amerge", "b1", "b2", "cmerge"});
  EXPECT_EQ(step_revisions(p3), (Ids{"amerge", "a1", "b1", "b2", "cmerge", "c1", "a2", "a3", "c2", "c3"}));
  EXPECT_TRUE(p3.heads_after.empty());
}

TEST(RevisionMapTest, DowngradeOverCrissCrossDeletesRow) {
  // DependsOnBranchTestThree (#377)
  RevisionMap m({rev("a1"), rev("a2", {"a1"}), rev("b1"), rev("b2", {"b1"}, {"a2"}), rev("b3", {"b2"}),
                 rev("a3", {"a2"}, {"b1"})});
  auto p = m.plan_downgrade("b1", {"a3", "b2"});
  EXPECT_EQ(step_revisions(p), (Ids{"b2"}));
  EXPECT_EQ(ops(p), (Ids{"delete b2"}));
  EXPECT_EQ(p.heads_after, (Ids{"a3"}));
}

TEST(RevisionMapTest, DowngradeMergeWhoseParentIsAncestorOfOther) {
  // #1373 (fixed in Alembic 1.13.1): the lone row of a merge whose one parent implies the
  // other becomes just the newer parent.
  RevisionMap m({rev("a"), rev("b", {"a"}), rev("c", {"b"}, {"a"})});
  auto p = m.plan_downgrade("-1", {"c"});
  EXPECT_EQ(ops(p), (Ids{"update c->b"}));
  EXPECT_EQ(p.heads_after, (Ids{"b"}));
}

TEST(RevisionMapTest, RelativeDowngrades) {
  RevisionMap m({rev("a"), rev("b", {"a"}), rev("c", {"b"}), rev("d", {"c"}), rev("e", {"d"})});
  EXPECT_EQ(step_revisions(m.plan_downgrade("-1", {"c"})), (Ids{"c"}));
  EXPECT_EQ(step_revisions(m.plan_downgrade("-3", {"e"})), (Ids{"e", "d", "c"}));
  EXPECT_EQ(step_revisions(m.plan_downgrade("a+2", {"d"})), (Ids{"d"}));
  EXPECT_EQ(step_revisions(m.plan_downgrade("c-2", {"d"})), (Ids{"d", "c", "b"}));
  EXPECT_EQ(step_revisions(m.plan_downgrade("-3", {"c"})), (Ids{"c", "b", "a"}));
  auto far = expect_error([&] { m.plan_downgrade("-5", {"b"}); }, ErrorKind::relative_out_of_range);
  EXPECT_STREQ(far.what(), "Relative revision -5 didn't produce 5 migrations");
  auto plus = expect_error([&] { m.plan_downgrade("+2", {"b"}); }, ErrorKind::relative_out_of_range);
  EXPECT_STREQ(plus.what(), "Relative revision +2 didn't produce 2 migrations");
  auto empty = expect_error([&] { m.plan_downgrade("-1", {}); }, ErrorKind::relative_out_of_range);
  EXPECT_STREQ(empty.what(), "Relative revision -1 didn't produce 1 migrations");
  auto sym = expect_error([&] { m.plan_downgrade("b-4", {"e"}); }, ErrorKind::relative_out_of_range);
  EXPECT_STREQ(sym.what(), "Walked too far");
}

TEST(RevisionMapTest, DowngradeMinusNWithSeveralRowsIsRefusedWithBranchHints) {
  auto m = branched();
  auto e = expect_error([&] { m.plan_downgrade("-1", {"d2", "d1"}); }, ErrorKind::ambiguous_walk);
  EXPECT_EQ(e.hint(), "use <label-or-head-id>@-1 to choose a branch, one of: c2branch@-1, c1branch@-1");
  RevisionMap plain({rev("a"), rev("x", {"a"}), rev("y", {"a"})});
  auto p = expect_error([&] { plain.plan_downgrade("-2", {"x", "y"}); }, ErrorKind::ambiguous_walk);
  EXPECT_EQ(p.hint(), "use <label-or-head-id>@-2 to choose a branch, one of: x@-2, y@-2");
}

TEST(RevisionMapTest, BranchDowngrades) {
  auto m = branched();
  auto p = m.plan_downgrade("c1branch@-1", {"d1", "d2"});
  EXPECT_EQ(step_revisions(p), (Ids{"d1"}));
  EXPECT_EQ(p.heads_after, (Ids{"c1", "d2"}));
  EXPECT_EQ(step_revisions(m.plan_downgrade("c1branch@head-1", {"d1", "d2"})), (Ids{"d1"}));
  EXPECT_EQ(step_revisions(m.plan_downgrade("c2branch@base+2", {"d2", "d1"})), (Ids{"d2", "c2"}));
  EXPECT_EQ(step_revisions(m.plan_downgrade("base+2", {"d2", "d1"})), (Ids{"d1", "c1", "d2", "c2"}));
  EXPECT_EQ(step_revisions(m.plan_downgrade("c2branch@base+3", {"d2", "d1"})), (Ids{"d2"}));
  auto c2b = m.plan_downgrade("c2branch@b", {"c1", "d2"});
  EXPECT_EQ(step_revisions(c2b), (Ids{"d2", "c2"}));
  EXPECT_EQ(c2b.heads_after, (Ids{"c1"}));
  auto d1b = m.plan_downgrade("d1@b", {"d1", "d2"});
  EXPECT_EQ(step_revisions(d1b), (Ids{"d1", "c1"}));
  EXPECT_EQ(d1b.heads_after, (Ids{"d2"}));
  EXPECT_EQ(step_revisions(m.plan_downgrade("d2-1", {"c1", "d2"})), (Ids{"d2"}));
}

TEST(RevisionMapTest, LabelledBaseDowngradeNeedsOwnBase) {
  RevisionMap forest({rev("a1", {}, {}, {"left"}), rev("b1", {"a1"}), rev("a2", {}, {}, {"right"}), rev("b2", {"a2"})});
  auto p = forest.plan_downgrade("left@base", {"b1", "b2"});
  EXPECT_EQ(step_revisions(p), (Ids{"b1", "a1"}));
  EXPECT_EQ(p.heads_after, (Ids{"b2"}));
  // With a single base, X@base takes every branch down.
  auto m = branched();
  EXPECT_TRUE(m.plan_downgrade("c1branch@base", {"d1", "d2"}).heads_after.empty());
}

TEST(RevisionMapTest, InvalidDowngradeTargets) {
  RevisionMap m({rev("e6239818bb3a"), rev("548bbb905360", {"e6239818bb3a"}), rev("b7ea43dc85e4", {"548bbb905360"})});
  auto none = expect_error([&] { m.plan_downgrade("548", {}); }, ErrorKind::invalid_target);
  EXPECT_STREQ(none.what(), "Destination 548 is not a valid downgrade target from current head(s)");
  auto higher = expect_error([&] { m.plan_downgrade("b7ea", {"548bbb905360"}); }, ErrorKind::invalid_target);
  EXPECT_STREQ(higher.what(), "Destination b7ea is not a valid downgrade target from current head(s)");
  EXPECT_TRUE(m.plan_downgrade("e6239818bb3a", {"e6239818bb3a"}).steps.empty());
  EXPECT_TRUE(m.plan_downgrade("base", {}).steps.empty());
  RevisionMap forest({rev("a1"), rev("b1", {"a1"}), rev("a2", {}, {}, {"right"}), rev("x", {"a2"}), rev("y", {"a2"})});
  auto nv = expect_error([&] { forest.plan_downgrade("b1@a2", {"b1", "x", "y"}); }, ErrorKind::invalid_target);
  EXPECT_STREQ(nv.what(), "Not a valid downgrade target from current heads");
}

// ---------------------------------------------------------------------------------------
// Stamp

TEST(RevisionMapTest, StampToBaseDeletesEveryRow) {
  auto m = branched();
  auto p = m.plan_stamp({"base"}, {"d1", "c2"}, false);
  EXPECT_EQ(ops(p), (Ids{"delete d1", "delete c2"}));
  ASSERT_EQ(p.steps.size(), 2U);
  EXPECT_EQ(p.steps[0].direction, Direction::stamp);
  EXPECT_EQ(p.steps[0].revision, std::nullopt);
  EXPECT_TRUE(p.heads_after.empty());
}

TEST(RevisionMapTest, StampDownAcrossBranchesToBranchPoint) {
  auto m = branched();
  auto p = m.plan_stamp({"b"}, {"d1", "c2"}, false);
  EXPECT_EQ(ops(p), (Ids{"delete d1", "update c2->b"}));
  ASSERT_EQ(p.steps.size(), 1U);
  EXPECT_EQ(p.steps[0].revision, std::optional<std::string>("b"));
  EXPECT_EQ(p.steps[0].from, (Ids{"d1", "c2"}));
  EXPECT_EQ(p.heads_after, (Ids{"b"}));
}

TEST(RevisionMapTest, StampLabelledTargetsTouchOnlyTheirBranch) {
  auto m = branched();
  auto base = m.plan_stamp({"c1branch@base"}, {"d1", "c2"}, false);
  EXPECT_EQ(ops(base), (Ids{"delete d1"}));
  auto head = m.plan_stamp({"c2branch@head"}, {"d1", "c2"}, false);
  EXPECT_EQ(ops(head), (Ids{"update c2->d2"}));
  EXPECT_EQ(head.heads_after, (Ids{"d1", "d2"}));
}

TEST(RevisionMapTest, StampAcrossMerge) {
  auto m = merged_path();
  EXPECT_EQ(ops(m.plan_stamp({"c2"}, {"e"}, false)), (Ids{"update e->c2"}));
  EXPECT_EQ(ops(m.plan_stamp({"e"}, {"d1", "c2"}, false)), (Ids{"delete d1", "update c2->e"}));
  EXPECT_EQ(ops(m.plan_stamp({"c2branch@head"}, {"d1", "c2"}, false)), (Ids{"delete d1", "update c2->f"}));
  EXPECT_EQ(ops(m.plan_stamp({"e"}, {"b"}, false)), (Ids{"update b->e"}));
}

TEST(RevisionMapTest, StampNewBranchAndNoOp) {
  RevisionMap forest({rev("a1"), rev("b1", {"a1"}), rev("a2"), rev("b2", {"a2"})});
  auto p = forest.plan_stamp({"heads"}, {}, false);
  EXPECT_EQ(ops(p), (Ids{"insert b1", "insert b2"}));
  EXPECT_TRUE(forest.plan_stamp({"heads"}, {"b1", "b2"}, false).steps.empty());
  EXPECT_EQ(ops(forest.plan_stamp({"b2"}, {"b1"}, false)), (Ids{"insert b2"}));
}

TEST(RevisionMapTest, StampWithPurgeEmptiesTableFirst) {
  RevisionMap m({rev("a"), rev("b", {"a"})});
  auto p = m.plan_stamp({"b"}, {"gone", "a"}, true);
  ASSERT_EQ(p.steps.size(), 1U);  // the deletes lead the first step (stamp_plan_test.cpp)
  EXPECT_EQ(p.steps[0].revision, std::optional<std::string>("b"));
  EXPECT_EQ(ops(p), (Ids{"delete gone", "delete a", "insert b"}));
  EXPECT_EQ(p.heads_before, (Ids{"gone", "a"}));
  EXPECT_EQ(p.heads_after, (Ids{"b"}));
  EXPECT_TRUE(m.plan_stamp({"base"}, {}, true).steps.empty());
}

TEST(RevisionMapTest, StampSeveralDestinationsSharingOneRow) {
  // Alembic crashes (KeyError); here the second destination gets a row of its own.
  auto m = tutorial_merge();
  auto p = m.plan_stamp({k_ae10, k_27c6}, {k_53ff}, false);
  EXPECT_EQ(ops(p), (Ids{"update " + k_53ff + "->" + k_ae10, "insert " + k_27c6}));
  EXPECT_EQ(p.heads_after, (Ids{k_ae10, k_27c6}));
}

// ---------------------------------------------------------------------------------------
// History, current, branches

TEST(RevisionMapTest, HistoryRanges) {
  RevisionMap m({rev("a"), rev("b", {"a"}), rev("c", {"b"}), rev("d", {"c"})});
  EXPECT_EQ(m.history("", {}), (Ids{"d", "c", "b", "a"}));
  EXPECT_EQ(m.history("b:c", {}), (Ids{"c", "b"}));
  EXPECT_EQ(m.history(":b", {}), (Ids{"b", "a"}));
  EXPECT_EQ(m.history("c:", {}), (Ids{"d", "c"}));
  EXPECT_EQ(m.history("-5:c", {}), (Ids{"c", "b", "a"}));
  EXPECT_EQ(m.history("-2:current", {"c"}), (Ids{"c", "b"}));
  EXPECT_EQ(m.history("current:", {"c"}), (Ids{"d", "c"}));
  EXPECT_EQ(m.history("b:+1", {}), (Ids{"c", "b"}));  // +1 walks up from the start
  EXPECT_EQ(m.history("c:d+3", {}), (Ids{"d", "c"}));
  auto usage = expect_error([&] { m.history("abc", {}); }, ErrorKind::usage);
  EXPECT_STREQ(usage.what(), "History range requires [start]:[end], [start]:, or :[end]");
  auto unrelated = expect_error([&] { m.history("d:b", {}); }, ErrorKind::invalid_target);
  EXPECT_STREQ(unrelated.what(),
               "Requested range d:b does not refer to ancestor/descendant revisions along the same branch");
}

TEST(RevisionMapTest, HistoryOfBranchedGraph) {
  auto m = merged_path();
  EXPECT_EQ(m.history("", {}), (Ids{"f", "e", "d1", "c1", "d2", "c2", "b", "a"}));
  EXPECT_EQ(m.history("c2:e", {}), (Ids{"e", "d2", "c2"}));
  auto e = expect_error([&] { m.history("c1:d2", {}); }, ErrorKind::invalid_target);
  EXPECT_STREQ(e.what(), "Requested range c1:d2 does not refer to ancestor/descendant revisions along the same branch");
}

TEST(RevisionMapTest, CurrentHeadsAddRevisionsImpliedByDependencies) {
  RevisionMap m({rev("a1"), rev("a2", {"a1"}), rev("b1"), rev("b2", {"b1"}, {"a2"})});
  EXPECT_EQ(m.current_heads({"b2"}), (Ids{"b2", "a2"}));
  EXPECT_TRUE(m.current_heads({}).empty());
  auto b = branched();
  EXPECT_EQ(b.current_heads({"d2", "c1"}), (Ids{"d2", "c1"}));
}

TEST(RevisionMapTest, BranchPointsInHistoryOrder) {
  RevisionMap m({rev("a"), rev("b", {"a"}), rev("b2", {"a"}), rev("c1", {"b"}), rev("c2", {"b"})});
  EXPECT_EQ(m.branch_points(), (Ids{"b", "a"}));
  EXPECT_TRUE(RevisionMap({rev("a"), rev("b", {"a"})}).branch_points().empty());
}

}  // namespace
}  // namespace migrate::graph

namespace migrate::graph {
namespace {

using testing::Ids;
using testing::rev;

TEST(RevisionMapTest, RangesSplitAtTheirColon) {
  EXPECT_EQ(RevisionMap::split_range("a:b"), std::make_optional(std::make_pair(std::string("a"), std::string("b"))));
  EXPECT_EQ(RevisionMap::split_range(":b"), std::make_optional(std::make_pair(std::string(), std::string("b"))));
  EXPECT_EQ(RevisionMap::split_range("head"), std::nullopt);
  EXPECT_THROW(RevisionMap::split_range("a:b:c"), Error);
}

TEST(RevisionMapTest, OfflineStartResolvesToRows) {
  RevisionMap m({rev("1975ea83b712"), rev("ae1027a6acf", {"1975ea83b712"}, {}, {"usage"})});
  EXPECT_TRUE(m.offline_start("").empty());
  EXPECT_TRUE(m.offline_start("base").empty());
  EXPECT_EQ(m.offline_start("1975"), (Ids{"1975ea83b712"}));
  EXPECT_EQ(m.offline_start("usage"), (Ids{"ae1027a6acf"}));
  EXPECT_EQ(m.offline_start("head"), (Ids{"ae1027a6acf"}));
  auto p = m.plan_upgrade("head", m.offline_start("1975"));
  ASSERT_EQ(p.steps.size(), 1U);
  EXPECT_EQ(p.heads_before, (Ids{"1975ea83b712"}));
}

}  // namespace
}  // namespace migrate::graph

namespace migrate::graph {
namespace {

using testing::rev;

TEST(RevisionMapTest, UnknownBranchBeforeBaseIsRefused) {
  RevisionMap m({rev("a"), rev("b", {"a"}, {}, {"lbl"})});
  EXPECT_TRUE(m.resolve("lbl@base").empty());
  try {
    m.resolve("typo@base");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::revision_not_found);
    EXPECT_EQ(e.hint(), "No such branch: 'typo'");
  }
  EXPECT_THROW(m.plan_downgrade("typo@base", {"b"}), Error);
  EXPECT_TRUE(m.plan_downgrade("lbl@base", {"b"}).heads_after.empty());
}

}  // namespace
}  // namespace migrate::graph

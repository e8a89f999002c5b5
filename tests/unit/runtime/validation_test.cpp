// A statement's catalog effect as the backend's catalog receives it (backend::CatalogObject
// is sql::CatalogObject), the line-diff summary of an edited applied file, and which recorded
// checksum stands for a revision.
#include <gtest/gtest.h>

#include "backend/backend.hpp"
#include "sql/effects.hpp"

#include "runtime/validation.hpp"
#include "util/sha256.hpp"

namespace migrate::sql {
namespace {

using Kind = backend::CatalogObject::Kind;

TEST(CatalogObjectTest, EveryKindReachesTheBackendsCatalog) {
  struct Case {
    const char* sql;
    Kind kind;
    const char* description;
  };
  for (const Case& c : {Case{"CREATE TABLE app.t (x int)", Kind::table, "table app.t"},
                        Case{"ALTER TABLE t ADD COLUMN c int", Kind::column, "column t.c"},
                        Case{"CREATE INDEX ix ON t (x)", Kind::index, "index ix"},
                        Case{"ALTER TABLE t DROP CONSTRAINT k", Kind::constraint, "constraint k on t"}}) {
    auto got = catalog_effect(c.sql, Dialect::postgresql);
    ASSERT_TRUE(got.has_value()) << c.sql;
    EXPECT_EQ(got->object.kind, c.kind) << c.sql;
    EXPECT_EQ(describe(got->object), c.description) << c.sql;
  }
  EXPECT_FALSE(catalog_effect("SELECT 1", Dialect::sqlite).has_value());
  auto dropped = catalog_effect("DROP INDEX s.ix", Dialect::sqlite);
  ASSERT_TRUE(dropped.has_value());
  EXPECT_FALSE(dropped->expect_present);
  EXPECT_EQ(dropped->object.schema, "s");
  EXPECT_EQ(dropped->object.name, "ix");
}

}  // namespace
}  // namespace migrate::sql

// The line-diff summary shown with a checksum mismatch (runtime/validation.hpp) lives
// beside the statement effects: both describe what changed in a revision file.
namespace migrate::runtime {
namespace {

std::string lines(int from, int to, const std::string& tag = "l") {
  std::string out;
  for (int i = from; i <= to; ++i) out += tag + std::to_string(i) + "\n";
  return out;
}

TEST(DiffSummary, ChangedAddedRemoved) {
  std::string before = lines(1, 30);
  std::string after = lines(1, 11) + "x12\nx13\nx14\n" + lines(15, 20) + "new1\nnew2\n" + lines(21, 29);
  EXPECT_EQ(diff_summary(before, after), "lines 12-14 changed, 2 lines added after line 20, line 30 removed");
}

TEST(DiffSummary, SingleLineAndEdges) {
  EXPECT_EQ(diff_summary("a\nb\nc\n", "a\nB\nc\n"), "line 2 changed");
  EXPECT_EQ(diff_summary("a\nb\n", "new\na\nb\n"), "1 line added at the start");
  EXPECT_EQ(diff_summary("a\nb\nc\n", "a\nx\ny\nz\nc\n"), "line 2 replaced by 3 lines");
  EXPECT_EQ(diff_summary("a\nb\nc\nd\n", "a\nd\n"), "lines 2-3 removed");
  EXPECT_EQ(diff_summary("a\nb", "a\nb\n"), "no line changed (line endings or the end of the file differ)");
  EXPECT_EQ(diff_summary("", "a\n"), "1 line added at the start");
}

TEST(DiffSummary, CapsTheNumberOfParts) {
  std::string before = lines(1, 20);
  std::string after;
  for (int i = 1; i <= 20; ++i) after += (i % 2 ? "l" : "X") + std::to_string(i) + "\n";
  EXPECT_EQ(diff_summary(before, after, 2), "line 2 changed, line 4 changed, and 8 more changes");
}

TEST(AppliedRevisions, RowsThenTheirAncestorsThroughDependenciesInLoadOrder) {
  graph::RevisionMap map({{"a", {}, {}, {}, "a.sql:1"},
                          {"b", {"a"}, {}, {}, "b.sql:1"},
                          {"c", {"b"}, {}, {}, "c.sql:1"},
                          {"x", {}, {"other"}, {"b"}, "x.sql:1"},
                          {"y", {"x"}, {}, {}, "y.sql:1"}});
  EXPECT_EQ(applied_revisions(map, {"c"}), (std::vector<std::string>{"c", "a", "b"}));
  EXPECT_EQ(applied_revisions(map, {"y"}), (std::vector<std::string>{"y", "a", "b", "x"}));
  EXPECT_EQ(applied_revisions(map, {"y", "c"}), (std::vector<std::string>{"y", "c", "a", "b", "x"}));
  // A row no file explains is kept: it is an applied revision whose file is gone.
  EXPECT_EQ(applied_revisions(map, {"gone", "b"}), (std::vector<std::string>{"gone", "b", "a"}));
  EXPECT_TRUE(applied_revisions(map, {}).empty());
}

TEST(RecordedChecksumsTest, TheRowWithTheLargestIdStandsWhateverOrderTheRowsCameIn) {
  graph::RevisionMap map({{"a", {}, {}, {}, "a.sql:1"}, {"b", {"a"}, {}, {}, "b.sql:1"}});
  const auto older = util::sha256("older"), newer = util::sha256("newer");
  RecordedChecksums in_order(map), reversed(map);
  in_order.add("a", {3, older.hex(), k_checksum_algorithm});
  in_order.add("a", {7, newer.hex(), k_checksum_algorithm});
  reversed.add("a", {7, newer.hex(), k_checksum_algorithm});
  reversed.add("a", {3, older.hex(), k_checksum_algorithm});
  for (const auto* recorded : {&in_order, &reversed}) {
    EXPECT_FALSE(recorded->mismatch(*map.find("a"), newer));
    auto differs = recorded->mismatch(*map.find("a"), older);
    ASSERT_TRUE(differs);
    EXPECT_EQ(*differs, std::pair(newer.hex(), 7LL));
    EXPECT_FALSE(recorded->mismatch(*map.find("b"), older)) << "no row: nothing to compare";
  }
  in_order.add("zz", {9, older.hex(), k_checksum_algorithm});  // a revision the map lacks is ignored
}

TEST(DiffSummary, NormalizeStripsBomAndCarriageReturns) {
  EXPECT_EQ(script::normalized_file_text("\xEF\xBB\xBF" "a\r\nb\r\n"), "a\nb\n");
  EXPECT_EQ(script::normalized_file_text("a\rb"), "a\rb");
}

}  // namespace
}  // namespace migrate::runtime

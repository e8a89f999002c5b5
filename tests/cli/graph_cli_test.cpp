// End-to-end `migrate graph`: text, dot and mermaid renderings of a graph with a branch point,
// branch labels, a merge and a depends_on edge, bases first; the database's current heads
// marked when it can be read; the formats refused on other commands.
#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

class GraphCliTest : public CliTest {
 protected:
  /// a1 → b2 [left], a1 → c3 [right] → m4 (merge of b2 and c3); d5 depends on c3, off a1.
  void write_graph() {
    write_revision("a1.sql", {"a1", "", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;"});
    write_revision("b2.sql", {"b2", "\"a1\"", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;",
                              "-- branch_labels = [\"left\"]\n"});
    write_revision("c3.sql", {"c3", "\"a1\"", "CREATE TABLE c (id INTEGER);", "DROP TABLE c;",
                              "-- branch_labels = [\"right\"]\n"});
    write_revision("m4.sql", {"m4", "[\"b2\", \"c3\"]", "", ""});
    write_revision("d5.sql", {"d5", "\"m4\"", "CREATE TABLE d (id INTEGER);", "DROP TABLE d;",
                              "-- depends_on = [\"c3\"]\n"});
  }
};

TEST_F(GraphCliTest, TextListsBasesFirstWithParentsLabelsMergesAndTheCurrentHead) {
  write_graph();
  ASSERT_EQ(migrate({"upgrade", "m4"}).status, 0);
  auto text = migrate({"graph"});
  ASSERT_EQ(text.status, 0) << describe(text);
  EXPECT_EQ(text.out.find("a1 <- (base): revision a1\n"), 0u) << text.out;
  EXPECT_TRUE(contains(text.out, "b2 <- a1 [left]: revision b2\n")) << text.out;
  EXPECT_TRUE(contains(text.out, "m4 <- b2, c3 (merge) (current): revision m4\n")) << text.out;
  EXPECT_TRUE(contains(text.out, "d5 <- m4 (head): revision d5\n  depends on: c3\n")) << text.out;
  EXPECT_LT(text.out.find("c3 <- a1"), text.out.find("m4 <- b2, c3")) << text.out;
}

TEST_F(GraphCliTest, DotAndMermaidDrawDependenciesDashedAndMarkTheCurrentHead) {
  write_graph();
  ASSERT_EQ(migrate({"upgrade", "m4"}).status, 0);
  auto dot = migrate({"graph", "--format", "dot"});
  ASSERT_EQ(dot.status, 0) << describe(dot);
  EXPECT_EQ(dot.out.find("digraph migrate {\n"), 0u) << dot.out;
  EXPECT_TRUE(contains(dot.out, "  \"a1\" -> \"b2\";\n")) << dot.out;
  EXPECT_TRUE(contains(dot.out, "  \"c3\" -> \"d5\" [style=dashed, label=\"depends_on\"];\n")) << dot.out;
  EXPECT_TRUE(contains(dot.out, "\"m4\" [label=\"m4\\nrevision m4\", shape=diamond, style=\"bold,filled\"")) << dot.out;

  auto mermaid = migrate({"--format", "mermaid", "graph"});
  ASSERT_EQ(mermaid.status, 0) << describe(mermaid);
  EXPECT_EQ(mermaid.out.find("flowchart TD\n"), 0u) << mermaid.out;
  EXPECT_TRUE(contains(mermaid.out, "  r_c3 -. depends_on .-> r_d5\n")) << mermaid.out;
  EXPECT_TRUE(contains(mermaid.out, "  class r_m4 current\n")) << mermaid.out;
}

TEST_F(GraphCliTest, WorksWithoutADatabaseAndRefusesFormatsOfOtherCommands) {
  write_graph();
  auto text = migrate({"graph"});  // nothing applied: no current marks, no error
  EXPECT_EQ(text.status, 0) << describe(text);
  EXPECT_FALSE(contains(text.out, "(current)")) << text.out;
  auto refused = migrate({"status", "--format", "dot"});
  EXPECT_EQ(refused.status, 2) << describe(refused);
  EXPECT_TRUE(contains(refused.err, "--format dot goes with `migrate graph` only")) << refused.err;
  auto json = migrate({"graph", "--format", "json"});
  EXPECT_EQ(json.status, 2) << describe(json);
}

}  // namespace
}  // namespace migrate::test

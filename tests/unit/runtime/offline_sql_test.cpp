#include <gtest/gtest.h>

#include <sstream>

#include "runtime/offline_writer.hpp"
#include "unit/runtime/runtime_fixture.hpp"

namespace migrate {
namespace {

using graph::VersionOp;
using test::down;
using test::revision;
using test::up;

const std::string k_create =
    "CREATE TABLE alembic_version (\n"
    "    version_num VARCHAR(32) NOT NULL, \n"
    "    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n"
    ");\n\n";

class OfflineSqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    files.add(revision("1975ea83b712", {}, ""));
    files.add(revision("27c6a30d7c24", {"1975ea83b712"}, ""));
    files.add(revision("ae1027a6acf", {"1975ea83b712"}, ""));
    files.add(revision("53fffde5ad5", {"ae1027a6acf", "27c6a30d7c24"}, ""));
    vt.name = "alembic_version";
  }

  /// docs/revision-graph.md: upgrade heads from nothing over a merge.
  graph::Plan merge_upgrade() const {
    return {{},
            {up("1975ea83b712", {}, {VersionOp::insert("1975ea83b712")}),
             up("27c6a30d7c24", {"1975ea83b712"}, {VersionOp::update("1975ea83b712", "27c6a30d7c24")}),
             up("ae1027a6acf", {"1975ea83b712"}, {VersionOp::insert("ae1027a6acf")}),
             up("53fffde5ad5", {"ae1027a6acf", "27c6a30d7c24"},
                {VersionOp::remove("ae1027a6acf"), VersionOp::update("27c6a30d7c24", "53fffde5ad5")})},
            {"53fffde5ad5"}};
  }

  std::string render(const graph::Plan& plan, bool per_migration, Dialect dialect = Dialect::sqlite) {
    std::ostringstream out;
    runtime::write_offline_sql(plan, dialect, vt, per_migration, files.lookup(), out);
    return out.str();
  }

  test::Files files;
  runtime::VersionTable vt;
};

const std::string k_alembic_merge_body =
    k_create +
    "-- Running upgrade  -> 1975ea83b712\n\n"
    "INSERT INTO alembic_version (version_num) VALUES ('1975ea83b712');\n\n"
    "-- Running upgrade 1975ea83b712 -> 27c6a30d7c24\n\n"
    "UPDATE alembic_version SET version_num='27c6a30d7c24' WHERE alembic_version.version_num = '1975ea83b712';\n\n"
    "-- Running upgrade 1975ea83b712 -> ae1027a6acf\n\n"
    "INSERT INTO alembic_version (version_num) VALUES ('ae1027a6acf');\n\n"
    "-- Running upgrade ae1027a6acf, 27c6a30d7c24 -> 53fffde5ad5\n\n"
    "DELETE FROM alembic_version WHERE alembic_version.version_num = 'ae1027a6acf';\n\n"
    "UPDATE alembic_version SET version_num='53fffde5ad5' WHERE alembic_version.version_num = '27c6a30d7c24';\n\n";

TEST_F(OfflineSqlTest, MergeUpgradeInOneTransactionIsAlembicsScriptFramed) {
  EXPECT_EQ(render(merge_upgrade(), false), "BEGIN;\n\n" + k_alembic_merge_body + "COMMIT;\n\n");
}

TEST_F(OfflineSqlTest, MergeUpgradeWithATransactionPerMigration) {
  EXPECT_EQ(render(merge_upgrade(), true),
            "BEGIN;\n\n" + k_create +
                "-- Running upgrade  -> 1975ea83b712\n\n"
                "INSERT INTO alembic_version (version_num) VALUES ('1975ea83b712');\n\n"
                "COMMIT;\n\n"
                "BEGIN;\n\n"
                "-- Running upgrade 1975ea83b712 -> 27c6a30d7c24\n\n"
                "UPDATE alembic_version SET version_num='27c6a30d7c24' WHERE alembic_version.version_num = "
                "'1975ea83b712';\n\n"
                "COMMIT;\n\n"
                "BEGIN;\n\n"
                "-- Running upgrade 1975ea83b712 -> ae1027a6acf\n\n"
                "INSERT INTO alembic_version (version_num) VALUES ('ae1027a6acf');\n\n"
                "COMMIT;\n\n"
                "BEGIN;\n\n"
                "-- Running upgrade ae1027a6acf, 27c6a30d7c24 -> 53fffde5ad5\n\n"
                "DELETE FROM alembic_version WHERE alembic_version.version_num = 'ae1027a6acf';\n\n"
                "UPDATE alembic_version SET version_num='53fffde5ad5' WHERE alembic_version.version_num = "
                "'27c6a30d7c24';\n\n"
                "COMMIT;\n\n");
}

TEST_F(OfflineSqlTest, MergeDowngradeToBase) {
  graph::Plan plan{{"53fffde5ad5"},
                   {down("53fffde5ad5", {"ae1027a6acf", "27c6a30d7c24"},
                         {VersionOp::insert("27c6a30d7c24"), VersionOp::update("53fffde5ad5", "ae1027a6acf")}),
                    down("ae1027a6acf", {"1975ea83b712"}, {VersionOp::remove("ae1027a6acf")}),
                    down("27c6a30d7c24", {"1975ea83b712"}, {VersionOp::update("27c6a30d7c24", "1975ea83b712")}),
                    down("1975ea83b712", {}, {VersionOp::remove("1975ea83b712")})},
                   {}};
  EXPECT_EQ(render(plan, false),
            "BEGIN;\n\n"
            "-- Running downgrade 53fffde5ad5 -> ae1027a6acf, 27c6a30d7c24\n\n"
            "INSERT INTO alembic_version (version_num) VALUES ('27c6a30d7c24');\n\n"
            "UPDATE alembic_version SET version_num='ae1027a6acf' WHERE alembic_version.version_num = "
            "'53fffde5ad5';\n\n"
            "-- Running downgrade ae1027a6acf -> 1975ea83b712\n\n"
            "DELETE FROM alembic_version WHERE alembic_version.version_num = 'ae1027a6acf';\n\n"
            "-- Running downgrade 27c6a30d7c24 -> 1975ea83b712\n\n"
            "UPDATE alembic_version SET version_num='1975ea83b712' WHERE alembic_version.version_num = "
            "'27c6a30d7c24';\n\n"
            "-- Running downgrade 1975ea83b712 -> \n\n"
            "DELETE FROM alembic_version WHERE alembic_version.version_num = '1975ea83b712';\n\n"
            "COMMIT;\n\n");
}

TEST_F(OfflineSqlTest, StatementsAreSplitAndTerminated) {
  files.add(revision("a1", {}, "-- make t\nCREATE TABLE t (x INTEGER);\n\nINSERT INTO t VALUES (1)\n", "DROP TABLE t;"));
  graph::Plan plan{{}, {up("a1", {}, {VersionOp::insert("a1")})}, {"a1"}};
  EXPECT_EQ(render(plan, true),
            "BEGIN;\n\n" + k_create +
                "-- Running upgrade  -> a1\n\n"
                "CREATE TABLE t (x INTEGER);\n\n"
                "INSERT INTO t VALUES (1);\n\n"
                "INSERT INTO alembic_version (version_num) VALUES ('a1');\n\n"
                "COMMIT;\n\n");
  graph::Plan back{{"a1"}, {down("a1", {}, {VersionOp::remove("a1")})}, {}};
  EXPECT_EQ(render(back, true),
            "BEGIN;\n\n"
            "-- Running downgrade a1 -> \n\n"
            "DROP TABLE t;\n\n"
            "DELETE FROM alembic_version WHERE alembic_version.version_num = 'a1';\n\n"
            "COMMIT;\n\n");
}

TEST_F(OfflineSqlTest, NonTransactionalRevisionIsNotFramed) {
  files.add(revision("a1", {}, "CREATE TABLE t (x);"));
  files.add(revision("b1", {"a1"}, "CREATE INDEX i ON t (x);", "", false));
  files.add(revision("c1", {"b1"}, "CREATE TABLE u (x);"));
  graph::Plan plan{{"a1"},
                   {up("b1", {"a1"}, {VersionOp::update("a1", "b1")}), up("c1", {"b1"}, {VersionOp::update("b1", "c1")})},
                   {"c1"}};
  std::string expected =
      "-- Running upgrade a1 -> b1\n\n"
      "CREATE INDEX i ON t (x);\n\n"
      "UPDATE alembic_version SET version_num='b1' WHERE alembic_version.version_num = 'a1';\n\n"
      "BEGIN;\n\n"
      "-- Running upgrade b1 -> c1\n\n"
      "CREATE TABLE u (x);\n\n"
      "UPDATE alembic_version SET version_num='c1' WHERE alembic_version.version_num = 'b1';\n\n"
      "COMMIT;\n\n";
  EXPECT_EQ(render(plan, true), expected);
  EXPECT_EQ(render(plan, false), expected);

  graph::Plan from_nothing{{},
                           {up("a1", {}, {VersionOp::insert("a1")}), up("b1", {"a1"}, {VersionOp::update("a1", "b1")}),
                            up("c1", {"b1"}, {VersionOp::update("b1", "c1")})},
                           {"c1"}};
  EXPECT_EQ(render(from_nothing, false),
            "BEGIN;\n\n" + k_create +
                "-- Running upgrade  -> a1\n\n"
                "CREATE TABLE t (x);\n\n"
                "INSERT INTO alembic_version (version_num) VALUES ('a1');\n\n"
                "COMMIT;\n\n" +
                expected);
}

TEST_F(OfflineSqlTest, StampSteps) {
  graph::Plan plan{{"ae1027a6acf", "27c6a30d7c24"},
                   {{graph::Direction::stamp, "53fffde5ad5", {"ae1027a6acf", "27c6a30d7c24"}, {"53fffde5ad5"},
                     {VersionOp::remove("ae1027a6acf"), VersionOp::update("27c6a30d7c24", "53fffde5ad5")}}},
                   {"53fffde5ad5"}};
  EXPECT_EQ(render(plan, true),
            "BEGIN;\n\n"
            "-- Running stamp_revision ae1027a6acf, 27c6a30d7c24 -> 53fffde5ad5\n\n"
            "DELETE FROM alembic_version WHERE alembic_version.version_num = 'ae1027a6acf';\n\n"
            "UPDATE alembic_version SET version_num='53fffde5ad5' WHERE alembic_version.version_num = "
            "'27c6a30d7c24';\n\n"
            "COMMIT;\n\n");
}

TEST_F(OfflineSqlTest, PostgresqlUsesItsSectionAndSchema) {
  auto f = revision("a1", {}, "CREATE TABLE t (x);");
  f.upgrade_sections()["postgresql"] = {"CREATE TABLE t (x SERIAL);", 4};
  files.add(f);
  vt.schema = "ops";
  graph::Plan plan{{}, {up("a1", {}, {VersionOp::insert("a1")})}, {"a1"}};
  EXPECT_EQ(render(plan, true, Dialect::postgresql),
            "BEGIN;\n\n"
            "CREATE TABLE ops.alembic_version (\n"
            "    version_num VARCHAR(32) NOT NULL, \n"
            "    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n"
            ");\n\n"
            "-- Running upgrade  -> a1\n\n"
            "CREATE TABLE t (x SERIAL);\n\n"
            "INSERT INTO ops.alembic_version (version_num) VALUES ('a1');\n\n"
            "COMMIT;\n\n");
}

TEST_F(OfflineSqlTest, IrreversibleDowngradeWritesNothing) {
  files.add(revision("a1", {}, "CREATE TABLE t (x);", std::nullopt));
  graph::Plan plan{{"a1"}, {down("a1", {}, {VersionOp::remove("a1")})}, {}};
  std::ostringstream out;
  try {
    runtime::write_offline_sql(plan, Dialect::sqlite, vt, true, files.lookup(), out);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::irreversible);
    EXPECT_NE(std::string(e.what()).find("a1"), std::string::npos);
  }
  EXPECT_EQ(out.str(), "");
}

TEST_F(OfflineSqlTest, EmptyPlanWritesNothing) {
  EXPECT_EQ(render(graph::Plan{{"53fffde5ad5"}, {}, {"53fffde5ad5"}}, true), "");
}

}  // namespace
}  // namespace migrate

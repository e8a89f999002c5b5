// End-to-end: a failing statement's JSON error document names where it failed as fields
// (revision, file, line, statement, SQLSTATE), besides kind, message and hint; errors
// without a location carry none of those fields.
#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

class ErrorJsonCliTest : public CliTest {
 protected:
  /// Line 9 of c_third.sql is the failing statement (10 with one extra header line).
  std::filesystem::path write_history_with_failing_third(const std::string& extra_header = "") {
    write_revision("a_first.sql", {"aaa1", "", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;"});
    return write_revision("c_third.sql", {"ccc3", "\"aaa1\"",
                                          "CREATE TABLE c (id INTEGER);\nINSERT INTO c VALUES (1);\n"
                                          "INSERT INTO no_such_table VALUES (1);",
                                          "DROP TABLE c;", extra_header});
  }

  static std::string expected_sqlstate() { return k_postgres ? "42P01" : "SQLITE_ERROR"; }

  static void expect_field(const std::string& out, const std::string& field) {
    EXPECT_NE(out.find(field), std::string::npos) << "missing " << field << " in " << out;
  }
};

TEST_F(ErrorJsonCliTest, FailingStatementCarriesItsLocation) {
  auto file = write_history_with_failing_third();
  auto r = migrate({"upgrade", "head", "--format", "json"});
  ASSERT_EQ(r.status, 3) << describe(r);
  expect_field(r.out, "\"kind\": \"database\"");
  expect_field(r.out, "\"revision\": \"ccc3\"");
  expect_field(r.out, "\"file\": \"" + file.string() + "\"");
  expect_field(r.out, "\"line\": 9");
  expect_field(r.out, "\"statement\": \"INSERT INTO no_such_table VALUES (1)\"");
  expect_field(r.out, "\"sqlstate\": \"" + expected_sqlstate() + "\"");
}

TEST_F(ErrorJsonCliTest, NonTransactionalFailureCarriesItsLocation) {
  auto file = write_history_with_failing_third("-- transactional = false\n");
  auto r = migrate({"upgrade", "head", "--format", "json"});
  ASSERT_EQ(r.status, 3) << describe(r);
  expect_field(r.out, "\"revision\": \"ccc3\"");
  expect_field(r.out, "\"file\": \"" + file.string() + "\"");
  expect_field(r.out, "\"line\": 10");
  expect_field(r.out, "\"sqlstate\": \"" + expected_sqlstate() + "\"");
}

TEST_F(ErrorJsonCliTest, ErrorsWithoutALocationHaveNoLocationFields) {
  write_history_with_failing_third();
  auto r = migrate({"upgrade", "zzzz", "--format", "json"});
  ASSERT_EQ(r.status, 2) << describe(r);
  EXPECT_EQ(r.out.find("\"sqlstate\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"line\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"revision\""), std::string::npos) << r.out;
}

}  // namespace
}  // namespace migrate::test

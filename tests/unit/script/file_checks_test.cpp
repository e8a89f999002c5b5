// Load-time problems a revision file's grammar does not cover (script/file_checks.hpp) and
// the header rules that go with them: reserved names and repeated values.

#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "script/revision_file.hpp"

namespace migrate::script {
namespace {

using namespace std::string_literals;

// The message and hint of the script error `content` raises ("" when it parses).
std::string error_of(const std::string& content) {
  try {
    parse_revision_file("v/a.sql", content);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::script);
    return std::string(e.what()) + "\nhint: " + e.hint();
  }
  return "";
}

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

// A file whose upgrade SQL starts at line 5 (line 6 with one `extra` header line).
std::string file_with(const std::string& upgrade, const std::string& extra = "") {
  return "-- migrate:revision\n-- revision = \"a1\"\n" + extra + "\n-- migrate:upgrade\n" + upgrade +
         "\n-- migrate:downgrade\nSELECT 2;\n";
}

// ---- control characters -----------------------------------------------------------------

TEST(ControlCharacterTest, NulNamesLineColumnAndCharacter) {
  const auto e = error_of(file_with("SELECT 1;\nSELECT 'x\0y';"s));
  EXPECT_TRUE(contains(e, "v/a.sql:6:10: control character 0x00 (NUL)")) << e;
  EXPECT_TRUE(contains(e, "hint: a revision file is plain text")) << e;
}

TEST(ControlCharacterTest, AnyOtherControlCharacterAnywhereIsRefused) {
  EXPECT_TRUE(contains(error_of(file_with("SELECT 1;\x0b")), "v/a.sql:5:10: control character 0x0B (VT)"));
  EXPECT_TRUE(contains(error_of("-- migrate:revision\n-- revision = \"a1\"\n-- message = \"a\x1b[0m\"\n"),
                       "v/a.sql:3:16: control character 0x1B (ESC)"));
  EXPECT_TRUE(contains(error_of("\x01-- migrate:revision\n-- revision = \"a1\"\n"), "v/a.sql:1:1:"));
}

TEST(ControlCharacterTest, TabFormFeedAndCarriageReturnAreText) {
  EXPECT_EQ(error_of(file_with("SELECT\t1;\n\f\nSELECT 2;\r\nSELECT 3;\rSELECT 4;")), "");
}

// ---- psql meta-commands -------------------------------------------------------------------

TEST(MetaCommandTest, BackslashLineAtStatementStartNamesFileLineAndCommand) {
  auto e = error_of(file_with("\\restrict f00dKey\n\nCREATE TABLE t (id int);"));
  EXPECT_TRUE(contains(e, "v/a.sql:5: psql meta-command `\\restrict` in the SQL")) << e;
  EXPECT_TRUE(contains(e, "pg_dump 17.6")) << e;
  e = error_of(file_with("CREATE TABLE t (id int);\n  \\connect other\nSELECT 1;"));
  EXPECT_TRUE(contains(e, "v/a.sql:6: psql meta-command `\\connect`")) << e;
  e = error_of(file_with("SELECT 1;\n-- switch database\n\\c other"));
  EXPECT_TRUE(contains(e, "v/a.sql:7: psql meta-command `\\c`")) << e;
}

TEST(MetaCommandTest, AStoredCopyOfAFileThatRanIsHistoryAndNotHeldToTheSqlChecks) {
  auto content = file_with("PRAGMA foreign_keys = OFF;\n\\restrict k\nCREATE TABLE t (id int);");
  EXPECT_FALSE(error_of(content).empty());
  auto copy = parse_stored_copy("<journal copy of a>", content);
  EXPECT_EQ(copy.id, "a1");
  ASSERT_NE(copy.upgrade_for(Dialect::sqlite), nullptr);
  EXPECT_NE(copy.upgrade_for(Dialect::sqlite)->sql.find("CREATE TABLE t"), std::string::npos);
}

TEST(MetaCommandTest, EveryKindOfSectionIsChecked) {
  const std::string head = "-- migrate:revision\n-- revision = \"a1\"\n\n";
  EXPECT_TRUE(contains(error_of(head + "-- migrate:upgrade dialect=sqlite\n\\i other.sql\n"), "v/a.sql:5:"));
  EXPECT_TRUE(contains(error_of(head + "-- migrate:upgrade dialect=postgresql\n\\set x 1\n"), "v/a.sql:5:"));
  EXPECT_TRUE(contains(error_of(head + "-- migrate:downgrade\nSELECT 1;\n\\unrestrict k\n"), "v/a.sql:6:"));
}

TEST(MetaCommandTest, BackslashesInStringsBodiesAndCommentsAreFine) {
  EXPECT_EQ(error_of(file_with("INSERT INTO t VALUES (E'one\n\\ntwo');")), "");
  EXPECT_EQ(error_of(file_with("INSERT INTO t VALUES (E'it\\'s\n\\x');")), "");
  EXPECT_EQ(error_of(file_with("INSERT INTO t VALUES ('a\n\\b');")), "");
  EXPECT_EQ(error_of(file_with("CREATE FUNCTION f() RETURNS text AS $$\n\\c not psql\n$$ LANGUAGE sql;")), "");
  EXPECT_EQ(error_of(file_with("/* a comment\n\\c x\n*/ SELECT 1;\n-- \\c y")), "");
}

TEST(MetaCommandTest, OnlyAtTheStartOfAStatement) {
  // Mid-statement, a backslash is a syntax error the database reports with its line.
  EXPECT_EQ(error_of(file_with("SELECT 1\n\\g")), "");
  EXPECT_EQ(error_of(file_with("SELECT 1 \\gset")), "");
}

// ---- PRAGMA foreign_keys ------------------------------------------------------------------

TEST(ForeignKeysPragmaTest, RefusedInATransactionalRevisionSqliteRuns) {
  auto e = error_of(file_with("CREATE TABLE t (id int);\nPRAGMA foreign_keys = ON;"));
  EXPECT_TRUE(contains(e, "v/a.sql:6: `PRAGMA foreign_keys` in a transactional revision")) << e;
  EXPECT_TRUE(contains(e, "transactional = false")) << e;
  EXPECT_TRUE(contains(error_of(file_with("pragma Main.Foreign_Keys=off;")), "v/a.sql:5:"));
  EXPECT_TRUE(contains(error_of(file_with("SELECT 1; PRAGMA foreign_keys")), "v/a.sql:5:"));
  const std::string head = "-- migrate:revision\n-- revision = \"a1\"\n\n";
  EXPECT_TRUE(contains(error_of(head + "-- migrate:downgrade dialect=sqlite\n\nPRAGMA foreign_keys=1;\n"),
                       "v/a.sql:6:"));
}

TEST(ForeignKeysPragmaTest, AllowedWhereSqliteDoesNotRunItInATransaction) {
  EXPECT_EQ(error_of(file_with("PRAGMA foreign_keys = OFF;", "-- transactional = false\n")), "");
  const std::string head = "-- migrate:revision\n-- revision = \"a1\"\n\n";
  EXPECT_EQ(error_of(head + "-- migrate:upgrade dialect=postgresql\nPRAGMA foreign_keys = ON;\n"), "");
  // The generic section is not what SQLite runs when it has its own.
  EXPECT_EQ(error_of(head + "-- migrate:upgrade\nPRAGMA foreign_keys = ON;\n-- migrate:upgrade dialect=sqlite\n"),
            "");
  EXPECT_EQ(error_of(file_with("-- PRAGMA foreign_keys = ON;\nSELECT 'PRAGMA foreign_keys';")), "");
  EXPECT_EQ(error_of(file_with("PRAGMA foreign_key_check;\nPRAGMA main.foreign_key_list(t);")), "");
}

// ---- reserved names -----------------------------------------------------------------------

TEST(ReservedNameTest, SymbolicNamesInAnyCaseAreNotRevisionIds) {
  for (const char* id : {"base", "head", "heads", "current", "BASE", "Head", "HeAdS", "Current"}) {
    const auto e = error_of("-- migrate:revision\n-- revision = \"" + std::string(id) + "\"\n");
    EXPECT_TRUE(contains(e, "v/a.sql:2: \"" + std::string(id) + "\" cannot be a revision id")) << e;
    EXPECT_TRUE(is_reserved_revision_name(id));
  }
  for (const char* id : {"basement", "head1", "ahead", "currents"}) {
    EXPECT_EQ(error_of("-- migrate:revision\n-- revision = \"" + std::string(id) + "\"\n"), "") << id;
  }
}

TEST(ReservedNameTest, SymbolicNamesAreNotBranchLabels) {
  const auto e = error_of(file_with("SELECT 1;", "-- branch_labels = [\"tenancy\", \"Heads\"]\n"));
  EXPECT_TRUE(contains(e, "v/a.sql:3: \"Heads\" cannot be a branch label")) << e;
}

// ---- repeated values ----------------------------------------------------------------------

TEST(RepeatedValueTest, EachListedKeyNamesLineAndValue) {
  auto e = error_of(file_with("SELECT 1;", "-- down_revision = [\"p1\", \"p2\", \"p1\"]\n"));
  EXPECT_TRUE(contains(e, "v/a.sql:3: `down_revision` lists \"p1\" twice")) << e;
  e = error_of(file_with("SELECT 1;", "-- depends_on = [\"d1\", \"d1\"]\n"));
  EXPECT_TRUE(contains(e, "v/a.sql:3: `depends_on` lists \"d1\" twice")) << e;
  e = error_of(file_with("SELECT 1;", "-- branch_labels = [\"x\", \"y\", \"y\"]\n"));
  EXPECT_TRUE(contains(e, "v/a.sql:3: `branch_labels` lists \"y\" twice")) << e;
  // The full TOML reader (here: a multi-line array) gives the same error.
  e = error_of(file_with("SELECT 1;", "-- down_revision = [\n--   \"p1\",\n--   \"p1\",\n-- ]\n"));
  EXPECT_TRUE(contains(e, "`down_revision` lists \"p1\" twice")) << e;
}

TEST(RepeatedValueTest, HundredThousandCopiesGiveAShortMessage) {
  std::string parents;
  for (int i = 0; i < 100000; ++i) parents += i ? ", \"p1\"" : "\"p1\"";
  const auto e = error_of(file_with("SELECT 1;", "-- down_revision = [" + parents + "]\n"));
  EXPECT_TRUE(contains(e, "`down_revision` lists \"p1\" twice")) << e.substr(0, 300);
  EXPECT_LT(e.size(), 300u);
}

// ---- encodings and line endings -------------------------------------------------------------

std::string utf16(const std::string& ascii, bool little_endian) {
  std::string out;
  for (char c : ascii) out += little_endian ? std::string{c, '\0'} : std::string{'\0', c};
  return out;
}

TEST(EncodingTest, Utf16IsNamedWithOrWithoutByteOrderMark) {
  const std::string text = "-- migrate:revision\n-- revision = \"a1\"\n";
  auto e = error_of("\xFF\xFE" + utf16(text, true));
  EXPECT_TRUE(contains(e, "v/a.sql:1: the file is UTF-16 (little-endian, with a byte-order mark)")) << e;
  EXPECT_TRUE(contains(e, "save it as UTF-8")) << e;
  e = error_of("\xFE\xFF" + utf16(text, false));
  EXPECT_TRUE(contains(e, "UTF-16 (big-endian, with a byte-order mark)")) << e;
  e = error_of(utf16(text, true));
  EXPECT_TRUE(contains(e, "UTF-16 (little-endian, without a byte-order mark)")) << e;
  e = error_of(utf16(text, false));
  EXPECT_TRUE(contains(e, "UTF-16 (big-endian, without a byte-order mark)")) << e;
}

TEST(EncodingTest, TwoByteOrderMarksAreNamed) {
  const auto e = error_of("\xEF\xBB\xBF\xEF\xBB\xBF-- migrate:revision\n-- revision = \"a1\"\n");
  EXPECT_TRUE(contains(e, "v/a.sql:1: the file starts with two UTF-8 byte-order marks")) << e;
  // One is fine (and ignored).
  EXPECT_EQ(error_of("\xEF\xBB\xBF-- migrate:revision\n-- revision = \"a1\"\n"), "");
}

TEST(EncodingTest, CarriageReturnOnlyLineEndingsAreNamed) {
  const auto e = error_of("-- migrate:revision\r-- revision = \"a1\"\r\r-- migrate:upgrade\rSELECT 1;\r");
  EXPECT_TRUE(contains(e, "v/a.sql:1: the file has CR-only line endings")) << e;
  EXPECT_EQ(error_of("-- migrate:revision\r\n-- revision = \"a1\"\r\n"), "");
}

}  // namespace
}  // namespace migrate::script

#include "script/revision_file.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "support/temp_dir.hpp"
#include "util/sha256.hpp"

namespace migrate::script {
namespace {

RevisionFile parse(std::string_view content) { return parse_revision_file("v/a.sql", content); }

// The message of the script error `content` raises ("" when it parses).
std::string error_of(std::string_view content) {
  try {
    parse(content);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::script);
    return e.what();
  }
  return "";
}

constexpr const char* k_full =
    "-- Free comment lines may stand before the header.\n"
    "-- migrate:revision\n"
    "-- revision = \"ae1027a6acf\"\n"
    "-- down_revision = \"1975ea83b712\"        # a comment\n"
    "-- branch_labels = [\"tenancy\"]\n"
    "-- depends_on = [\"55af2cb1c267\", 'other']\n"
    "-- message = \"add usage logs\"\n"
    "-- create_date = \"2026-11-21 10:00:00.000000\"\n"
    "-- transactional = false\n"
    "\n"
    "-- migrate:upgrade\n"
    "CREATE TABLE usage_logs (id INTEGER PRIMARY KEY);\n"
    "\n"
    "-- migrate:downgrade\n"
    "DROP TABLE usage_logs;\n";

TEST(ParserTest, ReadsTheContractExample) {
  auto f = parse(k_full);
  EXPECT_EQ(f.path, "v/a.sql");
  EXPECT_EQ(f.header_line, 2);
  EXPECT_EQ(f.id, "ae1027a6acf");
  EXPECT_EQ(f.down_revisions, (std::vector<std::string>{"1975ea83b712"}));
  EXPECT_EQ(f.branch_labels, (std::vector<std::string>{"tenancy"}));
  EXPECT_EQ(f.depends_on, (std::vector<std::string>{"55af2cb1c267", "other"}));
  EXPECT_EQ(f.message, "add usage logs");
  EXPECT_EQ(f.create_date, "2026-11-21 10:00:00.000000");
  EXPECT_FALSE(f.transactional);
  ASSERT_EQ(f.upgrade_sections().size(), 1u);
  EXPECT_EQ(f.upgrade_sections().at("").sql, "CREATE TABLE usage_logs (id INTEGER PRIMARY KEY);\n\n");
  EXPECT_EQ(f.upgrade_sections().at("").first_line, 12);
  ASSERT_EQ(f.downgrade_sections().size(), 1u);
  EXPECT_EQ(f.downgrade_sections().at("").sql, "DROP TABLE usage_logs;\n");
  EXPECT_EQ(f.downgrade_sections().at("").first_line, 15);
  EXPECT_FALSE(f.is_irreversible());
  EXPECT_EQ(f.line_of("revision"), 3);
  EXPECT_EQ(f.line_of("transactional"), 9);
  EXPECT_EQ(f.line_of("lock_timeout"), 0);
  EXPECT_EQ(f.line_of("nonsense"), 0);
  EXPECT_EQ(f.checksum, util::sha256_hex(k_full));
}

TEST(ParserTest, DefaultsForOptionalKeys) {
  auto f = parse("-- migrate:revision\n-- revision = \"a1\"\n");
  EXPECT_EQ(f.id, "a1");
  EXPECT_TRUE(f.down_revisions.empty());
  EXPECT_TRUE(f.branch_labels.empty());
  EXPECT_TRUE(f.depends_on.empty());
  EXPECT_TRUE(f.transactional);
  EXPECT_EQ(f.message, "");
  EXPECT_FALSE(f.lock_timeout);
  EXPECT_TRUE(f.upgrade_sections().empty());
  EXPECT_TRUE(f.is_irreversible());
}

TEST(ParserTest, EmptyStringAndEmptyArrayAreBase) {
  EXPECT_TRUE(parse("-- migrate:revision\n-- revision = \"a\"\n-- down_revision = \"\"\n").down_revisions.empty());
  EXPECT_TRUE(parse("-- migrate:revision\n-- revision = \"a\"\n-- down_revision = []\n").down_revisions.empty());
}

TEST(ParserTest, ArrayDownRevisionIsAMerge) {
  auto f = parse("-- migrate:revision\n-- revision = \"m\"\n-- down_revision = [\"a\", \"b\",]\n");
  EXPECT_EQ(f.down_revisions, (std::vector<std::string>{"a", "b"}));
}

TEST(ParserTest, StringBranchLabelAndDependsOn) {
  auto f = parse("-- migrate:revision\n-- revision = \"m\"\n-- branch_labels = \"x\"\n-- depends_on = \"y\"\n");
  EXPECT_EQ(f.branch_labels, (std::vector<std::string>{"x"}));
  EXPECT_EQ(f.depends_on, (std::vector<std::string>{"y"}));
}

TEST(ParserTest, ComplexTomlFallsBackToFullParser) {
  auto f = parse(
      "-- migrate:revision\n"
      "-- revision = \"m\"\n"
      "-- down_revision = [\n"
      "--   \"a\",\n"
      "--   \"b\",\n"
      "-- ]\n"
      "-- message = \"tab\\there \\\"quoted\\\"\"\n"
      "-- create_date = 2026-11-21T10:00:00\n");
  EXPECT_EQ(f.down_revisions, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(f.message, "tab\there \"quoted\"");
  EXPECT_EQ(f.create_date, "2026-11-21T10:00:00");
  EXPECT_EQ(f.line_of("message"), 7);
}

TEST(ParserTest, LiteralAndMultilineStrings) {
  EXPECT_EQ(parse("-- migrate:revision\n-- revision = 'r'\n-- message = 'C:\\path'\n").message, "C:\\path");
  EXPECT_EQ(parse("-- migrate:revision\n-- revision = 'r'\n-- message = \"\"\"x\"\"\"\n").message, "x");
}

TEST(ParserTest, HeaderEndsAtBlankLine) {
  auto f = parse("-- migrate:revision\n-- revision = \"r\"\n\n-- message = \"not header\"\n");
  EXPECT_EQ(f.message, "");
}

TEST(ParserTest, HeaderEndsAtDirective) {
  auto f = parse("-- migrate:revision\n-- revision = \"r\"\n-- migrate:upgrade\nSELECT 1;\n");
  EXPECT_EQ(f.upgrade_sections().at("").sql, "SELECT 1;\n");
  EXPECT_EQ(f.upgrade_sections().at("").first_line, 4);
}

TEST(ParserTest, DashesWithoutSpaceAndEmptyCommentLines) {
  auto f = parse("-- migrate:revision\n--revision = \"r\"\n--\n-- # a TOML comment\n--message=\"m\"\n");
  EXPECT_EQ(f.id, "r");
  EXPECT_EQ(f.message, "m");
}

TEST(ParserTest, DialectSectionsReplaceTheGenericOne) {
  auto f = parse(
      "-- migrate:revision\n-- revision = \"r\"\n\n"
      "-- migrate:upgrade\nGENERIC;\n"
      "-- migrate:upgrade dialect=postgresql\nPG;\n"
      "-- migrate:downgrade dialect=sqlite\nSQLITE;\n");
  ASSERT_NE(f.upgrade_for(Dialect::sqlite), nullptr);
  EXPECT_EQ(f.upgrade_for(Dialect::sqlite)->sql, "GENERIC;\n");
  EXPECT_EQ(f.upgrade_for(Dialect::postgresql)->sql, "PG;\n");
  EXPECT_EQ(f.upgrade_for(Dialect::postgresql)->first_line, 7);
  EXPECT_EQ(f.downgrade_for(Dialect::sqlite)->sql, "SQLITE;\n");
  EXPECT_EQ(f.downgrade_for(Dialect::postgresql), nullptr);
  EXPECT_FALSE(f.is_irreversible());
}

TEST(ParserTest, PostgresDialectAliasIsNormalized) {
  auto f = parse("-- migrate:revision\n-- revision = \"r\"\n-- migrate:upgrade dialect=postgres\nX;\n");
  EXPECT_EQ(f.upgrade_sections().count("postgresql"), 1u);
}

TEST(ParserTest, EmptyDowngradeSectionIsANoOp) {
  auto f = parse("-- migrate:revision\n-- revision = \"r\"\n\n-- migrate:upgrade\nX;\n-- migrate:downgrade\n");
  EXPECT_FALSE(f.is_irreversible());
  ASSERT_NE(f.downgrade_for(Dialect::sqlite), nullptr);
  EXPECT_EQ(f.downgrade_for(Dialect::sqlite)->sql, "");
  auto g = parse("-- migrate:revision\n-- revision = \"r\"\n-- migrate:downgrade");
  EXPECT_EQ(g.downgrade_sections().at("").sql, "");
}

TEST(ParserTest, FreeCommentsBetweenHeaderAndSections) {
  auto f = parse("-- note\n\n-- migrate:revision\n-- revision = \"r\"\n\n-- just a comment\n\n-- migrate:upgrade\nX;\n");
  EXPECT_EQ(f.header_line, 3);
  EXPECT_EQ(f.upgrade_sections().at("").sql, "X;\n");
}

TEST(ParserTest, BomAndCrlfAreNormalized) {
  const std::string crlf = "\xEF\xBB\xBF-- migrate:revision\r\n-- revision = \"r\"\r\n\r\n-- migrate:upgrade\r\nX;\r\n";
  const std::string lf = "-- migrate:revision\n-- revision = \"r\"\n\n-- migrate:upgrade\nX;\n";
  auto a = parse(crlf);
  auto b = parse(lf);
  EXPECT_EQ(a.id, "r");
  EXPECT_EQ(a.upgrade_sections().at("").sql, "X;\n");
  EXPECT_EQ(a.checksum, b.checksum);
  EXPECT_EQ(a.checksum, util::sha256_hex(lf));
}

TEST(ParserTest, TimeoutsAcceptStringsAndMilliseconds) {
  auto f = parse("-- migrate:revision\n-- revision = \"r\"\n-- lock_timeout = \"5s\"\n-- statement_timeout = 1500\n");
  EXPECT_EQ(f.lock_timeout, "5s");
  EXPECT_EQ(f.statement_timeout, "1500ms");
  EXPECT_NE(error_of("-- migrate:revision\n-- revision = \"r\"\n-- lock_timeout = \"soon\"\n").find("a.sql:3:"),
            std::string::npos);
  EXPECT_NE(error_of("-- migrate:revision\n-- revision = \"r\"\n-- lock_timeout = true\n").find("a.sql:3:"),
            std::string::npos);
}

TEST(ParserTest, MissingHeaderNamesFile) {
  EXPECT_EQ(error_of("CREATE TABLE a (x INT);\n"), "v/a.sql:1: no `-- migrate:revision` header");
  EXPECT_EQ(error_of(""), "v/a.sql:1: no `-- migrate:revision` header");
}

TEST(ParserTest, UnknownKeyNamesFileAndLine) {
  EXPECT_EQ(error_of("-- x\n-- migrate:revision\n-- revision = \"r\"\n-- revisoin = \"s\"\n"),
            "v/a.sql:4: unknown key `revisoin` in the header");
}

TEST(ParserTest, MissingRevisionNamesHeaderLine) {
  EXPECT_EQ(error_of("\n-- migrate:revision\n-- message = \"m\"\n"), "v/a.sql:2: the header has no `revision` key");
}

TEST(ParserTest, InvalidRevisionIds) {
  for (const char* bad : {"rev-1", "", "a b", "abc:def", "123456789012345678901234567890123"}) {
    std::string content = std::string("-- migrate:revision\n-- revision = \"") + bad + "\"\n";
    EXPECT_NE(error_of(content).find("v/a.sql:2: invalid revision id"), std::string::npos) << bad;
  }
  EXPECT_EQ(parse("-- migrate:revision\n-- revision = \"12345678901234567890123456789012\"\n").id.size(), 32u);
  EXPECT_EQ(parse("-- migrate:revision\n-- revision = \"A_b9\"\n").id, "A_b9");
}

TEST(ParserTest, RevisionIdRule) {
  EXPECT_TRUE(is_valid_revision_id("ae1027a6acf"));
  EXPECT_TRUE(is_valid_revision_id("A_1"));
  EXPECT_TRUE(is_valid_revision_id(std::string(32, 'a')));
  EXPECT_FALSE(is_valid_revision_id(std::string(33, 'a')));
  EXPECT_FALSE(is_valid_revision_id(""));
  EXPECT_FALSE(is_valid_revision_id("rev-1"));
  EXPECT_FALSE(is_valid_revision_id("a:b"));
  EXPECT_FALSE(is_valid_revision_id("a@b"));
}

TEST(ParserTest, WrongTypesNameTheLine) {
  EXPECT_EQ(error_of("-- migrate:revision\n-- revision = 12\n"),
            "v/a.sql:2: `revision` must be a string, not a integer");
  EXPECT_NE(error_of("-- migrate:revision\n-- revision = \"r\"\n-- transactional = \"no\"\n").find("v/a.sql:3: `transactional`"),
            std::string::npos);
  EXPECT_NE(error_of("-- migrate:revision\n-- revision = \"r\"\n-- down_revision = [1, 2]\n").find("v/a.sql:3: `down_revision`"),
            std::string::npos);
  EXPECT_NE(error_of("-- migrate:revision\n-- revision = \"r\"\n-- depends_on = [\"\"]\n").find("v/a.sql:3:"),
            std::string::npos);
}

TEST(ParserTest, BadTomlNamesFileLine) {
  EXPECT_NE(error_of("\n\n-- migrate:revision\n-- revision = \"r\"\n-- message = \"unterminated\n").find("v/a.sql:5: bad TOML"),
            std::string::npos);
  EXPECT_NE(error_of("-- migrate:revision\n-- revision = \"r\"\n-- revision = \"s\"\n").find("v/a.sql:3: bad TOML"),
            std::string::npos);
  EXPECT_NE(error_of("-- migrate:revision\n-- revision = \"r\"\n-- = 3\n").find("v/a.sql:3: bad TOML"),
            std::string::npos);
}

TEST(ParserTest, NestedTableIsAnUnknownKey) {
  EXPECT_NE(error_of("-- migrate:revision\n-- revision = \"r\"\n-- a.b = 1\n").find("v/a.sql:3: unknown key `a`"),
            std::string::npos);
}

TEST(ParserTest, UnknownDialectNamesLine) {
  EXPECT_EQ(error_of("-- migrate:revision\n-- revision = \"r\"\n\n-- migrate:upgrade dialect=mysql\n"),
            "v/a.sql:4: unknown dialect `mysql`");
}

TEST(ParserTest, SectionTwiceNamesLine) {
  EXPECT_EQ(error_of("-- migrate:revision\n-- revision = \"r\"\n-- migrate:upgrade\nA;\n-- migrate:upgrade\nB;\n"),
            "v/a.sql:5: second `-- migrate:upgrade` section (the first starts at line 3)");
  EXPECT_NE(error_of("-- migrate:revision\n-- revision = \"r\"\n-- migrate:downgrade dialect=sqlite\n"
                     "-- migrate:downgrade dialect=sqlite\n")
                .find("v/a.sql:4: second"),
            std::string::npos);
}

TEST(ParserTest, HeaderTwiceIsAnError) {
  EXPECT_NE(error_of("-- migrate:revision\n-- revision = \"r\"\n-- migrate:revision\n").find("v/a.sql:3: second"),
            std::string::npos);
}

TEST(ParserTest, UnknownDirectiveAndOption) {
  EXPECT_EQ(error_of("-- migrate:revision\n-- revision = \"r\"\n-- migrate:up\n"),
            "v/a.sql:3: unknown directive `-- migrate:up`");
  EXPECT_NE(error_of("-- migrate:revision\n-- revision = \"r\"\n-- migrate:upgrade transaction=false\n").find("v/a.sql:3:"),
            std::string::npos);
}

TEST(ParserTest, SectionBeforeHeaderIsAnError) {
  EXPECT_NE(error_of("-- migrate:upgrade\nX;\n-- migrate:revision\n-- revision = \"r\"\n").find("v/a.sql:1:"),
            std::string::npos);
}

TEST(ParserTest, SqlOutsideASectionIsAnError) {
  EXPECT_EQ(error_of("-- migrate:revision\n-- revision = \"r\"\nCREATE TABLE a (x INT);\n"),
            "v/a.sql:3: SQL outside a section");
  EXPECT_EQ(error_of("SELECT 1;\n-- migrate:revision\n-- revision = \"r\"\n"),
            "v/a.sql:1: SQL before the `-- migrate:revision` header");
}

TEST(ParserTest, IndentedDirectiveIsPlainSql) {
  auto f = parse("-- migrate:revision\n-- revision = \"r\"\n-- migrate:upgrade\nA;\n  -- migrate:downgrade\nB;\n");
  EXPECT_EQ(f.upgrade_sections().at("").sql, "A;\n  -- migrate:downgrade\nB;\n");  // indented: not a directive
  EXPECT_TRUE(f.is_irreversible());
}

TEST(ParserTest, EveryErrorSaysWhatToDo) {
  const char* h = "-- migrate:revision\n-- revision = \"r\"\n";
  const std::vector<std::string> bad = {
      "",
      "SELECT 1;\n-- migrate:revision\n-- revision = \"r\"\n",
      "-- migrate:revision x\n",
      "-- migrate:revision\n-- message = \"m\"\n",
      "-- migrate:revision\n-- revision = \"a-b\"\n",
      "-- migrate:revision\n-- revision = 1\n",
      std::string(h) + "-- down_revision = 1\n",
      std::string(h) + "-- down_revision = [\"\"]\n",
      std::string(h) + "-- transactional = 1\n",
      std::string(h) + "-- lock_timeout = -1\n",
      std::string(h) + "-- lock_timeout = \"x\"\n",
      std::string(h) + "-- nope = 1\n",
      std::string(h) + "-- nope = \n",
      std::string(h) + "-- migrate:revision\n",
      std::string(h) + "-- migrate:sideways\n",
      std::string(h) + "-- migrate:upgrade dialect=oracle\n",
      std::string(h) + "-- migrate:upgrade dialect=sqlite dialect=sqlite\n",
      std::string(h) + "-- migrate:upgrade when=now\n",
      std::string(h) + "-- migrate:upgrade\n-- migrate:upgrade\n",
      std::string(h) + "\nDROP TABLE x;\n",
      "-- migrate:downgrade\n",
  };
  for (const auto& content : bad) {
    try {
      parse(content);
      ADD_FAILURE() << "no error for: " << content;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::script) << content;
      EXPECT_FALSE(e.hint().empty()) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind("v/a.sql:", 0), 0u) << e.what();
    }
  }
}

TEST(ParserTest, ReadRevisionFileReadsFromDisk) {
  test::TempDir dir;
  auto p = dir.write("x.sql", k_full);
  EXPECT_EQ(read_revision_file(p).id, "ae1027a6acf");
  EXPECT_THROW(read_revision_file(dir.path() / "missing.sql"), Error);
}

// A file's sections iterate in key order, generic first, whatever order the file gives them
// (the header cache writes them so, and its bytes must not depend on the file's order).
TEST(ParserTest, SectionsIterateInKeyOrder) {
  auto f = parse(
      "-- migrate:revision\n-- revision = \"r\"\n\n"
      "-- migrate:upgrade dialect=sqlite\nS;\n"
      "-- migrate:upgrade\nG;\n"
      "-- migrate:upgrade dialect=postgresql\nP;\n");
  std::vector<std::string> keys, sql;
  for (const auto& [key, section] : f.upgrade_sections()) {
    keys.push_back(key);
    sql.push_back(section.sql);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"", "postgresql", "sqlite"}));
  EXPECT_EQ(sql, (std::vector<std::string>{"G;\n", "P;\n", "S;\n"}));
  EXPECT_EQ(f.upgrade_sections().find("mysql"), f.upgrade_sections().end());
  EXPECT_THROW((void)f.upgrade_sections().at("mysql"), std::out_of_range);
  EXPECT_TRUE(f.downgrade_sections().empty());
}

TEST(VerifiedTextTest, StripsBomAndCrlfAndChecksTheChecksum) {
  test::TempDir dir;
  const auto path = dir.write("r.sql", "\xEF\xBB\xBF-- migrate:revision\r\n-- revision = \"r\"\r\n\r\n-- migrate:upgrade\r\nSELECT 1;\r\n");
  const std::string normalized = "-- migrate:revision\n-- revision = \"r\"\n\n-- migrate:upgrade\nSELECT 1;\n";
  RevisionFile file;
  file.path = path;
  file.checksum = util::sha256(normalized);
  EXPECT_EQ(file.verified_text(), normalized);
  file.checksum = util::sha256("something else");
  EXPECT_EQ(file.verified_text(), "");
  file.path = dir.path() / "gone.sql";
  EXPECT_EQ(file.verified_text(), "");
}

// A deferred file's sections are read when a step needs them; the text they were read from
// is then handed to verified_text() once, without reading the file again: the file edited
// in between gives that text (the one checked and run), and a second call reads the edited
// file, which no longer has the checksum.
TEST(VerifiedTextTest, TheTextADeferredFileWasReadFromIsHandedOverOnce) {
  test::TempDir dir;
  const std::string text = "-- migrate:revision\n-- revision = \"r\"\n\n-- migrate:upgrade\nSELECT 1;\n";
  const auto path = dir.write("r.sql", text);
  RevisionFile file = read_revision_file(path);
  RevisionFile other = read_revision_file(dir.write("o.sql", text));
  file.defer_sections();
  other.defer_sections();
  ASSERT_EQ(file.upgrade_for(Dialect::sqlite)->sql, "SELECT 1;\n");
  dir.write("r.sql", text + "-- edited\n");
  EXPECT_EQ(other.verified_text(), text);  // not file's text: o.sql read from disk, unchanged
  EXPECT_EQ(file.verified_text(), text);
  EXPECT_EQ(file.verified_text(), "");
}

}  // namespace
}  // namespace migrate::script

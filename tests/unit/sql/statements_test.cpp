#include "sql/statements.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <random>

namespace migrate::sql {
namespace {

std::vector<std::string> texts(std::string_view sql, Dialect d = Dialect::sqlite) {
  std::vector<std::string> out;
  for (auto& s : split_statements(sql, d)) out.push_back(s.text);
  return out;
}

using V = std::vector<std::string>;

TEST(SplitterTest, SplitsOnTopLevelSemicolons) {
  EXPECT_EQ(texts("CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n"),
            (V{"CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"}));
}

TEST(SplitterTest, LastStatementNeedsNoSemicolon) {
  EXPECT_EQ(texts("SELECT 1;\n  SELECT 2  \n"), (V{"SELECT 1", "SELECT 2"}));
}

TEST(SplitterTest, EmptyInputGivesNothing) {
  EXPECT_TRUE(texts("").empty());
  EXPECT_TRUE(texts("  \n\t\n").empty());
  EXPECT_TRUE(texts(";;\n;").empty());
}

TEST(SplitterTest, CommentOnlyStatementsAreDropped) {
  EXPECT_TRUE(texts("-- nothing here\n/* nor here */\n").empty());
  EXPECT_EQ(texts("-- a\n;\nSELECT 1; -- trailing\n"), (V{"SELECT 1"}));
}

TEST(SplitterTest, LeadingAndTrailingCommentsAreNotPartOfTheStatement) {
  EXPECT_EQ(texts("-- make a\nCREATE TABLE a (x INT) -- done\n;"), (V{"CREATE TABLE a (x INT)"}));
}

TEST(SplitterTest, InnerCommentsAreKept) {
  EXPECT_EQ(texts("SELECT 1 /* ; */ + 2; SELECT 3 -- ;\n + 4;"), (V{"SELECT 1 /* ; */ + 2", "SELECT 3 -- ;\n + 4"}));
}

TEST(SplitterTest, SingleQuotedStringsWithDoubledQuotes) {
  EXPECT_EQ(texts("INSERT INTO t VALUES ('a;b', 'it''s; fine');SELECT ';'"),
            (V{"INSERT INTO t VALUES ('a;b', 'it''s; fine')", "SELECT ';'"}));
}

TEST(SplitterTest, DoubleQuotedIdentifiers) {
  EXPECT_EQ(texts("CREATE TABLE \"a;\"\"b\" (x INT); SELECT 1"), (V{"CREATE TABLE \"a;\"\"b\" (x INT)", "SELECT 1"}));
}

TEST(SplitterTest, SqliteBacktickAndBracketIdentifiers) {
  EXPECT_EQ(texts("CREATE TABLE `a;b` ([c;d] INT); SELECT 1"), (V{"CREATE TABLE `a;b` ([c;d] INT)", "SELECT 1"}));
}

TEST(SplitterTest, PostgresBracketsAreNotQuotes) {
  EXPECT_EQ(texts("SELECT a[1]; SELECT 2", Dialect::postgresql), (V{"SELECT a[1]", "SELECT 2"}));
}

TEST(SplitterTest, BlockCommentsNestOnPostgres) {
  EXPECT_EQ(texts("/* outer /* inner; */ still; comment */ SELECT 1; SELECT 2", Dialect::postgresql),
            (V{"SELECT 1", "SELECT 2"}));
}

TEST(SplitterTest, BlockCommentsDoNotNestOnSqlite) {
  EXPECT_EQ(texts("/* outer /* inner */ SELECT 1; SELECT 2"), (V{"SELECT 1", "SELECT 2"}));
}

TEST(SplitterTest, PostgresEscapeStrings) {
  EXPECT_EQ(texts("SELECT E'it\\'s; here'; SELECT e'\\\\'; SELECT 3", Dialect::postgresql),
            (V{"SELECT E'it\\'s; here'", "SELECT e'\\\\'", "SELECT 3"}));
}

TEST(SplitterTest, PlainStringsKeepBackslashesLiteral) {
  EXPECT_EQ(texts("SELECT 'a\\'; SELECT 2", Dialect::postgresql), (V{"SELECT 'a\\'", "SELECT 2"}));
  EXPECT_EQ(texts("SELECT 'a\\'; SELECT 2", Dialect::sqlite), (V{"SELECT 'a\\'", "SELECT 2"}));
}

TEST(SplitterTest, IdentifierEndingInEIsNotAnEscapeString) {
  EXPECT_EQ(texts("SELECT type'\\'; SELECT 2", Dialect::postgresql), (V{"SELECT type'\\'", "SELECT 2"}));
}

TEST(SplitterTest, PostgresDollarQuotedBodies) {
  const char* sql =
      "CREATE FUNCTION f() RETURNS int AS $$\n"
      "BEGIN\n  RETURN 1;\nEND;\n$$ LANGUAGE plpgsql;\n"
      "CREATE FUNCTION g() RETURNS text AS $body$ SELECT '$$;' $body$ LANGUAGE sql;\n";
  EXPECT_EQ(texts(sql, Dialect::postgresql),
            (V{"CREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$ LANGUAGE plpgsql",
               "CREATE FUNCTION g() RETURNS text AS $body$ SELECT '$$;' $body$ LANGUAGE sql"}));
}

TEST(SplitterTest, DollarParametersAreNotTags) {
  EXPECT_EQ(texts("PREPARE p AS SELECT $1 + $2; SELECT 2", Dialect::postgresql),
            (V{"PREPARE p AS SELECT $1 + $2", "SELECT 2"}));
}

TEST(SplitterTest, DollarInsideIdentifierIsNotATag) {
  EXPECT_EQ(texts("SELECT a$b$ FROM t; SELECT 2", Dialect::postgresql), (V{"SELECT a$b$ FROM t", "SELECT 2"}));
}

TEST(SplitterTest, DollarQuotesAreNotSpecialOnSqlite) {
  EXPECT_EQ(texts("SELECT $$; SELECT $$"), (V{"SELECT $$", "SELECT $$"}));
}

TEST(SplitterTest, SqliteTriggerBodyKeepsItsSemicolons) {
  const char* sql =
      "CREATE TRIGGER log_insert AFTER INSERT ON users\n"
      "BEGIN\n"
      "  INSERT INTO log VALUES (new.id);\n"
      "  UPDATE counters SET n = n + 1;\n"
      "END;\n"
      "SELECT 1;";
  auto st = split_statements(sql, Dialect::sqlite);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0].text,
            "CREATE TRIGGER log_insert AFTER INSERT ON users\nBEGIN\n  INSERT INTO log VALUES (new.id);\n"
            "  UPDATE counters SET n = n + 1;\nEND");
  EXPECT_EQ(st[1].text, "SELECT 1");
  EXPECT_EQ(st[1].line, 6);
}

TEST(SplitterTest, SqliteTriggerBodyWithCaseEnd) {
  const char* sql =
      "create temp trigger t1 after update on a when new.x > 0 begin\n"
      "  update b set y = case when new.x > 1 then 'big;' else 'small' end;\n"
      "  select case new.x when 1 then raise(abort, 'no') end;\n"
      "end;\n"
      "drop table c";
  EXPECT_EQ(texts(sql),
            (V{"create temp trigger t1 after update on a when new.x > 0 begin\n"
               "  update b set y = case when new.x > 1 then 'big;' else 'small' end;\n"
               "  select case new.x when 1 then raise(abort, 'no') end;\n"
               "end",
               "drop table c"}));
}

TEST(SplitterTest, SqliteTemporaryTriggerAndCommentsBeforeEnd) {
  EXPECT_EQ(texts("CREATE TEMPORARY TRIGGER IF NOT EXISTS t BEFORE DELETE ON a BEGIN SELECT 1; -- x\n END; SELECT 2"),
            (V{"CREATE TEMPORARY TRIGGER IF NOT EXISTS t BEFORE DELETE ON a BEGIN SELECT 1; -- x\n END",
               "SELECT 2"}));
}

TEST(SplitterTest, TriggerWordElsewhereDoesNotOpenABody) {
  EXPECT_EQ(texts("CREATE TABLE trigger_log (x INT); DROP TRIGGER t; SELECT 1"),
            (V{"CREATE TABLE trigger_log (x INT)", "DROP TRIGGER t", "SELECT 1"}));
}

TEST(SplitterTest, TriggerIsPlainOnPostgres) {
  EXPECT_EQ(texts("CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION f(); SELECT 1",
                  Dialect::postgresql),
            (V{"CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION f()", "SELECT 1"}));
}

TEST(SplitterTest, PostgresBeginAtomicBody) {
  const char* sql =
      "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC\n"
      "  SELECT CASE WHEN x > 0 THEN 1 END;\n  SELECT 2;\nEND;\nSELECT 3";
  EXPECT_EQ(texts(sql, Dialect::postgresql),
            (V{"CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC\n"
               "  SELECT CASE WHEN x > 0 THEN 1 END;\n  SELECT 2;\nEND",
               "SELECT 3"}));
}

TEST(SplitterTest, TransactionBeginIsNotABody) {
  EXPECT_EQ(texts("BEGIN; SELECT 1; END;"), (V{"BEGIN", "SELECT 1", "END"}));
  EXPECT_EQ(texts("BEGIN; SELECT 1; COMMIT;", Dialect::postgresql), (V{"BEGIN", "SELECT 1", "COMMIT"}));
}

TEST(SplitterTest, LinesCountFromFirstLine) {
  const char* sql =
      "\n"
      "-- comment\n"
      "CREATE TABLE a (\n"
      "  x TEXT DEFAULT 'multi\nline'\n"
      ");\n"
      "/* block\n comment */ SELECT\n1;";
  auto st = split_statements(sql, Dialect::sqlite, 10);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0].line, 12);
  EXPECT_EQ(st[1].line, 17);
}

TEST(SplitterTest, LinesCountInsideDollarQuotesAndNestedComments) {
  const char* sql = "SELECT $$\n\n$$;\n/* a /* b\n */\n*/\nSELECT 2;";
  auto st = split_statements(sql, Dialect::postgresql, 1);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0].line, 1);
  EXPECT_EQ(st[1].line, 7);
}

TEST(SplitterTest, CrlfLineEndings) {
  auto st = split_statements("SELECT 1;\r\nSELECT 2;\r\n", Dialect::sqlite, 1);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[1].text, "SELECT 2");
  EXPECT_EQ(st[1].line, 2);
}

TEST(SplitterTest, UnterminatedStringRunsToTheEnd) {
  EXPECT_EQ(texts("SELECT 'abc; SELECT 2"), (V{"SELECT 'abc; SELECT 2"}));
  EXPECT_EQ(texts("SELECT $x$ abc; SELECT 2", Dialect::postgresql), (V{"SELECT $x$ abc; SELECT 2"}));
}

TEST(SplitterTest, UnterminatedCommentIsDropped) {
  EXPECT_EQ(texts("SELECT 1; /* abc; SELECT 2"), (V{"SELECT 1"}));
}

// The cases where the splitter and the PostgreSQL backend's old scanner disagreed; the one
// lexer and one body rule now decide them the same way for both (statement_spans_test.cpp).

TEST(SplitterTest, FunctionNamedBeginIsNotABody) {
  EXPECT_EQ(texts("CREATE FUNCTION public.begin() RETURNS void LANGUAGE sql AS $$ $$; SELECT 1;", Dialect::postgresql),
            (V{"CREATE FUNCTION public.begin() RETURNS void LANGUAGE sql AS $$ $$", "SELECT 1"}));
  EXPECT_EQ(texts("CREATE FUNCTION public.begin() RETURNS void LANGUAGE sql AS $$ $$; SELECT 1;", Dialect::sqlite),
            (V{"CREATE FUNCTION public.begin() RETURNS void LANGUAGE sql AS $$ $$", "SELECT 1"}));
  EXPECT_EQ(texts("CREATE OR REPLACE FUNCTION begin(x int) RETURNS int LANGUAGE sql RETURN x; SELECT 1",
                  Dialect::postgresql),
            (V{"CREATE OR REPLACE FUNCTION begin(x int) RETURNS int LANGUAGE sql RETURN x", "SELECT 1"}));
  EXPECT_EQ(texts("CREATE FUNCTION \"begin\"() RETURNS int LANGUAGE sql RETURN 1; SELECT 2", Dialect::postgresql),
            (V{"CREATE FUNCTION \"begin\"() RETURNS int LANGUAGE sql RETURN 1", "SELECT 2"}));
}

TEST(SplitterTest, BeginAtomicOutsideARoutineIsNotABody) {
  // `begin` a column, `atomic` its alias.
  EXPECT_EQ(texts("CREATE VIEW v AS SELECT begin atomic FROM t; SELECT 1;", Dialect::postgresql),
            (V{"CREATE VIEW v AS SELECT begin atomic FROM t", "SELECT 1"}));
}

TEST(SplitterTest, BeginAtomicBodyForms) {
  const auto pg = Dialect::postgresql;
  EXPECT_EQ(texts("CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END; SELECT 1", pg),
            (V{"CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END", "SELECT 1"}));
  EXPECT_EQ(texts("create or replace procedure p() begin atomic select 1; select 2; end; select 3", pg),
            (V{"create or replace procedure p() begin atomic select 1; select 2; end", "select 3"}));
  EXPECT_EQ(texts("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC END; SELECT 1", pg),
            (V{"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC END", "SELECT 1"}));
  EXPECT_EQ(texts("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN /* c; */ ATOMIC SELECT 1; END; SELECT 2", pg),
            (V{"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN /* c; */ ATOMIC SELECT 1; END", "SELECT 2"}));
  EXPECT_EQ(texts("CREATE FUNCTION f(a int DEFAULT (CASE WHEN true THEN 1 END)) RETURNS int LANGUAGE sql "
                  "BEGIN ATOMIC SELECT a; END; SELECT 1",
                  pg),
            (V{"CREATE FUNCTION f(a int DEFAULT (CASE WHEN true THEN 1 END)) RETURNS int LANGUAGE sql "
               "BEGIN ATOMIC SELECT a; END",
               "SELECT 1"}));
  // A body is a PostgreSQL form only.
  EXPECT_EQ(texts("CREATE FUNCTION f() BEGIN ATOMIC SELECT 1; END; SELECT 2", Dialect::sqlite),
            (V{"CREATE FUNCTION f() BEGIN ATOMIC SELECT 1", "END", "SELECT 2"}));
}

// PostgreSQL's scanner: a `$` inside an identifier continues it, `$digits` is a parameter,
// and identifier characters right after a number are that number's (rejected) junk. A `$$`
// right after a number or a parameter therefore opens a body, as the server reads it
// (`SELECT 1$$;$$` fails with a syntax error at "$$;$$"; postgres_scanner_test.cpp asks a
// server).
TEST(SplitterTest, DollarAfterDigitsFollowsTheServer) {
  const auto pg = Dialect::postgresql;
  EXPECT_EQ(texts("SELECT 1$$;$$; SELECT 2", pg), (V{"SELECT 1$$;$$", "SELECT 2"}));
  EXPECT_EQ(texts("SELECT 1.5$$;$$; SELECT 2", pg), (V{"SELECT 1.5$$;$$", "SELECT 2"}));
  EXPECT_EQ(texts("SELECT $1$$;$$; SELECT 2", pg), (V{"SELECT $1$$;$$", "SELECT 2"}));
  EXPECT_EQ(texts("SELECT $1$a$;$a$; SELECT 2", pg), (V{"SELECT $1$a$;$a$", "SELECT 2"}));
  EXPECT_EQ(texts("SELECT a1$$; SELECT 2", pg), (V{"SELECT a1$$", "SELECT 2"}));
  EXPECT_EQ(texts("SELECT 1x$$; SELECT 2", pg), (V{"SELECT 1x$$", "SELECT 2"}));
  EXPECT_EQ(texts("SELECT 1e5$$; SELECT 2", pg), (V{"SELECT 1e5$$", "SELECT 2"}));
  EXPECT_EQ(texts("SELECT 1e+5$$;$$; SELECT 2", pg), (V{"SELECT 1e+5$$;$$", "SELECT 2"}));
  // SQLite: `$$` is a parameter name, never a body.
  EXPECT_EQ(texts("SELECT 1$$;$$; SELECT 2"), (V{"SELECT 1$$", "$$", "SELECT 2"}));
}

TEST(SplitterTest, UnicodeEscapeStringsAndIdentifiers) {
  EXPECT_EQ(texts("SELECT U&'d\\0061t; a', U&\"x;\"; SELECT 2", Dialect::postgresql),
            (V{"SELECT U&'d\\0061t; a', U&\"x;\"", "SELECT 2"}));
}

TEST(SplitterTest, OperatorsStopBeforeComments) {
  EXPECT_EQ(texts("SELECT 2*--;\n3; SELECT 1+/*;*/2", Dialect::postgresql), (V{"SELECT 2*--;\n3", "SELECT 1+/*;*/2"}));
  EXPECT_EQ(texts("SELECT 2*--;\n3; SELECT 1+/*;*/2"), (V{"SELECT 2*--;\n3", "SELECT 1+/*;*/2"}));
}

// SQLite's own sqlite3_complete() is the oracle: every statement but the last must be
// complete once ';' is added, and must not have been complete at an earlier ';'.
TEST(SplitterTest, AgreesWithSqliteCompleteOnRandomInput) {
  const char* atoms[] = {"'a;b'", "\"x;\"", "`y;`", "[z;]", "-- c;\n", "/* d; */", "\n",   ";",
                         " ",     "BEGIN",  "END",  "CREATE", "TRIGGER", "TEMP",     "CASE", "x",
                         "1",     "SELECT", "WHEN", "THEN",   "ELSE",    "(",        ")",    "''",
                         "'it''s'", "end;", "begin "};
  std::mt19937 rng(3);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string sql;
    const int len = static_cast<int>(rng() % 25);
    for (int i = 0; i < len; ++i) {
      sql += atoms[rng() % std::size(atoms)];
      sql += ' ';
    }
    const auto statements = split_statements(sql, Dialect::sqlite);
    for (std::size_t k = 0; k + 1 < statements.size(); ++k) {
      const std::string& text = statements[k].text;
      ASSERT_TRUE(sqlite3_complete((text + ";").c_str())) << "[" << text << "] from [" << sql << "]";
      for (std::size_t pos = text.find(';'); pos != std::string::npos; pos = text.find(';', pos + 1)) {
        ASSERT_FALSE(sqlite3_complete(text.substr(0, pos + 1).c_str())) << "[" << text << "] from [" << sql << "]";
      }
    }
  }
}

}  // namespace
}  // namespace migrate::sql

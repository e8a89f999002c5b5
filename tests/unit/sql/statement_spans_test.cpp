// sql::statement_spans: where each statement begins and ends (the PostgreSQL backend's
// statement scanner forwards to it), and that it agrees with sql::split_statements.

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "sql/statements.hpp"

namespace migrate::sql {
namespace {

using V = std::vector<std::string>;

// Each span from its first token through its ';', as the backend sends it.
V statements(std::string_view sql, Dialect d = Dialect::postgresql) {
  V out;
  for (auto span : statement_spans(sql, d)) out.emplace_back(sql.substr(span.begin, span.terminator_end - span.begin));
  return out;
}

TEST(StatementSpansTest, SplitsOnSemicolonsAndDropsEmptyStatements) {
  EXPECT_EQ(statements("SELECT 1; SELECT 2;\n  ;\n-- only a comment\n/* and */ ;"), (V{"SELECT 1;", "SELECT 2;"}));
  EXPECT_EQ(statements("SELECT 1"), (V{"SELECT 1"}));
  EXPECT_TRUE(statements("  -- nothing\n").empty());
}

TEST(StatementSpansTest, StatementStartsAfterLeadingComments) {
  std::string sql = "-- intro\n/* block */\n  INSERT INTO t VALUES (1);";
  auto spans = statement_spans(sql, Dialect::postgresql);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].begin, sql.find("INSERT"));
  EXPECT_EQ(spans[0].end, sql.size() - 1);
  EXPECT_EQ(spans[0].terminator_end, sql.size());
  EXPECT_EQ(spans[0].line, 3);
}

TEST(StatementSpansTest, LastStatementRunsToTheEndOfTheInput) {
  std::string sql = "SELECT 1; SELECT 2 -- done\n";
  auto spans = statement_spans(sql, Dialect::postgresql);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(sql.substr(spans[1].begin, spans[1].end - spans[1].begin), "SELECT 2");
  EXPECT_EQ(spans[1].terminator_end, sql.size());
}

TEST(StatementSpansTest, SemicolonsInsideQuotesAndCommentsDoNotSplit) {
  EXPECT_EQ(statements("SELECT 'a;b', 'it''s;'; SELECT \"we;ird\"\"x\" FROM t; -- c;d\nSELECT 3"),
            (V{"SELECT 'a;b', 'it''s;';", "SELECT \"we;ird\"\"x\" FROM t;", "SELECT 3"}));
  EXPECT_EQ(statements("SELECT E'a\\';b'; SELECT 2"), (V{"SELECT E'a\\';b';", "SELECT 2"}));
  EXPECT_EQ(statements("SELECT /* a /* nested; */ still; */ 1; SELECT 2"),
            (V{"SELECT /* a /* nested; */ still; */ 1;", "SELECT 2"}));
}

TEST(StatementSpansTest, DollarQuotedBodiesAreOneStatement) {
  std::string f1 = "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;";
  std::string f2 = "CREATE FUNCTION g() RETURNS int AS $body$ SELECT 1; $x$ ; $body$ LANGUAGE sql;";
  EXPECT_EQ(statements(f1 + "\n" + f2 + "\nSELECT $1, a$b FROM t;"), (V{f1, f2, "SELECT $1, a$b FROM t;"}));
}

TEST(StatementSpansTest, BeginAtomicBodiesAreOneStatement) {
  std::string f =
      "CREATE OR REPLACE FUNCTION h(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC "
      "SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END; SELECT x; END;";
  EXPECT_EQ(statements(f + " BEGIN; COMMIT;"), (V{f, "BEGIN;", "COMMIT;"}));
}

TEST(StatementSpansTest, FunctionNamedBeginIsNotABody) {
  EXPECT_EQ(statements("CREATE FUNCTION public.begin() RETURNS void LANGUAGE sql AS $$ $$; SELECT 1;"),
            (V{"CREATE FUNCTION public.begin() RETURNS void LANGUAGE sql AS $$ $$;", "SELECT 1;"}));
}

TEST(StatementSpansTest, PositionsCountUtf8Characters) {
  std::string s = "SELECT 'é€' FROM nope";
  EXPECT_EQ(byte_offset_of_position(s, 1, true), 0u);
  EXPECT_EQ(byte_offset_of_position(s, 18, true), s.find("nope"));
  EXPECT_EQ(byte_offset_of_position(s, 18, false), 17u);
  EXPECT_EQ(byte_offset_of_position(s, 1000, true), s.size());
}

// split_statements is built on statement_spans; on random input in both dialects its
// statements are exactly the spans' [begin, end), and each span's rest up to its
// terminator holds only blanks, comments and the ';'.
TEST(StatementSpansTest, AgreesWithTheSplitterOnRandomInput) {
  const char* atoms[] = {"'a;b'", "\"x;\"", "-- c;\n", "/* d; */", "/* /* n; */ */", "\n", ";", " ", "BEGIN",
                         "ATOMIC", "END", "CREATE", "FUNCTION", "PROCEDURE", "OR", "REPLACE", "CASE", "x", "1",
                         "$$", "$a$", "$1", "E'\\';'", "(", ")", "SELECT", "TRIGGER", "TEMP", "`y;`", "[z;]"};
  std::mt19937 rng(11);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string sql;
    const int len = static_cast<int>(rng() % 16);
    for (int i = 0; i < len; ++i) {
      sql += atoms[rng() % std::size(atoms)];
      if (rng() % 2) sql += ' ';
    }
    for (Dialect d : {Dialect::postgresql, Dialect::sqlite}) {
      const auto spans = statement_spans(sql, d);
      const auto split = split_statements(sql, d);
      ASSERT_EQ(spans.size(), split.size()) << sql;
      for (std::size_t k = 0; k < spans.size(); ++k) {
        ASSERT_EQ(sql.substr(spans[k].begin, spans[k].end - spans[k].begin), split[k].text) << sql;
        ASSERT_LE(spans[k].end, spans[k].terminator_end) << sql;
        if (k + 1 < spans.size()) {
          ASSERT_EQ(sql[spans[k].terminator_end - 1], ';') << sql;
        }
      }
    }
  }
}

}  // namespace
}  // namespace migrate::sql

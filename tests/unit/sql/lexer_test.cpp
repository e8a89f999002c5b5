// sql::Lexer: token kinds, byte offsets and lines in both dialects.

#include "sql/lexer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace migrate::sql {
namespace {

struct Seen {
  TokenKind kind;
  std::string text;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Seen& s) {
  return os << static_cast<int>(s.kind) << ":[" << s.text << "]";
}

using K = TokenKind;

std::vector<Seen> lex(std::string_view sql, Dialect d) {
  std::vector<Seen> out;
  for (const auto& t : tokenize(sql, d)) out.push_back({t.kind, std::string(t.text)});
  return out;
}

TEST(LexerTest, WordsNumbersOperatorsAndPunctuation) {
  EXPECT_EQ(lex("SELECT a.b, 1.5e-3 >= $1::int;", Dialect::postgresql),
            (std::vector<Seen>{{K::word, "SELECT"}, {K::word, "a"}, {K::punct, "."}, {K::word, "b"},
                               {K::punct, ","}, {K::number, "1.5e-3"}, {K::op, ">="}, {K::parameter, "$1"},
                               {K::op, "::"}, {K::word, "int"}, {K::semicolon, ";"}}));
}

TEST(LexerTest, StringsAndQuotedIdentifiers) {
  EXPECT_EQ(lex("'it''s' E'a\\'b' U&'x' \"q\"\"r\" U&\"s\" type'\\'", Dialect::postgresql),
            (std::vector<Seen>{{K::string, "'it''s'"}, {K::string, "E'a\\'b'"}, {K::string, "U&'x'"},
                               {K::quoted_identifier, "\"q\"\"r\""}, {K::quoted_identifier, "U&\"s\""},
                               {K::word, "type"}, {K::string, "'\\'"}}));
  EXPECT_EQ(lex("`a``b` [c d] E'x'", Dialect::sqlite),
            (std::vector<Seen>{{K::quoted_identifier, "`a``b`"}, {K::quoted_identifier, "[c d]"},
                               {K::word, "E"}, {K::string, "'x'"}}));
  EXPECT_EQ(lex("[a]", Dialect::postgresql), (std::vector<Seen>{{K::punct, "["}, {K::word, "a"}, {K::punct, "]"}}));
}

TEST(LexerTest, DollarQuotes) {
  EXPECT_EQ(lex("$$a;b$$ $t$ $$ $t$ a$b$ $x", Dialect::postgresql),
            (std::vector<Seen>{{K::dollar_string, "$$a;b$$"}, {K::dollar_string, "$t$ $$ $t$"},
                               {K::word, "a$b$"}, {K::op, "$"}, {K::word, "x"}}));
  EXPECT_EQ(lex("1$$ x $$ 1x$$ $1$$;$$", Dialect::postgresql),
            (std::vector<Seen>{{K::number, "1"}, {K::dollar_string, "$$ x $$"}, {K::number, "1x$$"},
                               {K::parameter, "$1"}, {K::dollar_string, "$$;$$"}}));
  EXPECT_EQ(lex("$$ $1 :a", Dialect::sqlite),
            (std::vector<Seen>{{K::parameter, "$$"}, {K::parameter, "$1"}, {K::parameter, ":a"}}));
}

TEST(LexerTest, Comments) {
  EXPECT_EQ(lex("/* a /* b */ c */ x -- d\ny", Dialect::postgresql),
            (std::vector<Seen>{{K::comment, "/* a /* b */ c */"}, {K::word, "x"}, {K::comment, "-- d"}, {K::word, "y"}}));
  EXPECT_EQ(lex("/* a /* b */ c */", Dialect::sqlite),
            (std::vector<Seen>{{K::comment, "/* a /* b */"}, {K::word, "c"}, {K::op, "*/"}}));
}

TEST(LexerTest, OffsetsLinesAndUnterminatedTokens) {
  const std::string sql = "a\n'x\ny'\n  /* open";
  const auto tokens = tokenize(sql, Dialect::postgresql, 5);
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[1].begin, 2u);
  EXPECT_EQ(tokens[1].end, 7u);
  EXPECT_EQ(tokens[1].line, 6);
  EXPECT_EQ(tokens[2].line, 8);
  EXPECT_FALSE(tokens[2].terminated);
  EXPECT_EQ(tokens[2].end, sql.size());
  for (std::string_view cut : {"'abc", "\"abc", "$q$ abc", "E'a\\", "/* a /* b */"}) {
    const auto t = tokenize(cut, Dialect::postgresql);
    ASSERT_EQ(t.size(), 1u) << cut;
    EXPECT_FALSE(t[0].terminated) << cut;
    EXPECT_EQ(t[0].end, cut.size()) << cut;
  }
}

TEST(LexerTest, IdentifierText) {
  auto first = [](std::string_view sql, Dialect d) { return identifier_text(tokenize(sql, d).at(0)); };
  EXPECT_EQ(first("\"a\"\"b\"", Dialect::postgresql), "a\"b");
  EXPECT_EQ(first("`a``b`", Dialect::sqlite), "a`b");
  EXPECT_EQ(first("[a]]", Dialect::sqlite), "a");
  EXPECT_EQ(first("Mixed", Dialect::postgresql), "Mixed");
  EXPECT_EQ(first("\"open", Dialect::postgresql), "open");
}

TEST(LexerTest, KeywordsIgnoreCase) {
  const auto t = tokenize("Begin \"begin\"", Dialect::postgresql);
  EXPECT_TRUE(t[0].is_keyword("BEGIN"));
  EXPECT_FALSE(t[1].is_keyword("begin"));
}

}  // namespace
}  // namespace migrate::sql

#include "sql/normalize.hpp"

#include <array>
#include <unordered_map>
#include <vector>

#include "sql/keywords.hpp"
#include "sql/lexer.hpp"
#include "util/strings.hpp"

namespace migrate::sql {
namespace {

/// One token of the normal form, ready to print.
struct Piece {
  TokenKind kind = TokenKind::op;
  std::string text;
  bool keyword = false;
};

// SQLite's operators of more than one character, longest first: a run of operator
// characters the lexer read as one token is split into these (and single characters).
constexpr std::array<std::string_view, 10> k_operators = {"->>", "||", "->", "<<", ">>", "<=", ">=", "==", "!=", "<>"};

void split_operator(std::string_view run, std::vector<Piece>& out) {
  while (!run.empty()) {
    std::size_t length = 1;
    for (auto op : k_operators) {
      if (util::starts_with(run, op)) {
        length = op.size();
        break;
      }
    }
    out.push_back({TokenKind::op, std::string(run.substr(0, length)), false});
    run.remove_prefix(length);
  }
}

/// The significant tokens of `text`.
std::vector<Token> significant_tokens(std::string_view text) {
  std::vector<Token> out;
  for (const auto& t : tokenize(text, Dialect::sqlite))
    if (t.is_significant()) out.push_back(t);
  return out;
}

bool keyword_at(const std::vector<Token>& ts, std::size_t i, std::string_view keyword) {
  return i < ts.size() && ts[i].is_keyword(keyword);
}

bool punct_at(const std::vector<Token>& ts, std::size_t i, char c) { return i < ts.size() && ts[i].is_punct(c); }

/// Whether token `i` stands where SQLite's grammar reads only a name, never an expression
/// (so a double-quoted word there is never a string literal).
bool at_name_position(const std::vector<Token>& ts, std::size_t i) {
  if (punct_at(ts, i + 1, '.') || (i > 0 && punct_at(ts, i - 1, '.'))) return true;
  if (i == 0) return false;
  const std::size_t before = i - 1;
  for (auto keyword : {"AS", "COLLATE", "JOIN", "INTO", "UPDATE", "TRIGGER"})
    if (keyword_at(ts, before, keyword)) return true;
  if (keyword_at(ts, before, "FROM")) return before == 0 || !keyword_at(ts, before - 1, "DISTINCT");
  // A trigger's table: `ON name [FOR EACH ROW] [WHEN ...] BEGIN`, never a join's ON.
  return keyword_at(ts, before, "ON") &&
         (keyword_at(ts, i + 1, "FOR") || keyword_at(ts, i + 1, "WHEN") || keyword_at(ts, i + 1, "BEGIN"));
}

/// Quoted identifier `i` as printed: quote_sqlite_name when it surely is a name, else as
/// written (a double-quoted word may be a string literal; `[x]` and `` `x` `` never are,
/// but printed as `"x"` they could become one).
std::string quoted_identifier_text(const std::vector<Token>& ts, std::size_t i, const SqliteNames* columns) {
  const std::string name = identifier_text(ts[i]);
  const std::string printed = quote_sqlite_name(name);
  const bool double_quoted = util::starts_with(ts[i].text, "\"");
  const bool surely_a_name = !columns || columns->contains(name) || at_name_position(ts, i) ||
                             (!double_quoted && !util::starts_with(printed, "\""));
  return surely_a_name ? printed : std::string(ts[i].text);
}

/// The significant tokens of `text` as pieces; `columns` null: every quoted identifier is a
/// name (a declared type). A blob literal (`x'00'`), which the lexer reads as a word and a
/// string, stays one piece.
std::vector<Piece> pieces_of(std::string_view text, const SqliteNames* columns) {
  std::vector<Piece> out;
  const auto tokens = significant_tokens(text);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    const bool blob = t.kind == TokenKind::word && (t.text == "x" || t.text == "X") && i + 1 < tokens.size() &&
                      tokens[i + 1].kind == TokenKind::string && tokens[i + 1].begin == t.end;
    if (blob) {
      out.push_back({TokenKind::string, std::string(t.text) + std::string(tokens[++i].text), false});
    } else if (t.kind == TokenKind::word && is_sqlite_keyword(t.text)) {
      out.push_back({t.kind, util::to_upper(t.text), true});
    } else if (t.kind == TokenKind::quoted_identifier) {
      out.push_back({t.kind, quoted_identifier_text(tokens, i, columns), false});
    } else if (t.kind == TokenKind::op) {
      split_operator(t.text, out);
    } else {
      out.push_back({t.kind, std::string(t.text), false});
    }
  }
  return out;
}

bool is_punct(const Piece& p, char c) { return p.kind == TokenKind::punct && p.text.size() == 1 && p.text[0] == c; }

bool space_between(const Piece& before, const Piece& after) {
  if (is_punct(before, '(') || is_punct(before, '.')) return false;
  if (is_punct(after, ')') || is_punct(after, ',') || is_punct(after, '.')) return false;
  if (is_punct(after, '(') && before.kind == TokenKind::word && !before.keyword) return false;
  return true;
}

}  // namespace

void SqliteNames::add(std::string_view name) { m_lower.insert(util::to_lower(name)); }

bool SqliteNames::contains(std::string_view name) const { return m_lower.count(util::to_lower(name)) > 0; }

std::string normalize_sqlite_expression(std::string_view text, const SqliteNames& columns) {
  std::string out;
  const Piece* previous = nullptr;
  const auto pieces = pieces_of(text, &columns);
  for (const auto& piece : pieces) {
    if (previous && space_between(*previous, piece)) out += ' ';
    out += piece.text;
    previous = &piece;
  }
  return out;
}

namespace {

bool is_name(const Token& t) {
  return t.kind == TokenKind::quoted_identifier || (t.kind == TokenKind::word && !is_sqlite_keyword(t.text));
}

/// The relation named at token `i` (`[schema.]name`), if any; `i` moves past it.
void read_relation(const std::vector<Token>& ts, std::size_t& i, std::vector<std::string>& out) {
  if (i >= ts.size() || !is_name(ts[i])) return;
  if (punct_at(ts, i + 1, '.') && i + 2 < ts.size() && is_name(ts[i + 2])) i += 2;
  out.push_back(identifier_text(ts[i++]));
}

}  // namespace

std::vector<std::string> sqlite_relations_read(std::string_view text) {
  const auto ts = significant_tokens(text);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const bool from = ts[i].is_keyword("FROM") && !(i > 0 && ts[i - 1].is_keyword("DISTINCT"));
    if (!from && !ts[i].is_keyword("JOIN") && !ts[i].is_keyword("UPDATE")) continue;
    std::size_t at = i + 1;
    read_relation(ts, at, out);
    // A FROM list: `a, b AS x, c y`.
    while (from) {
      if (keyword_at(ts, at, "AS")) ++at;
      if (at < ts.size() && is_name(ts[at])) ++at;
      if (!punct_at(ts, at, ',')) break;
      ++at;
      read_relation(ts, at, out);
    }
  }
  return out;
}

namespace {

std::string normalized_type(std::string_view declared) {
  std::string out;
  int depth = 0;
  const Piece* previous = nullptr;
  const auto pieces = pieces_of(declared, nullptr);
  for (const auto& piece : pieces) {
    if (is_punct(piece, ')')) --depth;
    const bool between_words = previous && depth == 0 && !is_punct(piece, '(') && !is_punct(piece, ')');
    if (between_words) out += ' ';
    out += piece.kind == TokenKind::word ? util::to_upper(piece.text) : piece.text;
    if (is_punct(piece, '(')) ++depth;
    previous = &piece;
  }
  return out;
}

}  // namespace

std::string normalize_sqlite_type(std::string_view declared) {
  // A schema declares a handful of types thousands of times (both the parser and the reader
  // ask for each column's): remember the answers. Bounded, per thread, pure.
  thread_local std::unordered_map<std::string, std::string> known;
  auto it = known.find(std::string(declared));
  if (it != known.end()) return it->second;
  if (known.size() >= 4096) known.clear();
  return known.emplace(std::string(declared), normalized_type(declared)).first->second;
}

}  // namespace migrate::sql

#include "sql/normalize.hpp"

#include <array>
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

/// The significant tokens of `text` as pieces. A blob literal (`x'00'`), which the lexer
/// reads as a word and a string, stays one piece.
std::vector<Piece> pieces_of(std::string_view text) {
  std::vector<Piece> out;
  const auto tokens = tokenize(text, Dialect::sqlite);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (!t.is_significant()) continue;
    const bool blob = t.kind == TokenKind::word && (t.text == "x" || t.text == "X") && i + 1 < tokens.size() &&
                      tokens[i + 1].kind == TokenKind::string && tokens[i + 1].begin == t.end;
    if (blob) {
      out.push_back({TokenKind::string, std::string(t.text) + std::string(tokens[++i].text), false});
    } else if (t.kind == TokenKind::word && is_sqlite_keyword(t.text)) {
      out.push_back({t.kind, util::to_upper(t.text), true});
    } else if (t.kind == TokenKind::quoted_identifier) {
      out.push_back({t.kind, quote_sqlite_name(identifier_text(t)), false});
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

std::string normalize_sqlite_expression(std::string_view text) {
  std::string out;
  const Piece* previous = nullptr;
  const auto pieces = pieces_of(text);
  for (const auto& piece : pieces) {
    if (previous && space_between(*previous, piece)) out += ' ';
    out += piece.text;
    previous = &piece;
  }
  return out;
}

std::string normalize_sqlite_type(std::string_view declared) {
  std::string out;
  int depth = 0;
  const Piece* previous = nullptr;
  const auto pieces = pieces_of(declared);
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

}  // namespace migrate::sql

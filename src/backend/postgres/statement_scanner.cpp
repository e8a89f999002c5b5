#include "backend/postgres/statement_scanner.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace migrate::backend::postgres {
namespace {

bool is_ident_start(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) || c == '_' || u >= 0x80;
}

bool is_ident_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

/// Index just past the quoted text opening at `i` (`quote` is ' or "). `backslash`: E'...'.
std::size_t skip_quoted(std::string_view s, std::size_t i, char quote, bool backslash) {
  ++i;
  while (i < s.size()) {
    char c = s[i];
    if (backslash && c == '\\') {
      i += 2;
    } else if (c == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        i += 2;
      } else {
        return i + 1;
      }
    } else {
      ++i;
    }
  }
  return s.size();
}

/// Per-statement state of psql's BEGIN ATOMIC heuristic (psqlscan.l).
struct BlockTracker {
  std::array<char, 4> first{};  // first letters of create/or/replace/function/procedure
  std::size_t words = 0;
  int paren_depth = 0;
  int begin_depth = 0;

  void word(std::string_view w) {
    if (iequals(w, "create") || iequals(w, "function") || iequals(w, "procedure") || iequals(w, "or") ||
        iequals(w, "replace")) {
      if (words < first.size()) first[words] = static_cast<char>(std::tolower(static_cast<unsigned char>(w[0])));
    }
    ++words;
    bool routine = first[0] == 'c' &&
                   (first[1] == 'f' || first[1] == 'p' ||
                    (first[1] == 'o' && first[2] == 'r' && (first[3] == 'f' || first[3] == 'p')));
    if (!routine || paren_depth != 0) return;
    if (iequals(w, "begin")) {
      ++begin_depth;
    } else if (iequals(w, "case")) {
      if (begin_depth >= 1) ++begin_depth;  // CASE ends with END too, inside a block only
    } else if (iequals(w, "end")) {
      if (begin_depth > 0) --begin_depth;
    }
  }
};

}  // namespace

std::vector<StatementSpan> scan_statements(std::string_view s) {
  std::vector<StatementSpan> out;
  const std::size_t n = s.size();
  bool started = false;
  std::size_t begin = 0;
  BlockTracker block;
  auto start_here = [&](std::size_t i) {
    if (!started) {
      started = true;
      begin = i;
    }
  };

  std::size_t i = 0;
  while (i < n) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '-' && i + 1 < n && s[i + 1] == '-') {
      auto nl = s.find('\n', i);
      i = nl == std::string_view::npos ? n : nl + 1;
    } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      int depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (s[i] == '*' && i + 1 < n && s[i + 1] == '/') {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      }
    } else if (c == ';') {
      if (block.begin_depth == 0) {
        if (started) out.push_back({begin, i + 1});
        started = false;
        block = BlockTracker{};
      }
      ++i;
    } else if (c == '\'' || c == '"') {
      start_here(i);
      i = skip_quoted(s, i, c, false);
    } else if (c == '$') {
      start_here(i);
      std::size_t j = i + 1;
      if (j < n && std::isdigit(static_cast<unsigned char>(s[j]))) {  // $1 parameter
        while (j < n && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
        i = j;
        continue;
      }
      while (j < n && is_ident_char(s[j]) && s[j] != '$') ++j;
      if (j < n && s[j] == '$') {
        auto tag = s.substr(i, j + 1 - i);
        auto close = s.find(tag, j + 1);
        i = close == std::string_view::npos ? n : close + tag.size();
      } else {
        ++i;
      }
    } else if (is_ident_start(c)) {
      start_here(i);
      std::size_t j = i + 1;
      while (j < n && is_ident_char(s[j])) ++j;
      auto word = s.substr(i, j - i);
      if ((word == "e" || word == "E") && j < n && s[j] == '\'') {
        i = skip_quoted(s, j, '\'', true);
        continue;
      }
      block.word(word);
      i = j;
    } else {
      start_here(i);
      if (c == '(') ++block.paren_depth;
      if (c == ')' && block.paren_depth > 0) --block.paren_depth;
      ++i;
    }
  }
  if (started) out.push_back({begin, n});
  return out;
}

std::size_t byte_offset_of_position(std::string_view text, long position, bool utf8) {
  if (position <= 1) return 0;
  if (!utf8) return std::min<std::size_t>(static_cast<std::size_t>(position - 1), text.size());
  long chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    // A UTF-8 continuation byte (10xxxxxx) belongs to the character before it.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (++chars == position) return i;
  }
  return text.size();
}

}  // namespace migrate::backend::postgres

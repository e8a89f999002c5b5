#pragma once
/// Small string helpers shared by every module. Nothing here knows about migrations.

#include <string>
#include <string_view>
#include <vector>

namespace migrate::util {

/// Whitespace as the SQL and TOML readers see it: space, tab, CR, LF, FF, VT.
constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/// `s` without leading and trailing whitespace (a view into `s`).
std::string_view trim(std::string_view s);
std::string_view trim_left(std::string_view s);
std::string_view trim_right(std::string_view s);

/// Splits on every `sep`; keeps empty items ("a,,b" → {"a", "", "b"}; "" → {""}).
std::vector<std::string> split(std::string_view s, char sep);

/// Joins with `sep` between items.
std::string join(const std::vector<std::string>& items, std::string_view sep);

bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);

/// ASCII lower-casing; other bytes are kept.
std::string to_lower(std::string_view s);

/// ASCII upper-casing; other bytes are kept.
std::string to_upper(std::string_view s);

/// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);

/// Replaces every occurrence of `from` (non-empty) with `to`.
std::string replace_all(std::string_view s, std::string_view from, std::string_view to);

}  // namespace migrate::util

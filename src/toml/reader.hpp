#pragma once
/// The one door to toml++ (it is included nowhere else), used by config/ for migrate.toml and
/// by script/ for revision headers. Parses a TOML document into plain values that carry their
/// line numbers, so callers can validate keys and report "file:line" without seeing toml++
/// types; and holds the rules both read the same way (the session timeouts).

#include <cstdint>
#include <stdexcept>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace migrate::toml {

struct TomlEntry;

/// One TOML value. Only the member matching `type` is meaningful.
struct TomlValue {
  enum class Type { string, integer, floating, boolean, date_time, array, table };
  Type type = Type::string;
  std::string text;  ///< string: the value; date_time: its TOML spelling ("2026-11-21T10:00:00")
  std::int64_t integer = 0;
  double floating = 0;
  bool boolean = false;
  std::vector<TomlValue> items;    ///< array elements, in order
  std::vector<TomlEntry> entries;  ///< table keys, in source-line order
  int line = 0;                    ///< 1-based line where the value starts (0 when unknown)
};

struct TomlEntry {
  std::string key;
  TomlValue value;
};

/// "string", "integer", "float", "boolean", "date-time", "array", "table": for messages.
std::string_view type_name(TomlValue::Type type);

/// Bad TOML: toml++'s description and where it found the problem (1-based, in `text`).
class TomlError : public std::runtime_error {
 public:
  TomlError(std::string description, int line, int column)
      : std::runtime_error(description), m_line(line), m_column(column) {}
  int line() const noexcept { return m_line; }
  int column() const noexcept { return m_column; }

 private:
  int m_line;
  int m_column;
};

/// Parses a whole document; returns its top-level table's entries in source-line order.
/// Throws TomlError on a syntax error (duplicate keys included).
std::vector<TomlEntry> parse_toml(std::string_view text);

/// True for a PostgreSQL `lock_timeout` / `statement_timeout` value as migrate.toml and
/// revision headers accept it: digits, then nothing or a unit (`ms`, `s`, `min`, `h`, `d`),
/// blanks allowed between: "5s", "250 ms", "1min", "0".
bool is_valid_timeout(std::string_view value);
/// A value is_valid_timeout accepts, in milliseconds (no unit: milliseconds, as PostgreSQL
/// reads it).
std::chrono::milliseconds timeout_milliseconds(std::string_view value);

}  // namespace migrate::toml

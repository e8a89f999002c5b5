#pragma once
/// Reading the values of one result row (backend::Row) the way catalog readers need them:
/// a NULL or a column past the row's end reads as "" (or 0), so a reader states what it
/// wants from a cell without testing each optional. The one home of these rules for every
/// backend.

#include <cstddef>
#include <optional>
#include <string>

#include "backend/backend.hpp"

namespace migrate::backend {

/// Cell `i` as text; "" when it is NULL or the row has no such cell.
inline std::string value_of(const Row& row, std::size_t i) {
  return i < row.size() && row[i] ? *row[i] : std::string();
}

/// Cell `i` as a whole number; 0 when it is NULL, empty or missing.
inline long long number_of(const Row& row, std::size_t i) {
  const auto text = value_of(row, i);
  return text.empty() ? 0 : std::stoll(text);
}

/// Cell `i` as a boolean: `1` (SQLite, and a PostgreSQL `int`), `t` (a PostgreSQL `bool`,
/// as libpq prints it) or `true`; false when NULL or missing.
inline bool flag_of(const Row& row, std::size_t i) {
  const auto text = value_of(row, i);
  return text == "1" || text == "t" || text == "true";
}

/// Cell `i` as it is: nullopt when NULL or missing (a NULL that means something else than "").
inline std::optional<std::string> optional_of(const Row& row, std::size_t i) {
  return i < row.size() ? row[i] : std::nullopt;
}

}  // namespace migrate::backend

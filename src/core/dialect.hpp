#pragma once
/// SQL dialects `migrate` knows. A revision file's `dialect=` sections and the offline
/// `--sql` output are keyed by these; backends report theirs.

#include <optional>
#include <string_view>

namespace migrate {

enum class Dialect { sqlite, postgresql };

/// "sqlite" / "postgresql".
constexpr std::string_view to_string(Dialect d) {
  return d == Dialect::sqlite ? "sqlite" : "postgresql";
}

/// Parses "sqlite" or "postgresql" (also "postgres"); nullopt otherwise.
constexpr std::optional<Dialect> parse_dialect(std::string_view s) {
  if (s == "sqlite") return Dialect::sqlite;
  if (s == "postgresql" || s == "postgres") return Dialect::postgresql;
  return std::nullopt;
}

}  // namespace migrate

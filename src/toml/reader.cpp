#include "toml/reader.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <sstream>

#include <toml++/toml.h>

namespace migrate::toml {

namespace {

TomlValue convert(const ::toml::node& node);

std::vector<TomlEntry> convert_table(const ::toml::table& table) {
  std::vector<TomlEntry> out;
  out.reserve(table.size());
  for (const auto& [key, node] : table) out.push_back(TomlEntry{std::string(key.str()), convert(node)});
  // toml++ keeps keys sorted; callers want the order the file uses.
  std::stable_sort(out.begin(), out.end(),
                   [](const TomlEntry& a, const TomlEntry& b) { return a.value.line < b.value.line; });
  return out;
}

TomlValue convert(const ::toml::node& node) {
  TomlValue v;
  v.line = static_cast<int>(node.source().begin.line);
  switch (node.type()) {
    case ::toml::node_type::string:
      v.type = TomlValue::Type::string;
      v.text = std::string(*node.as_string());
      break;
    case ::toml::node_type::integer:
      v.type = TomlValue::Type::integer;
      v.integer = node.as_integer()->get();
      break;
    case ::toml::node_type::floating_point:
      v.type = TomlValue::Type::floating;
      v.floating = node.as_floating_point()->get();
      break;
    case ::toml::node_type::boolean:
      v.type = TomlValue::Type::boolean;
      v.boolean = node.as_boolean()->get();
      break;
    case ::toml::node_type::date:
    case ::toml::node_type::time:
    case ::toml::node_type::date_time: {
      v.type = TomlValue::Type::date_time;
      std::ostringstream s;
      node.visit([&s](const auto& n) { s << n; });
      v.text = s.str();
      break;
    }
    case ::toml::node_type::array:
      v.type = TomlValue::Type::array;
      for (const auto& item : *node.as_array()) v.items.push_back(convert(item));
      break;
    case ::toml::node_type::table:
      v.type = TomlValue::Type::table;
      v.entries = convert_table(*node.as_table());
      break;
    case ::toml::node_type::none:
      break;
  }
  return v;
}

}  // namespace

std::string_view type_name(TomlValue::Type type) {
  switch (type) {
    case TomlValue::Type::string: return "string";
    case TomlValue::Type::integer: return "integer";
    case TomlValue::Type::floating: return "float";
    case TomlValue::Type::boolean: return "boolean";
    case TomlValue::Type::date_time: return "date-time";
    case TomlValue::Type::array: return "array";
    case TomlValue::Type::table: return "table";
  }
  return "value";
}

std::vector<TomlEntry> parse_toml(std::string_view text) {
  try {
    ::toml::table table = ::toml::parse(text);
    return convert_table(table);
  } catch (const ::toml::parse_error& e) {
    throw TomlError(std::string(e.description()), static_cast<int>(e.source().begin.line),
                    static_cast<int>(e.source().begin.column));
  }
}

bool is_valid_timeout(std::string_view value) {
  std::size_t i = 0;
  while (i < value.size() && value[i] >= '0' && value[i] <= '9') ++i;
  if (i == 0) return false;
  std::string_view unit = util::trim(value.substr(i));
  return unit.empty() || unit == "ms" || unit == "s" || unit == "min" || unit == "h" || unit == "d";
}

std::chrono::milliseconds timeout_milliseconds(std::string_view value) {
  std::size_t i = 0;
  long long number = 0;
  for (; i < value.size() && value[i] >= '0' && value[i] <= '9'; ++i) number = number * 10 + (value[i] - '0');
  const std::string_view unit = util::trim(value.substr(i));
  const long long scale = unit == "s" ? 1000 : unit == "min" ? 60000 : unit == "h" ? 3600000 : unit == "d" ? 86400000 : 1;
  return std::chrono::milliseconds(number * scale);
}

}  // namespace migrate::toml

// Reading libpg_query's JSON parse tree (see postgres_tree.hpp), and which column defaults
// make PostgreSQL rewrite a table.
#include "lint/postgres_tree.hpp"

#include <algorithm>
#include <array>

namespace migrate::lint::pg {

namespace {

const Node& null_node() {
  static const Node null;
  return null;
}

// Functions that are not volatile (stable or immutable), as seen in column defaults. PostgreSQL
// (11 and later) evaluates such a default once, when the column is added, and stores the value
// in the catalog instead of writing it into every row. Any other function may be volatile
// (every user-defined function is, unless declared otherwise), so the row-by-row rewrite is
// assumed for it.
bool is_non_volatile_function(const Node& func_call) {
  static constexpr std::array<std::string_view, 22> known = {"now",
                                                             "transaction_timestamp",
                                                             "statement_timestamp",
                                                             "timezone",
                                                             "date_trunc",
                                                             "make_date",
                                                             "make_time",
                                                             "make_timestamp",
                                                             "make_timestamptz",
                                                             "make_interval",
                                                             "to_timestamp",
                                                             "to_date",
                                                             "to_char",
                                                             "lower",
                                                             "upper",
                                                             "btrim",
                                                             "concat",
                                                             "json_build_object",
                                                             "jsonb_build_object",
                                                             "json_build_array",
                                                             "jsonb_build_array",
                                                             "current_setting"};
  const auto& names = field(func_call, "funcname");
  if (!names.is_array() || names.empty()) return false;
  const std::string name = text(node_fields(names.back()), "sval");
  return std::find(known.begin(), known.end(), name) != known.end();
}

}  // namespace

const Node& field(const Node& node, std::string_view key) {
  if (!node.is_object()) return null_node();
  const auto found = node.find(key);
  return found == node.end() ? null_node() : *found;
}

std::string text(const Node& node, std::string_view key) {
  const auto& value = field(node, key);
  return value.is_string() ? value.get<std::string>() : std::string();
}

bool flag(const Node& node, std::string_view key) {
  const auto& value = field(node, key);
  return value.is_boolean() && value.get<bool>();
}

std::string_view node_type(const Node& node) {
  if (!node.is_object() || node.size() != 1) return {};
  return node.begin().key();
}

const Node& node_fields(const Node& node) {
  return node_type(node).empty() ? null_node() : node.begin().value();
}

std::string relation_name(const Node& range_var) {
  const auto schema = text(range_var, "schemaname");
  const auto name = text(range_var, "relname");
  return schema.empty() ? name : schema + "." + name;
}

std::string dotted_name(const Node& strings) {
  std::string name;
  if (!strings.is_array()) return name;
  for (const auto& part : strings) {
    if (!name.empty()) name += '.';
    name += text(node_fields(part), "sval");
  }
  return name;
}

std::string in_schema_of(std::string_view relation, std::string_view name) {
  const auto dot = relation.rfind('.');
  if (dot == std::string_view::npos || name.empty()) return std::string(name);
  return std::string(relation.substr(0, dot + 1)) + std::string(name);
}

bool is_volatile(const Node& expression) {
  if (expression.is_array())
    return std::any_of(expression.begin(), expression.end(), [](const Node& item) { return is_volatile(item); });
  if (!expression.is_object()) return false;
  for (const auto& [key, value] : expression.items()) {
    if (key == "FuncCall" && !is_non_volatile_function(value)) return true;
    if (is_volatile(value)) return true;
  }
  return false;
}

}  // namespace migrate::lint::pg

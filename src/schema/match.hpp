#pragma once
/// How two schema models' objects are paired by identity: shared by the comparison (diff.cpp)
/// and the change planner (changes*.cpp), so that what `drift` calls the same object is what
/// a plan alters instead of dropping and re-creating. Internal to src/schema.

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "schema/model.hpp"

namespace migrate::schema::match_detail {

/// A qualified name as the model orders it (name_key on both parts).
inline std::pair<std::string, std::string> name_pair(const Name& n, Dialect dialect) {
  return {name_key(n.schema, dialect), name_key(n.name, dialect)};
}

/// Unnamed constraints (SQLite) are identified by kind and columns, a check by its expression
/// too and a foreign key by the table it references (two keys on one column may reference two).
inline std::tuple<std::string, int, std::vector<std::string>, std::string> constraint_key(const Constraint& c,
                                                                                          Dialect dialect) {
  if (!c.name.empty()) return {name_key(c.name, dialect), -1, {}, ""};
  std::vector<std::string> columns;
  for (const auto& column : c.columns) columns.push_back(name_key(column, dialect));
  std::string what = c.kind == ConstraintKind::check ? c.expression : "";
  if (c.foreign_key) {
    const auto& parent = c.foreign_key->parent;
    what = name_key(parent.schema.empty() ? parent.name : parent.schema + "." + parent.name, dialect);
  }
  return {"", static_cast<int>(c.kind), columns, what};
}

/// Pairs the objects of two lists by key, in key order: (expected, actual), either null.
/// Objects that share a key (which only a catalog that keeps no names allows) pair in order.
template <typename T, typename KeyOf, typename Visit>
void match(const std::vector<T>& expected, const std::vector<T>& actual, KeyOf key_of, Visit visit) {
  std::map<std::invoke_result_t<KeyOf, const T&>, std::pair<std::vector<const T*>, std::vector<const T*>>> pairs;
  for (const auto& e : expected) pairs[key_of(e)].first.push_back(&e);
  for (const auto& a : actual) pairs[key_of(a)].second.push_back(&a);
  for (const auto& [key, sides] : pairs) {
    const auto& [in_expected, in_actual] = sides;
    for (std::size_t i = 0; i < std::max(in_expected.size(), in_actual.size()); ++i)
      visit(i < in_expected.size() ? in_expected[i] : nullptr, i < in_actual.size() ? in_actual[i] : nullptr);
  }
}

}  // namespace migrate::schema::match_detail

#pragma once
/// A small JSON value with a compact, deterministic serializer (object keys keep insertion
/// order, as the contract's examples list them). Header-only: no parsing, output only.

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace migrate::util {

class Json {
 public:
  using Array = std::vector<Json>;
  using Object = std::vector<std::pair<std::string, Json>>;

  Json() : m_value(nullptr) {}
  Json(std::nullptr_t) : m_value(nullptr) {}
  Json(bool b) : m_value(b) {}
  Json(int i) : m_value(static_cast<std::int64_t>(i)) {}
  Json(long i) : m_value(static_cast<std::int64_t>(i)) {}
  Json(long long i) : m_value(static_cast<std::int64_t>(i)) {}
  Json(const char* s) : m_value(std::string(s)) {}
  Json(std::string s) : m_value(std::move(s)) {}
  Json(std::string_view s) : m_value(std::string(s)) {}
  Json(Array a) : m_value(std::move(a)) {}
  Json(Object o) : m_value(std::move(o)) {}

  static Json array() { return Json(Array{}); }
  static Json object() { return Json(Object{}); }
  /// A string, or null when absent.
  static Json optional(const std::optional<std::string>& s) { return s ? Json(*s) : Json(); }
  static Json strings(const std::vector<std::string>& items) {
    Array a;
    a.reserve(items.size());
    for (const auto& s : items) a.emplace_back(s);
    return Json(std::move(a));
  }

  /// Appends to an array value.
  Json& push(Json v) & {
    std::get<Array>(m_value).push_back(std::move(v));
    return *this;
  }
  /// On a temporary (`Json::array().push(...)`) the chain moves its value along instead of
  /// copying it at the end: a document of nested objects is built in linear time.
  Json&& push(Json v) && { return std::move(push(std::move(v))); }
  /// Adds a key to an object value (no de-duplication: callers set each key once).
  Json& set(std::string key, Json v) & {
    std::get<Object>(m_value).emplace_back(std::move(key), std::move(v));
    return *this;
  }
  Json&& set(std::string key, Json v) && { return std::move(set(std::move(key), std::move(v))); }

  std::string dump() const {
    std::string out;
    write(out);
    return out;
  }

 private:
  void write(std::string& out) const {
    if (std::holds_alternative<std::nullptr_t>(m_value)) {
      out += "null";
    } else if (const bool* b = std::get_if<bool>(&m_value)) {
      out += *b ? "true" : "false";
    } else if (const std::int64_t* i = std::get_if<std::int64_t>(&m_value)) {
      out += std::to_string(*i);
    } else if (const std::string* s = std::get_if<std::string>(&m_value)) {
      write_string(out, *s);
    } else if (const Array* a = std::get_if<Array>(&m_value)) {
      out += '[';
      for (std::size_t k = 0; k < a->size(); ++k) {
        if (k) out += ", ";
        (*a)[k].write(out);
      }
      out += ']';
    } else {
      const Object& o = std::get<Object>(m_value);
      out += '{';
      for (std::size_t k = 0; k < o.size(); ++k) {
        if (k) out += ", ";
        write_string(out, o[k].first);
        out += ": ";
        o[k].second.write(out);
      }
      out += '}';
    }
  }

  static void write_string(std::string& out, std::string_view s) {
    out += '"';
    for (unsigned char c : s) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out += static_cast<char>(c);
          }
      }
    }
    out += '"';
  }

  std::variant<std::nullptr_t, bool, std::int64_t, std::string, Array, Object> m_value;
};

}  // namespace migrate::util

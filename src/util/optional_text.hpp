#pragma once
/// An optional string held behind one pointer: 8 bytes when unset, where std::optional of a
/// string takes 40 bytes whether set or not. For fields that most values leave unset and that
/// are kept by the ten thousand (a revision file's lock_timeout, statement_timeout). Reads as
/// std::optional<std::string> does.

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace migrate::util {

class OptionalText {
 public:
  OptionalText() = default;
  OptionalText(std::nullopt_t) {}                                           // NOLINT: as optional
  OptionalText(std::string text) : m_text(std::make_unique<std::string>(std::move(text))) {}  // NOLINT
  OptionalText(const char* text) : OptionalText(std::string(text)) {}      // NOLINT
  OptionalText(const std::optional<std::string>& text) {                   // NOLINT
    if (text) m_text = std::make_unique<std::string>(*text);
  }
  OptionalText(const OptionalText& other) : OptionalText(other.as_optional()) {}
  OptionalText(OptionalText&&) noexcept = default;
  OptionalText& operator=(OptionalText other) noexcept {
    m_text = std::move(other.m_text);
    return *this;
  }

  bool has_value() const { return m_text != nullptr; }
  explicit operator bool() const { return has_value(); }
  const std::string& operator*() const { return *m_text; }
  const std::string* operator->() const { return m_text.get(); }
  std::string value_or(std::string fallback) const { return m_text ? *m_text : std::move(fallback); }

  std::optional<std::string> as_optional() const { return m_text ? std::optional<std::string>(*m_text) : std::nullopt; }
  operator std::optional<std::string>() const { return as_optional(); }  // NOLINT: reads as one

  friend bool operator==(const OptionalText& a, const OptionalText& b) {
    return a.has_value() == b.has_value() && (!a.has_value() || *a == *b);
  }
  friend bool operator==(const OptionalText& a, std::string_view b) { return a.has_value() && *a == b; }
  friend bool operator==(const OptionalText& a, const char* b) { return a == std::string_view(b); }
  friend bool operator==(const OptionalText& a, const std::string& b) { return a == std::string_view(b); }
  friend bool operator==(const OptionalText& a, std::nullopt_t) { return !a.has_value(); }
  friend std::ostream& operator<<(std::ostream& out, const OptionalText& t) {
    return t ? out << '"' << *t << '"' : out << "(none)";
  }

 private:
  std::unique_ptr<std::string> m_text;
};

}  // namespace migrate::util

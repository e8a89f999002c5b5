#pragma once
/// A list that most values leave empty, held behind one pointer: 8 bytes and no heap block
/// while empty, where a std::vector takes 24 bytes whether empty or not. For lists kept by
/// the ten thousand and seldom filled (a revision's branch labels and dependencies). Reads as
/// the std::vector it holds, to which it converts.

#include <initializer_list>
#include <memory>
#include <ostream>
#include <utility>
#include <vector>

namespace migrate::util {

template <class T>
class CompactList {
 public:
  using value_type = T;
  using size_type = typename std::vector<T>::size_type;
  using iterator = typename std::vector<T>::iterator;
  using const_iterator = typename std::vector<T>::const_iterator;

  CompactList() = default;
  CompactList(std::vector<T> items) {  // NOLINT: implicit, as a vector is
    if (!items.empty()) m_items = std::make_unique<std::vector<T>>(std::move(items));
  }
  CompactList(std::initializer_list<T> items) : CompactList(std::vector<T>(items)) {}
  CompactList(const CompactList& other) : CompactList(other.items()) {}
  CompactList(CompactList&&) noexcept = default;
  CompactList& operator=(CompactList other) noexcept {
    m_items = std::move(other.m_items);
    return *this;
  }

  /// The items, as a vector (an empty one when there are none).
  const std::vector<T>& items() const { return m_items ? *m_items : none(); }
  operator const std::vector<T>&() const { return items(); }  // NOLINT: reads as one

  const_iterator begin() const { return items().begin(); }
  const_iterator end() const { return items().end(); }
  iterator begin() { return m_items ? m_items->begin() : iterator(); }
  iterator end() { return m_items ? m_items->end() : iterator(); }
  size_type size() const { return m_items ? m_items->size() : 0; }
  bool empty() const { return size() == 0; }
  const T& operator[](size_type i) const { return (*m_items)[i]; }
  const T& front() const { return m_items->front(); }
  const T& back() const { return m_items->back(); }

  void push_back(T item) { held().push_back(std::move(item)); }
  template <class... Args>
  T& emplace_back(Args&&... args) {
    return held().emplace_back(std::forward<Args>(args)...);
  }
  void reserve(size_type n) {
    if (n > 0) held().reserve(n);
  }
  void clear() { m_items.reset(); }

  friend bool operator==(const CompactList& a, const CompactList& b) { return a.items() == b.items(); }
  friend bool operator==(const CompactList& a, const std::vector<T>& b) { return a.items() == b; }

 private:
  static const std::vector<T>& none() {
    static const std::vector<T> empty;
    return empty;
  }
  std::vector<T>& held() {
    if (!m_items) m_items = std::make_unique<std::vector<T>>();
    return *m_items;
  }

  std::unique_ptr<std::vector<T>> m_items;
};

}  // namespace migrate::util

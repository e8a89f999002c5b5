#pragma once
/// Internal to graph/: a list of node indices that keeps up to two of them in place.
///
/// Almost every revision has one parent and one child, so the adjacency lists of the graph
/// hold one or two entries; a std::vector would spend a heap block (and 24 bytes) on each.
/// This keeps them inside the 16 bytes of the object and allocates only for longer lists.

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <new>

namespace migrate::graph::detail {

class SmallIds {
 public:
  using value_type = std::uint32_t;
  using const_iterator = const std::uint32_t*;

  SmallIds() = default;
  SmallIds(std::initializer_list<std::uint32_t> init) {
    for (auto x : init) push_back(x);
  }
  SmallIds(const SmallIds& o) { assign(o.begin(), o.end()); }
  SmallIds(SmallIds&& o) noexcept : m_size(o.m_size), m_capacity(o.m_capacity), m_u(o.m_u) {
    o.m_size = 0;  // the heap block, if any, is ours now
  }
  SmallIds& operator=(const SmallIds& o) {
    if (this != &o) assign(o.begin(), o.end());
    return *this;
  }
  SmallIds& operator=(SmallIds&& o) noexcept {
    if (this != &o) {
      release();
      m_size = o.m_size;
      m_capacity = o.m_capacity;
      m_u = o.m_u;
      o.m_size = 0;
    }
    return *this;
  }
  ~SmallIds() { release(); }

  const std::uint32_t* begin() const { return data(); }
  const std::uint32_t* end() const { return data() + m_size; }
  std::uint32_t size() const { return m_size; }
  bool empty() const { return m_size == 0; }
  std::uint32_t front() const { return data()[0]; }
  std::uint32_t operator[](std::uint32_t i) const { return data()[i]; }

  void push_back(std::uint32_t x) {
    if (m_size < k_inline) {
      m_u.local[m_size++] = x;
      return;
    }
    if (m_size == k_inline || m_size == m_capacity) grow(2 * m_size);
    m_u.heap[m_size++] = x;
  }

  template <typename It>
  void assign(It first, It last) {
    release();
    for (; first != last; ++first) push_back(*first);
  }

 private:
  static constexpr std::uint32_t k_inline = 2;

  /// The entries live on the heap exactly when there are more than fit in place.
  bool on_heap() const { return m_size > k_inline; }
  const std::uint32_t* data() const { return on_heap() ? m_u.heap : m_u.local; }

  /// Moves the entries to a heap block of `capacity` (called when the list is full).
  void grow(std::uint32_t capacity) {
    auto* block = static_cast<std::uint32_t*>(::operator new(capacity * sizeof(std::uint32_t)));
    std::memcpy(block, data(), m_size * sizeof(std::uint32_t));
    if (on_heap()) ::operator delete(m_u.heap);
    m_u.heap = block;
    m_capacity = capacity;
  }
  void release() {
    if (on_heap()) ::operator delete(m_u.heap);
    m_size = 0;
  }

  std::uint32_t m_size = 0;
  std::uint32_t m_capacity = 0;  ///< of the heap block; meaningful only on the heap
  union U {
    std::uint32_t local[k_inline];
    std::uint32_t* heap;
  } m_u{};
};

}  // namespace migrate::graph::detail

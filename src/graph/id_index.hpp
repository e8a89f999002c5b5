#pragma once
/// Internal to graph/: revision id -> position among the revisions, as an open-addressing
/// table of positions. A slot is 4 bytes and its key is read from the revision it names, so
/// at 10,000 revisions the table takes 64 KiB where an unordered_map of views takes 0.5 MB.

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace migrate::graph::detail {

/// `Item` has a string member `id`. The items must not move while the index is used (they
/// live in a vector sized once; moving the vector keeps its block where it is).
template <class Item>
class IdIndex {
 public:
  /// Empties the index, over `items`, with room for `count` ids without growing.
  void reset(const Item* items, std::size_t count) {
    m_items = items;
    m_size = 0;
    m_slots.assign(capacity_for(count), k_empty);
  }

  /// Adds items[pos] under its id. When the id is held already: the position holding it,
  /// and false (the index is unchanged).
  std::pair<std::uint32_t, bool> insert(std::uint32_t pos) {
    if (2 * (m_size + 1) > m_slots.size()) grow();
    const std::string_view id = m_items[pos].id;
    std::size_t slot = home(id);
    for (; m_slots[slot] != k_empty; slot = next(slot)) {
      if (m_items[m_slots[slot]].id == id) return {m_slots[slot], false};
    }
    m_slots[slot] = pos;
    ++m_size;
    return {pos, true};
  }

  std::optional<std::uint32_t> find(std::string_view id) const {
    if (m_slots.empty()) return std::nullopt;
    for (std::size_t slot = home(id); m_slots[slot] != k_empty; slot = next(slot)) {
      if (m_items[m_slots[slot]].id == id) return m_slots[slot];
    }
    return std::nullopt;
  }

  std::size_t size() const { return m_size; }

 private:
  static constexpr std::uint32_t k_empty = UINT32_MAX;

  // A power of two at least twice `count`: probes stay short at half full or less.
  static std::size_t capacity_for(std::size_t count) {
    std::size_t capacity = 16;
    while (capacity < 2 * count) capacity *= 2;
    return capacity;
  }
  std::size_t home(std::string_view id) const { return std::hash<std::string_view>{}(id) & (m_slots.size() - 1); }
  std::size_t next(std::size_t slot) const { return (slot + 1) & (m_slots.size() - 1); }

  void grow() {
    std::vector<std::uint32_t> old = std::move(m_slots);
    m_slots.assign(capacity_for(m_size + 1), k_empty);
    for (std::uint32_t pos : old) {
      if (pos == k_empty) continue;
      std::size_t slot = home(m_items[pos].id);
      while (m_slots[slot] != k_empty) slot = next(slot);
      m_slots[slot] = pos;
    }
  }

  const Item* m_items = nullptr;
  std::vector<std::uint32_t> m_slots;
  std::size_t m_size = 0;
};

}  // namespace migrate::graph::detail

// An index of positions in a vector the caller keeps (the ledger, the snapshot's employees),
// by a key those elements hold: one array of 32-bit positions, found by open addressing. For
// the reconcile's look-ups over 100,000 people and 150,000 grants, where a node-based map
// cost about 80 bytes an entry (12 MB for the held grants alone) and this costs 8 or fewer.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

namespace valtuus {

// What PositionIndex::find returns for a key it does not hold.
inline constexpr std::uint32_t kNoPosition = std::numeric_limits<std::uint32_t>::max();

// KeyOf(position) returns the key of the element at that position; Hash and Equal are the
// key's. Positions are below 2^32 - 1. No removal: the index lives as long as one reconcile.
template <class Key, class KeyOf, class Hash, class Equal = std::equal_to<>>
class PositionIndex {
 public:
  static constexpr std::uint32_t kNone = kNoPosition;

  explicit PositionIndex(KeyOf key_of, Hash hash = {}, Equal equal = {})
      : key_of_(std::move(key_of)), hash_(std::move(hash)), equal_(std::move(equal)) {}

  // Room for `count` positions without growing.
  void reserve(std::size_t count) {
    if (count * 2 > slots_.size()) rebuild(count * 2);
  }

  std::size_t size() const { return size_; }

  // The position stored for `key`, or kNone.
  std::uint32_t find(const Key& key) const {
    if (slots_.empty()) return kNone;
    for (std::size_t i = slot_of(key);; i = (i + 1) & mask()) {
      if (slots_[i] == kNone) return kNone;
      if (equal_(key_of_(slots_[i]), key)) return slots_[i];
    }
  }
  bool contains(const Key& key) const { return find(key) != kNone; }

  // Stores `position` under its key unless a position with an equal key is stored already.
  // Returns the stored position (which the caller may replace by another of the same key) and
  // whether `position` was added.
  std::pair<std::uint32_t*, bool> insert(std::uint32_t position) {
    if (position == kNone) throw std::length_error("PositionIndex: position out of range");
    if ((size_ + 1) * 2 > slots_.size()) rebuild(std::max<std::size_t>(16, slots_.size() * 2));
    const Key key = key_of_(position);
    std::size_t i = slot_of(key);
    for (; slots_[i] != kNone; i = (i + 1) & mask()) {
      if (equal_(key_of_(slots_[i]), key)) return {&slots_[i], false};
    }
    slots_[i] = position;
    ++size_;
    return {&slots_[i], true};
  }

  // Calls f(position) for every stored position, in no particular order.
  template <class F>
  void for_each(F&& f) const {
    for (const std::uint32_t position : slots_) {
      if (position != kNone) f(position);
    }
  }

 private:
  std::size_t mask() const { return slots_.size() - 1; }
  std::size_t slot_of(const Key& key) const {
    // Spread the hash so that its low bits, which pick the slot, depend on all of it.
    std::uint64_t h = static_cast<std::uint64_t>(hash_(key));
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return static_cast<std::size_t>(h) & mask();
  }
  // Slots for at least `wanted` (a power of two), the stored positions placed again.
  void rebuild(std::size_t wanted) {
    std::size_t capacity = 16;
    while (capacity < wanted) capacity *= 2;
    std::vector<std::uint32_t> old(capacity, kNone);
    old.swap(slots_);
    for (const std::uint32_t position : old) {
      if (position == kNone) continue;
      std::size_t i = slot_of(key_of_(position));
      while (slots_[i] != kNone) i = (i + 1) & mask();
      slots_[i] = position;
    }
  }

  KeyOf key_of_;
  Hash hash_;
  Equal equal_;
  std::vector<std::uint32_t> slots_;
  std::size_t size_ = 0;
};

}  // namespace valtuus

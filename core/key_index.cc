#include "core/key_index.h"

#include <functional>

namespace valtuus {

KeyIndex::KeyIndex(const std::vector<Employee>& employees) {
  usable_ = true;
  std::size_t capacity = 16;
  while (capacity < employees.size() * 2) capacity *= 2;
  slots_.assign(capacity, kEmpty);
  for (std::size_t i = 0; i < employees.size(); ++i) {
    if (find(employees, employees[i].key)) {
      usable_ = false;
      slots_.clear();
      size_ = 0;
      return;
    }
    place(employees, static_cast<std::uint32_t>(i));
  }
}

std::size_t KeyIndex::home(std::string_view key) const {
  return std::hash<std::string_view>{}(key) & (slots_.size() - 1);
}

std::optional<std::size_t> KeyIndex::find(const std::vector<Employee>& employees,
                                          std::string_view key) const {
  if (slots_.empty()) return std::nullopt;
  for (std::size_t s = home(key);; s = (s + 1) & (slots_.size() - 1)) {
    if (slots_[s] == kEmpty) return std::nullopt;
    if (employees[slots_[s]].key == key) return slots_[s];
  }
}

std::size_t KeyIndex::slot_of(std::string_view key, std::size_t position) const {
  for (std::size_t s = home(key);; s = (s + 1) & (slots_.size() - 1)) {
    if (slots_[s] == position) return s;
  }
}

void KeyIndex::place(const std::vector<Employee>& employees, std::uint32_t position) {
  std::size_t s = home(employees[position].key);
  while (slots_[s] != kEmpty) s = (s + 1) & (slots_.size() - 1);
  slots_[s] = position;
  ++size_;
}

void KeyIndex::grow(const std::vector<Employee>& employees) {
  std::vector<std::uint32_t> old = std::move(slots_);
  slots_.assign(old.size() * 2, kEmpty);
  size_ = 0;
  for (std::uint32_t position : old) {
    if (position != kEmpty) place(employees, position);
  }
}

void KeyIndex::add(const std::vector<Employee>& employees, std::size_t position) {
  if ((size_ + 1) * 2 > slots_.size()) grow(employees);
  place(employees, static_cast<std::uint32_t>(position));
}

void KeyIndex::remove(const std::vector<Employee>& employees, std::size_t position) {
  const std::size_t mask = slots_.size() - 1;
  std::size_t hole = slot_of(employees[position].key, position);
  // Backward shift: each later entry of the run that may not sit behind the hole moves into it.
  for (std::size_t s = (hole + 1) & mask; slots_[s] != kEmpty; s = (s + 1) & mask) {
    const std::size_t want = home(employees[slots_[s]].key);
    const bool stays = hole <= s ? (hole < want && want <= s) : (hole < want || want <= s);
    if (stays) continue;
    slots_[hole] = slots_[s];
    hole = s;
  }
  slots_[hole] = kEmpty;
  --size_;
}

void KeyIndex::moved(const std::vector<Employee>& employees, std::size_t from, std::size_t to) {
  slots_[slot_of(employees[to].key, from)] = static_cast<std::uint32_t>(to);
}

}  // namespace valtuus

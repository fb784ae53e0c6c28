// Where each employee of a snapshot is, by key: positions in Snapshot::employees in an
// open-addressing table (4 bytes a slot, at most half full: about 1 MB at 100,000 people), so
// that an incremental cycle finds the few people it changed without a pass over everyone. The
// table holds positions, not keys: every call is given the employees it indexes. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/employee.h"

namespace valtuus {

class KeyIndex {
 public:
  KeyIndex() = default;
  // Indexes every employee. A key found twice (overlapping bases) makes the index unusable
  // (usable() false): which of the two a change replaces is then the whole merge's to say.
  explicit KeyIndex(const std::vector<Employee>& employees);

  bool usable() const { return usable_; }
  std::size_t size() const { return size_; }

  std::optional<std::size_t> find(const std::vector<Employee>& employees,
                                  std::string_view key) const;
  // employees[position] was added; its key is not indexed yet.
  void add(const std::vector<Employee>& employees, std::size_t position);
  // Forgets the employee at `position` (still in `employees`, with its key).
  void remove(const std::vector<Employee>& employees, std::size_t position);
  // The employee indexed at `from` is now at `to` (same key).
  void moved(const std::vector<Employee>& employees, std::size_t from, std::size_t to);

 private:
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  std::size_t home(std::string_view key) const;
  // The slot that holds `position`, whose key is `key`.
  std::size_t slot_of(std::string_view key, std::size_t position) const;
  void place(const std::vector<Employee>& employees, std::uint32_t position);
  void grow(const std::vector<Employee>& employees);

  std::vector<std::uint32_t> slots_;
  std::size_t size_ = 0;
  bool usable_ = false;
};

}  // namespace valtuus

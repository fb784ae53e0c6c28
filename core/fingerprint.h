// A short stable digest of the source values an item came from. Not a security hash: it only
// tells whether the values that caused an item have changed since it was proposed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace valtuus {

// FNV-1a 64 over parts, each length-prefixed so that ("ab","c") and ("a","bc") differ.
class Fingerprinter {
 public:
  Fingerprinter& add(std::string_view part);
  Fingerprinter& add(std::uint64_t number);
  std::uint64_t value() const { return hash_; }
  std::string hex() const;  // 16 hex digits

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

std::string fingerprint(const std::vector<std::string_view>& parts);

}  // namespace valtuus

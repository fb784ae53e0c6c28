#include "core/fingerprint.h"

#include <cstdint>
#include <cstdio>

namespace valtuus {

namespace {

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

void mix(std::uint64_t& hash, unsigned char byte) {
  hash ^= byte;
  hash *= kFnvPrime;
}

}  // namespace

std::string fingerprint(const std::vector<std::string_view>& parts) {
  std::uint64_t hash = kFnvOffset;
  for (std::string_view part : parts) {
    std::uint64_t length = part.size();
    for (int i = 0; i < 8; ++i) mix(hash, static_cast<unsigned char>(length >> (8 * i)));
    for (char c : part) mix(hash, static_cast<unsigned char>(c));
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace valtuus

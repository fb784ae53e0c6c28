#include "core/fingerprint.h"

#include <cstdio>

namespace valtuus {

namespace {

constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

}  // namespace

Fingerprinter& Fingerprinter::add(std::uint64_t number) {
  for (int i = 0; i < 8; ++i) {
    hash_ ^= static_cast<unsigned char>(number >> (8 * i));
    hash_ *= kFnvPrime;
  }
  return *this;
}

Fingerprinter& Fingerprinter::add(std::string_view part) {
  add(static_cast<std::uint64_t>(part.size()));
  for (char c : part) {
    hash_ ^= static_cast<unsigned char>(c);
    hash_ *= kFnvPrime;
  }
  return *this;
}

std::string Fingerprinter::hex() const {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash_));
  return text;
}

std::string fingerprint(const std::vector<std::string_view>& parts) {
  Fingerprinter f;
  for (std::string_view part : parts) f.add(part);
  return f.hex();
}

}  // namespace valtuus

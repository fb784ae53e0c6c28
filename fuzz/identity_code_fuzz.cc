// libFuzzer target for the personal identity code validator and its masking. Any bytes must
// give a verdict, and neither the reason nor the mask may repeat the part of a code that is
// secret (the individual number and the check character).
//
//   identity_code_fuzz -max_len=64 corpus/ fuzz/corpus/identity_code_fuzz
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/identity_code.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view code(reinterpret_cast<const char*>(data), size);
  const valtuus::IdentityCodeCheck verdict = valtuus::check_identity_code(code);
  const std::string mask = valtuus::mask_identity_code(code);
  check(mask.size() == 11 && mask.substr(6) == std::string(1, mask[6]) + "****");
  if (verdict.valid) {
    check(verdict.reason.empty());
    check(code.size() == 11);
    check(mask.substr(0, 7) == code.substr(0, 7));
    const int number = (code[7] - '0') * 100 + (code[8] - '0') * 10 + (code[9] - '0');
    check(number >= 2 && number <= 999);
    check(verdict.temporary == (number >= 900));
  } else {
    check(!verdict.reason.empty());
    check(mask == "******-****");
    // The reason never quotes a code-shaped input (a near-miss is still personal data). Only
    // the whole input is looked for: short pieces of it may well occur in a fixed message
    // ("3 digits"), and six leading digits occur in none.
    const bool code_shaped =
        code.size() == 11 && code.substr(0, 6).find_first_not_of("0123456789") == code.npos;
    if (code_shaped) check(verdict.reason.find(code) == std::string::npos);
  }
  // Deterministic: the same bytes, the same verdict.
  const valtuus::IdentityCodeCheck again = valtuus::check_identity_code(code);
  check(again.valid == verdict.valid && again.reason == verdict.reason);
  return 0;
}

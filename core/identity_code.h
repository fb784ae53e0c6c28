// The Finnish personal identity code (henkilötunnus, HETU): validation and masking. Pure: no
// I/O. A code is sensitive personal data, so nothing here ever puts the code itself (or any
// part beyond what mask_identity_code keeps) into a message.
#pragma once

#include <string>
#include <string_view>

namespace valtuus {

struct IdentityCodeCheck {
  bool valid = false;
  bool temporary = false;  // individual number 900-999: a temporary code
  std::string reason;      // why it is invalid; empty when valid; never contains the code
};

// DDMMYYCNNNK: a real calendar date, the century sign C ('+' 1800s; '-' or Y X W V U 1900s;
// A B C D E F 2000s, the signs of the 2023 reform), the individual number NNN (002-899, or
// 900-999 for a temporary code) and the check character K: the number DDMMYYNNN modulo 31
// indexed into "0123456789ABCDEFHJKLMNPRSTUVWXY". Strict: no surrounding space, upper case.
IdentityCodeCheck check_identity_code(std::string_view code);

// "131052-****": the date and the century sign, the rest hidden. A code that is not valid
// is masked whole ("******-****"), since its parts cannot be trusted to be what they seem.
std::string mask_identity_code(std::string_view code);

}  // namespace valtuus

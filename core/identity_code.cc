#include "core/identity_code.h"

#include <array>
#include <chrono>

namespace valtuus {

namespace {

constexpr std::string_view kCheckCharacters = "0123456789ABCDEFHJKLMNPRSTUVWXY";
constexpr std::size_t kLength = 11;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The digits of code[from, from + count) as a number; -1 when any is not a digit.
long digits(std::string_view code, std::size_t from, std::size_t count) {
  long value = 0;
  for (std::size_t i = from; i < from + count; ++i) {
    if (!is_digit(code[i])) return -1;
    value = value * 10 + (code[i] - '0');
  }
  return value;
}

// The century of a sign, or 0 when the character is no century sign.
int century_of(char sign) {
  switch (sign) {
    case '+':
      return 1800;
    case '-':
    case 'Y':
    case 'X':
    case 'W':
    case 'V':
    case 'U':
      return 1900;
    case 'A':
    case 'B':
    case 'C':
    case 'D':
    case 'E':
    case 'F':
      return 2000;
    default:
      return 0;
  }
}

IdentityCodeCheck invalid(std::string reason) {
  return IdentityCodeCheck{false, false, std::move(reason)};
}

}  // namespace

IdentityCodeCheck check_identity_code(std::string_view code) {
  if (code.size() != kLength) {
    return invalid("must be 11 characters (DDMMYY, century sign, 3 digits, check character), not " +
                   std::to_string(code.size()));
  }
  const long day = digits(code, 0, 2);
  const long month = digits(code, 2, 2);
  const long year = digits(code, 4, 2);
  if (day < 0 || month < 0 || year < 0) return invalid("the date part must be 6 digits");
  const int century = century_of(code[6]);
  if (century == 0) return invalid("the 7th character is not a century sign (+ - Y X W V U A-F)");
  const std::chrono::year_month_day date{std::chrono::year{century + static_cast<int>(year)},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return invalid("the date part is not a calendar date");
  const long individual = digits(code, 7, 3);
  if (individual < 0) return invalid("the individual number must be 3 digits");
  if (individual < 2) return invalid("the individual number must be 002-999");
  const long number = ((day * 100 + month) * 100 + year) * 1000 + individual;
  if (code[10] != kCheckCharacters[static_cast<std::size_t>(number % 31)]) {
    return invalid("the check character does not match");
  }
  return IdentityCodeCheck{true, individual >= 900, {}};
}

std::string mask_identity_code(std::string_view code) {
  if (!check_identity_code(code).valid) return "******-****";
  return std::string(code.substr(0, 7)) + "****";
}

}  // namespace valtuus

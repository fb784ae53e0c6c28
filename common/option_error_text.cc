#include "common/option_error_text.h"

#include <map>

namespace valtuus {

namespace {

namespace po = boost::program_options;

// The texts an error quotes are protected members. A pointer to a protected member may be
// formed in a class derived from its owner, and then applied to any error of that type.
class QuotedTexts : public po::error_with_option_name {
 public:
  using Substitutions = std::map<std::string, std::string>;
  static Substitutions& of(po::error_with_option_name& error) {
    constexpr Substitutions po::error_with_option_name::*member = &QuotedTexts::m_substitutions;
    return error.*member;
  }
};

std::string percent_encoded(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%') {
      out += "%25";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string option_error_text(po::error& error) {
  if (auto* named = dynamic_cast<po::error_with_option_name*>(&error)) {
    for (auto& [placeholder, text] : QuotedTexts::of(*named)) text = percent_encoded(text);
  }
  return error.what();
}

}  // namespace valtuus

#include "common/option_error_text.h"

#include <boost/algorithm/string/replace.hpp>
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

}  // namespace

std::string option_error_text(po::error& error) {
  if (auto* named = dynamic_cast<po::error_with_option_name*>(&error)) {
    for (auto& [placeholder, text] : QuotedTexts::of(*named)) {
      boost::algorithm::replace_all(text, "%", "%25");
    }
  }
  return error.what();
}

}  // namespace valtuus

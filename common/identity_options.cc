#include "common/identity_options.h"

namespace po = boost::program_options;

namespace valtuus {

po::options_description identity_options_description() {
  po::options_description options("Personal identity codes");
  options.add_options()("identity.key_file", po::value<std::string>(),
                        "file holding the 32-byte key (raw, or 64 hex characters) that encrypts "
                        "stored identity codes; a relative name is looked up in "
                        "$CREDENTIALS_DIRECTORY first; empty: codes are not stored");
  return options;
}

IdentityOptions identity_options_from(const po::variables_map& vm) {
  IdentityOptions options;
  if (vm.count("identity.key_file")) options.key_file = vm["identity.key_file"].as<std::string>();
  return options;
}

}  // namespace valtuus

// Where the key that protects stored personal identity codes is: declared here because both
// programs need it (valtuusd encrypts, valtuusctl reveal decrypts).
#pragma once

#include <boost/program_options.hpp>
#include <string>

namespace valtuus {

struct IdentityOptions {
  // identity.key_file: 32 bytes, or 64 hexadecimal characters. Empty: identity codes are not
  // stored (the daemon) and cannot be revealed (valtuusctl).
  std::string key_file;
};

boost::program_options::options_description identity_options_description();
IdentityOptions identity_options_from(const boost::program_options::variables_map& vm);

}  // namespace valtuus

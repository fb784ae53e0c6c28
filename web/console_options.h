// The console's own options besides the server's: the directory groups that give its roles,
// session timeouts and the login rate limit (web.*).
#pragma once

#include <boost/program_options.hpp>

#include "web/console.h"

namespace valtuus {

boost::program_options::options_description console_options_description();

// Throws ConfigError naming the option.
ConsoleOptions console_options_from(const boost::program_options::variables_map& vm);

}  // namespace valtuus

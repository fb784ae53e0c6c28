// How to reach the database: options declared beside the code that uses them. Free of libpqxx,
// so that the programs (daemon/) can hold them without seeing the driver.
#pragma once

#include <boost/program_options.hpp>
#include <string>

namespace valtuus {

struct DatabaseOptions {
  // database.conninfo: libpq connection string or URI, e.g. "host=/run/postgresql dbname=valtuus".
  // Required. It must not contain a password: use database.password_file.
  std::string conninfo;
  // database.password_file: file holding the password, when the server asks for one.
  // Optional (peer or Kerberos authentication need none). Relative paths are looked up in
  // $CREDENTIALS_DIRECTORY first.
  std::string password_file;
};

boost::program_options::options_description database_options_description();

// Validates the options; throws ConfigError naming the option.
DatabaseOptions database_options_from(const boost::program_options::variables_map& vm);

// The conninfo with any password replaced by "***", safe to log.
std::string redact_conninfo(const std::string& conninfo);

}  // namespace valtuus

// Reads the options of a program from its command line, the environment (VALTUUS_SECTION_NAME)
// and one INI-style configuration file, in that order of precedence. Each part of the program
// declares its own options beside its code; this file only combines them.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace valtuus {

struct ConfigurationSources {
  // Options valid only on the command line (--help, --once, ...).
  boost::program_options::options_description command_line_only;
  // Options valid in the file, the environment and on the command line.
  boost::program_options::options_description shared;
  boost::program_options::positional_options_description positional;
  std::string default_config_file;               // used when --config is not given; may be missing
  bool allow_unregistered_command_line = false;  // valtuusctl passes subcommand words on
};

struct Configuration {
  boost::program_options::variables_map values;
  std::string config_file;                // the file read, empty when none
  std::vector<std::string> unrecognised;  // command-line words left for a subcommand
};

// Throws ConfigError with one line naming the file, option or value at fault.
// `--config FILE` must be declared in command_line_only by the caller.
Configuration read_configuration(int argc, const char* const argv[],
                                 const ConfigurationSources& sources);

// The effective settings, one "name = value" per line; options whose name ends in
// "password" or "secret" are shown as "(redacted)".
std::string print_configuration(const Configuration& config,
                                const boost::program_options::options_description& options);

}  // namespace valtuus

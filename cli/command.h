// What every valtuusctl subcommand gets, and how it is registered.
#pragma once

#include <boost/program_options.hpp>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "common/configuration.h"

namespace valtuus {

struct CommandContext {
  const Configuration& config;
  std::vector<std::string> args;  // the words after the command's name
  std::ostream& out;
};

struct Command {
  std::vector<std::string> path;  // e.g. {"changes", "list"}
  std::string summary;
  std::function<int(CommandContext&)> run;
};

// Parses a subcommand's own options from ctx.args; throws UsageError on unknown options.
boost::program_options::variables_map parse_command_options(
    const CommandContext& ctx, const boost::program_options::options_description& options,
    const boost::program_options::positional_options_description* positional = nullptr);

// A mistake on the command line: valtuusctl prints it with the usage and exits 64.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::vector<Command> db_commands();
std::vector<Command> changes_commands();
std::vector<Command> policy_commands();
std::vector<Command> review_commands();
std::vector<Command> identity_commands();
std::vector<Command> import_commands();
std::vector<Command> runs_commands();    // held sync runs: list, show, release, discard (#6)
std::vector<Command> report_commands();  // oversight reports (#7)
std::vector<Command> attest_commands();  // attestation against Suomi.fi's own list (#7)
std::vector<Command> outbox_commands();  // notification outbox (#8)

}  // namespace valtuus

// valtuusctl: the tool for mandate administrators, security and IT.
#include <iostream>

#include "cli/command.h"
#include "common/configuration.h"
#include "common/error_exit.h"
#include "common/exit_codes.h"
#include "common/log.h"
#include "config/valtuusd_file.h"
#include "connectors/postgres/postgres_options.h"
#include "connectors/postgres/store_errors.h"
#include "core/errors.h"

namespace po = boost::program_options;
using namespace valtuus;

namespace {

std::vector<Command> all_commands() {
  std::vector<Command> commands;
  for (auto group :
       {db_commands(), changes_commands(), show_commands(), decision_commands(), request_commands(),
        policy_commands(), reveal_commands(), import_commands(), runs_commands(), report_commands(),
        attest_commands(), outbox_commands(), audit_commands(), policy_publish_commands()})
    for (auto& command : group) commands.push_back(std::move(command));
  return commands;
}

void print_usage(std::ostream& out, const std::vector<Command>& commands,
                 const po::options_description& global) {
  out << "Usage: valtuusctl [--config FILE] COMMAND [options]\n\nCommands:\n";
  for (const Command& command : commands) {
    std::string name;
    for (const auto& word : command.path) name += (name.empty() ? "" : " ") + word;
    out << "  " << name << std::string(name.size() < 18 ? 18 - name.size() : 1, ' ')
        << command.summary << '\n';
  }
  out << '\n' << global << '\n';
}

// Finds the command whose path starts the words; returns nullptr when none does.
const Command* find_command(const std::vector<Command>& commands,
                            const std::vector<std::string>& words) {
  for (const Command& command : commands) {
    if (words.size() >= command.path.size() &&
        std::equal(command.path.begin(), command.path.end(), words.begin()))
      return &command;
  }
  return nullptr;
}

}  // namespace

int main(int argc, char* argv[]) {
  set_log_program("valtuusctl");
  ConfigurationSources sources;
  sources.command_line_only.add_options()("help,h", "show this help and exit")(
      "version", "show the version and exit")(
      "config,c", po::value<std::string>(),
      "configuration file (default /etc/valtuus/valtuusd.conf)");
  // valtuusd.conf is shared: accept every option valtuusd does, no more and no fewer.
  sources.shared.add(valtuusd_file_options());
  sources.default_config_file = "/etc/valtuus/valtuusd.conf";
  sources.allow_unregistered_command_line = true;
  const std::vector<Command> commands = all_commands();
  try {
    Configuration config = read_configuration(argc, argv, sources);
    if (config.values.count("version")) {
      std::cout << "valtuusctl " << VALTUUS_VERSION << '\n';
      return kExitOk;
    }
    const Command* command = find_command(commands, config.unrecognised);
    if (config.values.count("help") || config.unrecognised.empty()) {
      print_usage(std::cout, commands, sources.command_line_only);
      return config.values.count("help") ? kExitOk : kExitUsage;
    }
    if (command == nullptr) {
      std::cerr << "valtuusctl: unknown command '" << config.unrecognised.front()
                << "'; see valtuusctl --help\n";
      return kExitUsage;
    }
    CommandContext ctx{config,
                       {config.unrecognised.begin() + static_cast<long>(command->path.size()),
                        config.unrecognised.end()},
                       std::cout};
    // The store's interfaces already speak in core/errors.h kinds; this catches what a command
    // still reaches the connection for (the grant import store).
    return run_translating_store_errors([&] { return command->run(ctx); },
                                        [&] { return database_options_from(config.values); });
  } catch (const Refused& e) {
    // A refusal by the database (state machine, stale version, four eyes, privileges): its
    // own words, and for a missing grant the role the login needs.
    std::cerr << "valtuusctl: refused: " << e.what() << '\n';
    return kExitFailure;
  } catch (const UsageError& e) {
    std::cerr << "valtuusctl: " << e.what() << "; see valtuusctl --help\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    return log_error_exit(e);
  }
}

// valtuusctl: the tool for mandate administrators, security and IT.
#include <iostream>
#include <pqxx/pqxx>

#include "cli/command.h"
#include "common/configuration.h"
#include "common/error_exit.h"
#include "common/exit_codes.h"
#include "common/log.h"
#include "config/valtuusd_file.h"
#include "connectors/postgres/permission_hint.h"
#include "connectors/postgres/postgres_options.h"
#include "core/errors.h"

namespace po = boost::program_options;
using namespace valtuus;

namespace {

std::vector<Command> all_commands() {
  std::vector<Command> commands;
  for (auto group : {db_commands(), changes_commands(), review_commands(), policy_commands(),
                     identity_commands(), import_commands(), runs_commands(), report_commands(),
                     attest_commands(), outbox_commands(), audit_commands()})
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
    try {
      return command->run(ctx);
    } catch (const pqxx::insufficient_privilege& e) {
      // A missing grant: say which role the login needs (asked on a connection of its own, as
      // the command's own is gone with its transaction). A function's own refusal (four eyes)
      // is also 42501 and is printed as it is.
      std::unique_ptr<pqxx::connection> catalog;
      try {
        catalog = connect_database(database_options_from(config.values));
      } catch (const std::exception&) {
      }
      std::cerr << "valtuusctl: refused: " << explain_permission_denied(e.what(), catalog.get())
                << '\n';
      return kExitFailure;
    }
  } catch (const pqxx::broken_connection& e) {
    log_error(std::string("database connection lost: ") + e.what());
    return kExitTransient;
  } catch (const pqxx::failure& e) {
    // A refusal by the database (state machine, stale version, four eyes, privileges): its
    // own words, without libpq's decoration and context lines.
    std::string message = e.what();
    if (message.rfind("ERROR:", 0) == 0) message.erase(0, message.find_first_not_of(' ', 6));
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    std::cerr << "valtuusctl: refused: " << message.substr(0, message.find('\n')) << '\n';
    return kExitFailure;
  } catch (const UsageError& e) {
    std::cerr << "valtuusctl: " << e.what() << "; see valtuusctl --help\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    return log_error_exit(e);
  }
}

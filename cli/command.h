// What every valtuusctl subcommand gets, and how it is registered.
#pragma once

#include <boost/program_options.hpp>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "common/configuration.h"
#include "connectors/postgres/store_session.h"

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

// Connects with the configured database options and refuses a schema this build does not know.
std::unique_ptr<StoreSession> open_database(const CommandContext& ctx);

// The positive whole number in option `key` (e.g. a run or outbox row id); throws UsageError
// with `missing` when absent and "'TEXT' is not <what>" when it is not such a number.
long long positive_id_option(const boost::program_options::variables_map& values,
                             const std::string& key, const std::string& missing,
                             const std::string& what);

std::vector<Command> db_commands();
std::vector<Command> changes_commands();
std::vector<Command> policy_commands();
std::vector<Command> show_commands();            // show: an item's execution card
std::vector<Command> decision_commands();        // approve, reject, applied, done, failed
std::vector<Command> request_commands();         // request: the order form
std::vector<Command> reveal_commands();          // reveal: an identity code (audited)
std::vector<Command> policy_publish_commands();  // the maps as static HTML (pages/map_publish.h)
std::vector<Command> import_commands();
std::vector<Command> runs_commands();    // held sync runs: list, show, release, discard (#6)
std::vector<Command> report_commands();  // oversight reports (#7)
std::vector<Command> attest_commands();  // attestation against Suomi.fi's own list (#7)
std::vector<Command> outbox_commands();  // notification outbox (#8)
std::vector<Command> audit_commands();   // the audit trail: verify, anchor

}  // namespace valtuus

// valtuusctl request --account --mandate --why [--until]: the order form. A person asks for a
// mandate the maps do not give; the next sync proposes the grant and another person approves it.
#include <optional>

#include "cli/command.h"
#include "connectors/postgres/review.h"

namespace po = boost::program_options;

namespace valtuus {

namespace {

int request(CommandContext& ctx) {
  po::options_description options("request");
  options.add_options()("account", po::value<std::string>(), "the employee's account (required)")(
      "mandate", po::value<std::string>(), "the theme's catalog id (required)")(
      "why", po::value<std::string>(), "why the work needs it (required)")(
      "until", po::value<std::string>(), "needed until this date (YYYY-MM-DD)");
  const auto values = parse_command_options(ctx, options);
  for (const char* required : {"account", "mandate", "why"}) {
    if (!values.count(required) || values[required].as<std::string>().empty()) {
      throw UsageError(std::string("request needs --") + required);
    }
  }
  std::optional<std::string> until;
  if (values.count("until")) until = values["until"].as<std::string>();
  auto store = open_database(ctx);
  const long long id =
      create_request(*store, values["account"].as<std::string>(),
                     values["mandate"].as<std::string>(), values["why"].as<std::string>(), until);
  ctx.out << "order form " << id
          << " recorded; the next sync proposes the grant, and another person approves it\n";
  return 0;
}

}  // namespace

std::vector<Command> request_commands() {
  return {{{"request"}, "the order form: --account --mandate --why [--until]", request}};
}

}  // namespace valtuus

#include "cli/command.h"

#include "common/option_error_text.h"
#include "connectors/postgres/postgres_options.h"

namespace po = boost::program_options;

namespace valtuus {

po::variables_map parse_command_options(const CommandContext& ctx,
                                        const po::options_description& options,
                                        const po::positional_options_description* positional) {
  po::variables_map values;
  try {
    po::command_line_parser parser(ctx.args);
    parser.options(options);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), values);
    po::notify(values);
  } catch (po::error& e) {
    throw UsageError(option_error_text(e));
  }
  return values;
}

std::unique_ptr<StoreSession> open_database(const CommandContext& ctx) {
  return StoreSession::open(database_options_from(ctx.config.values));
}

long long positive_id_option(const po::variables_map& values, const std::string& key,
                             const std::string& missing, const std::string& what) {
  if (!values.count(key)) throw UsageError(missing);
  const std::string text = values[key].as<std::string>();
  std::size_t used = 0;
  long long id = 0;
  try {
    id = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || id <= 0) throw UsageError("'" + text + "' is not " + what);
  return id;
}

}  // namespace valtuus

#include "cli/command.h"

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
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return values;
}

}  // namespace valtuus

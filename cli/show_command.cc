// valtuusctl show ITEM...: the execution card of change items (cli/item_card.h): who, what,
// why, which path, and the exact steps to take in Suomi.fi.
#include "cli/command.h"
#include "cli/item_card.h"
#include "cli/item_ref.h"
#include "connectors/postgres/review.h"

namespace po = boost::program_options;

namespace valtuus {

namespace {

int show(CommandContext& ctx) {
  po::options_description options("show");
  options.add_options()("item", po::value<std::vector<std::string>>(), "ID or ID@VERSION");
  po::positional_options_description positional;
  positional.add("item", -1);
  const auto values = parse_command_options(ctx, options, &positional);
  std::vector<ItemRef> refs;
  if (values.count("item")) {
    for (const std::string& word : values["item"].as<std::vector<std::string>>())
      refs.push_back(parse_item_ref(word));
  }
  if (refs.empty()) throw UsageError("name at least one item: ID or ID@VERSION");
  auto store = open_database(ctx);
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (i) ctx.out << "\n----\n\n";
    print_item_card(ctx.out, load_item_detail(*store, refs[i].id));
  }
  return 0;
}

}  // namespace

std::vector<Command> show_commands() {
  return {{{"show"}, "the execution card of items: who, what, why, path, steps", show}};
}

}  // namespace valtuus

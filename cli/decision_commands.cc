// valtuusctl approve | reject | applied | done | failed ITEM...: the decisions of a mandate
// administrator on change items, all of one shape: the items (ID or ID@VERSION, the version the
// person saw), a verb's own options, one transaction for all of them (all, or none when one is
// refused), and "<verb> ID@VERSION" per item. The database's functions check the state machine
// and the version and stamp the person's login. One table below describes each verb.
#include <optional>

#include "cli/command.h"
#include "cli/item_ref.h"
#include "connectors/postgres/review.h"

namespace po = boost::program_options;

namespace valtuus {

namespace {

struct DecisionVerb {
  const char* name;     // the command, and the word printed before each item
  const char* printed;  // e.g. "rejected"
  const char* summary;
  std::optional<ItemDecision> decision;  // none: approve (all items in one statement)
  void (*add_options)(po::options_description& options);
  DecisionInput (*input)(const po::variables_map& values);  // throws UsageError
};

std::string required(const po::variables_map& values, const char* option, const char* verb) {
  if (!values.count(option)) {
    throw UsageError(std::string(verb) + " needs --" + option + " TEXT");
  }
  return values[option].as<std::string>();
}

std::optional<std::string> optional_text(const po::variables_map& values, const char* option) {
  if (!values.count(option)) return std::nullopt;
  return values[option].as<std::string>();
}

const DecisionVerb kVerbs[] = {
    {"approve", "approved", "approve items (ID or ID@VERSION ...), all or none", std::nullopt,
     [](po::options_description&) {}, [](const po::variables_map&) { return DecisionInput{}; }},
    {"reject", "rejected", "reject items with --reason; the change is not proposed again",
     ItemDecision::kReject,
     [](po::options_description& options) {
       options.add_options()("reason", po::value<std::string>(),
                             "why (required; shown to everyone)")(
           "until", po::value<std::string>(),
           "the exception holds until this date (YYYY-MM-DD); default: until the values "
           "change");
     },
     [](const po::variables_map& values) {
       DecisionInput input;
       input.text = required(values, "reason", "reject");
       input.until = optional_text(values, "until");
       return input;
     }},
    {"applied", "applied", "path 2: the application was sent to DVV", ItemDecision::kApplied,
     [](po::options_description& options) {
       options.add_options()("note", po::value<std::string>()->default_value(""),
                             "e.g. DVV's reference of the application");
     },
     [](const po::variables_map& values) {
       DecisionInput input;
       input.text = values["note"].as<std::string>();
       return input;
     }},
    {"done", "done", "record that the items were executed in Suomi.fi", ItemDecision::kDone,
     [](po::options_description& options) {
       options.add_options()("executed-at", po::value<std::string>(),
                             "when it was done in Suomi.fi (default: now), e.g. '2026-11-24 "
                             "14:05'")(
           "valid-until", po::value<std::string>(),
           "the mandate's end date as set in Suomi.fi (default: the theme's validity)")(
           "note", po::value<std::string>()->default_value(""), "anything worth keeping");
     },
     [](const po::variables_map& values) {
       DecisionInput input;
       input.executed_at = optional_text(values, "executed-at");
       input.valid_until = optional_text(values, "valid-until");
       input.text = values["note"].as<std::string>();
       return input;
     }},
    {"failed", "failed", "record that executing the items failed, with --reason",
     ItemDecision::kFailed,
     [](po::options_description& options) {
       options.add_options()("reason", po::value<std::string>(), "what went wrong (required)");
     },
     [](const po::variables_map& values) {
       DecisionInput input;
       input.text = required(values, "reason", "failed");
       return input;
     }},
};

int decide(CommandContext& ctx, const DecisionVerb& verb) {
  po::options_description options(verb.name);
  options.add_options()("item", po::value<std::vector<std::string>>(), "ID or ID@VERSION");
  verb.add_options(options);
  po::positional_options_description positional;
  positional.add("item", -1);
  const auto values = parse_command_options(ctx, options, &positional);
  const DecisionInput input = verb.input(values);
  std::vector<ItemVersion> items;
  if (values.count("item")) {
    for (const std::string& word : values["item"].as<std::vector<std::string>>()) {
      const ItemRef ref = parse_item_ref(word);
      items.push_back({ref.id, ref.version});
    }
  }
  if (items.empty()) throw UsageError("name at least one item: ID or ID@VERSION");
  auto store = open_database(ctx);
  const auto decided = verb.decision ? decide_items(*store, *verb.decision, items, input)
                                     : approve_items(*store, items);
  for (const auto& [id, version] : decided)
    ctx.out << verb.printed << " " << id << "@" << version << '\n';
  return 0;
}

}  // namespace

std::vector<Command> decision_commands() {
  std::vector<Command> commands;
  for (const DecisionVerb& verb : kVerbs) {
    commands.push_back(
        {{verb.name}, verb.summary, [&verb](CommandContext& ctx) { return decide(ctx, verb); }});
  }
  return commands;
}

}  // namespace valtuus

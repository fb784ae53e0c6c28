// valtuusctl show | approve | reject | applied | done | failed | request: the decisions of a
// mandate administrator. Each goes through the database's own functions, which check the
// state machine and the version the person saw and stamp the person's database login.
#include <optional>
#include <pqxx/pqxx>

#include "cli/command.h"
#include "cli/item_card.h"
#include "cli/item_ref.h"
#include "connectors/postgres/decisions.h"
#include "connectors/postgres/item_detail.h"
#include "connectors/postgres/migrations.h"
#include "connectors/postgres/postgres_options.h"

namespace po = boost::program_options;

namespace valtuus {

namespace {

std::optional<int> version_of(const ItemRef& ref) {
  return ref.version;
}

// Words after the command that are item references.
std::vector<ItemRef> item_refs(const po::variables_map& values) {
  std::vector<ItemRef> refs;
  if (values.count("item")) {
    for (const std::string& word : values["item"].as<std::vector<std::string>>())
      refs.push_back(parse_item_ref(word));
  }
  if (refs.empty()) throw UsageError("name at least one item: ID or ID@VERSION");
  return refs;
}

po::positional_options_description items_positional() {
  po::positional_options_description positional;
  positional.add("item", -1);
  return positional;
}

po::options_description item_options(const char* caption) {
  po::options_description options(caption);
  options.add_options()("item", po::value<std::vector<std::string>>(), "ID or ID@VERSION");
  return options;
}

int show(CommandContext& ctx) {
  const auto positional = items_positional();
  const auto refs = item_refs(parse_command_options(ctx, item_options("show"), &positional));
  auto connection = open_database(ctx);
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (i) ctx.out << "\n----\n\n";
    print_item_card(ctx.out, load_item_detail(*connection, refs[i].id));
  }
  return 0;
}

// Runs one decision per item in one transaction: all of them, or none when one is refused.
int decide_all(CommandContext& ctx, const std::vector<ItemRef>& refs, const std::string& verb,
               const std::function<int(pqxx::work&, const ItemRef&)>& decide) {
  auto connection = open_database(ctx);
  pqxx::work txn(*connection);
  std::vector<std::pair<long long, int>> done;
  for (const ItemRef& ref : refs) done.emplace_back(ref.id, decide(txn, ref));
  txn.commit();
  for (const auto& [id, version] : done) ctx.out << verb << " " << id << "@" << version << '\n';
  return 0;
}

int approve(CommandContext& ctx) {
  const auto positional = items_positional();
  const auto refs = item_refs(parse_command_options(ctx, item_options("approve"), &positional));
  std::vector<ItemVersion> items;
  for (const ItemRef& ref : refs) items.push_back({ref.id, ref.version});
  auto connection = open_database(ctx);
  pqxx::work txn(*connection);
  const auto approved = approve_items(txn, items);  // all in one statement, all or none
  txn.commit();
  for (const auto& [id, version] : approved) ctx.out << "approved " << id << "@" << version << '\n';
  return 0;
}

int reject(CommandContext& ctx) {
  po::options_description options = item_options("reject");
  options.add_options()("reason", po::value<std::string>(), "why (required; shown to everyone)")(
      "until", po::value<std::string>(),
      "the exception holds until this date (YYYY-MM-DD); default: until the values change");
  const auto positional = items_positional();
  const auto values = parse_command_options(ctx, options, &positional);
  if (!values.count("reason")) throw UsageError("reject needs --reason TEXT");
  const std::string reason = values["reason"].as<std::string>();
  std::optional<std::string> until;
  if (values.count("until")) until = values["until"].as<std::string>();
  return decide_all(ctx, item_refs(values), "rejected", [&](pqxx::work& txn, const ItemRef& ref) {
    return txn
        .exec_params1("SELECT reject_item($1, $2, $3, $4::date)", ref.id, version_of(ref), reason,
                      until)[0]
        .as<int>();
  });
}

int applied(CommandContext& ctx) {
  po::options_description options = item_options("applied");
  options.add_options()("note", po::value<std::string>()->default_value(""),
                        "e.g. DVV's reference of the application");
  const auto positional = items_positional();
  const auto values = parse_command_options(ctx, options, &positional);
  const std::string note = values["note"].as<std::string>();
  return decide_all(ctx, item_refs(values), "applied", [&](pqxx::work& txn, const ItemRef& ref) {
    return txn
        .exec_params1("SELECT mark_item_applied($1, $2, $3)", ref.id, version_of(ref), note)[0]
        .as<int>();
  });
}

int done(CommandContext& ctx) {
  po::options_description options = item_options("done");
  options.add_options()("executed-at", po::value<std::string>(),
                        "when it was done in Suomi.fi (default: now), e.g. '2026-11-24 14:05'")(
      "valid-until", po::value<std::string>(),
      "the mandate's end date as set in Suomi.fi (default: the theme's validity)")(
      "note", po::value<std::string>()->default_value(""), "anything worth keeping");
  const auto positional = items_positional();
  const auto values = parse_command_options(ctx, options, &positional);
  std::optional<std::string> executed_at, valid_until;
  if (values.count("executed-at")) executed_at = values["executed-at"].as<std::string>();
  if (values.count("valid-until")) valid_until = values["valid-until"].as<std::string>();
  const std::string note = values["note"].as<std::string>();
  return decide_all(ctx, item_refs(values), "done", [&](pqxx::work& txn, const ItemRef& ref) {
    return txn
        .exec_params1("SELECT mark_item_done($1, $2, $3::timestamptz, $4::date, $5)", ref.id,
                      version_of(ref), executed_at, valid_until, note)[0]
        .as<int>();
  });
}

int failed(CommandContext& ctx) {
  po::options_description options = item_options("failed");
  options.add_options()("reason", po::value<std::string>(), "what went wrong (required)");
  const auto positional = items_positional();
  const auto values = parse_command_options(ctx, options, &positional);
  if (!values.count("reason")) throw UsageError("failed needs --reason TEXT");
  const std::string reason = values["reason"].as<std::string>();
  return decide_all(ctx, item_refs(values), "failed", [&](pqxx::work& txn, const ItemRef& ref) {
    return txn
        .exec_params1("SELECT mark_item_failed($1, $2, $3)", ref.id, version_of(ref), reason)[0]
        .as<int>();
  });
}

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
  auto connection = open_database(ctx);
  pqxx::work txn(*connection);
  const long long id =
      txn.exec_params1("SELECT create_request($1, $2, $3, $4::date)",
                       values["account"].as<std::string>(), values["mandate"].as<std::string>(),
                       values["why"].as<std::string>(), until)[0]
          .as<long long>();
  txn.commit();
  ctx.out << "order form " << id
          << " recorded; the next sync proposes the grant, and another person approves it\n";
  return 0;
}

}  // namespace

std::vector<Command> review_commands() {
  return {
      {{"show"}, "the execution card of items: who, what, why, path, steps", show},
      {{"approve"}, "approve items (ID or ID@VERSION ...), all or none", approve},
      {{"reject"}, "reject items with --reason; the change is not proposed again", reject},
      {{"applied"}, "path 2: the application was sent to DVV", applied},
      {{"done"}, "record that the items were executed in Suomi.fi", done},
      {{"failed"}, "record that executing the items failed, with --reason", failed},
      {{"request"}, "the order form: --account --mandate --why [--until]", request},
  };
}

}  // namespace valtuus

// valtuusctl changes ...: what mandate administrators review.
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/table.h"
#include "connectors/postgres/review.h"
#include "core/change_item.h"

namespace po = boost::program_options;

namespace valtuus {

namespace {

nlohmann::json item_json(const ItemRow& row) {
  return {{"id", row.id},
          {"run_id", row.run_id},
          {"kind", row.kind},
          {"state", row.state},
          {"version", row.version},
          {"account", row.account},
          {"name", row.display_name},
          {"department", row.department},
          {"title", row.title},
          {"mandate", row.mandate},
          {"mandate_name_fi", row.mandate_name_fi},
          {"service", row.service},
          {"reason", row.reason},
          {"map", row.map_id},
          {"rule", row.rule},
          {"waits_for_org_apply", row.waits_for_org_apply},
          {"created_at", row.created_at},
          {"age_days", row.age_days}};
}

Table item_table(const std::vector<ItemRow>& rows) {
  Table table;
  table.header = {"ID",    "KIND",    "STATE",   "ACCOUNT", "NAME", "DEPARTMENT",
                  "TITLE", "MANDATE", "SERVICE", "AGE",     "WHY"};
  for (const ItemRow& row : rows) {
    std::string kind = row.kind + (row.waits_for_org_apply ? " (after org_apply)" : "");
    table.rows.push_back({std::to_string(row.id), kind, row.state,
                          row.account.empty() ? "(organisation)" : row.account, row.display_name,
                          row.department, row.title, row.mandate, row.service,
                          std::to_string(row.age_days) + "d", row.reason});
  }
  return table;
}

int changes_list(CommandContext& ctx) {
  po::options_description options("changes list");
  options.add_options()("format", po::value<std::string>()->default_value("table"),
                        "table, csv or json")(
      "state", po::value<std::vector<std::string>>()->multitoken(),
      "only items in these states (default: the open ones: proposed, approved, applied)")(
      "kind", po::value<std::string>(),
      "only items of this kind (grant, org_apply, revoke, renew)")(
      "department", po::value<std::string>(), "only people of this department")(
      "mandate", po::value<std::string>(), "only items of this theme (catalog id)")(
      "older-than", po::value<int>(), "only items at least this many days old");
  const auto values = parse_command_options(ctx, options);
  const std::string format = values["format"].as<std::string>();
  if (format != "table" && format != "csv" && format != "json") {
    throw UsageError("--format: '" + format + "' is not one of table, csv, json");
  }
  ItemFilter filter;
  if (values.count("state")) {
    filter.states = values["state"].as<std::vector<std::string>>();
    for (const auto& state : filter.states) {
      if (!item_state_from_string(state))
        throw UsageError("--state: unknown state '" + state + "'");
    }
  }
  if (values.count("kind")) {
    filter.kind = values["kind"].as<std::string>();
    if (!change_kind_from_string(*filter.kind)) {
      throw UsageError("--kind: unknown kind '" + *filter.kind + "'");
    }
  }
  if (values.count("department")) filter.department = values["department"].as<std::string>();
  if (values.count("mandate")) filter.mandate = values["mandate"].as<std::string>();
  if (values.count("older-than")) {
    filter.older_than_days = values["older-than"].as<int>();
    if (*filter.older_than_days < 0) throw UsageError("--older-than: days cannot be negative");
  }
  auto store = open_database(ctx);
  const std::vector<ItemRow> rows = list_items(*store, filter);
  if (format == "json") {
    nlohmann::json array = nlohmann::json::array();
    for (const ItemRow& row : rows) array.push_back(item_json(row));
    ctx.out << array.dump(2) << '\n';
  } else if (format == "csv") {
    Table table = item_table(rows);
    print_csv(ctx.out, table);
  } else if (rows.empty()) {
    ctx.out << "No pending changes.\n";
  } else {
    print_text(ctx.out, item_table(rows));
    ctx.out << rows.size()
            << " item(s). Full reasons and rules: valtuusctl changes list --format json\n";
  }
  return 0;
}

}  // namespace

std::vector<Command> changes_commands() {
  return {{{"changes", "list"}, "list change items (open ones by default)", changes_list}};
}

}  // namespace valtuus

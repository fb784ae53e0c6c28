#include "connectors/postgres/item_writer.h"

#include <nlohmann/json.hpp>
#include <tuple>

namespace valtuus {

namespace {

const std::vector<std::string> kColumns{
    "run_id",       "kind",        "mandate_id", "reason",      "map_id",
    "policy_file",  "policy_line", "matched",    "fingerprint", "waits_for_org_apply",
    "employee_key", "request_id",  "state"};

std::string matched_json(const Provenance& provenance) {
  nlohmann::json matched = nlohmann::json::array();
  for (const auto& [attribute, value] : provenance.matched) {
    matched.push_back({{"attribute", attribute}, {"value", value}});
  }
  return matched.dump();
}

// COPY rows are typed tuples; a NULL is a std::nullptr_t element, so each combination of the
// two nullable columns (employee_key, request_id) has its own tuple shape.
void copy_item(pqxx::stream_to& stream, long long run_id, const ProposedItem& item,
               const std::string& state) {
  auto common =
      std::make_tuple(run_id, to_string(item.kind), item.mandate, item.reason,
                      item.provenance.map_id, item.provenance.rule.file, item.provenance.rule.line,
                      matched_json(item.provenance), item.fingerprint, item.waits_for_org_apply);
  if (item.employee_key.empty()) {  // org_apply: the organisation, no person
    stream << std::tuple_cat(common, std::make_tuple(nullptr, nullptr, state));
  } else if (item.provenance.map_id.rfind("request:", 0) == 0) {
    // An order form's grant keeps its request, so that four eyes apply to it.
    stream << std::tuple_cat(
        common,
        std::make_tuple(item.employee_key, std::stoll(item.provenance.map_id.substr(8)), state));
  } else {
    stream << std::tuple_cat(common, std::make_tuple(item.employee_key, nullptr, state));
  }
}

}  // namespace

void write_plan_items(pqxx::work& txn, long long run_id, const Plan& plan,
                      ItemState initial_state) {
  for (long long id : plan.supersede) {
    // Through the database's own function: the daemon may supersede, never decide.
    txn.exec_params("SELECT supersede_item($1, $2)", id, run_id);
  }
  if (plan.add.empty()) return;
  const std::string state = to_string(initial_state);
  pqxx::stream_to stream(txn, "change_item", kColumns);
  for (const ProposedItem& item : plan.add) copy_item(stream, run_id, item, state);
  stream.complete();
}

}  // namespace valtuus

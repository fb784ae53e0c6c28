#include "connectors/postgres/item_writer.h"

#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "connectors/postgres/matched_json.h"
#include "connectors/postgres/pg_arrays.h"
#include "connectors/postgres/pg_stage.h"

namespace valtuus {

namespace {

// The columns of change_item a run decides, in the order of copy_item's tuples; `ord` keeps
// the plan's order (the item ids follow it).
constexpr const char* kStageColumns =
    "ord bigint, kind text, mandate_id text, reason text, map_id text, policy_file text, "
    "policy_line integer, matched text, fingerprint text, waits_for_org_apply boolean, "
    "employee_key text, request_id bigint";

// COPY rows are typed tuples; a NULL is a std::nullptr_t element, so each combination of the
// two nullable columns (employee_key, request_id) has its own tuple shape. The tuples refer to
// the item's strings rather than copy them (twice, with tuple_cat): 25,000 items a first sync.
void copy_item(pqxx::stream_to& stream, long long ord, const ProposedItem& item) {
  const std::string kind = to_string(item.kind);
  const std::string matched = matched_json(item.provenance);
  const auto common = std::forward_as_tuple(
      ord, kind, item.mandate, item.reason, item.provenance.map_id, item.provenance.rule.file,
      item.provenance.rule.line, matched, item.fingerprint, item.waits_for_org_apply);
  if (item.employee_key.empty()) {  // org_apply: the organisation, no person
    stream << std::tuple_cat(common, std::make_tuple(nullptr, nullptr));
  } else if (item.provenance.map_id.rfind("request:", 0) == 0) {
    // An order form's grant keeps its request, so that four eyes apply to it.
    const long long request = std::stoll(item.provenance.map_id.substr(8));
    stream << std::tuple_cat(common, std::forward_as_tuple(item.employee_key, request));
  } else {
    stream << std::tuple_cat(common, std::make_tuple(std::cref(item.employee_key), nullptr));
  }
}

}  // namespace

void write_plan_items(pqxx::work& txn, long long run_id, const Plan& plan,
                      ItemState initial_state) {
  if (!plan.supersede.empty()) {
    // Through supersede_item(): the daemon may supersede, never decide.
    std::vector<long long> ids(plan.supersede.begin(), plan.supersede.end());
    txn.exec_params1("SELECT sync_supersede_items($1, $2::bigint[])", run_id,
                     number_array_literal(ids));
  }
  if (plan.add.empty()) return;
  create_stage(txn, "item_stage", kStageColumns);
  {
    pqxx::stream_to stream(txn, "item_stage");
    long long ord = 0;
    for (const ProposedItem& item : plan.add) copy_item(stream, ++ord, item);
    stream.complete();
  }
  txn.exec_params1("SELECT sync_add_items($1, $2)", run_id, to_string(initial_state));
}

}  // namespace valtuus

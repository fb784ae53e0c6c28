#include "connectors/postgres/report_policy.h"
#include "connectors/postgres/item_states.h"

#include <string>

#include "connectors/postgres/pg_arrays.h"
#include "core/errors.h"
#include "core/grant_import.h"

namespace valtuus {

namespace {

TimePoint from_epoch(long long seconds) {
  return TimePoint{std::chrono::seconds{seconds}};
}

std::optional<std::chrono::sys_days> optional_day(const pqxx::field& field, const char* what) {
  if (field.is_null()) return std::nullopt;
  const std::string text = field.as<std::string>();
  const auto day = parse_iso_date(text);
  if (!day) throw DataError(std::string(what) + ": '" + text + "' is not a date");
  return std::chrono::sys_days{*day};
}

template <typename T>
T known(const std::optional<T>& value, const char* what, const std::string& text) {
  if (!value) throw DataError(std::string(what) + ": unknown value '" + text + "'");
  return *value;
}

}  // namespace

OversightView load_oversight_view(pqxx::transaction_base& txn, TimePoint now) {
  OversightView view;
  view.now = now;
  for (const auto& r : txn.exec("SELECT key, account, display_name, department, title, ou, "
                                "  groups, status, extract(epoch FROM role_changed_at)::bigint "
                                "FROM employee")) {
    OversightPerson p;
    p.key = r[0].as<std::string>();
    p.account = r[1].as<std::string>();
    p.name = r[2].as<std::string>();
    p.department = r[3].as<std::string>();
    p.title = r[4].as<std::string>();
    p.ou = r[5].as<std::string>();
    p.groups = parse_text_array(r[6].as<std::string>());
    const std::string status = r[7].as<std::string>();
    p.standing = known(standing_from_string(status), "employee.status", status);
    p.role_changed_at = from_epoch(r[8].as<long long>());
    view.people.emplace(p.key, std::move(p));
  }
  const auto today = view.today();
  for (const auto& r :
       txn.exec("SELECT employee_key, mandate_id, valid_from::text, valid_until::text, "
                "  extract(epoch FROM recorded_at)::bigint FROM grant_ledger "
                "WHERE revoked_at IS NULL ORDER BY employee_key, mandate_id")) {
    OversightGrant g{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                     optional_day(r[3], "grant_ledger.valid_until"),
                     from_epoch(r[4].as<long long>())};
    if (in_force(g.valid_until, today)) view.grants.push_back(std::move(g));
  }
  for (const auto& r :
       txn.exec("SELECT id, kind, state, coalesce(employee_key, ''), mandate_id FROM change_item "
                "WHERE state IN " +
                open_states_sql() + " ORDER BY id")) {
    const std::string kind = r[1].as<std::string>(), state = r[2].as<std::string>();
    view.open_items.push_back({r[0].as<long long>(),
                               known(change_kind_from_string(kind), "change_item.kind", kind),
                               known(item_state_from_string(state), "change_item.state", state),
                               r[3].as<std::string>(), r[4].as<std::string>()});
  }
  // The order forms reconcile() counts: pending or approved; the needs rule drops ended ones.
  for (const auto& r : txn.exec("SELECT id, employee_key, mandate_id, why, valid_until::text "
                                "FROM manual_request WHERE state IN ('pending', 'approved') "
                                "ORDER BY id")) {
    ManualRequest request;
    request.id = r[0].as<long long>();
    request.employee_key = r[1].as<std::string>();
    request.mandate = r[2].as<std::string>();
    request.why = r[3].as<std::string>();
    request.until = optional_day(r[4], "manual_request.valid_until");
    view.requests.push_back(std::move(request));
  }
  for (const auto& r : txn.exec("SELECT mandate_id FROM organisation_holding"))
    view.organisation_rights.insert(r[0].as<std::string>());
  return view;
}

}  // namespace valtuus
